"""fup: a command-line follow-up tracker.

Layout, from the outside in: `cli` (commands, thin) -> `core` (operations,
one transaction each) -> `scheduler` (pure rules) and `store`/`queries`
(SQLite through SQLModel for writes, stdlib sqlite3 for the hot reads) ->
`render` (tables, JSON, CSV).
"""

__version__ = "1.0.0"
