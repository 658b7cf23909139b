"""Alembic environment: runs migrations on the connection fup hands over."""

from alembic import context

from fupcli.model import SQLModel  # noqa: F401 - registers the tables on the metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("fup's migrations run through fupcli.storage.migrate, with a connection")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
