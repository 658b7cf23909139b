"""tiers and channels: contact.reopened_at, commitment.channel, agenda_item.channel

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

Adds three nullable columns and changes no row; the index on (state,
next_step_due) gains `cadence`, so the count of contacts without an agreed next
step (which leaves out those on cadence `none`) is read from the index alone. The scheduler's cache (the
computed columns of `contact` and every `agenda_item` row) is planned anew in
the same transaction by the store, after this script: the stored `rank` now
encodes the row's tier (see docs/scheduling.md, "Ranking").
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(), nullable=True))
        batch_op.drop_index('ix_contact_next_step')
        batch_op.create_index('ix_contact_next_step', ['state', 'next_step_due', 'cadence'], unique=False)
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(), nullable=True))
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_column('channel')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_column('channel')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_next_step')
        batch_op.create_index('ix_contact_next_step', ['state', 'next_step_due'], unique=False)
        batch_op.drop_column('reopened_at')
