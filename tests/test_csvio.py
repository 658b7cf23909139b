"""The spreadsheet-safety rule, in Python and as SQL: the two must agree on every string."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from fupcli.transfer.csvio import FORMULA_START, neutralise, neutralise_sql, restore

TRICKY = st.text(alphabet=st.sampled_from(list("=+-@'\t\r\nab é😀,\"")), max_size=6) | st.text(max_size=20)


@settings(max_examples=300, deadline=None)
@given(value=TRICKY)
def test_sql_and_python_neutralise_alike_and_restore_undoes_it(value: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (v TEXT)")
    conn.execute("INSERT INTO t VALUES (?)", (value,))
    (in_sql,) = conn.execute(f"SELECT {neutralise_sql('v')} FROM t").fetchone()
    assert in_sql == neutralise(value)
    assert restore(neutralise(value)) == value


def test_every_formula_start_is_escaped() -> None:
    for start in FORMULA_START:
        assert neutralise(start + "1+1") == "'" + start + "1+1"
    assert neutralise("plain") == "plain"
