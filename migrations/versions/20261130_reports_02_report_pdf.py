"""Report PDFs kept until their report's content changes.

Revision ID: reports_02
Revises: trust_02
Create Date: 2026-11-30 12:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'reports_02'
down_revision: str | None = 'trust_02'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'report_pdf',
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('version', sa.String(length=64), nullable=False),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_report_pdf')),
    )


def downgrade() -> None:
    op.drop_table('report_pdf')
