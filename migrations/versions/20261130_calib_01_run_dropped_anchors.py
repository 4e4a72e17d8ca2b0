"""Calibration runs record the anchors a psychometrician dropped (with reasons).

Revision ID: calib_01
Revises: load_01
Create Date: 2026-11-30 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'calib_01'
down_revision: str | None = 'load_01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('calibration_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dropped_anchors', sa.JSON(), nullable=False,
                                      server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('calibration_run', schema=None) as batch_op:
        batch_op.drop_column('dropped_anchors')
