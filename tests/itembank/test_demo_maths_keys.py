"""Every demo maths key is right, checked against an independent answer key.

The answer key in ``demo_answer_key.py`` works each answer out again from the item's params;
nothing here imports the generators' own answer code.
"""

from __future__ import annotations

import html
import re
from fractions import Fraction
from typing import Any

import pytest

from app.itembank.demo import demo_bank
from tests.itembank.demo_answer_key import ANSWERS, PREDICATES

Item = dict[str, Any]


@pytest.fixture(scope="module")
def maths() -> list[Item]:
    items = demo_bank()["items"]
    return [i for i in items if i["subject"] == "mathematics" and i["kind"] == "achievement"]


def plain(fragment: str) -> str:
    """Option or answer HTML as plain text: fractions as ``3/4``, ASCII minus, single spaces."""
    text = re.sub(r"<mfrac><mn>(\d+)</mn><mn>(\d+)</mn></mfrac>", r"\1/\2", fragment)
    text = html.unescape(re.sub(r"<[^>]+>", "", text)).replace("−", "-")
    return " ".join(text.split())


def number(text: str) -> Fraction | None:
    """The first number in a text (``$1 250.50`` → 1250.5, ``3/4`` → 3/4), if any."""
    joined = re.sub(r"(?<=\d)[ ,](?=\d{3}\b)", "", text)
    found = re.search(r"-?\d+(?:\.\d+)?(?:/\d+)?", joined)
    return Fraction(found.group()) if found else None


def matches(expected: Any, text: str) -> bool:
    if isinstance(expected, str):
        return plain(text).casefold() == plain(expected).casefold()
    return number(plain(text)) == Fraction(expected)


def key_problem(item: Item) -> str | None:
    """Why this item's key disagrees with the independent answer key (None if it agrees)."""
    name, params = item["metadata"]["template"], item["metadata"]["params"]
    kind, key = item["response_type"], item["key"]
    options = {o["id"]: plain(o["html"]) for o in item["options"]}
    if name in PREDICATES:
        right = {i for i, text in options.items() if PREDICATES[name](params, text)}
        wanted = set(key["correct"]) if kind == "multiple_choice" else {key["correct"]}
        return None if right == wanted else f"right options {sorted(right)}, key {key}"
    expected = ANSWERS[name](params)
    if kind == "numeric":
        ok = not isinstance(expected, str) and Fraction(str(key["value"])) == expected
    elif kind == "short_text":
        ok = any(matches(expected, a) for a in key["accepted"])
    else:
        right = {i for i, text in options.items() if matches(expected, text)}
        ok = right == {key["correct"]}
    return None if ok else f"expected {expected}, key {key}, options {options}"


def test_every_template_has_an_independent_answer(maths: list[Item]) -> None:
    templates = {i["metadata"]["template"] for i in maths}
    assert templates <= set(ANSWERS) | set(PREDICATES)
    assert len(templates) >= 25


def test_every_key_agrees_with_the_independent_answer(maths: list[Item]) -> None:
    problems = [(i["code"], i["metadata"], why) for i in maths if (why := key_problem(i))]
    assert not problems, problems[:5]


def test_the_answer_key_can_catch_a_wrong_key(maths: list[Item]) -> None:
    numeric = next(i for i in maths if i["response_type"] == "numeric")
    broken = {**numeric, "key": {**numeric["key"], "value": numeric["key"]["value"] + 1}}
    assert key_problem(numeric) is None and key_problem(broken) is not None
    choice = next(i for i in maths if i["response_type"] == "single_choice")
    other = next(o["id"] for o in choice["options"] if o["id"] != choice["key"]["correct"])
    assert key_problem({**choice, "key": {"correct": other}}) is not None


def test_distractors_are_distinct_and_never_the_answer(maths: list[Item]) -> None:
    for item in maths:
        texts = [plain(o["html"]) for o in item["options"]]
        assert len(set(texts)) == len(texts), item["code"]
        assert not any(re.search(r"\d\.\d{4}", t) for t in texts), (item["code"], texts)
        name = item["metadata"]["template"]
        if item["response_type"] != "single_choice" or name in PREDICATES:
            continue
        expected = ANSWERS[name](item["metadata"]["params"])
        wrong = [t for o, t in zip(item["options"], texts, strict=True)
                 if o["id"] != item["key"]["correct"]]
        assert not any(matches(expected, t) for t in wrong), item["code"]
        if not isinstance(expected, str):
            values = [number(t) for t in texts]
            assert None not in values and len(set(values)) == len(values), (item["code"], texts)


def test_choice_items_have_enough_options(maths: list[Item]) -> None:
    for item in maths:
        if item["response_type"] == "single_choice":
            assert 3 <= len(item["options"]) <= 5, item["code"]
        if item["response_type"] == "multiple_choice":
            right = len(item["key"]["correct"])
            assert 2 <= right <= 3 and len(item["options"]) - right >= 2, item["code"]
