"""Norms as data: norm sets (one active per subject) and their rows by year level and week.

Revision ID: impact_01
Revises: 0005
Create Date: 2026-11-30 11:04:52.955629
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'impact_01'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('norm_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('imported_by', sa.String(length=254), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_norm_set_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_norm_set'))
    )
    with op.batch_alter_table('norm_set', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_norm_set_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index('uq_norm_set_active_subject', ['subject_id'], unique=True, sqlite_where=sa.text('is_active'), postgresql_where=sa.text('is_active'))

    op.create_table('norm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('norm_set_id', sa.Integer(), nullable=False),
    sa.Column('year_level', sa.Integer(), nullable=False),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('term', sa.Integer(), nullable=True),
    sa.Column('mean', sa.Float(), nullable=False),
    sa.Column('sd', sa.Float(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['norm_set_id'], ['norm_set.id'], name=op.f('fk_norm_norm_set_id_norm_set'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_norm')),
    sa.UniqueConstraint('norm_set_id', 'year_level', 'week', name=op.f('uq_norm_norm_set_id'))
    )


def downgrade() -> None:
    op.drop_table('norm')
    with op.batch_alter_table('norm_set', schema=None) as batch_op:
        batch_op.drop_index('uq_norm_set_active_subject', sqlite_where=sa.text('is_active'), postgresql_where=sa.text('is_active'))
        batch_op.drop_index(batch_op.f('ix_norm_set_subject_id'))

    op.drop_table('norm_set')
