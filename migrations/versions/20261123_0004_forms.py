"""Forms: assembled tests and their items (pinned to calibration and revisions).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:44:34.376923
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('form',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('calibration_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('attitude_scale', sa.String(length=40), nullable=True),
    sa.Column('request', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('tif_svg', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['calibration_id'], ['calibration.id'], name=op.f('fk_form_calibration_id_calibration')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_form_created_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['form.id'], name=op.f('fk_form_parent_id_form')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_form_school_id_school')),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_form_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form'))
    )
    with op.batch_alter_table('form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_subject_id'), ['subject_id'], unique=False)

    op.create_table('form_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('item_revision_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['form.id'], name=op.f('fk_form_item_form_id_form'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_form_item_item_id_item')),
    sa.ForeignKeyConstraint(['item_revision_id'], ['item_revision.id'], name=op.f('fk_form_item_item_revision_id_item_revision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_item')),
    sa.UniqueConstraint('form_id', 'item_id', name='uq_form_item_item'),
    sa.UniqueConstraint('form_id', 'position', name='uq_form_item_position')
    )
    with op.batch_alter_table('form_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_item_item_id'), ['item_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('form_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_item_item_id'))

    op.drop_table('form_item')
    with op.batch_alter_table('form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_subject_id'))
        batch_op.drop_index(batch_op.f('ix_form_school_id'))

    op.drop_table('form')