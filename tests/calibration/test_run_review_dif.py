"""The review page's DIF section speaks in words: "Gender: male students against female
students", "Year level: Year 6 students against Year 5 students", never ``gender: M``."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.calibration import dif_words, runs
from app.calibration.files import ResponseTable
from app.delivery.service import record_table
from app.irt.simulate import simulate_responses
from app.people import service as people
from app.people.dependencies import SESSION_COOKIE
from tests.calibration.test_runs import N_ANCHORS, _bank, _makers, _request
from tests.factories import framework
from tests.people.builders import cookie_and_csrf


def test_the_dif_section_names_variables_and_groups_in_words(client: TestClient,
                                                            session: Session) -> None:
    rng = np.random.default_rng(12)
    truth = _bank(session, rng)
    n = 4000
    theta, gender = rng.normal(0, 1, n), rng.choice(["F", "M"], n, p=[0.55, 0.45])
    year = rng.choice([5, 6], n, p=[0.6, 0.4])
    scores = simulate_responses(truth, theta, rng)
    shifted = truth.subset(range(truth.n_items))
    shifted.b[N_ANCHORS] += 1.2  # T00 is much harder for boys
    boys = gender == "M"
    scores[boys] = simulate_responses(shifted, theta[boys], rng)
    table = ResponseTable.from_dense(scores, [f"p{i}" for i in range(n)], truth.item_ids)
    record_table(session, table=table, subject_id=framework(session).id, source="trial",
                 observed_at=datetime(2026, 3, 1, tzinfo=UTC),
                 groups={f"p{i}": {"gender": str(g), "year_level": int(y),  # as sittings record
                                   "ethnicity": "Pasifika" if i < 60 else "NZ European"}
                         for i, (g, y) in enumerate(zip(gender, year, strict=True))})
    run = _request(session, "dif")
    runs.execute(_makers(session), run.id)
    session.expire_all()
    staff = people.create_staff(session, email="psy@example.org", name="P",
                                role="psychometrician", password="pw-12345")
    token, _csrf = cookie_and_csrf(session, staff)
    client.cookies.set(SESSION_COOKIE, token)

    page = client.get(f"/calibration/runs/{run.id}").text
    headings = re.findall(r"<h3[^>]*>(.*?)</h3>", page.split('<h2>DIF</h2>')[1])
    assert headings == ["Gender: male students against female students",
                        "Year level: Year 6 students against Year 5 students", "Not compared"]
    # a comparison with nothing computed is one line, not the paragraph repeated for it
    assert ("<li>Ethnicity: Pasifika students against NZ European students — too few students "
            "to compare (60 Pasifika students; 100 needed)</li>") in page
    assert page.count("ETS categories") == 2
    assert "reference group, the largest: female students" in page
    assert "harder for male students than for female students of the same ability" in page
    assert "large DIF (Gender: male vs female, q = " in page
    assert "gender:" not in page and "year_level" not in page


def test_group_words_for_recorded_and_imported_variables() -> None:
    assert dif_words.variable_label("year_level") == "Year level"
    assert dif_words.variable_label("home_region") == "Home region"
    assert dif_words.students("gender", "F") == "female students"
    assert dif_words.students("gender", "Non-binary") == "Non-binary students"
    assert dif_words.students("year_level", 9) == "Year 9 students"
    assert dif_words.students("ethnicity", "Māori") == "Māori students"
    assert dif_words.students("language", "Samoan") == "students whose language is Samoan"
    assert dif_words.students("home_region", "Waikato") == (
        "students whose home region is Waikato")


def test_a_comparison_says_why_nothing_was_compared() -> None:
    rows = [{"item_id": "X1", "category": "not computed"}]
    base = {"variable": "ethnicity", "focal": "Pasifika", "reference": "NZ European",
            "items": rows}
    few_reference = dif_words.described({**base, "n_focal": 150, "n_reference": 120})
    assert few_reference["uncompared"] == (
        "too few students to compare (120 NZ European students; 200 needed)")
    spread = dif_words.described({**base, "n_focal": 150, "n_reference": 900})
    assert spread["uncompared"] == ("no item was answered by 100 Pasifika students and 200 "
                                    "NZ European students")
    some = dif_words.described({**base, "n_focal": 150, "n_reference": 900, "items": rows + [
        {"item_id": "X2", "category": "A"}]})
    assert some["uncompared"] == ""
