"""Teacher-defined groups, teams, targets, impact cycles; each sitting keeps its year level.

Existing sittings take their student's current year level (the best that is known).

Revision ID: impact_02
Revises: reports_01
Create Date: 2026-11-30 11:18:10.892896
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'impact_02'
down_revision: str | None = 'reports_01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_team_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team')),
    sa.UniqueConstraint('school_id', 'name', name=op.f('uq_team_school_id'))
    )
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_school_id'), ['school_id'], unique=False)

    op.create_table('student_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['staff.id'], name=op.f('fk_student_group_owner_id_staff'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_student_group_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_student_group'))
    )
    with op.batch_alter_table('student_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_group_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_student_group_school_id'), ['school_id'], unique=False)

    op.create_table('target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.Integer(), nullable=False),
    sa.Column('year_level', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_target_created_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_target_school_id_school')),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_target_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target')),
    sa.UniqueConstraint('school_id', 'subject_id', 'school_year', 'year_level', 'kind', name=op.f('uq_target_school_id'))
    )
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_school_id'), ['school_id'], unique=False)

    op.create_table('team_member',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_team_member_staff_id_staff'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_team_member_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', 'staff_id', name=op.f('pk_team_member'))
    )
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_member_staff_id'), ['staff_id'], unique=False)

    op.create_table('student_group_member',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['student_group.id'], name=op.f('fk_student_group_member_group_id_student_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_student_group_member_student_id_student'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'student_id', name=op.f('pk_student_group_member'))
    )
    with op.batch_alter_table('student_group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_group_member_student_id'), ['student_id'], unique=False)

    op.create_table('impact_cycle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('objectives', sa.JSON(), nullable=False),
    sa.Column('success_criteria', sa.JSON(), nullable=False),
    sa.Column('pre_form_id', sa.Integer(), nullable=True),
    sa.Column('post_form_id', sa.Integer(), nullable=True),
    sa.Column('pre_assignment_id', sa.Integer(), nullable=True),
    sa.Column('post_assignment_id', sa.Integer(), nullable=True),
    sa.Column('parallel', sa.JSON(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reflection', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['class_group.id'], name=op.f('fk_impact_cycle_class_id_class_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_impact_cycle_created_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['student_group.id'], name=op.f('fk_impact_cycle_group_id_student_group'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_assignment_id'], ['assignment.id'], name=op.f('fk_impact_cycle_post_assignment_id_assignment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_form_id'], ['form.id'], name=op.f('fk_impact_cycle_post_form_id_form')),
    sa.ForeignKeyConstraint(['pre_assignment_id'], ['assignment.id'], name=op.f('fk_impact_cycle_pre_assignment_id_assignment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pre_form_id'], ['form.id'], name=op.f('fk_impact_cycle_pre_form_id_form')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_impact_cycle_school_id_school')),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_impact_cycle_subject_id_subject')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_impact_cycle_team_id_team'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_cycle'))
    )
    with op.batch_alter_table('impact_cycle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impact_cycle_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_impact_cycle_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_impact_cycle_team_id'), ['team_id'], unique=False)

    with op.batch_alter_table('sitting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('year_level', sa.Integer(), nullable=True))
    op.execute("UPDATE sitting SET year_level = (SELECT student.year_level FROM student "
               "WHERE student.id = sitting.student_id) WHERE student_id IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('sitting', schema=None) as batch_op:
        batch_op.drop_column('year_level')

    with op.batch_alter_table('impact_cycle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impact_cycle_team_id'))
        batch_op.drop_index(batch_op.f('ix_impact_cycle_school_id'))
        batch_op.drop_index(batch_op.f('ix_impact_cycle_class_id'))
    op.drop_table('impact_cycle')
    with op.batch_alter_table('student_group_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_group_member_student_id'))

    op.drop_table('student_group_member')
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_member_staff_id'))

    op.drop_table('team_member')
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_school_id'))

    op.drop_table('target')
    with op.batch_alter_table('student_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_group_school_id'))
        batch_op.drop_index(batch_op.f('ix_student_group_owner_id'))

    op.drop_table('student_group')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_school_id'))

    op.drop_table('team')
