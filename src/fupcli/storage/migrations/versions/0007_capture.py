"""capture: extra addresses of a contact, and what `fup sync` has logged and read

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

`contact_email` holds a contact's addresses besides `contact.email`; mail capture
matches on both. `captured` remembers each message and event occurrence that became
a touch or commitment, keyed by Message-ID (or a digest) or event UID, so that a
sync logs it once. `mail_seen` is where each mail source was left: Maildir file
names, IMAP UIDVALIDITY and last UID, mbox offsets.

On PostgreSQL the two contact tables follow contact's row-level security (a private
contact's addresses and captures are its owner's), and all three are journaled by the
`fup_journal()` trigger of 0006, so one sync is one undo step there too.
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

CONTACT_TABLES = ('contact_email', 'captured')


def upgrade() -> None:
    op.create_table(
        'contact_email',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('contact_email', schema=None) as batch_op:
        batch_op.create_index('ix_contact_email_contact', ['contact_id'], unique=False)
        batch_op.create_index('ux_contact_email_email', ['email'], unique=True)
    op.create_table(
        'captured',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('source', sa.String(), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('touch_id', sa.Integer(), nullable=True),
        sa.Column('commitment_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('captured', schema=None) as batch_op:
        batch_op.create_index('ix_captured_contact', ['contact_id'], unique=False)
        batch_op.create_index('ux_captured_key_contact', ['key', 'contact_id'], unique=True)
    op.create_table(
        'mail_seen',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(), nullable=False),
        sa.Column('key', sa.String(), nullable=False),
        sa.Column('state', sa.String(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('mail_seen', schema=None) as batch_op:
        batch_op.create_index('ux_mail_seen_source_key', ['source', 'key'], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        server_side()


def server_side() -> None:
    from importlib import import_module

    owners = import_module("fupcli.storage.migrations.versions.0006_owners")
    op.execute(owners.DEFERRABLE_KEYS)
    for table in CONTACT_TABLES:
        op.execute(f"CREATE POLICY fup_visible ON {table} "
                   f"USING (EXISTS (SELECT 1 FROM contact c WHERE c.id = {table}.contact_id))")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    for table in (*CONTACT_TABLES, 'mail_seen'):
        op.execute(f"CREATE TRIGGER fup_journal AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION fup_journal()")


def downgrade() -> None:
    for table in ('mail_seen', 'captured', 'contact_email'):
        op.drop_table(table)
