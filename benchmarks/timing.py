"""Timing whole processes: the wall time and peak memory of each child, A/B runs interleaved.

A command runs as a child process with stdout to /dev/null (or a file). Its
peak memory comes from the rusage `os.wait4` returns for that one child:
`getrusage(RUSAGE_CHILDREN)` keeps the maximum over every child so far and
cannot tell one run from the next.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
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


def run_process(argv: Sequence[str], env: dict[str, str], stdout: IO | int = subprocess.DEVNULL) -> Sample:
    """Run `argv` to completion; raise CommandFailed (with the end of its stderr) on a non-zero exit."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=errors)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        if child.returncode != 0:
            errors.seek(0)
            raise CommandFailed(argv, child.returncode, errors.read().decode("utf-8", "replace"))
    return Sample(seconds, usage.ru_maxrss)


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
