"""need to know: restricted classified cases and who may see them

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:00:00.000000

A new boolean column with a server default (no rewrite of existing rows on PostgreSQL 11+) and a new
table: nothing existing is locked for long.
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('restricted', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.create_table('case_access',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('case_id', 'user_id')
    )
    with op.batch_alter_table('case_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_access_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_access_user_id'))
    op.drop_table('case_access')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('restricted')
