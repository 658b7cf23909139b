"""The long runs of the reliability tests: hundreds of crash rounds, thousands of concurrent writes.

    python tests/reliability/soak.py                      # 500 crash rounds, 8 writers x 200 commands
    python tests/reliability/soak.py --rounds 2000 --seed 7 --writers 8 --commands 500

The same functions as tests/reliability/test_crash.py and test_concurrency.py,
with bigger numbers, each on a new database in a temporary directory (kept
with --keep, for a look after a failure). Prints progress and a summary;
exits 1 on the first broken guarantee, saying which, and the seed to replay it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import test_concurrency  # noqa: E402 - after the path is set
import test_crash  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=500, help="crash rounds (0 skips them; default 500)")
    parser.add_argument("--seed", type=int, default=20261123, help="seeds the kill delays (default 20261123)")
    parser.add_argument("--max-delay", type=float, default=test_crash.MAX_DELAY,
                        help=f"longest a writer runs before it is killed, in seconds (default {test_crash.MAX_DELAY})")
    parser.add_argument("--writers", type=int, default=8, help="concurrent writer processes (0 skips them; default 8)")
    parser.add_argument("--commands", type=int, default=200, help="commands per writer (default 200)")
    parser.add_argument("--keep", action="store_true", help="keep the databases (their directory is printed)")
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="fup-soak-"))
    print(f"soak: databases under {root}", flush=True)
    failed = False
    try:
        if args.rounds:
            started = time.monotonic()

            def progress(stats: test_crash.CrashStats) -> None:
                if stats.rounds % 25 == 0 or stats.rounds == args.rounds:
                    print(f"  crash round {stats.rounds}/{args.rounds}: {stats.acknowledged} acknowledged writes, "
                          f"{time.monotonic() - started:.0f} s", flush=True)

            print(f"crash: {args.rounds} rounds, seed {args.seed}, kills within {args.max_delay} s", flush=True)
            home = root / "crash"
            home.mkdir()
            stats = test_crash.run_crash_rounds(home, args.rounds, args.seed, args.max_delay, progress)
            print(f"crash: ok; {stats.acknowledged} acknowledged writes all present; the write running at the kill "
                  f"was committed in {stats.in_flight_present} rounds and absent in {stats.in_flight_absent}; "
                  f"interrupted by kind (k % 4): {dict(sorted(stats.kinds_interrupted.items()))}", flush=True)
        if args.writers:
            print(f"writers: {args.writers} processes x {args.commands} commands at once", flush=True)
            home = root / "writers"
            home.mkdir()
            started = time.monotonic()
            switches = test_concurrency.run_concurrent_writers(home, args.writers, args.commands)
            print(f"writers: ok; every write landed ({switches} switches between writers), "
                  f"{time.monotonic() - started:.0f} s", flush=True)
    except AssertionError:
        failed = True
        traceback.print_exc()
        print(f"soak: FAILED (seed {args.seed}); databases kept under {root}", file=sys.stderr, flush=True)
    finally:
        if not failed and not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    if not failed:
        print("soak: ok", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
