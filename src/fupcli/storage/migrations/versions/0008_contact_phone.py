"""address books: a contact's other phone numbers

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

`contact_phone` holds the numbers of a contact besides `contact.phone`, as an address
book gives them (a vCard's TELs, Google's `Phone 2 - Value`, Outlook's mobile, business
and home phones): `fup import contacts` keeps them, `fup show` lists them, `fup export`
writes them. On PostgreSQL the table follows contact's row-level security and is
journaled by the `fup_journal()` trigger of 0006, as 0007's `contact_email` is.
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'contact_phone',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('contact_phone', schema=None) as batch_op:
        batch_op.create_index('ix_contact_phone_contact', ['contact_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        server_side()


def server_side() -> None:
    from importlib import import_module

    owners = import_module("fupcli.storage.migrations.versions.0006_owners")
    op.execute(owners.DEFERRABLE_KEYS)
    op.execute("CREATE POLICY fup_visible ON contact_phone "
               "USING (EXISTS (SELECT 1 FROM contact c WHERE c.id = contact_phone.contact_id))")
    op.execute("ALTER TABLE contact_phone ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE contact_phone FORCE ROW LEVEL SECURITY")
    op.execute("CREATE TRIGGER fup_journal AFTER INSERT OR UPDATE OR DELETE ON contact_phone "
               "FOR EACH ROW EXECUTE FUNCTION fup_journal()")


def downgrade() -> None:
    op.drop_table('contact_phone')
