"""fup: a command-line follow-up tracker.

Layout, from the outside in: `cli` (the `fup` entry point and its fast door,
the Typer app, the command bodies both run) -> `core` (operations, one
transaction each) -> `scheduler` (pure rules) and `storage` (the database:
plain SQL through a DB-API connection, the SQLite seam, queries, the undo
journal, migrations) -> `render` (tables, JSON, CSV). `transfer` holds the
outside formats (CSV, JSON, iCalendar); `model` the schema of record.
"""

__version__ = "1.0.0"
