"""The layout keeps its promises: what lives where, and which SQL stays behind the SQLite seam.

`core`, the queries, the formats and the command line speak portable SQL with named
parameters through `storage.db.Db`; statements only SQLite understands (PRAGMAs,
`BEGIN IMMEDIATE`, TEMP triggers, `sqlite_master`) live in `storage` (the SQLite seam
`storage.sqlite`, the undo journal, the file-level tools: store, backup, doctor, and the
scratch database an import keeps its indexes in),
so a server adapter can be added beside `storage.sqlite` without touching `core`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import fupcli

PACKAGE = Path(fupcli.__file__).parent
SQLITE_ONLY = re.compile(r"PRAGMA|BEGIN IMMEDIATE|TEMP TRIGGER|sqlite_master|lastrowid|executemany", re.IGNORECASE)
SEAM = {"storage/sqlite.py", "storage/journal.py", "storage/store.py", "storage/backup.py", "storage/doctor.py",
        "storage/scratch.py"}
# The PostgreSQL adapter calls its own driver's executemany (the regex cannot tell the two apart).
ADAPTERS = {"storage/postgres.py"}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _code(path: Path) -> str:
    """The module without its docstrings and comments (they may name what they avoid)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body[0] = ast.Pass()
    return ast.unparse(tree)


def test_sqlite_only_statements_stay_behind_the_seam() -> None:
    leaks = {str(p.relative_to(PACKAGE)): sorted(set(SQLITE_ONLY.findall(_code(p))))
             for p in _modules() if str(p.relative_to(PACKAGE)) not in SEAM | ADAPTERS}
    assert {name: found for name, found in leaks.items() if found} == {}


def test_only_the_seam_and_the_file_tools_import_sqlite3() -> None:
    importers = {str(p.relative_to(PACKAGE)) for p in _modules() if re.search(r"^\s*import sqlite3", p.read_text(), re.M)}
    assert importers <= SEAM, importers - SEAM


def test_core_writes_through_the_db_interface_not_an_orm() -> None:
    for name in ("core.py", "transfer/importer.py", "storage/queries.py"):
        code = _code(PACKAGE / name)
        assert "sqlmodel" not in code and "sqlalchemy" not in code, name


def test_the_layout_names_its_parts() -> None:
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert {"cli", "storage", "transfer"} <= packages
    for top in ("model.py", "scheduler.py", "dates.py", "core.py", "render.py"):
        assert (PACKAGE / top).exists(), top
    for path in _modules():
        assert ast.get_docstring(ast.parse(path.read_text())), f"{path.relative_to(PACKAGE)} has no docstring"
