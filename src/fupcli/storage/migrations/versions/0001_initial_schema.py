"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa



revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('name_key', sa.String(), nullable=False),
    sa.Column('company', sa.String(), nullable=True),
    sa.Column('title', sa.String(), nullable=True),
    sa.Column('email', sa.String(), nullable=True),
    sa.Column('phone', sa.String(), nullable=True),
    sa.Column('url', sa.String(), nullable=True),
    sa.Column('tags', sa.String(), nullable=False),
    sa.Column('source', sa.String(), nullable=True),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('cadence', sa.String(), nullable=False),
    sa.Column('state', sa.String(), nullable=False),
    sa.Column('birthday', sa.String(), nullable=True),
    sa.Column('notes', sa.String(), nullable=True),
    sa.Column('snoozed_until', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=True),
    sa.Column('birthday_md', sa.String(), nullable=True),
    sa.Column('last_touch_at', sa.DateTime(), nullable=True),
    sa.Column('next_step_due', sa.Date(), nullable=True),
    sa.Column('unanswered_streak', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index('ix_contact_birthday_md', ['birthday_md'], unique=False)
        batch_op.create_index('ix_contact_due', ['state', 'next_due'], unique=False)
        batch_op.create_index('ix_contact_name_key', ['name_key'], unique=False)
        batch_op.create_index('ix_contact_next_step', ['state', 'next_step_due'], unique=False)
        batch_op.create_index('ux_contact_email', ['email'], unique=True)

    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('visible_from', sa.Date(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('rank', sa.Float(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index('ix_agenda_contact', ['contact_id'], unique=False)
        batch_op.create_index('ix_agenda_rank', ['rank', 'due'], unique=False)

    op.create_table('commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('whose', sa.String(), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('firmness', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.create_index('ix_commitment_contact_status', ['contact_id', 'status'], unique=False)

    op.create_table('touch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('direction', sa.String(), nullable=False),
    sa.Column('outcome', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('ask_again', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('touch', schema=None) as batch_op:
        batch_op.create_index('ix_touch_contact_at', ['contact_id', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('touch', schema=None) as batch_op:
        batch_op.drop_index('ix_touch_contact_at')

    op.drop_table('touch')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_index('ix_commitment_contact_status')

    op.drop_table('commitment')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index('ix_agenda_rank')
        batch_op.drop_index('ix_agenda_contact')

    op.drop_table('agenda_item')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ux_contact_email')
        batch_op.drop_index('ix_contact_next_step')
        batch_op.drop_index('ix_contact_name_key')
        batch_op.drop_index('ix_contact_due')
        batch_op.drop_index('ix_contact_birthday_md')

    op.drop_table('contact')
