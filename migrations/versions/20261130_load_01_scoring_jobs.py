"""Scoring off the request path: when the keys marked a sitting, and periodic-job claims.

``sitting.automarked_at`` is set by the scoring job, so the every-minute sweep can tell a
hand-in whose job never ran from one waiting for a teacher's marks. ``periodic_run`` holds
one row per periodic job and minute: the scheduler that inserts it first runs the job.

Revision ID: load_01
Revises: reports_02
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'load_01'
down_revision: str | None = 'reports_02'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('periodic_run',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('slot', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('name', 'slot', name=op.f('pk_periodic_run'))
    )
    with op.batch_alter_table('sitting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('automarked_at', sa.DateTime(timezone=True), nullable=True))
    # sittings scored before this revision were marked by their keys when they were scored
    op.execute("UPDATE sitting SET automarked_at = submitted_at WHERE status = 'scored'")


def downgrade() -> None:
    with op.batch_alter_table('sitting', schema=None) as batch_op:
        batch_op.drop_column('automarked_at')
    op.drop_table('periodic_run')
