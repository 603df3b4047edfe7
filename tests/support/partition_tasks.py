"""Partition tasks for the cluster tests: importable by Dask worker processes (not test modules).

Each task records every attempt in a folder, one file per attempt, so a test can see which
partitions ran where and how often.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RecordingTask:
    """Square the partition number after `seconds`, leaving a file per attempt in `folder`."""

    folder: str
    seconds: float = 0.0
    fail_first: int = -1  # this partition raises on its first attempt

    def __call__(self, partition: int) -> tuple[int, int]:
        attempts = list(Path(self.folder).glob(f"p{partition}-*"))
        Path(self.folder, f"p{partition}-{os.getpid()}-{uuid.uuid4().hex[:6]}").touch()
        if partition == self.fail_first and not attempts:
            raise RuntimeError(f"partition {partition}: the database went away")
        time.sleep(self.seconds)
        return partition * partition, os.getpid()


def attempts(folder: str | Path) -> dict[int, int]:
    """Return how many times each partition was started."""
    counts: dict[int, int] = {}
    for path in Path(folder).glob("p*-*"):
        p = int(path.name[1:].split("-")[0])
        counts[p] = counts.get(p, 0) + 1
    return counts
