"""Taskwarrior given fup's workload: one pending task per open contact, due when fup says.

The tasks come from `fup export contacts`: every contact that is not closed
becomes a pending task whose due date is the contact's `next_due` (no due date
when fup has none). They go in with `task import`, into a private data
directory under a private taskrc, so nothing of the user's own Taskwarrior is
read or touched. `copy` gives a writable copy of that data for the comparisons
that change it (annotate, add, done), so the cached import stays as it was.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from timing import run_process

TASK_NAMESPACE = uuid.UUID("6f1d2c3e-1b7a-4c52-9d0e-2f6b8a9c4e10")
DONE_MARKER = "imported.json"


@dataclass
class TaskSetup:
    directory: Path  # holds taskrc and data/
    env: dict[str, str]
    tasks: int  # pending tasks, with ids 1..tasks
    import_seconds: float | None = None  # None when the data came from the cache


def _stamp(moment: datetime) -> str:
    """A local wall-clock time in Taskwarrior's JSON form (UTC, 20261123T083000Z)."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def tasks_from_export(contacts_csv: Path) -> list[dict]:
    """One pending task per contact of a `fup export contacts` file that is not closed."""
    tasks = []
    with contacts_csv.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["state"] == "closed":
                continue
            who = f"{row['name']} ({row['company']})" if row["company"] else row["name"]
            task = {
                "uuid": str(uuid.uuid5(TASK_NAMESPACE, row["id"])),
                "status": "pending",
                "description": f"Follow up with {who}",
                "project": "pipeline",
                "entry": _stamp(datetime.fromisoformat(row["created_at"])),
            }
            if row["next_due"]:
                task["due"] = _stamp(datetime.fromisoformat(row["next_due"]))
            tasks.append(task)
    return tasks


def _write_taskrc(directory: Path, data: Path, news_version: str) -> Path:
    taskrc = directory / "taskrc"
    taskrc.write_text(
        "# Taskwarrior for fup's benchmarks: private data, no prompts, no hooks, no colour.\n"
        "# Garbage collection stays on, as by default.\n"
        f"data.location={data}\n"
        "confirmation=off\n"
        "hooks=off\n"
        "color=off\n"
        "gc=on\n"
        f"news.version={news_version}\n",
        encoding="utf-8",
    )
    return taskrc


def _env(directory: Path) -> dict[str, str]:
    return dict(os.environ, TASKRC=str(directory / "taskrc"), TASKDATA=str(directory / "data"))


def cached(directory: Path) -> TaskSetup | None:
    """The Taskwarrior data an earlier run imported into `directory`, or None."""
    marker = directory / DONE_MARKER
    if not marker.exists():
        return None
    return TaskSetup(directory, _env(directory), json.loads(marker.read_text(encoding="utf-8"))["tasks"])


def build(task: str, version: str, contacts_csv: Path, directory: Path) -> TaskSetup:
    """Import the tasks of `contacts_csv` into a new Taskwarrior data directory under `directory`."""
    data = directory / "data"
    data.mkdir(parents=True)
    _write_taskrc(directory, data, version)
    tasks = tasks_from_export(contacts_csv)
    tasks_file = directory / "tasks.json"
    tasks_file.write_text(json.dumps(tasks), encoding="utf-8")
    env = _env(directory)
    sample = run_process([task, "import", str(tasks_file)], env)
    (directory / DONE_MARKER).write_text(json.dumps({"tasks": len(tasks), "seconds": sample.seconds}), encoding="utf-8")
    return TaskSetup(directory, env, len(tasks), sample.seconds)


def copy(directory: Path, destination: Path) -> dict[str, str]:
    """A copy of the data imported into `directory`, with its own taskrc; the environment to use it."""
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    shutil.copytree(directory / "data", destination / "data")
    lines = (directory / "taskrc").read_text(encoding="utf-8").splitlines()
    lines = [f"data.location={destination / 'data'}" if line.startswith("data.location=") else line
             for line in lines]
    (destination / "taskrc").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return _env(destination)
