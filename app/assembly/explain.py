"""Why a spec has no form, and the smallest changes that would give it one.

The elastic model: every requirement row gets slack columns (``row + s⁻ ≥ lb``,
``row − s⁺ ≤ ub``) with a penalty per unit (one unit ≈ one item; sums are scaled by a typical
item's weight), and HiGHS minimises the total penalty. The requirements whose slack is positive
are the ones to relax, and the slack-minimising form shows by how much. For each of them the
model is solved again with that requirement held firm: whatever must give way instead is the
alternative fix, and together they name the requirements that conflict.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse

from app.assembly.model import MipModel, ModelOptions, build_model
from app.assembly.phrasing import Fix, describe
from app.assembly.solve import MipResult, SolveOptions, solve_mip
from app.assembly.spec import Enemies, Exclude, Include, Spec, SumBound

_MAX_ALTERNATIVES = 4  # relaxed requirements explained in detail
_CHAIN = 3  # alternatives per relaxed requirement


@dataclass(frozen=True)
class Alternative:
    """Keep the requirements ``keep`` exactly as they are and make ``changes`` instead."""

    keep: tuple[str, ...]
    changes: tuple[Fix, ...]

    def text(self) -> str:
        """``keep C7 and <changes>``."""
        return f"keep {' and '.join(self.keep)} and " + " and ".join(f.text for f in self.changes)

    def to_dict(self) -> dict:
        return {"keep": list(self.keep), "changes": [f.to_dict() for f in self.changes]}


@dataclass(frozen=True)
class Conflict:
    """One requirement that cannot be met as stated.

    ``fix`` relaxes it. Each alternative keeps it (and the requirements of the previous
    alternatives) as stated and changes others instead; the requirements those alternatives
    change are its ``partners``: the ones it conflicts with.
    """

    cid: str
    name: str
    problem: str
    partners: tuple[str, ...]
    fix: Fix
    alternatives: tuple[Alternative, ...]

    def text(self) -> str:
        """``problem: fix, or keep it and <alternative>, or …`` as one sentence."""
        options = [self.fix.text, *(a.text() for a in self.alternatives)]
        return f"{self.problem}: {', or '.join(options)}."

    def to_dict(self) -> dict:
        return {"constraint": self.cid, "name": self.name, "problem": self.problem,
                "conflicts_with": list(self.partners), "fix": self.fix.to_dict(),
                "alternatives": [a.to_dict() for a in self.alternatives], "text": self.text()}


@dataclass(frozen=True)
class Explanation:
    """A structured, person-readable account of an infeasible request.

    ``relaxation`` is the smallest set of changes that together make a form possible.
    """

    summary: str
    relaxation: tuple[Fix, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def constraint_ids(self) -> list[str]:
        """IDs of every requirement involved (relaxed or conflicting), first mentioned first."""
        ids: list[str] = []
        others = (f for c in self.conflicts for a in c.alternatives for f in a.changes)
        for fix in (*self.relaxation, *others):
            if fix.cid not in ids:
                ids.append(fix.cid)
        return ids

    def lines(self) -> list[str]:
        """The explanation as short paragraphs for a terminal or a page."""
        out = [self.summary]
        if self.relaxation:
            out.append("Smallest change that works: "
                       + " and ".join(f.text for f in self.relaxation) + ".")
        out.extend(f"- {c.text()}" for c in self.conflicts)
        return out + list(self.notes)

    def to_dict(self) -> dict:
        return {"summary": self.summary, "relaxation": [f.to_dict() for f in self.relaxation],
                "conflicts": [c.to_dict() for c in self.conflicts],
                "constraint_ids": self.constraint_ids, "notes": list(self.notes)}


def _weights(spec: Spec) -> np.ndarray:
    """Penalty per unit of slack for each requirement (≈ per item)."""
    out = np.ones(len(spec.requirements))
    for k, req in enumerate(spec.requirements):
        if isinstance(req, SumBound):
            typical = float(np.median(np.abs(req.weights))) if req.weights else 1.0
            out[k] = 1.0 / max(typical, 1e-9)
        elif isinstance(req, Include | Exclude | Enemies):
            out[k] = 1.5  # prefer changing counts to dropping named items
    return out


def elastic_model(spec: Spec, options: ModelOptions | None = None
                  ) -> tuple[MipModel, np.ndarray]:
    """The feasibility model with slack columns; also the owning requirement of each slack."""
    base = build_model(spec, replace(options or ModelOptions(), with_objective=False))
    rows, owners, signs = [], [], []
    for r, owner in enumerate(base.row_owner):
        if owner < 0:
            continue
        for bound, sign in ((base.row_lower[r], 1.0), (base.row_upper[r], -1.0)):
            if np.isfinite(bound):
                rows.append(r)
                owners.append(owner)
                signs.append(sign)
    m = len(rows)
    slack = sparse.csr_array((signs, (rows, np.arange(m))), shape=(base.matrix.shape[0], m))
    owner_arr = np.asarray(owners, dtype=int)
    model = replace(base, matrix=sparse.hstack([base.matrix, slack], format="csr"),
                    cost=np.concatenate([np.zeros(base.cost.size), _weights(spec)[owner_arr]]),
                    col_lower=np.concatenate([base.col_lower, np.zeros(m)]),
                    col_upper=np.concatenate([base.col_upper, np.full(m, np.inf)]),
                    integer=np.concatenate([base.integer, np.zeros(m, dtype=bool)]),
                    sense="min", abs_gap=1e-6)
    return model, owner_arr


def _relaxed(result: MipResult, model: MipModel, owners: np.ndarray) -> list[int]:
    """Requirement positions whose slack is positive, largest penalty first."""
    assert result.values is not None
    slack = result.values[-owners.size:] if owners.size else np.zeros(0)
    totals: dict[int, float] = {}
    for value, owner, cost in zip(slack, owners, model.cost[-owners.size:], strict=True):
        if value > 1e-6:
            totals[int(owner)] = totals.get(int(owner), 0.0) + value * cost
    return sorted(totals, key=lambda k: (-totals[k], k))


def explain_infeasible(spec: Spec, options: ModelOptions | None = None,
                       time_limit: float = 10.0) -> Explanation:
    """Explain why no form meets ``spec`` (under ``options``' fixed items), within
    ``time_limit`` seconds in all; a cut-short explanation says so in its notes."""
    deadline = time.perf_counter() + time_limit
    model, owners = elastic_model(spec, options)
    first = solve_mip(model, _options(deadline))
    notes = _fixed_note(options)
    if first.values is None:
        if first.status != "infeasible":
            return Explanation("No form was found, and the time limit ran out before the "
                               "conflicting requirements could be identified.", notes=notes)
        return Explanation("No form exists even with every requirement relaxed: the items "
                           "fixed for this request (kept or barred items) conflict.", notes=notes)
    relaxed = _relaxed(first, model, owners)
    if not relaxed:
        return Explanation("The requirements can be met together, but not with the items fixed "
                           "for this request (items kept from a form, or items barred so a "
                           "parallel form does not overlap).", notes=notes)
    x = first.values[:spec.pool.n_items]
    relaxation = tuple(describe(spec, spec.requirements[k], x)[1] for k in relaxed)
    conflicts = tuple(_conflict(spec, model, owners, x, k, deadline)
                      for k in relaxed[:_MAX_ALTERNATIVES])
    if time.perf_counter() > deadline:
        notes += ("The time limit cut the search for alternatives short.",)
    names = ", ".join(spec.requirements[k].name for k in relaxed)
    summary = f"No form meets every requirement; the conflict involves {names}."
    return Explanation(summary, relaxation, conflicts, notes)


def _options(deadline: float) -> SolveOptions:
    """Elastic solves stop within half an item (or 5%) of the smallest total relaxation:
    proving the last fraction of an item costs seconds and changes no advice."""
    remaining = max(deadline - time.perf_counter(), 0.01)
    return SolveOptions(time_limit=remaining, mip_rel_gap=0.05, mip_abs_gap=0.5)


def _fixed_note(options: ModelOptions | None) -> tuple[str, ...]:
    if options is None:
        return ()
    barred = len(options.fixed_out) + len(options.fixed_out_stimuli)
    kept = len(options.fixed_in)
    if not barred and not kept:
        return ()
    return (f"This request also keeps {kept} item(s) fixed and bars {len(options.fixed_out)} "
            f"item(s) and {len(options.fixed_out_stimuli)} passage(s) (a swap or a parallel "
            "form); the conflicts above are with those in place.",)


def _conflict(spec: Spec, model: MipModel, owners: np.ndarray, x: np.ndarray, k: int,
              deadline: float) -> Conflict:
    """Relax ``k``; or hold it (and then each alternative's requirements) firm, up to 3 times."""
    req = spec.requirements[k]
    problem, fix = describe(spec, req, x)
    firm, partners, alternatives = [k], [], []
    impossible = False
    for _ in range(_CHAIN):
        if time.perf_counter() >= deadline:
            break
        upper = model.col_upper.copy()
        upper[model.cost.size - owners.size:][np.isin(owners, firm)] = 0.0
        again = solve_mip(replace(model, col_upper=upper), _options(deadline))
        if again.values is None:
            impossible = again.status == "infeasible"
            break
        if not np.any(again.values[:spec.pool.n_items] > 0.5):
            break  # "give up the whole test" is no advice
        others = _relaxed(again, model, owners)
        changes = tuple(describe(spec, spec.requirements[j], again.values[:spec.pool.n_items])[1]
                        for j in others)
        alternatives.append(Alternative(tuple(spec.requirements[j].cid for j in firm), changes))
        partners += [spec.requirements[j].name for j in others]
        firm += others
        if len(others) > 3:  # a longer chain would not help a person decide
            break
    if partners:
        problem += " alongside " + ", ".join(partners)
    elif impossible:
        problem += " (no change to the other requirements can make room)"
    return Conflict(req.cid, req.name, problem, tuple(partners), fix, tuple(alternatives))
