"""One flag vocabulary: stored result flags become the codes delivery's Flag enum names.

Scoring stored flags as phrases ("rapid guessing", "fewer than 3 correct", "all correct")
while reports explained other codes, so the explanations never appeared. Results now store
``rapid_guessing``, ``few_correct`` and ``all_correct``; this rewrites rows scored before.
(Readers also accept the old phrases, so a row missed here still reads correctly.)

Revision ID: reports_01
Revises: impact_01
Create Date: 2026-11-30 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'reports_01'
down_revision: str | None = 'impact_01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_TO_NEW = {"fewer than 3 correct": "few_correct", "all correct": "all_correct",
              "rapid guessing": "rapid_guessing", "too_little_information": "few_correct"}
NEW_TO_OLD = {"few_correct": "fewer than 3 correct", "all_correct": "all correct",
              "rapid_guessing": "rapid guessing"}
result = sa.table("result", sa.column("id", sa.Integer), sa.column("flags", sa.JSON))


def _rewrite(mapping: dict[str, str]) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(result.c.id, result.c.flags)).all()
    for row_id, flags in rows:
        new = [mapping.get(f, f) for f in flags or []]
        if new != (flags or []):
            connection.execute(result.update().where(result.c.id == row_id).values(flags=new))


def upgrade() -> None:
    _rewrite(OLD_TO_NEW)


def downgrade() -> None:
    _rewrite(NEW_TO_OLD)
