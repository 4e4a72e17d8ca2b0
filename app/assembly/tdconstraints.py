"""TestDesign constraint rows → Kete requirements.

Row meanings (TYPE × WHAT × CONDITION):

* ``Number``/Item: count of chosen items matching CONDITION (blank: all items) within LB..UB.
  A bare attribute name gives one bound per value of that attribute. ``Per Stimulus``: each chosen
  stimulus has LB..UB of its items.
* ``Number``/Stimulus (or Passage): count of chosen stimuli matching CONDITION.
* ``Sum``/Item: CONDITION names a numeric attribute; its total over chosen items within LB..UB.
* ``Enemy``, ``Include``, ``Exclude``, ``AllOrNone``: over the items (or stimuli) matching
  CONDITION.
* ``Order``: CONDITION names an attribute; items (or stimuli) are presented in its order.

Rows with ONOFF = OFF are skipped and listed in the notes. Rows Kete cannot honour are errors
(with their line), never silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.assembly.condition import (
    Condition,
    ConditionError,
    bare_attribute,
    compare,
    is_per_stimulus,
    parse_condition,
)
from app.assembly.spec import (
    AllOrNone,
    CountBound,
    Enemies,
    Exclude,
    Include,
    Level,
    Objective,
    OrderRule,
    PerStimulusBound,
    Pool,
    Requirement,
    Spec,
    SumBound,
    Value,
)
from app.assembly.testdesign import (
    ConstraintRow,
    InputError,
    LineError,
    read_constraints,
    read_pool,
)

_SETS = {"ENEMY": Enemies, "INCLUDE": Include, "EXCLUDE": Exclude, "ALLORNONE": AllOrNone}
_LEVELS: dict[str, Level] = {"ITEM": "item", "STIMULUS": "stimulus", "PASSAGE": "stimulus",
                             "SET": "stimulus", "ITEMSET": "stimulus"}


def build_requirements(pool: Pool, rows: Sequence[ConstraintRow]
                       ) -> tuple[list[Requirement], list[str]]:
    """Requirements for every active row, and notes (skipped rows, empty matches).

    Raises :class:`InputError` listing every row that cannot be honoured.
    """
    requirements: list[Requirement] = []
    notes: list[str] = []
    errors: list[LineError] = []
    for row in rows:
        described = f"{row.cid} ({row.type} {row.what} {row.condition})".replace(" )", ")")
        if row.onoff == "OFF":
            notes.append(f"{described} is switched off (ONOFF = OFF) and was not applied.")
            continue
        try:
            made = _requirements_for(pool, row)
        except (ConditionError, ValueError) as exc:
            errors.append(LineError(row.path, row.line, f"{row.cid}: {exc}"))
            continue
        if not made:
            notes.append(f"{described} matches nothing in the pool.")
        requirements.extend(made)
    if errors:
        raise InputError(errors)
    return requirements, notes


def _requirements_for(pool: Pool, row: ConstraintRow) -> list[Requirement]:
    kind = row.type.replace(" ", "").upper()
    level = _LEVELS.get(row.what.replace(" ", "").upper())
    if level is None:
        raise ValueError(f"WHAT {row.what!r} is not supported (use Item or Stimulus)")
    if level == "stimulus" and pool.n_stimuli == 0:
        raise ValueError("this constraint is about stimuli but the pool has none "
                         "(give a stimulus attributes file, or STID on the items)")
    if kind == "NUMBER":
        return _number(pool, row, level)
    if kind == "SUM":
        return _sum(pool, row, level)
    if kind in _SETS:
        return _set_rule(pool, row, level, kind)
    if kind == "ORDER":
        return [_order(pool, row, level)]
    raise ValueError(f"TYPE {row.type!r} is not supported "
                     "(Number, Sum, Enemy, Include, Exclude, AllOrNone, Order)")


def _records(pool: Pool, level: Level) -> list[dict[str, Value]]:
    """Records a condition is evaluated on; items see their stimulus's attributes too."""
    if level == "stimulus":
        return pool.stimulus_attributes
    out = []
    for i, attrs in enumerate(pool.attributes):
        s = int(pool.stimulus_of[i])
        out.append({**pool.stimulus_attributes[s], **attrs} if s >= 0 else attrs)
    return out


def _check_attributes(records: list[dict[str, Value]], names: frozenset[str] | set[str]) -> None:
    known = set().union(*(r.keys() for r in records)) if records else set()
    unknown = sorted(set(names) - known)
    if unknown:
        raise ValueError(f"unknown attribute(s) {', '.join(unknown)}; "
                         f"known: {', '.join(sorted(known))}")


