"""Sittings: assignments of forms to classes, students' sittings, answers and results.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 19:06:27.235170
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=True),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['class_group.id'], name=op.f('fk_assignment_class_id_class_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_assignment_created_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['form_id'], ['form.id'], name=op.f('fk_assignment_form_id_form')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_assignment_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_form_id'), ['form_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_school_id'), ['school_id'], unique=False)

    op.create_table('sitting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('calibration_id', sa.Integer(), nullable=False),
    sa.Column('attitude_item_ids', sa.JSON(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('time_used_s', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_sitting_assignment_id_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['calibration_id'], ['calibration.id'], name=op.f('fk_sitting_calibration_id_calibration')),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_sitting_student_id_student'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sitting')),
    sa.UniqueConstraint('assignment_id', 'student_id', name='uq_sitting_assignment_student')
    )
    with op.batch_alter_table('sitting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sitting_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sitting_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_sitting_student_id'), ['student_id'], unique=False)

    op.create_table('result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('calibration_id', sa.Integer(), nullable=False),
    sa.Column('theta', sa.Float(), nullable=False),
    sa.Column('se', sa.Float(), nullable=False),
    sa.Column('scale_score', sa.Float(), nullable=True),
    sa.Column('scale_se', sa.Float(), nullable=True),
    sa.Column('sublevel', sa.String(length=8), nullable=True),
    sa.Column('raw_score', sa.Integer(), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.Column('subscores', sa.JSON(), nullable=False),
    sa.Column('attitude_score', sa.Float(), nullable=True),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('quadrants', sa.JSON(), nullable=False),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['calibration_id'], ['calibration.id'], name=op.f('fk_result_calibration_id_calibration')),
    sa.ForeignKeyConstraint(['sitting_id'], ['sitting.id'], name=op.f('fk_result_sitting_id_sitting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result')),
    sa.UniqueConstraint('sitting_id', name=op.f('uq_result_sitting_id'))
    )
    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('item_revision_id', sa.Integer(), nullable=False),
    sa.Column('form_item_id', sa.Integer(), nullable=True),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('time_s', sa.Float(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['form_item_id'], ['form_item.id'], name=op.f('fk_answer_form_item_id_form_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_answer_item_id_item')),
    sa.ForeignKeyConstraint(['item_revision_id'], ['item_revision.id'], name=op.f('fk_answer_item_revision_id_item_revision')),
    sa.ForeignKeyConstraint(['marked_by_id'], ['staff.id'], name=op.f('fk_answer_marked_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sitting_id'], ['sitting.id'], name=op.f('fk_answer_sitting_id_sitting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sa.UniqueConstraint('sitting_id', 'client_id', name='uq_answer_client'),
    sa.UniqueConstraint('sitting_id', 'item_id', name='uq_answer_item')
    )


def downgrade() -> None:
    op.drop_table('answer')
    op.drop_table('result')
    with op.batch_alter_table('sitting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sitting_student_id'))
        batch_op.drop_index(batch_op.f('ix_sitting_status'))
        batch_op.drop_index(batch_op.f('ix_sitting_assignment_id'))

    op.drop_table('sitting')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_school_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_form_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_class_id'))

    op.drop_table('assignment')
