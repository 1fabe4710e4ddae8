"""signatures: certificate authorities, keys, PIN counters, certificates, generated documents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 09:30:00.000000

Only new tables: nothing existing is locked or rewritten. Certificate serials are up to 159 bits
(RFC 5280 allows 20 octets), so they are stored as upper-case hex text, never as BIGINT.
"""
from alembic import op
import sqlalchemy as sa

import engine.models

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('certificate_authorities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('certificate_pem', sa.Text(), nullable=False),
    sa.Column('sealed_key', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('not_before', engine.models.UTCDateTime(), nullable=False),
    sa.Column('not_after', engine.models.UTCDateTime(), nullable=False),
    sa.Column('created_at', engine.models.UTCDateTime(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('crl_number', sa.Integer(), nullable=False),
    sa.Column('crl_der', sa.LargeBinary(), nullable=True),
    sa.Column('crl_this_update', engine.models.UTCDateTime(), nullable=True),
    sa.Column('crl_next_update', engine.models.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('documents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('element', sa.String(length=255), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('event_seq', sa.Integer(), nullable=False),
    sa.Column('created_at', engine.models.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('signer_name', sa.String(length=255), nullable=True),
    sa.Column('signer_position', sa.String(length=255), nullable=True),
    sa.Column('signer_title', sa.String(length=64), nullable=True),
    sa.Column('signed_at', engine.models.UTCDateTime(), nullable=True),
    sa.Column('signature_kind', sa.String(length=16), nullable=True),
    sa.Column('certificate_serial', sa.String(length=64), nullable=True),
    sa.Column('signature', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'key', 'version')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_case', ['case_id', 'event_seq'], unique=False)

    op.create_table('user_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('storage', sa.String(length=16), nullable=False),
    sa.Column('sealed_key', sa.Text(), nullable=True),
    sa.Column('token_label', sa.String(length=64), nullable=True),
    sa.Column('key_label', sa.String(length=128), nullable=True),
    sa.Column('public_key_pem', sa.Text(), nullable=False),
    sa.Column('public_key_sha256', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user_keys', schema=None) as batch_op:
        batch_op.create_index('ix_user_keys_user', ['user_id'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('subject_name', sa.String(length=255), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.String(length=255), nullable=True),
    sa.Column('certificate_pem', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('not_before', engine.models.UTCDateTime(), nullable=False),
    sa.Column('not_after', engine.models.UTCDateTime(), nullable=False),
    sa.Column('issued_at', engine.models.UTCDateTime(), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=True),
    sa.Column('issue_case_id', sa.Integer(), nullable=True),
    sa.Column('activated_at', engine.models.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', engine.models.UTCDateTime(), nullable=True),
    sa.Column('revocation_reason', sa.String(length=32), nullable=True),
    sa.Column('invalid_since', engine.models.UTCDateTime(), nullable=True),
    sa.Column('revoked_by', sa.String(length=64), nullable=True),
    sa.Column('revoke_case_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['authority_id'], ['certificate_authorities.id'], ),
    sa.ForeignKeyConstraint(['issue_case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['key_id'], ['user_keys.id'], ),
    sa.ForeignKeyConstraint(['revoke_case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('serial')
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index('ix_certificates_user', ['user_id', 'revoked_at'], unique=False)

    op.create_table('pin_counters',
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', engine.models.UTCDateTime(), nullable=True),
    sa.Column('updated_at', engine.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['key_id'], ['user_keys.id'], ),
    sa.PrimaryKeyConstraint('key_id')
    )


def downgrade() -> None:
    op.drop_table('pin_counters')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('ix_certificates_user')

    op.drop_table('certificates')
    with op.batch_alter_table('user_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_user_keys_user')

    op.drop_table('user_keys')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_case')

    op.drop_table('documents')
    op.drop_table('certificate_authorities')
