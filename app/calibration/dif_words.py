"""A DIF comparison in a reader's words: the group variable's label and the groups by name.

Runs store what the responses carry (``{"variable": "gender", "focal": "M", "reference": "F"}``,
as the API and exports give them); the review page and the quality gates say "Gender: male
students against female students".
"""

from __future__ import annotations

from typing import Any

from app.calibration.analysis import DIF_MIN_FOCAL, DIF_MIN_REFERENCE, NOT_COMPUTED

VARIABLES = {"gender": "Gender", "ethnicity": "Ethnicity", "language": "Language",
             "year_level": "Year level"}
"""The group variables Kete records with a sitting's responses (see delivery's scoring)."""
GENDERS = {"F": "female", "M": "male"}
"""Gender as class lists record it (the leader's console reads it the same way)."""


def variable_label(variable: str) -> str:
    """``year_level`` → "Year level"; a variable from an imported file reads the same way."""
    known = VARIABLES.get(variable.strip().lower())
    return known or variable.replace("_", " ").strip().capitalize()


def group_name(variable: str, value: Any) -> str:
    """One group of ``variable`` by name: "female", "Year 5", "Māori", "English"."""
    text = str(value).strip()
    key = variable.strip().lower()
    if key == "gender":
        return GENDERS.get(text.upper(), text)
    if key == "year_level" and text.isdigit():
        return f"Year {text}"
    return text


def students(variable: str, value: Any) -> str:
    """The group's people as a phrase: "female students", "Year 5 students", "Māori
    students", "students whose language is English", "students whose region is Waikato"."""
    name = group_name(variable, value)
    key = variable.strip().lower()
    if key in ("gender", "year_level", "ethnicity"):
        return f"{name} students"
    return f"students whose {variable_label(variable).lower()} is {name}"


def described(comparison: dict[str, Any]) -> dict[str, Any]:
    """A stored comparison with its words added (``label``, ``focal_students``,
    ``reference_students``, and ``uncompared``: why no item could be compared, or "") for
    the review page."""
    variable = comparison["variable"]
    words = {**comparison, "label": variable_label(variable),
             "focal_students": students(variable, comparison["focal"]),
             "reference_students": students(variable, comparison["reference"])}
    return {**words, "uncompared": uncompared(words)}


def uncompared(comparison: dict[str, Any]) -> str:
    """Why none of a comparison's items could be compared ("too few students to compare
    (60 Pasifika students; 100 needed)"), or "" when at least one was."""
    items = comparison.get("items", [])
    if any(row.get("category") != NOT_COMPUTED for row in items):
        return ""
    focal, reference = comparison.get("n_focal", 0), comparison.get("n_reference", 0)
    if focal < DIF_MIN_FOCAL:
        return (f"too few students to compare ({focal} {comparison['focal_students']}; "
                f"{DIF_MIN_FOCAL} needed)")
    if reference < DIF_MIN_REFERENCE:
        return (f"too few students to compare ({reference} {comparison['reference_students']};"
                f" {DIF_MIN_REFERENCE} needed)")
    return (f"no item was answered by {DIF_MIN_FOCAL} {comparison['focal_students']} and "
            f"{DIF_MIN_REFERENCE} {comparison['reference_students']}")


def short(comparison: dict[str, Any]) -> str:
    """"Gender: male vs female", as a quality gate names a comparison."""
    variable = comparison["variable"]
    return (f"{variable_label(variable)}: {group_name(variable, comparison['focal'])} vs "
            f"{group_name(variable, comparison['reference'])}")
