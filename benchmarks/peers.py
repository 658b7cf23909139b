"""The programs fup is compared with, installed when missing.

- Taskwarrior (`task`) and the sqlite3 shell from the system's packages:
  `apt-get update` once, then `apt-get install -y`, through sudo when not root.
- sqlite-utils from PyPI, into the virtualenv that runs the benchmarks.

A peer that cannot be installed is reported with the reason, and the
comparisons that need it are marked as not run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

APT_PACKAGES = {"task": "taskwarrior", "sqlite3": "sqlite3"}


@dataclass
class Peers:
    paths: dict[str, str] = field(default_factory=dict)  # program name -> executable
    missing: dict[str, str] = field(default_factory=dict)  # program name -> why it is not there
    versions: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        return self.paths.get(name)


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def _as_root(argv: list[str]) -> list[str]:
    return argv if os.geteuid() == 0 else ["sudo", *argv]


def _apt_install(packages: list[str]) -> str | None:
    """Install Debian packages; None on success, else the reason it failed."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available on this system"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for argv in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", *packages]):
        print(f"  $ {' '.join(_as_root(argv))}", flush=True)
        try:
            done = subprocess.run(_as_root(argv), check=False, env=env, text=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except OSError as exc:
            return f"{argv[0]} could not run: {exc}"
        if done.returncode != 0:
            return f"`{' '.join(argv)}` failed: {_last_line(done.stderr) or f'exit {done.returncode}'}"
    return None


def _pip_install(package: str) -> str | None:
    print(f"  $ {Path(sys.executable).name} -m pip install {package}", flush=True)
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", package], check=False,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        return f"pip install {package} failed: {_last_line(done.stderr) or f'exit {done.returncode}'}"
    return None


def _version(argv: list[str]) -> str:
    done = subprocess.run(argv, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return done.stdout.strip().splitlines()[0] if done.stdout.strip() else "unknown"


def ensure_peers() -> Peers:
    """Find Taskwarrior, the sqlite3 shell and sqlite-utils, installing whichever is missing."""
    peers = Peers()
    absent = [name for name in APT_PACKAGES if shutil.which(name) is None]
    if absent:
        failure = _apt_install([APT_PACKAGES[name] for name in absent])
        for name in absent:
            if shutil.which(name) is None:
                peers.missing[name] = failure or f"{APT_PACKAGES[name]} installed but `{name}` is not on PATH"
    for name in APT_PACKAGES:
        if name not in peers.missing:
            peers.paths[name] = shutil.which(name) or name

    sqlite_utils = Path(sys.executable).parent / "sqlite-utils"
    if not sqlite_utils.exists():
        failure = _pip_install("sqlite-utils")
        if failure:
            peers.missing["sqlite-utils"] = failure
    if sqlite_utils.exists():
        peers.paths["sqlite-utils"] = str(sqlite_utils)

    if "task" in peers.paths:
        peers.versions["Taskwarrior"] = _version([peers.paths["task"], "--version"])
    if "sqlite-utils" in peers.paths:
        peers.versions["sqlite-utils"] = _version([peers.paths["sqlite-utils"], "--version"]).split()[-1]
    if "sqlite3" in peers.paths:
        peers.versions["sqlite3 shell"] = _version([peers.paths["sqlite3"], "--version"]).split()[0]
    return peers
