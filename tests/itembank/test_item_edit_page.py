"""The item page's revision form: a writer revises an item's content and says whether the
revision is cosmetic; an operational item otherwise leaves new tests until recalibrated."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.itembank import service as items
from app.itembank.models import Item, ItemRevision
from app.itembank.schemas import ItemCreate
from app.people.dependencies import SESSION_COOKIE
from tests.factories import framework, item_data
from tests.people import builders as people

FORM = "/bank/MA-1/edit"


@pytest.fixture
def item(session: Session) -> Item:
    framework(session)
    return items.create(session, data=ItemCreate.model_validate(item_data("MA-1")))


def _page_login(client: TestClient, session: Session, role: str) -> str:
    token, csrf = people.cookie_and_csrf(session, people.staff(session, role))
    client.cookies.set(SESSION_COOKIE, token)
    return csrf


def _revise(client: TestClient, csrf: str, stem: str, **extra: str) -> str:
    data = {"csrf": csrf, "stem_html": stem, "option_id": ["A", "B", "C"],
            "option_html": ["11", "12", "13"], **extra}
    done = client.post(FORM, data=data, follow_redirects=False)
    assert done.status_code == 303, done.text
    return done.headers["location"]


def test_a_cosmetic_revision_keeps_the_item_in_new_tests(client: TestClient, session: Session,
                                                        item: Item) -> None:
    csrf = _page_login(client, session, "item_writer")
    assert f'href="{FORM}"' in client.get("/bank/MA-1").text
    form = client.get(FORM).text
    assert 'name="cosmetic"' in form and "Cosmetic revision only" in form
    assert "left out of new tests until a calibration run re-estimates it" in form
    assert "&lt;p&gt;What is 7 + 5?&lt;/p&gt;" in form  # the stem's HTML, to edit
    where = _revise(client, csrf, "<p>What is 7 + 5 ?</p>\r\n", cosmetic="on",
                    note="spacing")
    assert where == "/bank/MA-1"  # the message travels in a one-time cookie, not the URL
    assert "Saved as cosmetic revision 2" in client.get(where).text
    assert "Saved as" not in client.get(where).text  # once: not again on reload
    session.refresh(item)
    assert item.needs_recalibration is False
    revision = session.scalar(select(ItemRevision).where(
        ItemRevision.id == item.current_revision_id))
    assert revision is not None and revision.number == 2 and revision.note == "spacing (cosmetic)"
    assert revision.stem_html == "<p>What is 7 + 5 ?</p>\n"  # LF, not the CRLF sent


def test_a_revision_not_marked_cosmetic_needs_recalibration(client: TestClient,
                                                           session: Session,
                                                           item: Item) -> None:
    csrf = _page_login(client, session, "item_writer")
    where = _revise(client, csrf, "<p>What is 8 + 5?</p>", note="new numbers")
    assert where == "/bank/MA-1"
    page = client.get(where).text
    assert "Saved as revision 2. The item is out of new tests until a calibration run " \
        "re-estimates it" in page
    session.refresh(item)
    assert item.needs_recalibration is True
    assert _revise(client, csrf, "<p>What is 8 + 5?</p>") == "/bank/MA-1"
    assert "Nothing changed, so no new revision was made." in client.get(where).text


def test_a_link_cannot_make_the_item_page_say_it_was_saved(client: TestClient,
                                                          session: Session, item: Item) -> None:
    _page_login(client, session, "item_writer")
    for saved in ("cosmetic", "revision", "unchanged"):
        page = client.get(f"/bank/MA-1?saved={saved}").text
        assert "Saved as" not in page and "Nothing changed" not in page
        assert 'role="status"' not in page


def test_the_form_refuses_with_why_and_only_bank_editors_get_it(client: TestClient,
                                                              session: Session,
                                                              item: Item) -> None:
    csrf = _page_login(client, session, "item_writer")
    empty = client.post(FORM, data={"csrf": csrf, "stem_html": "", "cosmetic": "on"})
    assert empty.status_code == 422 and "Not saved." in empty.text
    assert "Question: String should have at least 1 character." in empty.text
    assert "checked" in empty.text  # the choice made is kept
    assert client.post(FORM, data={"csrf": "forged", "stem_html": "<p>x</p>"}).status_code == 403
    teacher_csrf = _page_login(client, session, "teacher")
    assert "/edit" not in client.get("/bank/MA-1").text
    assert client.get(FORM).status_code == 403
    assert client.post(FORM, data={"csrf": teacher_csrf,
                                   "stem_html": "<p>x</p>"}).status_code == 403
    session.refresh(item)
    assert item.needs_recalibration is False


def test_the_item_page_words_the_key_and_names_the_subject(client: TestClient,
                                                           session: Session) -> None:
    framework(session)
    items.create(session, data=ItemCreate.model_validate(item_data(
        "MA-8", response_type="numeric", options=[], key={"value": 8, "tolerance": 0.0})))
    _page_login(client, session, "item_writer")
    page = client.get("/bank/MA-8").text
    assert "8 <small>(exactly this number)" in page and '"tolerance"' not in page
    assert "<dd>Mathematics</dd>" in page and "<dd>maths</dd>" not in page
