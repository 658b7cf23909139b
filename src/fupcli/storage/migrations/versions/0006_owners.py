"""owners: who owns a contact, whether it is private, who logged each touch and commitment

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

For team mode on PostgreSQL. `contact.owner` is the database role that owns the
contact (whoever added it, unless given away), `contact.private` hides it from
the rest of the team (false, or NULL on SQLite: shared), `touch.logged_by` and `commitment.logged_by` are the role
that logged them. On PostgreSQL the owner and logged_by columns default to
CURRENT_USER, so every insert records its author without fup saying who; rows
already there take the role that runs this upgrade. On a SQLite file they stay
empty (NULL): one user, nobody to tell apart.
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    server = op.get_bind().dialect.name == "postgresql"
    me = sa.text("CURRENT_USER") if server else None
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(), nullable=True, server_default=me))
        batch_op.add_column(sa.Column('private', sa.Boolean(), nullable=True, server_default=sa.false() if server else None))
        batch_op.create_index('ix_contact_owner', ['owner', 'state', 'next_due'], unique=False)
    for table in ('touch', 'commitment'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('logged_by', sa.String(), nullable=True, server_default=me))
    if server:  # the rows there already: the role upgrading is the best guess, and can `fup assign` them
        for table, column in (('contact', 'owner'), ('touch', 'logged_by'), ('commitment', 'logged_by')):
            op.execute(f"UPDATE {table} SET {column} = CURRENT_USER WHERE {column} IS NULL")


def downgrade() -> None:
    for table in ('touch', 'commitment'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('logged_by')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_owner')
        batch_op.drop_column('private')
        batch_op.drop_column('owner')
