"""Small hand-made pools for the assembly tests."""

from __future__ import annotations

import numpy as np

from app.assembly.spec import MaximinInformation, Pool, Requirement, Spec
from app.irt.parameters import ItemParameters


def make_pool(n: int = 12, n_stimuli: int = 0, per_stimulus: int = 4, seed: int = 0) -> Pool:
    """``n`` 2PL items spread over θ; the first ``n_stimuli × per_stimulus`` are in passages.

    Attributes: ``TYPE`` (CR every third item, else MC), ``LEVEL`` (3, 4, 5 in turn),
    ``TIME`` (30, 40, 50, 60 s in turn) and ``ID`` (``I00``, ``I01``, …).
    """
    rng = np.random.default_rng(seed)
    records = [{"item_id": f"I{i:02d}", "model": "2pl", "a": float(1.0 + 0.5 * rng.random()),
                "b": float(b)} for i, b in enumerate(np.linspace(-2.0, 2.0, n))]
    attributes: list[dict[str, str | int | float | None]] = [
        {"ID": f"I{i:02d}", "TYPE": "CR" if i % 3 == 0 else "MC", "LEVEL": 3 + i % 3,
         "TIME": 30 + 10 * (i % 4)} for i in range(n)]
    stimulus_of = np.full(n, -1)
    for s in range(n_stimuli):
        stimulus_of[s * per_stimulus:(s + 1) * per_stimulus] = s
    return Pool(params=ItemParameters.from_records(records), attributes=attributes,
                stimulus_of=stimulus_of, stimulus_ids=[f"S{s}" for s in range(n_stimuli)],
                stimulus_attributes=[{"STID": f"S{s}", "GENRE": "fiction" if s % 2 else "fact"}
                                     for s in range(n_stimuli)])


def make_spec(pool: Pool, requirements: list[Requirement],
              thetas: tuple[float, ...] = (-1.0, 0.0, 1.0)) -> Spec:
    """A maximin spec over ``pool``."""
    return Spec(pool=pool, requirements=requirements,
                objective=MaximinInformation(thetas=thetas))


def members(pool: Pool, key: str, value: object) -> tuple[int, ...]:
    """Positions of the items whose attribute ``key`` equals ``value``."""
    return tuple(i for i, a in enumerate(pool.attributes) if a.get(key) == value)
