"""Calibration runs (background recalibration) and scored responses (their evidence).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:30:20.862735
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calibration_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('model', sa.String(length=10), nullable=False),
    sa.Column('anchored', sa.Boolean(), nullable=False),
    sa.Column('tolerance', sa.Float(), nullable=False),
    sa.Column('item_statuses', sa.JSON(), nullable=False),
    sa.Column('item_codes', sa.JSON(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('window_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=True),
    sa.Column('requested_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['result_id'], ['calibration.id'], name=op.f('fk_calibration_run_result_id_calibration')),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_calibration_run_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibration_run'))
    )
    with op.batch_alter_table('calibration_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibration_run_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_calibration_run_subject_id'), ['subject_id'], unique=False)

    op.create_table('scored_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_key', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('item_revision_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('groups', sa.JSON(), nullable=True),
    sa.Column('observed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_scored_response_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_revision_id'], ['item_revision.id'], name=op.f('fk_scored_response_item_revision_id_item_revision'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scored_response'))
    )
    with op.batch_alter_table('scored_response', schema=None) as batch_op:
        batch_op.create_index('ix_scored_response_item_observed', ['item_id', 'observed_at'], unique=False)
        batch_op.create_index('uq_scored_response_person_item', ['person_key', 'item_id'], unique=True)



def downgrade() -> None:
    with op.batch_alter_table('scored_response', schema=None) as batch_op:
        batch_op.drop_index('uq_scored_response_person_item')
        batch_op.drop_index('ix_scored_response_item_observed')

    op.drop_table('scored_response')
    with op.batch_alter_table('calibration_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calibration_run_subject_id'))
        batch_op.drop_index(batch_op.f('ix_calibration_run_status'))

    op.drop_table('calibration_run')