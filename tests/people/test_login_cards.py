"""Log-in cards as printed: a child copies the password from one line, not two."""

from __future__ import annotations

from types import SimpleNamespace

from app.people.student_logins import StudentLogin, cards_html
from app.ui.pdf import document

LONGEST = "blanket dolphin 99"  # two of the longest words and a two-digit number


def _password_lines(html: str) -> list[int]:
    from weasyprint.formatting_structure.boxes import LineBox

    counts = []
    for page in document(html, "http://kete.invalid/").pages:
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if (getattr(box, "element_tag", None) == "dd" and element is not None
                    and "password" in element.get("class", "") and box.children
                    and not isinstance(box, LineBox)):
                counts.append(sum(isinstance(c, LineBox) for c in box.children))
    return counts


def test_the_longest_password_is_printed_on_one_line() -> None:
    school = SimpleNamespace(name="Te Kura o Kete (demo school)", code="KETE-DEMO")
    group = SimpleNamespace(name="Room 5 Kōwhai", school=school)
    rows = [StudentLogin(student=SimpleNamespace(  # type: ignore[arg-type]
        first_name="Aroha", last_name="Ngata", student_number=str(26000 + n)),
        password=LONGEST) for n in range(3)]
    html = cards_html(group, rows, login_url="http://127.0.0.1:8000/student/login")  # type: ignore[arg-type]
    assert _password_lines(html) == [1, 1, 1]