def _matching(records: list[dict[str, Value]], condition: Condition) -> tuple[int, ...]:
    _check_attributes(records, condition.attributes)
    return tuple(i for i, r in enumerate(records) if condition(r))


def _bounds(row: ConstraintRow) -> tuple[float | None, float | None]:
    if row.lb is None and row.ub is None:
        raise ValueError("needs LB or UB")
    if row.lb is not None and row.ub is not None and row.lb > row.ub:
        raise ValueError(f"LB {row.lb:g} is greater than UB {row.ub:g}")
    return (row.lb if row.lb is not None else 0.0), row.ub


def _number(pool: Pool, row: ConstraintRow, level: Level) -> list[Requirement]:
    lb, ub = _bounds(row)
    text = row.condition.strip()
    if is_per_stimulus(text):
        if level != "item":
            raise ValueError("'Per Stimulus' applies to WHAT = Item")
        if pool.n_stimuli == 0:
            raise ValueError("'Per Stimulus' needs stimuli but the pool has none")
        return [PerStimulusBound(cid=row.cid, label="items per chosen stimulus",
                                 stimuli=tuple(range(pool.n_stimuli)), lb=lb, ub=ub)]
    records = _records(pool, level)
    if not text:
        label = "all items" if level == "item" else "all stimuli"
        return [CountBound(cid=row.cid, label=label, members=tuple(range(len(records))),
                           lb=lb, ub=ub, level=level)]
    name = bare_attribute(text)
    if name is not None:
        return [CountBound(cid=row.cid, label=f"{name} == {_show(value)}", members=members,
                           lb=lb, ub=ub, level=level)
                for value, members in _groups(records, name)]
    members = _matching(records, parse_condition(text))
    return [CountBound(cid=row.cid, label=text, members=members, lb=lb, ub=ub, level=level)]


def _groups(records: list[dict[str, Value]], name: str) -> list[tuple[Value, tuple[int, ...]]]:
    """One group per distinct non-missing value of ``name`` (sorted), with its members."""
    _check_attributes(records, {name})
    values = {r.get(name) for r in records} - {None}
    ordered = sorted(values, key=_sort_key)
    return [(v, tuple(i for i, r in enumerate(records) if compare(r.get(name), "==", v)))
            for v in ordered]


def _sort_key(value: Value) -> tuple[int, float, str]:
    if isinstance(value, int | float):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def _show(value: Value) -> str:
    return repr(value).replace("'", '"') if isinstance(value, str) else str(value)


def _sum(pool: Pool, row: ConstraintRow, level: Level) -> list[Requirement]:
    if level != "item":
        raise ValueError("Sum applies to WHAT = Item")
    lb, ub = _bounds(row)
    name = bare_attribute(row.condition)
    if name is None:
        raise ValueError("Sum needs CONDITION to name a numeric attribute, e.g. TIME")
    records = _records(pool, level)
    _check_attributes(records, {name})
    weights = []
    for i, r in enumerate(records):
        v = r.get(name)
        if not isinstance(v, int | float):
            raise ValueError(f"{name} of item {pool.item_ids[i]} is {v!r}, not a number")
        weights.append(float(v))
    return [SumBound(cid=row.cid, label=f"total {name}", members=tuple(range(len(records))),
                     weights=tuple(weights), lb=lb, ub=ub, unit=name)]


def _set_rule(pool: Pool, row: ConstraintRow, level: Level, kind: str) -> list[Requirement]:
    text = row.condition.strip()
    if not text or bare_attribute(text) is not None or is_per_stimulus(text):
        raise ValueError(f"{row.type} needs a condition that picks items, "
                         'e.g. ID %in% c("A1", "A2")')
    members = _matching(_records(pool, level), parse_condition(text))
    if not members:
        return []
    return [_SETS[kind](cid=row.cid, label=text, members=members, level=level)]


def _order(pool: Pool, row: ConstraintRow, level: Level) -> Requirement:
    name = bare_attribute(row.condition)
    if name is None:
        raise ValueError("Order needs CONDITION to name one attribute, e.g. LEVEL")
    records = _records(pool, level)
    _check_attributes(records, {name})
    return OrderRule(cid=row.cid, label=f"in order of {name}",
                     keys=tuple(r.get(name) for r in records), level=level)


def load_spec(pool_path: Path | str, attributes_path: Path | str,
              constraints_path: Path | str, objective: Objective,
              stimuli_path: Path | str | None = None) -> tuple[Spec, list[str]]:
    """Read the TestDesign files of one assembly problem into a spec, with notes."""
    pool = read_pool(pool_path, attributes_path, stimuli_path)
    requirements, notes = build_requirements(pool, read_constraints(constraints_path))
    return Spec(pool=pool, requirements=requirements, objective=objective), notes
