"""lookup and away: contact.name_key folded, and the `away` table

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

`contact.name_key` was the case-folded name; it is now `lookup.fold(name)`:
accents removed and words split at hyphens and apostrophes too, so that
`jose` finds "José Álvarez" and `jane` finds "Mary-Jane". Every key is
written anew here (only those that change). The new `away` table holds the
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
    bind = op.get_bind()
    changed = [{"id": contact_id, "key": fold(name)}
               for contact_id, name, key in bind.execute(sa.text("SELECT id, name, name_key FROM contact"))
               if fold(name) != key]
    if changed:
        bind.execute(sa.text("UPDATE contact SET name_key = :key WHERE id = :id"), changed)


def downgrade() -> None:
    bind = op.get_bind()
    rows = [{"id": contact_id, "key": name.casefold()}
            for contact_id, name in bind.execute(sa.text("SELECT id, name FROM contact"))]
    if rows:
        bind.execute(sa.text("UPDATE contact SET name_key = :key WHERE id = :id"), rows)
    with op.batch_alter_table('away', schema=None) as batch_op:
        batch_op.drop_index('ix_away_last_day')
    op.drop_table('away')
