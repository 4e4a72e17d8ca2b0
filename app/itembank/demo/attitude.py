"""Attitude items: four-point Likert statements about maths and reading.

Options are always Strongly disagree (A) … Strongly agree (D), scored 0–3. Reverse-keyed
statements ("Maths is hard for me") score A → 3 … D → 0, so a higher score always means a more
positive attitude.
"""

from __future__ import annotations

from typing import Any

LABELS = ("Strongly disagree", "Disagree", "Agree", "Strongly agree")
IDS = ("A", "B", "C", "D")

# (subject prefix, subject, scale, statement, reverse keyed)
STATEMENTS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("MA", "mathematics", "maths-enjoyment", "I like doing maths.", False),
    ("MA", "mathematics", "maths-enjoyment", "Maths is one of my favourite subjects.", False),
    ("MA", "mathematics", "maths-enjoyment", "I look forward to maths lessons.", False),
    ("MA", "mathematics", "maths-enjoyment", "Maths is boring.", True),
    ("MA", "mathematics", "maths-enjoyment", "I enjoy working on maths puzzles.", False),
    ("MA", "mathematics", "maths-confidence", "I am good at maths.", False),
    ("MA", "mathematics", "maths-confidence", "Maths is hard for me.", True),
    ("MA", "mathematics", "maths-confidence",
     "I can usually work out maths problems by myself.", False),
    ("MA", "mathematics", "maths-confidence", "I worry that I will get my maths wrong.", True),
    ("MA", "mathematics", "maths-confidence",
     "When I get stuck in maths, I can try another way.", False),
    ("RD", "reading", "reading-enjoyment", "I like reading.", False),
    ("RD", "reading", "reading-enjoyment", "I read for fun in my own time.", False),
    ("RD", "reading", "reading-enjoyment", "Reading is boring.", True),
    ("RD", "reading", "reading-enjoyment",
     "I like talking about books and stories with other people.", False),
    ("RD", "reading", "reading-enjoyment", "I enjoy choosing books at the library.", False),
    ("RD", "reading", "reading-confidence", "I am a good reader.", False),
    ("RD", "reading", "reading-confidence", "Reading is hard for me.", True),
    ("RD", "reading", "reading-confidence",
     "I can work out what new words mean when I read.", False),
    ("RD", "reading", "reading-confidence", "I give up when a book is hard to read.", True),
    ("RD", "reading", "reading-confidence", "I understand what I read at school.", False),
)


def attitude_items() -> list[dict[str, Any]]:
    """All Likert items, maths first; codes ``AT-MA-01`` … and ``AT-RD-01`` …"""
    counters: dict[str, int] = {}
    items = []
    for prefix, subject, scale, text, reverse in STATEMENTS:
        counters[prefix] = counters.get(prefix, 0) + 1
        items.append(_item(f"AT-{prefix}-{counters[prefix]:02d}", subject, scale, text, reverse))
    return items


def _item(code: str, subject: str, scale: str, text: str, reverse: bool) -> dict[str, Any]:
    scores = {i: (3 - n if reverse else n) for n, i in enumerate(IDS)}
    return {
        "code": code, "subject": subject, "kind": "attitude", "strand": None,
        "objective": None, "sublevel": None, "solo": None, "response_type": "likert",
        "stem_html": f"<p>{text}</p>",
        "options": [{"id": i, "html": label} for i, label in zip(IDS, LABELS, strict=True)],
        "key": {"scores": scores}, "max_score": 3, "expected_time_s": 10, "passage": None,
        "enemy_group": None, "family": None, "attitude_scale": scale, "status": "operational",
        "metadata": {"reverse_keyed": reverse},
    }
