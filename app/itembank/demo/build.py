"""The whole demo bank as plain data: frameworks, scales, passages, items and parameters."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np

from app.itembank.demo.attitude import attitude_items
from app.itembank.demo.maths import maths_families, maths_items
from app.itembank.demo.parameters import simulated_parameters
from app.itembank.demo.reading import reading_content

HERE = Path(__file__).parent
FRAMEWORKS = ("mathematics", "reading")


def _load(relative: str) -> Any:
    return json.loads((HERE / relative).read_text(encoding="utf-8"))


def demo_bank(seed: int = 2026) -> dict[str, Any]:
    """Everything ``kete demo`` loads; identical output for the same ``seed``.

    Returns ``{"frameworks": [...], "scales": {...}, "passages": [...], "families": [...],
    "items": [...], "parameters": [...]}``: frameworks and scales as in the JSON files beside
    this module, items (maths, then reading, then attitude) and families in the bank's JSON
    import format, and one simulated generating-parameter dict per item (see
    :mod:`.parameters`).
    """
    maths = maths_items(random.Random(seed))
    passages, reading = reading_content(random.Random(seed + 1))
    items = maths + reading + attitude_items()
    return {
        "frameworks": [_load(f"frameworks/{name}.json") for name in FRAMEWORKS],
        "scales": _load("scale.json"),
        "passages": passages,
        "families": maths_families(),
        "items": items,
        "parameters": simulated_parameters(items, np.random.default_rng(seed)),
    }
