"""Fixtures for the reliability tests.

`fup_home` (an empty FUP_HOME with FUP_NOW fixed) and `fup` (the in-process
runner over it) come from tests/conftest.py; `child_env` is the environment
for a child process working on the same directory: FUP_HOME set, FUP_NOW
fixed, FUP_DB and FUP_DEBUG removed. The helpers the children and the soak
script share live in workers.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workers import fup_env


@pytest.fixture
def child_env(fup_home: Path) -> dict[str, str]:
    """The environment for a child process working on `fup_home`."""
    return fup_env(fup_home)
