"""Field-test seeding: each subject's rule for trial items in tests (per test, shortest test,
target responses, paper or not).

Revision ID: calib_02
Revises: calib_01
Create Date: 2026-11-30 15:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'calib_02'
down_revision: str | None = 'calib_01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'field_trial_setting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('per_test', sa.Integer(), nullable=False),
        sa.Column('min_test_items', sa.Integer(), nullable=False),
        sa.Column('target', sa.Integer(), nullable=False),
        sa.Column('on_paper', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['subject_id'], ['subject.id'],
                                name=op.f('fk_field_trial_setting_subject_id_subject')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_field_trial_setting')),
        sa.UniqueConstraint('subject_id', name=op.f('uq_field_trial_setting_subject_id')),
    )


def downgrade() -> None:
    op.drop_table('field_trial_setting')
