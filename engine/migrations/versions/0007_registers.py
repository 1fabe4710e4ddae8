"""registers: counters behind the registration numbers the engine gives (docs/registers.md)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 09:00:00.000000

One new table, keyed by the unit that keeps the register, the register and the year: nothing existing
is touched.
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('register_counters',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('register_code', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('unit_id', 'register_code', 'year')
    )


def downgrade() -> None:
    op.drop_table('register_counters')
