"""Two `fup log` at once must both land: writers queue on BEGIN IMMEDIATE and the busy timeout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def test_parallel_logs_all_land(tmp_path: Path) -> None:
    env = {**os.environ, "FUP_HOME": str(tmp_path), "FUP_NOW": "2026-11-23T09:00"}
    env.pop("FUP_DB", None)
    subprocess.run([str(BIN / "fup"), "add", "Ana Ruiz"], env=env, check=True, capture_output=True)
    writers, each = 4, 5
    script = f"for i in $(seq {each}); do {BIN / 'fup'} log ana --note \"w$1 $i\" >/dev/null || exit 1; done"
    procs = [subprocess.Popen(["bash", "-c", script, "_", str(w)], env=env, stderr=subprocess.PIPE, text=True)
             for w in range(writers)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * writers, errors
    assert not any("locked" in e for e in errors)
    card = json.loads(subprocess.run([str(BIN / "fup"), "show", "ana", "-f", "json"], env=env,
                                     check=True, capture_output=True, text=True).stdout)
    notes = sorted(t["note"] for t in card["touches"] if t["note"])
    assert notes == sorted(f"w{w} {i}" for w in range(writers) for i in range(1, each + 1))
    assert card["unanswered_streak"] == writers * each
