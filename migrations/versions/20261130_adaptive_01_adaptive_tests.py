"""Adaptive tests: a form's kind and design, each adaptive sitting's route, CAT exposure counts.

``form.kind`` is linear (every existing form), mst or cat; ``form.design`` holds an MST's panels
or a CAT's settings. ``sitting_route`` records what the server gave an adaptive sitting, stage by
stage. ``item_exposure`` counts how many sittings of a CAT form were given each pool item.

Revision ID: adaptive_01
Revises: trust_01
Create Date: 2026-11-30 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'adaptive_01'
down_revision: str | None = 'trust_01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('form', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), server_default='linear',
                                      nullable=False))
        batch_op.add_column(sa.Column('design', sa.JSON(), nullable=True))
    op.create_table('sitting_route',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('panel', sa.Integer(), nullable=True),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('stages', sa.JSON(), nullable=False),
    sa.Column('path', sa.JSON(), nullable=False),
    sa.Column('shadow', sa.JSON(), nullable=False),
    sa.Column('theta', sa.Float(), nullable=True),
    sa.Column('se', sa.Float(), nullable=True),
    sa.Column('finished', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sitting_id'], ['sitting.id'], name=op.f('fk_sitting_route_sitting_id_sitting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sitting_route')),
    sa.UniqueConstraint('sitting_id', name=op.f('uq_sitting_route_sitting_id'))
    )
    op.create_table('item_exposure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('given', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['form.id'], name=op.f('fk_item_exposure_form_id_form'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_item_exposure_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_exposure')),
    sa.UniqueConstraint('form_id', 'item_id', name='uq_item_exposure_form_item')
    )


def downgrade() -> None:
    op.drop_table('item_exposure')
    op.drop_table('sitting_route')
    with op.batch_alter_table('form', schema=None) as batch_op:
        batch_op.drop_column('design')
        batch_op.drop_column('kind')
