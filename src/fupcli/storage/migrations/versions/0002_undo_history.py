"""undo history: undo_step and undo_change

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Adds two tables and changes none, so every row written under 0001 is kept as
it was. Steps are recorded from the first command after the upgrade.
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('undo_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('command', sa.String(), nullable=False),
    sa.Column('summary', sa.String(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('schema_version', sa.String(), nullable=False),
    sa.Column('high_water', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('undo_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('inverse', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['step_id'], ['undo_step.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('undo_change', schema=None) as batch_op:
        batch_op.create_index('ix_undo_change_contact', ['contact_id'], unique=False)
        batch_op.create_index('ix_undo_change_step', ['step_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('undo_change', schema=None) as batch_op:
        batch_op.drop_index('ix_undo_change_step')
        batch_op.drop_index('ix_undo_change_contact')
    op.drop_table('undo_change')
    op.drop_table('undo_step')
