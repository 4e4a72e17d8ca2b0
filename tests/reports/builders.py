"""Hand-made report data: a maths class with known quadrants, strands and scores."""

from __future__ import annotations

from datetime import date

from app.reports.data import ItemOutcome, Quadrant, StudentResult

OBJECTIVES = {
    "NA3-1": ("Use a range of additive strategies with whole numbers", "Number and algebra", "3P"),
    "NA3-3": ("Know basic multiplication and division facts", "Number and algebra", "3A"),
    "NA4-2": ("Understand operations on fractions", "Number and algebra", "4B"),
    "GM3-1": ("Measure length, area and volume with standard units", "Geometry and measurement",
              "3B"),
    "GM4-3": ("Describe transformations: reflection, rotation, translation",
              "Geometry and measurement", "4P"),
    "ST3-1": ("Read and interpret bar graphs and tables", "Statistics", "3B"),
    "ST4-2": ("Compare distributions using summary statistics", "Statistics", "4A"),
}


def item(code: str, objective: str, quadrant: Quadrant, difficulty: float,
         depth: str = "surface") -> ItemOutcome:
    """One item outcome; correct follows the quadrant."""
    text, strand, sublevel = OBJECTIVES[objective]
    right = quadrant in ("Achieved", "Strengths")
    return ItemOutcome(code=code, objective_code=objective, objective=text, strand=strand,
                       sublevel=sublevel, depth=depth,  # type: ignore[arg-type]
                       score=1 if right else 0, max_score=1, difficulty=difficulty,
                       p_success=0.5, quadrant=quadrant)


def result(name: str = "Aroha Ngata", score: float = 1480.0, *, student_id: str | None = None,
           year: int = 6, items: tuple[ItemOutcome, ...] | None = None,
           flags: tuple[str, ...] = (), sublevel: str = "4B", sat_on: date = date(2026, 3, 9),
           attitude: float | None = 2.3) -> StudentResult:
    """A maths result; by default two items in each quadrant."""
    default = (
        item("M101", "NA3-1", "Achieved", 1420), item("M102", "ST3-1", "Achieved", 1395),
        item("M103", "GM4-3", "Strengths", 1505, "deep"),
        item("M104", "NA3-3", "Gaps", 1450), item("M105", "GM3-1", "Gaps", 1400),
        item("M106", "NA4-2", "To be achieved", 1530, "deep"),
        item("M107", "ST4-2", "To be achieved", 1510, "deep"),
        item("M108", "NA4-2", "To be achieved", 1550, "deep"),
    )
    return StudentResult(
        student_id=student_id or name, name=name, year_level=year,
        test_name="Term 1 number and measurement", sat_on=sat_on, theta=(score - 1500) / 75,
        se=0.25, scale_score=score, scale_se=18.0, sublevel=sublevel,
        strands={"Number and algebra": (score - 14, 24.0),
                 "Geometry and measurement": (score + 31, 26.0), "Statistics": (score + 3, 30.0)},
        depth={"surface": (score + 12, 21.0), "deep": (score - 20, 25.0)},
        attitude=attitude, flags=flags, items=items if items is not None else default)


def a_class() -> list[StudentResult]:
    """Six students: everyone has NA4-2 to be achieved; two have the NA3-3 gap."""
    plain = (item("M101", "NA3-1", "Achieved", 1420), item("M104", "NA3-3", "Achieved", 1450),
             item("M106", "NA4-2", "To be achieved", 1530, "deep"),
             item("M107", "ST4-2", "Strengths", 1510, "deep"))
    gap = (*plain[:1], item("M104", "NA3-3", "Gaps", 1450), *plain[2:])
    return [result("Aroha Ngata", 1480, items=gap, sublevel="4B"),
            result("Ben Tui", 1452, items=gap, sublevel="3A"),
            result("Caleb Wong", 1512, items=plain, sublevel="4P"),
            result("Dana Fifita", 1415, items=plain, sublevel="3P", flags=("rapid_guessing",)),
            result("Eru Parata", 1530, items=plain, sublevel="4A"),
            result("Fatima Ali", 1498, items=plain[:3], sublevel="4P")]


def pre_post() -> tuple[list[StudentResult], list[StudentResult]]:
    """Five students tested in March and again in November; Gus only sat the second test."""
    before = [1440.0, 1460.0, 1480.0, 1500.0, 1520.0]
    gains = [40.0, 30.0, 20.0, 10.0, 25.0]
    names = ["Aroha Ngata", "Ben Tui", "Caleb Wong", "Dana Fifita", "Eru Parata"]
    pre = [result(n, s, items=()) for n, s in zip(names, before, strict=True)]
    post = [result(n, s + g, items=(), sat_on=date(2026, 11, 16))
            for n, s, g in zip(names, before, gains, strict=True)]
    return pre, [*post, result("Gus Hemi", 1490.0, items=(), sat_on=date(2026, 11, 16))]
