"""The CONDITION mini-language."""

from __future__ import annotations

import pytest

from app.assembly.condition import (
    ConditionError,
    bare_attribute,
    is_per_stimulus,
    parse_condition,
    parse_value,
)

ITEM: dict[str, str | int | float | None] = {
    "ID": "SC00001", "LEVEL": 4, "STANDARD": 1, "OBJECTIVE": "1E", "DOK": 2, "TYPE": "SRSI",
    "PTBIS": 0.238, "NOTE": None}


@pytest.mark.parametrize(("text", "expected"), [
    ("LEVEL == 4", True),
    ("LEVEL != 4", False),
    ("LEVEL < 5", True),
    ("LEVEL <= 3", False),
    ("DOK > 1", True),
    ("DOK >= 3", False),
    ("PTBIS < 0.15", False),
    ('OBJECTIVE == "1E"', True),
    ("OBJECTIVE == '1E'", True),
    ('LEVEL == "4"', True),  # R compares a number with text as text
    ('OBJECTIVE %in% c("1B", "1E")', True),
    ("STANDARD %in% c(2, 4)", False),
    ('TYPE == "SRSI" & DOK >= 2', True),
    ('TYPE == "SRSI" && DOK >= 3', False),
    ("LEVEL == 3 | DOK == 2", True),
    ("LEVEL == 3 || DOK == 3", False),
    ("(LEVEL == 3 | LEVEL == 4) & STANDARD == 1", True),
    ("!(LEVEL == 4)", False),
    ("NOTE == 1", False),  # NA never matches
    ("NOTE != 1", False),
    ('ID %in% c("SC00001", "SC00002")', True),
    ("LEVEL >= -1", True),
])
def test_conditions_evaluate_like_r(text: str, expected: bool) -> None:
    assert parse_condition(text)(ITEM) is expected


def test_condition_records_the_attributes_it_reads() -> None:
    condition = parse_condition('TYPE == "CR" & CONTENT == 1')
    assert condition.attributes == {"TYPE", "CONTENT"}


@pytest.mark.parametrize("text", ["LEVEL ==", "LEVEL 3", "(LEVEL == 3", "LEVEL == 3)",
                                  "LEVEL == 3 &", "LEVEL %in% c(1,", "3 == LEVEL", "LEVEL = 3",
                                  "LEVEL == @", ""])
def test_malformed_conditions_raise_condition_error(text: str) -> None:
    with pytest.raises(ConditionError):
        parse_condition(text)


def test_bare_attribute_and_per_stimulus_are_recognised() -> None:
    assert bare_attribute("SUBCONTENT") == "SUBCONTENT"
    assert bare_attribute(" LEVEL ") == "LEVEL"
    assert bare_attribute("LEVEL == 3") is None
    assert bare_attribute("") is None
    assert is_per_stimulus("Per Stimulus")
    assert is_per_stimulus("per  stimulus")
    assert not is_per_stimulus("Per Item")


def test_parse_value_reads_numbers_text_and_missing() -> None:
    assert parse_value("3") == 3
    assert parse_value("0.25") == 0.25
    assert parse_value("1A") == "1A"
    assert parse_value("NA") is None
    assert parse_value(" ") is None
