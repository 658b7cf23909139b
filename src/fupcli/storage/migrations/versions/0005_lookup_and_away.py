"""lookup and away: contact.name_key folded, the `contact_word` and `away` tables

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

`contact.name_key` was the case-folded name; it is now `lookup.fold(name)`:
accents removed and words split at hyphens and apostrophes too, so that
`jose` finds "José Álvarez" and `jane` finds "Mary-Jane". Every key is
written anew here (only those that change). The new `contact_word` table holds
each word of every key, indexed, so that a start of any word (`alvarez`) finds
a contact without reading every name. The new `away` table holds the
user's days off (`fup away`), which the scheduler treats as holidays; the
store plans every contact anew after this script, as after every upgrade.
"""

from alembic import op
import sqlalchemy as sa

from fupcli.lookup import fold


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'away',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('away', schema=None) as batch_op:
        batch_op.create_index('ix_away_last_day', ['last_day'], unique=False)
    op.create_table(
        'contact_word',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('word', sa.String(), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('contact_word', schema=None) as batch_op:
        batch_op.create_index('ix_contact_word_contact', ['contact_id'], unique=False)
        batch_op.create_index('ix_contact_word_word', ['word', 'contact_id'], unique=False)
    bind = op.get_bind()
    contacts = list(bind.execute(sa.text("SELECT id, name, name_key FROM contact ORDER BY id")))
    changed = [{"id": contact_id, "key": fold(name)} for contact_id, name, key in contacts if fold(name) != key]
    if changed:
        bind.execute(sa.text("UPDATE contact SET name_key = :key WHERE id = :id"), changed)
    words = [{"contact_id": contact_id, "word": word}
             for contact_id, name, _ in contacts for word in dict.fromkeys(fold(name).split())]
    if words:
        bind.execute(sa.text("INSERT INTO contact_word (contact_id, word) VALUES (:contact_id, :word)"), words)


def downgrade() -> None:
    bind = op.get_bind()
    rows = [{"id": contact_id, "key": name.casefold()}
            for contact_id, name in bind.execute(sa.text("SELECT id, name FROM contact"))]
    if rows:
        bind.execute(sa.text("UPDATE contact SET name_key = :key WHERE id = :id"), rows)
    with op.batch_alter_table('away', schema=None) as batch_op:
        batch_op.drop_index('ix_away_last_day')
    op.drop_table('away')
    with op.batch_alter_table('contact_word', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_word_word')
        batch_op.drop_index('ix_contact_word_contact')
    op.drop_table('contact_word')
