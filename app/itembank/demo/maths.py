"""Mathematics demo items, generated from the templates in the ``maths_*`` modules.

Each strand × sublevel cell (3 strands × 15 sublevels) gets :data:`CELL_SIZE` items, of which
:data:`DEEP_PER_CELL` are deep (relational / extended abstract): about 27 % deep at level 2
rising to 53 % at level 6, 40 % overall. A few cells also get an *enemy twin*: the same question
asked once as single choice and once as a typed number, which must never share a test. Every
item names its template as its family: items of one template are enemies too, unless the
template says they are independent (:func:`maths_families`).
"""

from __future__ import annotations

import copy
import random
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

# Importing the template modules registers their templates, in this (fixed) order.
from app.itembank.demo import (  # noqa: F401
    maths_algebra,
    maths_fractions,
    maths_geometry,
    maths_measurement,
    maths_number,
    maths_probability,
    maths_statistics,
    maths_time,
)
from app.itembank.demo.common import (
    REGISTRY,
    Draft,
    KeyDeck,
    Template,
    dec,
    fmt_num,
    status,
)

STRANDS = ("NA", "GM", "ST")
LEVELS = (2, 3, 4, 5, 6)
CELL_SIZE = 15
DEEP_PER_CELL = {2: 4, 3: 5, 4: 6, 5: 7, 6: 8}
TWIN_CELLS = {(2, 1), (4, 1), (6, 1)}
OPTION_IDS = "ABCDE"
EXTRA_SECONDS = {"single_choice": 0, "numeric": 10, "short_text": 10, "multiple_choice": 20}
Item = dict[str, Any]


def maths_items(rng: random.Random) -> list[Item]:
    """All maths achievement items, in strand, sublevel order; codes ``MA-<strand>-0001``."""
    items: list[Item] = []
    seen: set[str] = set()
    uses: Counter[str] = Counter()  # instances per template, to rotate response formats
    deck = KeyDeck(rng)
    for strand in STRANDS:
        number = 0
        for level in LEVELS:
            for step in range(3):
                for tpl, draft, fmt, group in _cell(rng, strand, level, step, seen, uses):
                    number += 1
                    code = f"MA-{strand}-{number:04d}"
                    items.append(_item(code, tpl, draft, fmt, (level, step), group, deck))
    return items


def maths_families() -> list[dict[str, Any]]:
    """The templates whose items do not give each other away (every other template's items
    are enemies, the rule), in the bank's ``families`` import format."""
    return [{"code": t.name, "enemies": False, "note": t.note} for t in REGISTRY
            if not t.enemies]


def pool(strand: str, level: int, depth: str) -> list[Template]:
    """Templates that can write items for one strand, level and depth."""
    return [t for t in REGISTRY if t.strand == strand and level in t.levels and t.depth == depth]


def _cell(
    rng: random.Random, strand: str, level: int, step: int, seen: set[str], uses: Counter[str]
) -> list[tuple[Template, Draft, str, str | None]]:
    """Drafts for one strand × sublevel cell, with their response formats and enemy groups."""
    out: list[tuple[Template, Draft, str, str | None]] = []
    twin_due = (level, step) in TWIN_CELLS
    deep = DEEP_PER_CELL[level]
    for depth, count in (("surface", CELL_SIZE - deep), ("deep", deep)):
        templates = pool(strand, level, depth)
        for i in range(count):
            found = _fresh(rng, templates, i + 2 * step, level, step, seen)
            if found is None:
                continue
            tpl, draft = found
            fmt = tpl.formats[uses[tpl.name] % len(tpl.formats)]
            uses[tpl.name] += 1
            if twin_due and {"numeric", "single_choice"} <= set(tpl.formats):
                group = f"EG-MA-{strand}-{level}{'BPA'[step]}"
                other = "numeric" if fmt == "single_choice" else "single_choice"
                out += [(tpl, draft, fmt, group), (tpl, draft, other, group)]
                twin_due = False
            else:
                out.append((tpl, draft, fmt, None))
    return out


