"""Fixtures for the reliability tests.

`fup_home` (an empty FUP_HOME with FUP_NOW fixed) and `fup` (the in-process
runner over it) come from tests/conftest.py; `child_env` is the environment
for a child process working on the same directory: FUP_HOME set, FUP_NOW
fixed, FUP_DB and FUP_DEBUG removed; `umask_022` runs a test under umask 022,
so files come out readable by others unless fup makes them private. The
helpers the children and the soak script share live in workers.py, and so
does `shared_test_helpers`: this file shadows `import conftest`, so test
modules get tests/conftest.py's `sqlite_dump` and the like through it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workers import fup_env


@pytest.fixture
def child_env(fup_home: Path) -> dict[str, str]:
    """The environment for a child process working on `fup_home`."""
    return fup_env(fup_home)


@pytest.fixture
def umask_022():
    """Run the test under umask 022 (new files readable by others unless fup restricts them)."""
    old = os.umask(0o022)
    yield
    os.umask(old)
