"""The typed result contract: one flag vocabulary, old rows read back, stored through the model."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from app.delivery.results import FLAG_MEANING, Flag, Quadrant, ScoredResult
from app.migrate import downgrade, upgrade

OLD_ROW = {"sitting_id": 7, "assignment_id": 3, "student_id": 2, "calibration_id": 1,
           "theta": 0.2, "se": 0.3, "scale_score": 1515.0, "scale_se": 22.5, "sublevel": "4P",
           "raw_score": 1, "max_score": 2, "attitude_score": None,
           "subscores": {"strand": {"NA": {"theta": 0.1, "se": 0.5, "scale_score": 1507.5,
                                           "scale_se": 37.5, "n_items": 2, "raw": 1,
                                           "max": 2}}, "depth": {}},
           "flags": ["fewer than 3 correct", "rapid guessing"],
           "quadrants": [{"position": 1, "item": "M1", "objective": "NA4-1",
                          "objective_text": "Fractions", "strand": "NA", "sublevel": "4B",
                          "depth": "surface", "score": 1, "max_score": 1, "p_correct": 0.6,
                          "quadrant": "Achieved"},
                         {"position": 2, "item": "M2", "objective": None, "strand": None,
                          "sublevel": None, "depth": "deep", "score": 0, "max_score": 1,
                          "p_correct": 0.4, "quadrant": "To be achieved"}],
           "sat_at": datetime(2026, 3, 1, tzinfo=UTC), "scored_at": datetime(2026, 3, 1,
                                                                              tzinfo=UTC)}


def test_every_flag_has_words_for_teachers() -> None:
    assert set(FLAG_MEANING) == set(Flag)
    assert Flag.RAPID_GUESSING.short == "Rapid guessing"


def test_rows_stored_before_the_contract_read_back_typed() -> None:
    scored = ScoredResult.model_validate(OLD_ROW)
    assert scored.flags == (Flag.FEW_CORRECT, Flag.RAPID_GUESSING)
    assert scored.quadrants[0].difficulty is None  # filled in by the reports' sources
    assert scored.quadrants[1].quadrant is Quadrant.TO_BE_ACHIEVED
    assert scored.subscores.strand["NA"].scale_se == 37.5 and scored.items_right == 1


def test_part_marks_count_as_right_from_half_the_marks() -> None:
    rows = [{**OLD_ROW["quadrants"][0], "score": s, "max_score": 2,  # type: ignore[dict-item]
             "quadrant": "Achieved" if 2 * s >= 2 else "Gaps"} for s in (0, 1, 2)]
    scored = ScoredResult.model_validate({**OLD_ROW, "quadrants": rows})
    assert scored.items_right == 2 and scored.items_partial == 1
    assert scored.items_right == sum(q.quadrant.correct for q in scored.quadrants)


def test_the_migration_rewrites_stored_flags_and_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'flags.db'}"
    upgrade(url, "impact_01")
    raw = sqlite3.connect(tmp_path / "flags.db")  # foreign keys off: a bare result row
    raw.execute("INSERT INTO result (id, sitting_id, calibration_id, theta, se, raw_score, "
                "max_score, subscores, flags, quadrants, scored_at) VALUES (1, 1, 1, 0, 1, 0, "
                "1, '{}', ?, '[]', '2026-03-01 00:00:00')",
                (json.dumps(["rapid guessing", "all correct"]),))
    raw.commit()
    upgrade(url)
    assert json.loads(raw.execute("SELECT flags FROM result").fetchone()[0]) == [
        "rapid_guessing", "all_correct"]
    downgrade(url, "impact_01")
    assert json.loads(raw.execute("SELECT flags FROM result").fetchone()[0]) == [
        "rapid guessing", "all correct"]
    raw.close()
