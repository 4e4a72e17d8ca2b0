"""Reading demo content: 25 original passages (levels 2–6) and their item sets.

The passages and questions are data, in ``reading_passages.json``; this module adds the bank's
bookkeeping (codes, subject, timing, status, enemy-group codes). Item codes are
``<passage code>-<question number>``, e.g. ``RD-P07-03``, so they stay stable when passages
are added.
"""

from __future__ import annotations

import json
import random
from functools import cache
from pathlib import Path
from typing import Any

from app.itembank.demo.common import status

DATA = Path(__file__).with_name("reading_passages.json")
SECONDS = {"single_choice": 35, "short_text": 50, "multiple_choice": 70}
DEEP = ("relational", "extended_abstract")
Item = dict[str, Any]


@cache
def _data() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def reading_content(rng: random.Random) -> tuple[list[Item], list[Item]]:
    """Passage dicts and reading item dicts, in passage order."""
    passages: list[Item] = []
    items: list[Item] = []
    for raw in _data()["passages"]:
        passages.append({
            "code": raw["code"], "subject": "reading", "title": raw["title"],
            "body_html": raw["body_html"], "sublevel": raw["sublevel"],
            "word_count": raw["word_count"],
        })
        items += [_item(raw, n, question, rng) for n, question in enumerate(raw["items"], 1)]
    return passages, items


def _item(passage: dict[str, Any], number: int, q: dict[str, Any], rng: random.Random) -> Item:
    level = int(q["sublevel"][0])
    seconds = SECONDS[q["response_type"]] + 5 * (level - 2) + (15 if q["solo"] in DEEP else 0)
    return {
        "code": f"{passage['code']}-{number:02d}", "subject": "reading", "kind": "achievement",
        "strand": q["strand"], "objective": q["objective"], "sublevel": q["sublevel"],
        "solo": q["solo"], "response_type": q["response_type"], "stem_html": q["stem_html"],
        "options": [dict(o) for o in q["options"]], "key": json.loads(json.dumps(q["key"])),
        "max_score": q["max_score"], "expected_time_s": seconds, "passage": passage["code"],
        "enemy_group": f"EG-{passage['code']}-{q['enemy']}" if q["enemy"] else None,
        "family": None,
        "attitude_scale": None, "status": status(rng),
        "metadata": {"genre": passage["genre"], "question": number},
    }
