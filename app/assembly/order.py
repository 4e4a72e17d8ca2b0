"""A sensible presentation order for the chosen items.

Rules, in priority order:

1. a passage's items stay together (a passage is one *unit*; a discrete item is a unit);
2. ``OrderRule`` requirements form sections: units are sorted by their keys (stimulus-level
   rules by the stimulus's key, item-level rules by the unit's smallest item key);
3. within a section, easier units first (mean difficulty, ``ItemParameters.location``);
4. within a passage, item-level order keys, then easier items first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from app.assembly.spec import OrderRule, Spec, Value


def _key(value: Value) -> tuple[int, float, str]:
    """Sort key that puts numbers before text and missing values last."""
    if value is None:
        return (2, 0.0, "")
    if isinstance(value, int | float):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def difficulty(spec: Spec) -> np.ndarray:
    """One difficulty per item: ``b``, or the mean step of a polytomous item, ``(n_items,)``."""
    return spec.pool.params.location()


def order_form(spec: Spec, chosen: Sequence[int]) -> list[int]:
    """``chosen`` item positions rearranged into presentation order."""
    pool = spec.pool
    location = difficulty(spec)
    rules = [r for r in spec.requirements if isinstance(r, OrderRule)]
    item_rules = [r for r in rules if r.level == "item"]
    stim_rules = [r for r in rules if r.level == "stimulus"]

    def item_key(i: int) -> tuple:
        return (*(_key(r.keys[i]) for r in item_rules), float(location[i]), i)

    units: dict[tuple[str, int], list[int]] = {}
    for i in chosen:
        s = int(pool.stimulus_of[i])
        units.setdefault(("s", s) if s >= 0 else ("i", int(i)), []).append(int(i))
    for members in units.values():
        members.sort(key=item_key)

    def unit_key(unit: tuple[tuple[str, int], list[int]]) -> tuple:
        (kind, ref), members = unit
        stim = tuple(_key(r.keys[ref]) if kind == "s" else _key(None) for r in stim_rules)
        items = tuple(min(_key(r.keys[i]) for i in members) for r in item_rules)
        return (*stim, *items, float(np.mean(location[members])), members[0])

    return [i for _, members in sorted(units.items(), key=unit_key) for i in members]
