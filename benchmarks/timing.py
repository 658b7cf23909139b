"""Timing whole processes: the wall time and peak memory of each child, A/B runs interleaved.

A command runs as a child process with stdout to /dev/null (or a file). Its
peak memory comes from the rusage `os.wait4` returns for that one process:
`getrusage(RUSAGE_CHILDREN)` keeps the maximum over every child so far and
cannot tell one run from the next. A process's peak (`ru_maxrss`) also counts
the memory of the process it was forked from, as it was when the command was
exec'd: forked from this one (which may hold a generated dataset, 100+ MiB) a
30 MiB command would show this process's size. So each command is forked by a
small launcher (`_LAUNCHER`: Python without site, about 8 MiB), which times it
and reads its rusage, and reports both through a pipe.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_kib: int  # ru_maxrss, which Linux reports in KiB


class CommandFailed(RuntimeError):
    def __init__(self, argv: Sequence[str], code: int, stderr: str):
        tail = "\n".join(stderr.strip().splitlines()[-5:])
        super().__init__(f"{' '.join(argv)} exited with {code}:\n{tail}")


# Run as `python -S -I -c _LAUNCHER FD ARGV...`: fork and exec ARGV, wait for it, and write its
# wall time, peak memory (KiB) and exit code to FD.
_LAUNCHER = """\
import os, sys, time
report, argv = int(sys.argv[1]), sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.close(report)
    try:
        os.execvp(argv[0], argv)
    except OSError as exc:
        os.write(2, f"{argv[0]}: {exc.strerror}\\n".encode())
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
os.write(report, f"{seconds!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}".encode())
"""


def run_process(argv: Sequence[str], env: dict[str, str], stdout: IO | int = subprocess.DEVNULL) -> Sample:
    """Run `argv` to completion (through `_LAUNCHER`); raise CommandFailed (with the end of its
    stderr) on a non-zero exit."""
    with tempfile.TemporaryFile() as errors:
        read_end, write_end = os.pipe()
        try:
            launcher = subprocess.Popen([sys.executable, "-S", "-I", "-c", _LAUNCHER, str(write_end), *argv], env=env,
                                        stdin=subprocess.DEVNULL, stdout=stdout, stderr=errors, pass_fds=(write_end,))
        finally:
            os.close(write_end)
        with os.fdopen(read_end, "rb") as report:
            said = report.read().decode("ascii").split()
        launcher.wait()
        code = int(said[2]) if len(said) == 3 else launcher.returncode or 1
        if code != 0:
            errors.seek(0)
            raise CommandFailed(argv, code, errors.read().decode("utf-8", "replace"))
    return Sample(float(said[0]), int(said[1]))


@dataclass
class Probe:
    """One side of a comparison: the command of run N, its environment, and untimed preparation of run N."""

    label: str
    argv: Callable[[int], Sequence[str]]
    env: dict[str, str]
    prepare: Callable[[int], None] | None = None


def fixed(argv: Sequence[str]) -> Callable[[int], Sequence[str]]:
    """The same command on every run."""
    return lambda _run: argv


def interleave(probes: Sequence[Probe], runs: int, warmup: int = 1) -> dict[str, list[Sample]]:
    """Run the probes in turn (A, B, A, B, ...): `warmup` untimed rounds, then `runs` timed ones."""
    samples: dict[str, list[Sample]] = {probe.label: [] for probe in probes}
    for run in range(warmup + runs):
        for probe in probes:
            if probe.prepare is not None:
                probe.prepare(run)
            sample = run_process(probe.argv(run), probe.env)
            if run >= warmup:
                samples[probe.label].append(sample)
    return samples


def median_seconds(samples: Sequence[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def median_peak_kib(samples: Sequence[Sample]) -> float:
    return statistics.median(s.peak_kib for s in samples)
