"""A synthetic, e-asTTle-like reading bank for benchmarks and tests (seeded, reproducible).

Sublevels 2B … 6A sit on θ from -2.1 to 2.1 (0.3 apart). Each item has a strand, an objective,
a sublevel, a SOLO level (uni/multi → surface, relational/extended → deep), a response type with
a matching model (multiple choice → 3PL, short answer → 2PL, extended response → GPCM with two
steps), an expected time, and possibly a passage (4–8 items that share a sublevel) or an enemy
group (pairs of discrete items that give each other away). Difficulty is the sublevel's θ plus
noise, so "a student at 3A has about a 50% chance on a 3A item" holds on average.
"""

from __future__ import annotations

import numpy as np

SUBLEVELS = tuple(f"{level}{part}" for level in range(2, 7) for part in "BPA")
STRANDS = ("Finding information", "Knowledge", "Understanding", "Connections")
SOLO = ("unistructural", "multistructural", "relational", "extended abstract")
_TYPES = (("multiple choice", "3pl", 40.0), ("short answer", "2pl", 60.0),
          ("extended response", "gpcm", 150.0))


def sublevel_theta() -> dict[str, float]:
    """The synthetic bank's sublevel → θ map (2B = -2.1 … 6A = 2.1)."""
    return {name: round(-2.1 + 0.3 * k, 2) for k, name in enumerate(SUBLEVELS)}


def _passage_layout(rng: np.random.Generator, n_items: int, n_passages: int) -> np.ndarray:
    """Passage number per item (-1 for discrete items); passages hold 4–8 items."""
    sizes = rng.integers(4, 9, size=n_passages)
    while sizes.sum() > n_items // 2:  # keep most of the bank discrete
        sizes = np.maximum(sizes - 1, 3)
    layout = np.full(n_items, -1)
    layout[: sizes.sum()] = np.repeat(np.arange(n_passages), sizes)
    return layout


def synthetic_bank(n_items: int = 10_000, n_passages: int = 400, seed: int = 7) -> list[dict]:
    """Item records in the shape ``request.py`` reads (see the module docstring)."""
    rng = np.random.default_rng(seed)
    theta = sublevel_theta()
    passage = _passage_layout(rng, n_items, n_passages)
    sub = rng.integers(0, len(SUBLEVELS), size=n_items)
    in_passage = passage >= 0
    passage_sub = rng.integers(0, len(SUBLEVELS), size=max(n_passages, 1))
    sub[in_passage] = passage_sub[passage[in_passage]]
    kind = rng.choice(len(_TYPES), size=n_items, p=[0.6, 0.3, 0.1])
    solo = rng.choice(len(SOLO), size=n_items, p=[0.3, 0.3, 0.3, 0.1])
    strand = rng.integers(0, len(STRANDS), size=n_items)
    a = np.exp(rng.normal(0.1, 0.25, size=n_items))
    b = np.array([theta[SUBLEVELS[s]] for s in sub]) + rng.normal(0.0, 0.4, size=n_items)
    enemy = _enemy_groups(rng, in_passage)
    records = []
    for i in range(n_items):
        label, model, seconds = _TYPES[kind[i]]
        record = {
            "code": f"R{i + 1:05d}", "strand": STRANDS[strand[i]],
            "objective": f"{STRANDS[strand[i]][:2].upper()}{SUBLEVELS[sub[i]][0]}.{solo[i] + 1}",
            "sublevel": SUBLEVELS[sub[i]], "level_rank": int(sub[i]), "solo": SOLO[solo[i]],
            "depth": "deep" if solo[i] >= 2 else "surface", "response_type": label,
            "expected_time_s": round(float(seconds * rng.uniform(0.7, 1.3)), 1),
            "passage": f"P{passage[i] + 1:03d}" if passage[i] >= 0 else None,
            "enemy_group": enemy[i], "model": model, "a": round(float(a[i]), 3)}
        record.update(_difficulty(model, float(b[i]), rng))
        records.append(record)
    return records


def _difficulty(model: str, b: float, rng: np.random.Generator) -> dict:
    if model == "gpcm":
        spread = float(rng.uniform(0.4, 1.0))
        return {"b": None, "c": 0.0, "steps": [round(b - spread, 3), round(b + spread, 3)]}
    c = round(float(rng.uniform(0.1, 0.25)), 3) if model == "3pl" else 0.0
    return {"b": round(b, 3), "c": c, "steps": None}


def _enemy_groups(rng: np.random.Generator, in_passage: np.ndarray) -> list[str | None]:
    """Pairs among 4% of the discrete items share an enemy group."""
    discrete = np.flatnonzero(~in_passage)
    chosen = rng.permutation(discrete)[: (len(discrete) // 25) * 2 // 2 * 2]
    groups: list[str | None] = [None] * in_passage.size
    for k in range(0, len(chosen) - 1, 2):
        groups[int(chosen[k])] = groups[int(chosen[k + 1])] = f"E{k // 2 + 1:04d}"
    return groups
