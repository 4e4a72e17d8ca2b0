"""Scoring keys: their validation and the scoring of one response."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

CHOICE_TYPES = ("single_choice", "multiple_choice", "likert")


def auto_markable(key: dict[str, Any] | None) -> bool:
    """Whether answers can be marked by ``key`` alone (otherwise a teacher marks them)."""
    return isinstance(key, dict) and bool(key) and not key.get("teacher_marked", False)


def check_key(response_type: str, key: dict[str, Any] | None, option_ids: list[str],
              max_score: int) -> None:
    """Raise ValueError unless ``key`` is a valid key for this response type and options."""
    if response_type in CHOICE_TYPES and len(option_ids) < 2:
        raise ValueError(f"{response_type} items need at least two options")
    if response_type not in CHOICE_TYPES and option_ids:
        raise ValueError(f"{response_type} items have no options")
    if not isinstance(key, dict):
        raise ValueError("a scoring key is required")
    _CHECKS[response_type](key, option_ids, max_score)


def _single(key: dict[str, Any], ids: list[str], max_score: int) -> None:
    if key.get("correct") not in ids:
        raise ValueError("key.correct must be one of the option ids")
    if max_score != 1:
        raise ValueError("single_choice items have max_score 1")


def _multiple(key: dict[str, Any], ids: list[str], max_score: int) -> None:
    correct = key.get("correct")
    if not isinstance(correct, list) or not correct or not set(correct) <= set(ids):
        raise ValueError("key.correct must be a non-empty list of option ids")
    if not isinstance(key.get("partial_credit", False), bool):
        raise ValueError("key.partial_credit must be true or false")
    if max_score > len(correct):
        raise ValueError("max_score cannot exceed the number of correct options")


def _numeric(key: dict[str, Any], _ids: list[str], max_score: int) -> None:
    value, tol = key.get("value"), key.get("tolerance", 0)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError("key.value must be a number")
    if not isinstance(tol, int | float) or tol < 0:
        raise ValueError("key.tolerance must be a number ≥ 0")
    if max_score != 1:
        raise ValueError("numeric items have max_score 1")


def _short_text(key: dict[str, Any], _ids: list[str], max_score: int) -> None:
    accepted = key.get("accepted")
    if not isinstance(accepted, list) or not accepted or not all(
        isinstance(a, str) and a.strip() for a in accepted
    ):
        raise ValueError("key.accepted must be a non-empty list of answers")
    if max_score != 1:
        raise ValueError("short_text items have max_score 1")


def _likert(key: dict[str, Any], ids: list[str], max_score: int) -> None:
    scores = key.get("scores")
    if not isinstance(scores, dict) or set(scores) != set(ids):
        raise ValueError("key.scores must give a score for every option")
    values = sorted(scores.values())
    if values != list(range(len(ids))):
        raise ValueError("likert scores must be 0..k-1, each used once")
    if max_score != len(ids) - 1:
        raise ValueError("likert max_score is the number of options minus one")


_CHECKS = {"single_choice": _single, "multiple_choice": _multiple, "numeric": _numeric,
           "short_text": _short_text, "likert": _likert}


def score_response(response_type: str, key: dict[str, Any], max_score: int, answer: Any) -> int:
    """The score a response earns. Multiple choice with partial credit scores
    ``max(0, hits − false picks)`` capped at ``max_score``; without it, all or nothing."""
    if answer is None or answer == "" or answer == []:
        return 0
    if response_type == "single_choice":
        return int(answer == key["correct"])
    if response_type == "multiple_choice":
        picked, correct = set(answer), set(key["correct"])
        if not key.get("partial_credit"):
            return max_score if picked == correct else 0
        return min(max_score, max(0, len(picked & correct) - len(picked - correct)))
    if response_type == "numeric":
        try:
            return int(abs(float(answer) - float(key["value"])) <= float(key.get("tolerance", 0)))
        except (TypeError, ValueError):
            return 0
    if response_type == "short_text":
        return int(_normalise(str(answer), key) in {_normalise(a, key) for a in key["accepted"]})
    return int(key["scores"].get(answer, 0))


def _normalise(text: str, key: dict[str, Any]) -> str:
    text = " ".join(text.split())
    return text if key.get("case_sensitive") else text.casefold()


_OR = Markup(" <em>or</em> ")


def describe_key(response_type: str, options: Mapping[str, Markup],
                 key: dict[str, Any]) -> tuple[Markup, str]:
    """(the answer, how it is marked) in a teacher's words; ``options`` (id → sanitised HTML)
    keep their HTML so a fraction in MathML shows as a fraction."""
    if response_type in ("single_choice", "multiple_choice"):
        correct = key.get("correct")
        ids = correct if isinstance(correct, list) else [correct]
        answer = Markup(", ").join(Markup("{} ({})").format(c, options.get(str(c), ""))
                                   for c in ids)
        if response_type == "single_choice":
            return answer, "1 mark"
        return answer, ("one mark per correct tick, minus one per wrong tick (never below 0)"
                        if key.get("partial_credit") else "all of these and no others")
    if response_type == "numeric":
        tolerance = key.get("tolerance", 0)
        return (Markup("{}").format(key.get("value")),
                f"accept ± {tolerance}" if tolerance else "exactly this number")
    if response_type == "likert":
        return Markup("no right answer"), "the student's own view"
    accepted = _OR.join(str(a) for a in key.get("accepted", []))
    if key.get("teacher_marked"):
        return accepted, "teacher marks it (in the marking queue); these are examples"
    case = "case matters" if key.get("case_sensitive") else "case does not matter"
    return accepted, f"any of these; {case}"
