"""Students log in with passwords of their own; the shared class code no longer logs in.

Log-in failures become one throttle row per account or address (growing delays, buckets).

Every student session is ended (they were opened with class codes). Student numbers get a
log-in normal form (NFKC + case folding) and staff e-mails are brought to the same form.

Revision ID: trust_01
Revises: impact_02
Create Date: 2026-11-30 09:00:00
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'trust_01'
down_revision: str | None = 'impact_02'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def upgrade() -> None:
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_key'))
        batch_op.drop_index(batch_op.f('ix_login_failure_failed_at'))
    op.drop_table('login_failure')
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=320), nullable=False),
    sa.Column('failures', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )
    op.execute("DELETE FROM student_session")
    with op.batch_alter_table('student_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_session_class_id'))
        batch_op.drop_constraint('fk_student_session_class_id_class_group', type_='foreignkey')
        batch_op.drop_column('class_id')
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number_key', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('password_hash', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('password_set_at', sa.DateTime(timezone=True),
                                      nullable=True))
    connection = op.get_bind()
    student = sa.table('student', sa.column('id', sa.Integer),
                       sa.column('student_number', sa.String), sa.column('number_key', sa.String))
    for row_id, number in connection.execute(sa.select(student.c.id, student.c.student_number)):
        connection.execute(student.update().where(student.c.id == row_id)
                           .values(number_key=_normalise(number)))
    staff = sa.table('staff', sa.column('id', sa.Integer), sa.column('email', sa.String))
    emails = dict(connection.execute(sa.select(staff.c.id, staff.c.email)).all())
    taken = set(emails.values())
    for row_id, email in emails.items():
        normal = _normalise(email)
        if normal != email and normal not in taken:
            connection.execute(staff.update().where(staff.c.id == row_id).values(email=normal))
            taken.add(normal)
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.alter_column('number_key', existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint('uq_student_school_id_number_key',
                                          ['school_id', 'number_key'])


def downgrade() -> None:
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.drop_constraint('uq_student_school_id_number_key', type_='unique')
        batch_op.drop_column('password_set_at')
        batch_op.drop_column('password_hash')
        batch_op.drop_column('number_key')
    op.execute("DELETE FROM student_session")
    with op.batch_alter_table('student_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('class_id', sa.Integer(), nullable=False))
        batch_op.create_foreign_key('fk_student_session_class_id_class_group', 'class_group',
                                    ['class_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_student_session_class_id'), ['class_id'],
                              unique=False)
    op.drop_table('login_throttle')
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=320), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_failed_at'), ['failed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failure_key'), ['key'], unique=False)
