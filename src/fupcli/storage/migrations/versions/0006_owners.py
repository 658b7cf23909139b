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
    with op.batch_alter_table('undo_step', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_by', sa.String(), nullable=True, server_default=me))
    with op.batch_alter_table('undo_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('row_table', sa.String(), nullable=True))
        batch_op.add_column(sa.Column('row_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_undo_change_row', ['row_table', 'row_id'], unique=False)
    if server:  # the rows there already: the role upgrading is the best guess, and can `fup assign` them
        for table, column in (('contact', 'owner'), ('touch', 'logged_by'), ('commitment', 'logged_by'),
                              ('away', 'owner')):
            op.execute(f"UPDATE {table} SET {column} = CURRENT_USER WHERE {column} IS NULL")
        private_rows()
        journal_triggers()


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


# The undo history on PostgreSQL (`storage.journal_server`): one trigger function records, for
# every row a journaled command changes, the statement that takes the change back, while the
# transaction has `fup.undo_step` set (`set_config(..., true)`: this transaction only). Each
# person sees their own steps (row-level security, not forced: the conflict check below runs as
# the tables' owner and sees everyone's, to name the colleague who changed the same rows since).
# The agenda is not journaled: it is the scheduler's cache, planned anew after an undo (and a
# colleague's command that moves a cold row of my contact is no change of theirs to my data).
JOURNALED = ('contact', 'contact_word', 'touch', 'commitment', 'away')
JOURNAL_FUNCTION = """
CREATE FUNCTION fup_journal() RETURNS trigger LANGUAGE plpgsql AS $fup$
DECLARE
    step text := current_setting('fup.undo_step', true);
    image jsonb;
    columns text;
    inverse text;
    row_id bigint;
BEGIN
    IF step IS NULL OR step = '' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        image := to_jsonb(NEW);
        inverse := format('DELETE FROM %I WHERE id = %s', TG_TABLE_NAME, NEW.id);
    ELSE
        image := to_jsonb(OLD);
        IF TG_OP = 'UPDATE' THEN
            SELECT string_agg(quote_ident(k), ', ') INTO columns FROM jsonb_object_keys(image) AS k WHERE k <> 'id';
            inverse := format('UPDATE %I SET (%s) = (SELECT %s FROM jsonb_populate_record(NULL::%I, %L)) WHERE id = %s',
                              TG_TABLE_NAME, columns, columns, TG_TABLE_NAME, image::text, OLD.id);
        ELSE
            inverse := format('INSERT INTO %I SELECT * FROM jsonb_populate_record(NULL::%I, %L)',
                              TG_TABLE_NAME, TG_TABLE_NAME, image::text);
        END IF;
    END IF;
    row_id := (image->>'id')::bigint;
    INSERT INTO undo_change (step_id, contact_id, inverse, row_table, row_id) VALUES (
        step::integer,
        CASE TG_TABLE_NAME WHEN 'contact' THEN row_id WHEN 'away' THEN NULL ELSE (image->>'contact_id')::bigint END,
        inverse, TG_TABLE_NAME, row_id);
    RETURN NULL;
END
$fup$
"""
CONFLICT_FUNCTION = """
CREATE FUNCTION fup_undo_conflict(step integer) RETURNS TABLE (done_by varchar, at timestamp)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, {schema} AS $fup$
    SELECT s.done_by, s.at FROM undo_change mine
    JOIN undo_change later ON later.row_table = mine.row_table AND later.row_id = mine.row_id
                          AND later.step_id > mine.step_id
    JOIN undo_step s ON s.id = later.step_id
    WHERE mine.step_id = step AND s.done_by IS DISTINCT FROM (SELECT o.done_by FROM undo_step o WHERE o.id = step)
    ORDER BY later.step_id LIMIT 1
$fup$
"""


# An undo replays rows back child before parent (a deleted contact's touches were recorded after
# it), checked at commit: the foreign keys become deferrable (still checked at once by default).
DEFERRABLE_KEYS = """
DO $fup$
DECLARE key record;
BEGIN
    FOR key IN SELECT conrelid::regclass AS tab, conname FROM pg_constraint
               WHERE contype = 'f' AND connamespace = current_schema()::regnamespace LOOP
        EXECUTE format('ALTER TABLE %s ALTER CONSTRAINT %I DEFERRABLE INITIALLY IMMEDIATE', key.tab, key.conname);
    END LOOP;
END
$fup$
"""


def journal_triggers() -> None:
    schema = op.get_bind().execute(sa.text("SELECT quote_ident(current_schema())")).scalar()
    op.execute(DEFERRABLE_KEYS)
    op.execute(JOURNAL_FUNCTION)
    op.execute(CONFLICT_FUNCTION.format(schema=schema))
    for table in JOURNALED:
        op.execute(f"CREATE TRIGGER fup_journal AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION fup_journal()")
    op.execute("CREATE POLICY fup_own ON undo_step USING (done_by = CURRENT_USER)")
    op.execute("CREATE POLICY fup_own ON undo_change USING (EXISTS (SELECT 1 FROM undo_step s WHERE s.id = step_id))")
    for table in ('undo_step', 'undo_change'):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in JOURNALED:
            op.execute(f"DROP TRIGGER IF EXISTS fup_journal ON {table}")
        op.execute("DROP FUNCTION IF EXISTS fup_journal()")
        op.execute("DROP FUNCTION IF EXISTS fup_undo_conflict(integer)")
        for table in ('undo_step', 'undo_change'):
            op.execute(f"DROP POLICY IF EXISTS fup_own ON {table}")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for table in ('contact', *CHILDREN, 'away'):
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
            op.execute(f"DROP POLICY IF EXISTS fup_visible ON {table}")
        op.execute("DROP POLICY IF EXISTS fup_own ON away")
    with op.batch_alter_table('away', schema=None) as batch_op:
        batch_op.drop_column('owner')
    with op.batch_alter_table('undo_change', schema=None) as batch_op:
        batch_op.drop_index('ix_undo_change_row')
        batch_op.drop_column('row_id')
        batch_op.drop_column('row_table')
    with op.batch_alter_table('undo_step', schema=None) as batch_op:
        batch_op.drop_column('done_by')
    for table in ('touch', 'commitment'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('logged_by')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_owner')
        batch_op.drop_column('private')
        batch_op.drop_column('owner')
