"""audit: signed journal checkpoints, the access log, the electronic archive

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 10:00:00.000000

Only new tables, plus one index on ``case_events`` (who acted, for the auditors' search). On
PostgreSQL that index is built CONCURRENTLY outside the migration's transaction, so the journal is never
locked against writes while it is built; on SQLite it is a plain CREATE INDEX. The new immutable tables
(checkpoints and their entries, the access log, the archive) refuse UPDATE and DELETE with triggers,
like ``case_events`` (0001).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import engine.models

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

APPEND_ONLY = ("journal_checkpoints", "checkpoint_entries", "access_log", "archive_records")


def upgrade() -> None:
    op.create_table('journal_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.String(length=10), nullable=True),
    sa.Column('at', engine.models.UTCDateTime(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('prev_sha256', sa.String(length=64), nullable=False),
    sa.Column('certificate_serial', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('seq')
    )
    with op.batch_alter_table('journal_checkpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_checkpoints_case_id'), ['case_id'], unique=False)

    op.create_table('checkpoint_entries',
    sa.Column('checkpoint_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('head', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['journal_checkpoints.id'], ),
    sa.PrimaryKeyConstraint('checkpoint_id', 'case_id')
    )
    with op.batch_alter_table('checkpoint_entries', schema=None) as batch_op:
        batch_op.create_index('ix_checkpoint_entries_case', ['case_id', 'events'], unique=False)

    op.create_table('access_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', engine.models.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('case_number', sa.String(length=32), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index('ix_access_log_case_at', ['case_id', 'at'], unique=False)
        batch_op.create_index('ix_access_log_user_at', ['user_id', 'at'], unique=False)

    op.create_table('archive_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=32), nullable=False),
    sa.Column('file_code', sa.String(length=96), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('process_key', sa.String(length=128), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('classification', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('retention', sa.String(length=16), nullable=False),
    sa.Column('retain_until', engine.models.UTCDateTime(), nullable=True),
    sa.Column('filed_at', engine.models.UTCDateTime(), nullable=False),
    sa.Column('filed_by', sa.String(length=64), nullable=False),
    sa.Column('dossier_sha256', sa.String(length=64), nullable=False),
    sa.Column('dossier_size', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('certificate_serial', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id'),
    sa.UniqueConstraint('file_code')
    )
    with op.batch_alter_table('archive_records', schema=None) as batch_op:
        batch_op.create_index('ix_archive_records_unit_year', ['unit_code', 'year'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_case_events_actor ON case_events (actor, case_id)")
    else:   # a plain CREATE INDEX: a batch "move and copy" would drop the journal's triggers
        op.create_index('ix_case_events_actor', 'case_events', ['actor', 'case_id'], unique=False)

    for table in APPEND_ONLY:
        _append_only(table)


def _append_only(table: str) -> None:
    """Immutable in the database too: UPDATE and DELETE are refused by triggers (as 0001 for case_events)."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    else:
        op.execute(f"""CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{table} is append-only'; END $$ LANGUAGE plpgsql""")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()")


def _drop_append_only(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")


def downgrade() -> None:
    for table in APPEND_ONLY:
        _drop_append_only(table)
    op.drop_index('ix_case_events_actor', table_name='case_events')
    with op.batch_alter_table('archive_records', schema=None) as batch_op:
        batch_op.drop_index('ix_archive_records_unit_year')
    op.drop_table('archive_records')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_access_log_user_at')
        batch_op.drop_index('ix_access_log_case_at')
    op.drop_table('access_log')
    with op.batch_alter_table('checkpoint_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_checkpoint_entries_case')
    op.drop_table('checkpoint_entries')
    with op.batch_alter_table('journal_checkpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_checkpoints_case_id'))
    op.drop_table('journal_checkpoints')
