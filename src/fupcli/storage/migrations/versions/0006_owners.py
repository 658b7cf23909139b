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
empty (NULL): one user, nobody to tell apart. `away.owner` makes the days off each
person's own.

On PostgreSQL, row-level security enforces private contacts: the policies below let a
role see a private contact, its touches, commitments, agenda and name words only when it
owns the contact, and its own days off only; FORCE binds the tables' owner as well, so a
teammate's psql session sees no more than their fup does.
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
    with op.batch_alter_table('away', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(), nullable=True, server_default=me))
    if server:  # the rows there already: the role upgrading is the best guess, and can `fup assign` them
        for table, column in (('contact', 'owner'), ('touch', 'logged_by'), ('commitment', 'logged_by'),
                              ('away', 'owner')):
            op.execute(f"UPDATE {table} SET {column} = CURRENT_USER WHERE {column} IS NULL")
        private_rows()


# Row-level security (PostgreSQL): a private contact, and every row hanging from it, is seen by
# its owner only; the days off are each person's own. FORCE applies the policies to the tables'
# owner too (only a superuser, or a role with BYPASSRLS, reads past them).
VISIBLE = "private IS NOT TRUE OR owner = CURRENT_USER"
CHILDREN = ('touch', 'commitment', 'agenda_item', 'contact_word')


def private_rows() -> None:
    op.execute(f"CREATE POLICY fup_visible ON contact USING ({VISIBLE})")
    for table in CHILDREN:
        op.execute(f"CREATE POLICY fup_visible ON {table} "
                   f"USING (EXISTS (SELECT 1 FROM contact c WHERE c.id = {table}.contact_id))")
    op.execute("CREATE POLICY fup_own ON away USING (owner = CURRENT_USER)")
    for table in ('contact', *CHILDREN, 'away'):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ('contact', *CHILDREN, 'away'):
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
            op.execute(f"DROP POLICY IF EXISTS fup_visible ON {table}")
        op.execute("DROP POLICY IF EXISTS fup_own ON away")
    with op.batch_alter_table('away', schema=None) as batch_op:
        batch_op.drop_column('owner')
    for table in ('touch', 'commitment'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('logged_by')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_owner')
        batch_op.drop_column('private')
        batch_op.drop_column('owner')
