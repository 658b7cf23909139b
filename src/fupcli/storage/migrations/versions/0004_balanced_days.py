"""balanced days: an index on contact.cadence

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

Adds one index and changes no row. The index lets every command check, in a few
seeks, that no contact is on a cadence profile config.toml no longer has. The
scheduler's cache (the computed columns of `contact` and every `agenda_item`
row) is planned anew in the same transaction by the store, after this script:
rows of nurture rhythms and opening touches are now of kind `cold`, a tier of
their own, placed on days with room (see docs/scheduling.md).
"""

from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index('ix_contact_cadence', ['cadence'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_cadence')
