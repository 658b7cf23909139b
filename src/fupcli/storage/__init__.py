"""Storage: opening the database, SQL reads and writes, the undo journal, migrations, backup, doctor."""
