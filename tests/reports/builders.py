"""Hand-made report data: a maths class with known quadrants, strands and scores.

Results are delivery's own :class:`ScoredResult` (flags are :class:`Flag` members, so a test
cannot use a code scoring never emits).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from app.delivery.results import Flag, ItemOutcome, Quadrant, ScoredResult, SubScore, SubScores
from app.reports.data import StudentResult

STRANDS = {"NA": "Number and algebra", "GM": "Geometry and measurement", "ST": "Statistics"}
OBJECTIVES = {
    "NA3-1": ("Use a range of additive strategies with whole numbers", "NA", "3P"),
    "NA3-3": ("Know basic multiplication and division facts", "NA", "3A"),
    "NA4-2": ("Understand operations on fractions", "NA", "4B"),
    "GM3-1": ("Measure length, area and volume with standard units", "GM", "3B"),
    "GM4-3": ("Describe transformations: reflection, rotation, translation", "GM", "4P"),
    "ST3-1": ("Read and interpret bar graphs and tables", "ST", "3B"),
    "ST4-2": ("Compare distributions using summary statistics", "ST", "4A"),
}


def item(code: str, objective: str, quadrant: str, difficulty: float,
         depth: str = "surface", *, score: int | None = None, max_score: int = 1,
         position: int = 1) -> ItemOutcome:
    """One item outcome; the score follows the quadrant unless given."""
    text, strand, sublevel = OBJECTIVES[objective]
    quad = Quadrant(quadrant)
    return ItemOutcome(position=position, item=code, objective=objective, objective_text=text,
                       strand=strand, sublevel=sublevel, depth=depth,  # type: ignore[arg-type]
                       score=(max_score if quad.correct else 0) if score is None else score,
                       max_score=max_score, p_correct=0.7 if quad.easier else 0.3,
                       difficulty=difficulty, quadrant=quad)


def _sub(score: float, se: float) -> SubScore:
    return SubScore(theta=(score - 1500) / 75, se=se / 75, scale_score=score, scale_se=se,
                    n_items=4, raw=2, max=4)


def result(name: str = "Aroha Ngata", score: float = 1480.0, *, student_id: str | None = None,
           year: int = 6, items: tuple[ItemOutcome, ...] | None = None,
           flags: tuple[Flag, ...] = (), sublevel: str = "4B", sat_on: date = date(2026, 3, 9),
           attitude: float | None = 2.3, subscores: bool = True) -> StudentResult:
    """A maths result; by default two items in each quadrant."""
    default = (
        item("M101", "NA3-1", "Achieved", 1420), item("M102", "ST3-1", "Achieved", 1395),
        item("M103", "GM4-3", "Strengths", 1505, "deep"),
        item("M104", "NA3-3", "Gaps", 1450), item("M105", "GM3-1", "Gaps", 1400),
        item("M106", "NA4-2", "To be achieved", 1530, "deep"),
        item("M107", "ST4-2", "To be achieved", 1510, "deep"),
        item("M108", "NA4-2", "To be achieved", 1550, "deep"),
    )
    outcomes = items if items is not None else default
    sat = datetime.combine(sat_on, time(9, 30), tzinfo=UTC)
    scored = ScoredResult(
        sitting_id=abs(hash(name)) % 10_000, assignment_id=1, student_id=1, calibration_id=1,
        theta=(score - 1500) / 75, se=0.24, scale_score=score, scale_se=18.0, sublevel=sublevel,
        raw_score=sum(o.score for o in outcomes), max_score=sum(o.max_score for o in outcomes),
        subscores=SubScores(
            strand={"NA": _sub(score - 14, 24.0), "GM": _sub(score + 31, 26.0),
                    "ST": _sub(score + 3, 30.0)},
            depth={"surface": _sub(score + 12, 21.0), "deep": _sub(score - 20, 25.0)},
        ) if subscores else SubScores(),
        attitude_score=attitude, flags=flags, quadrants=outcomes, sat_at=sat, scored_at=sat)
    return StudentResult(student_id=student_id or name, name=name, year_level=year,
                         test_name="Term 1 number and measurement", scored=scored,
                         strand_names=STRANDS)


def a_class() -> list[StudentResult]:
    """Six students: everyone has NA4-2 to be achieved; two have the NA3-3 gap."""
    plain = (item("M101", "NA3-1", "Achieved", 1420), item("M104", "NA3-3", "Achieved", 1450),
             item("M106", "NA4-2", "To be achieved", 1530, "deep"),
             item("M107", "ST4-2", "Strengths", 1510, "deep"))
    gap = (*plain[:1], item("M104", "NA3-3", "Gaps", 1450), *plain[2:])
    return [result("Aroha Ngata", 1480, items=gap, sublevel="4B"),
            result("Ben Tui", 1452, items=gap, sublevel="3A"),
            result("Caleb Wong", 1512, items=plain, sublevel="4P"),
            result("Dana Fifita", 1415, items=plain, sublevel="3P", flags=(Flag.RAPID_GUESSING,)),
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
