"""The player when Kete is overloaded, in Chromium: a 503 is sent again after its
Retry-After (plus jitter, never sooner), a 409 "SendAgain" is sent again at once, a final 409
is not; meanwhile the status line tells the student their answers are safe on this device.
Each save still reaches the real server exactly once, and the hand-in waits out a 503 too.

The overload is staged in the browser's network layer (Playwright answers a request in place
of the server); everything else — server, database, job worker — is real."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from app import db
from app.delivery.models import Answer, Sitting
from tests.browser.conftest import navigate, screenshot
from tests.browser.test_student_sits_a_test import wait_scored
from tests.delivery import builders
from tests.people import builders as people

pytestmark = pytest.mark.browser
BUSY = {"error": "Unavailable", "detail": "Kete is very busy just now and did not carry out "
        "this request. Try again in 1 second."}
CLASH = {"error": "SendAgain", "detail": "Another save of this answer arrived at the same "
         "moment; send it again."}
TIME_UP = {"error": "Conflict", "detail": "Time is up for this test; your saved answers have "
           "been kept."}


@dataclass
class Seed:
    url: str
    student_number: str
    item_ids: list[int]


@dataclass
class Staged:
    """Answers to give in place of the server, in order; then requests go through."""

    answers: list[tuple[int, dict[str, str], dict[str, str]]]
    seen: list[tuple[float, dict[str, object]]] = field(default_factory=list)

    def __call__(self, route) -> None:  # type: ignore[no-untyped-def]
        body = route.request.post_data
        self.seen.append((time.monotonic(), json.loads(body) if body else {}))
        if not self.answers:
            route.continue_()
            return
        status, headers, payload = self.answers.pop(0)
        route.fulfill(status=status, headers={"Content-Type": "application/json", **headers},
                      body=json.dumps(payload))


@pytest.fixture(scope="module")
def seed(live_server: Callable[[], str]) -> Seed:
    with db.get_sessionmaker()() as session:
        builders.bank(session)
        world = people.tenant(session, "BSY")
        given = builders.assigned(session, teacher=world.teacher, room=world.room,
                                  codes=builders.codes(3), minutes=30)
        session.commit()
        return Seed(live_server(), world.students[0].student_number,
                    [fi.item_id for fi in given.form.items])


def _status(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.locator("#save-status").inner_text())


def _wait_status(page, text: str) -> None:  # type: ignore[no-untyped-def]
    # a selector, not a JavaScript string: the page's CSP allows no eval, for tests too
    page.locator("#save-status", has_text=text).wait_for(timeout=15_000)


def test_the_player_waits_out_a_busy_server_and_loses_nothing(seed: Seed, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.goto(f"{seed.url}/student/login")
    page.get_by_label("School code").fill("BSY")
    page.get_by_label("Student number").fill(seed.student_number)
    page.get_by_label("Password").fill(people.STUDENT_PASSWORD)
    navigate(page, page.get_by_role("button", name="Log in"))
    navigate(page, page.get_by_role("button", name="Start Number check"))
    first, second, third = seed.item_ids

    # the clash carries a long Retry-After the player must not wait for: it sends again now
    saves = Staged([(503, {"Retry-After": "1"}, BUSY), (409, {"Retry-After": "60"}, CLASH)])
    page.route("**/api/v1/sittings/*/answers", saves)
    page.locator(f"#item-{first} input[value=B]").check()
    _wait_status(page, "safe on this device")
    assert "busy" in _status(page)
    screenshot(page, "player-busy")
    _wait_status(page, "All answers saved")
    (busy_at, sent), (clash_at, again), (_, last) = saves.seen
    assert sent == again == last  # the same save each time: same client id and seq
    assert clash_at - busy_at >= 1.0  # not before Retry-After (jitter adds up to half again)

    saves.answers.append((409, {}, TIME_UP))
    page.locator(f"#item-{second} input[value=C]").check()
    _wait_status(page, "Time is up")
    time.sleep(1.5)
    assert [s["item_id"] for _, s in saves.seen].count(second) == 1  # a final 409: not resent
    page.locator(f"#item-{third} input[value=A]").check()
    _wait_status(page, "All answers saved")

    hand_ins = Staged([(503, {"Retry-After": "1"}, BUSY)])
    page.route("**/api/v1/sittings/*/submit", hand_ins)
    page.once("dialog", lambda dialog: dialog.accept())  # one question is unanswered
    navigate(page, page.get_by_role("button", name="Hand in my test"))
    assert "/student/results/" in page.url
    assert len(hand_ins.seen) == 2 and hand_ins.seen[1][0] - hand_ins.seen[0][0] >= 1.0
    with db.get_sessionmaker()() as session:
        sitting = wait_scored(session)
        stored = {a.item_id: (a.response, a.seq) for a in session.scalars(
            select(Answer).where(Answer.sitting_id == sitting.id))}
        assert sitting.status == "scored"
        assert stored[first][0] == "B" and stored[third][0] == "A" and second not in stored
        assert session.scalar(select(Sitting.submitted_at).where(Sitting.id == sitting.id))
    page.context.close()
