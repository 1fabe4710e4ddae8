"""designer: drafts of procedures being edited in the browser modeler

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:00:00.000000

Only a new table: nothing existing is locked or rewritten.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import engine.models

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('designer_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('main_file', sa.String(length=255), nullable=False),
    sa.Column('files', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', engine.models.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', engine.models.UTCDateTime(), nullable=False),
    sa.Column('deployed_version', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('designer_drafts', schema=None) as batch_op:
        batch_op.create_index('ix_designer_drafts_key', ['key', 'updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('designer_drafts', schema=None) as batch_op:
        batch_op.drop_index('ix_designer_drafts_key')

    op.drop_table('designer_drafts')