def _fresh(
    rng: random.Random, templates: Sequence[Template], start: int, level: int, step: int,
    seen: set[str],
) -> tuple[Template, Draft] | None:
    """A draft whose stem is new, from the template at ``start`` (or the next ones round)."""
    for shift in range(len(templates)):
        tpl = templates[(start + shift) % len(templates)]
        for _ in range(40):
            draft = tpl.build(rng, level, step)
            if draft.stem not in seen:
                seen.add(draft.stem)
                return tpl, draft
    return None


def _item(
    code: str, tpl: Template, draft: Draft, fmt: str, cell: tuple[int, int],
    group: str | None, deck: KeyDeck,
) -> Item:
    level, step = cell
    options, key, max_score = response(draft, fmt, deck)
    seconds = tpl.seconds + EXTRA_SECONDS[fmt] + 5 * (level - 2)
    return {
        "code": code, "subject": "mathematics", "kind": "achievement", "strand": tpl.strand,
        "objective": tpl.objectives[level], "sublevel": f"{level}{'BPA'[step]}",
        "solo": draft.solo or tpl.solo, "response_type": fmt, "stem_html": draft.stem,
        "options": options, "key": key, "max_score": max_score,
        "expected_time_s": max(20, min(180, seconds)), "passage": None, "enemy_group": group,
        "family": tpl.name,
        "attitude_scale": None, "status": status(deck.rng),
        "metadata": {"template": tpl.name, "params": copy.deepcopy(draft.params)},
    }


def response(draft: Draft, fmt: str, deck: KeyDeck) -> tuple[list[dict], dict, int]:
    """Options, key and max score for the draft asked in response format ``fmt``.

    Select-all (``multiple_choice``) items give partial credit: a response scores
    ``max(0, hits − false picks)``, capped at ``max_score``, which is the number of correct
    options (2 or 3). Single-choice options are shuffled so the key's position varies.
    """
    if fmt == "numeric":
        return [], {"value": plain_number(draft.value), "tolerance": draft.tolerance}, 1
    if fmt == "short_text":
        answer = draft.answer or fmt_num(_required(draft.value))
        return [], {"accepted": list(dict.fromkeys([answer, *draft.accepted])),
                    "case_sensitive": False}, 1
    if fmt == "multiple_choice":
        choices = list(draft.choices)
        deck.rng.shuffle(choices)
        options = [{"id": OPTION_IDS[i], "html": html} for i, (html, _) in enumerate(choices)]
        correct = [o["id"] for o, (_, ok) in zip(options, choices, strict=True) if ok]
        return options, {"correct": correct, "partial_credit": True}, len(correct)
    answer, wrong = choice_texts(draft)
    deck.rng.shuffle(wrong)
    texts = wrong[:]
    texts.insert(deck.deal(len(wrong) + 1), answer)
    options = [{"id": OPTION_IDS[i], "html": html} for i, html in enumerate(texts)]
    return options, {"correct": OPTION_IDS[texts.index(answer)]}, 1


def choice_texts(draft: Draft) -> tuple[str, list[str]]:
    """The right option's HTML and up to three distinct wrong ones."""
    if draft.answer:
        answer, wrong = draft.answer, list(draft.wrong)
    else:
        value = dec(_required(draft.value))
        answer = draft.fmt(value)
        wrong = [draft.fmt(v) for v in _numeric_wrongs(value, draft.wrong_values)]
    distinct = [w for w in dict.fromkeys(wrong) if w != answer][:3]
    if len(distinct) < 2:
        raise ValueError(f"too few distractors for {answer!r}")
    return answer, distinct


def _numeric_wrongs(value: Decimal, candidates: Sequence[Any]) -> list[Decimal]:
    """Misconception values first, then near misses; never the answer, positive if it is."""
    out: list[Decimal] = []
    for candidate in [*candidates, value + 1, value - 1, value + 10, value * 2, value + 2]:
        wrong = dec(candidate)
        if wrong.as_tuple().exponent < -3:  # type: ignore[operator]
            wrong = round(wrong, 1)  # a recurring decimal would give itself away
        if wrong != value and wrong not in out and (wrong > 0 or value <= 0):
            out.append(wrong)
    return out[:6]


def plain_number(value: Any) -> int | float:
    """A JSON number: int when whole, else float."""
    number = dec(_required(value))
    return int(number) if number == number.to_integral_value() else float(number)


def _required(value: Any) -> Any:
    if value is None:
        raise ValueError("this draft has no numeric answer")
    return value
