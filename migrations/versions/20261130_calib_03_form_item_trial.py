"""Field-test seeding: a form item can be an unscored trial item.

Revision ID: calib_03
Revises: calib_02
Create Date: 2026-11-30 16:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'calib_03'
down_revision: str | None = 'calib_02'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('form_item') as batch:
        batch.add_column(sa.Column('trial', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('form_item') as batch:
        batch.drop_column('trial')
