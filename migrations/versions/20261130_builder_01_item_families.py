"""Item families: items written from one template are enemies unless the family says not.

Adds ``item.family`` (the template an item was written from) and the ``item_family`` table,
where a family whose items are independent says so (``enemies = false``). Items whose current
revision records the template that wrote them (``metadata.template``, as the demo bank's do)
get it as their family.

Revision ID: builder_01
Revises: adaptive_01
Create Date: 2026-11-30 12:30:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'builder_01'
down_revision: str | None = 'adaptive_01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('item_family',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('enemies', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_family')),
    sa.UniqueConstraint('code', name=op.f('uq_item_family_code'))
    )
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('family', sa.String(length=60), nullable=True))
        batch_op.create_index(batch_op.f('ix_item_family'), ['family'], unique=False)
    _families_from_templates()


def _families_from_templates() -> None:
    connection = op.get_bind()
    item = sa.table('item', sa.column('id', sa.Integer), sa.column('family', sa.String),
                    sa.column('current_revision_id', sa.Integer))
    revision_ = sa.table('item_revision', sa.column('id', sa.Integer),
                         sa.column('metadata', sa.JSON))
    rows = connection.execute(sa.select(item.c.id, revision_.c.metadata).join(
        revision_, revision_.c.id == item.c.current_revision_id)).all()
    for item_id, metadata in rows:
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        template = (metadata or {}).get('template')
        if isinstance(template, str) and template:
            connection.execute(item.update().where(item.c.id == item_id)
                               .values(family=template[:60]))


def downgrade() -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_family'))
        batch_op.drop_column('family')
    op.drop_table('item_family')
