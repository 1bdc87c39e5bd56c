"""Where an autograde run's time went, stage by stage (``medialit autograde --timings``).

A ``Stopwatch`` adds up the wall-clock seconds of named stages; ``autograde`` fills one, and the
command prints it with the start-up (the process's start to the first grading step) in front.
Stages may nest (merge runs inside grading): the table says so, and the total is the run's wall time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

# the stages autograde records, in the order they are printed, and what each covers
STAGES = {
    "start-up": "the process's start to the first grading step: Python, the imports, the options, the course",
    "backup": "the gradebook saved before grading, and the workers' copy of it",
    "fingerprints": "hashes of the kit, masters, release, keys and seeds (before, before each merge, after)",
    "grades": "the gradebook read before and after (other students' grades must not change), nbgrader loaded",
    "prepare": "each submission checked (broken files, tampering) before it is graded",
    "grading": "the workers grading (the pool's wall time; merge runs inside it)",
    "merge": "  of which: each result merged into the gradebook and its folder swapped in",
    "finish": "scores, lateness and status.json written; the state after grading compared",
}


class Stopwatch:
    """Seconds per named stage (a stage timed twice adds up)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def table(self, total: float | None = None) -> str:
        """One line per stage (the known ones first), then the total when given."""
        names = [s for s in STAGES if s in self.seconds] + [s for s in self.seconds if s not in STAGES]
        lines = [f"{n.strip():<13}{self.seconds[n]:7.2f} s  {STAGES.get(n, '').strip()}" for n in names]
        if total is not None:
            lines.append(f"{'total':<13}{total:7.2f} s  the command, from the process's start")
        return "\n".join(lines)


def process_age() -> float | None:
    """Seconds since this process started (Linux: from /proc), or None where that cannot be read."""
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as handle:
            uptime = float(handle.read().split()[0])
        return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))  # field 22: starttime in ticks
    except (OSError, ValueError, IndexError):
        return None
