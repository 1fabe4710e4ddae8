"""open_token: the same request form sent twice (a double click) opens one case

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 13:40:00.000000

One nullable column on cases with a unique index: existing cases keep NULL.
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('open_token', sa.String(length=64), nullable=True))
    op.create_index('ix_cases_open_token', 'cases', ['open_token'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_cases_open_token', table_name='cases')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('open_token')
