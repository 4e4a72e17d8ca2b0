"""Item bank, calibrations, scales, schools and staff log-ins: the first schema.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 18:17:48.935833
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('school',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school')),
    sa.UniqueConstraint('code', name=op.f('uq_school_code'))
    )
    op.create_table('subject',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subject')),
    sa.UniqueConstraint('code', name=op.f('uq_subject_code'))
    )
    op.create_table('calibration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('link_a', sa.Float(), nullable=False),
    sa.Column('link_b', sa.Float(), nullable=False),
    sa.Column('population_mean', sa.Float(), nullable=False),
    sa.Column('population_sd', sa.Float(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['calibration.id'], name=op.f('fk_calibration_parent_id_calibration')),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_calibration_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibration'))
    )
    with op.batch_alter_table('calibration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibration_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index('uq_calibration_active_subject', ['subject_id'], unique=True, sqlite_where=sa.text('is_active'), postgresql_where=sa.text('is_active'))

    op.create_table('curriculum_level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('sublevel', sa.String(length=2), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_curriculum_level_subject_id_subject'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_curriculum_level')),
    sa.UniqueConstraint('subject_id', 'code', name=op.f('uq_curriculum_level_subject_id'))
    )
    op.create_table('reporting_scale',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('intercept', sa.Float(), nullable=False),
    sa.Column('slope', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_reporting_scale_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporting_scale')),
    sa.UniqueConstraint('subject_id', name=op.f('uq_reporting_scale_subject_id'))
    )
    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_staff_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_email'))
    )
    op.create_table('strand',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_strand_subject_id_subject'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strand')),
    sa.UniqueConstraint('subject_id', 'code', name=op.f('uq_strand_subject_id'))
    )
    op.create_table('auth_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_auth_session_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_auth_session_token_hash'))
    )
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_session_staff_id'), ['staff_id'], unique=False)

    op.create_table('cut_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['curriculum_level.id'], name=op.f('fk_cut_score_level_id_curriculum_level')),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_cut_score_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cut_score')),
    sa.UniqueConstraint('subject_id', 'level_id', name=op.f('uq_cut_score_subject_id'))
    )
    op.create_table('objective',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('strand_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['strand_id'], ['strand.id'], name=op.f('fk_objective_strand_id_strand'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_objective_subject_id_subject'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objective')),
    sa.UniqueConstraint('subject_id', 'code', name=op.f('uq_objective_subject_id'))
    )
    op.create_table('passage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['curriculum_level.id'], name=op.f('fk_passage_level_id_curriculum_level')),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_passage_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passage')),
    sa.UniqueConstraint('code', name=op.f('uq_passage_code'))
    )
    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('strand_id', sa.Integer(), nullable=True),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('solo', sa.String(length=20), nullable=True),
    sa.Column('response_type', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('passage_id', sa.Integer(), nullable=True),
    sa.Column('enemy_group', sa.String(length=40), nullable=True),
    sa.Column('attitude_scale', sa.String(length=40), nullable=True),
    sa.Column('needs_recalibration', sa.Boolean(), nullable=False),
    sa.Column('current_revision_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['curriculum_level.id'], name=op.f('fk_item_level_id_curriculum_level')),
    sa.ForeignKeyConstraint(['objective_id'], ['objective.id'], name=op.f('fk_item_objective_id_objective')),
    sa.ForeignKeyConstraint(['passage_id'], ['passage.id'], name=op.f('fk_item_passage_id_passage')),
    sa.ForeignKeyConstraint(['strand_id'], ['strand.id'], name=op.f('fk_item_strand_id_strand')),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_item_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item')),
    sa.UniqueConstraint('code', name=op.f('uq_item_code'))
    )
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_level_id'), ['level_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_objective_id'), ['objective_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_passage_id'), ['passage_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_strand_id'), ['strand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_subject_id'), ['subject_id'], unique=False)

    op.create_table('item_parameter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calibration_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=10), nullable=False),
    sa.Column('a', sa.Float(), nullable=False),
    sa.Column('b', sa.Float(), nullable=True),
    sa.Column('c', sa.Float(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('se_a', sa.Float(), nullable=True),
    sa.Column('se_b', sa.Float(), nullable=True),
    sa.Column('se_c', sa.Float(), nullable=True),
    sa.Column('se_steps', sa.JSON(), nullable=False),
    sa.Column('location', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['calibration_id'], ['calibration.id'], name=op.f('fk_item_parameter_calibration_id_calibration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_item_parameter_item_id_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_parameter')),
    sa.UniqueConstraint('calibration_id', 'item_id', name=op.f('uq_item_parameter_calibration_id'))
    )
    with op.batch_alter_table('item_parameter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_parameter_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_parameter_location'), ['location'], unique=False)

    op.create_table('item_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('stem_html', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('key', sa.JSON(), nullable=True),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.Column('expected_time_s', sa.Integer(), nullable=False),
    sa.Column('metadata', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_item_revision_item_id_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_revision')),
    sa.UniqueConstraint('item_id', 'number', name=op.f('uq_item_revision_item_id'))
    )
    with op.batch_alter_table('item_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_revision_item_id'), ['item_id'], unique=False)

    # item ⇄ item_revision refer to each other: the item's pointer is added last.
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_item_current_revision_id_item_revision'), 'item_revision',
            ['current_revision_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':  # SQLite drops it with the table
        op.drop_constraint(op.f('fk_item_current_revision_id_item_revision'), 'item',
                           type_='foreignkey')
    with op.batch_alter_table('item_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_revision_item_id'))

    op.drop_table('item_revision')
    with op.batch_alter_table('item_parameter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_parameter_location'))
        batch_op.drop_index(batch_op.f('ix_item_parameter_item_id'))

    op.drop_table('item_parameter')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_subject_id'))
        batch_op.drop_index(batch_op.f('ix_item_strand_id'))
        batch_op.drop_index(batch_op.f('ix_item_status'))
        batch_op.drop_index(batch_op.f('ix_item_passage_id'))
        batch_op.drop_index(batch_op.f('ix_item_objective_id'))
        batch_op.drop_index(batch_op.f('ix_item_level_id'))

    op.drop_table('item')
    op.drop_table('passage')
    op.drop_table('objective')
    op.drop_table('cut_score')
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_session_staff_id'))

    op.drop_table('auth_session')
    op.drop_table('strand')
    op.drop_table('staff')
    op.drop_table('reporting_scale')
    op.drop_table('curriculum_level')
    with op.batch_alter_table('calibration', schema=None) as batch_op:
        batch_op.drop_index('uq_calibration_active_subject', sqlite_where=sa.text('is_active'), postgresql_where=sa.text('is_active'))
        batch_op.drop_index(batch_op.f('ix_calibration_subject_id'))

    op.drop_table('calibration')
    op.drop_table('subject')
    op.drop_table('school')
