"""Per-student grading status of an assignment: graded, flagged, failed or missing, with the reason.

Written by `medialit autograde` to ``COURSE/status/ASSIGNMENT.json`` (a roster student who
submitted nothing is recorded as missing) and read by feedback, export and report, so no
student ever gets a silent zero.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from medialit.grading.layout import Layout
from medialit.grading.results import Results, results_path

GRADED, FLAGGED, FAILED = "graded", "flagged", "failed"
MISSING = "missing"  # a roster student who submitted nothing (never "failed": nothing was there to grade)
NO_SUBMISSION = "no submission received"


@dataclass
class StudentStatus:
    """One student's outcome for one assignment."""

    student: str
    status: str  # graded | flagged | failed | missing
    reason: str = ""  # why flagged or failed, in words a teacher understands
    score: float | None = None  # auto score in the gradebook (None: no result exists)
    max_score: float | None = None
    flags: list[str] = field(default_factory=list)  # tampering found, cell by cell
    seconds: float = 0.0
    submitted: str = ""  # the submission's timestamp
    graded_at: str = ""
    environment: str = ""  # set when the grader itself could not work (the same for every student)
    late: str = ""  # how we know it was late, and the penalty ('' when on time or unknown)


def status_path(course_root: Path, assignment: str) -> Path:
    return Layout(course_root).status_file(assignment)


def load_status(course_root: Path, assignment: str) -> dict[str, StudentStatus]:
    """The recorded statuses of an assignment (empty if it was never autograded)."""
    path = status_path(course_root, assignment)
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {s: StudentStatus(**row) for s, row in data.get("students", {}).items()}


def save_status(course_root: Path, assignment: str, statuses: dict[str, StudentStatus]) -> Path:
    """Merge ``statuses`` into the recorded ones (other students keep theirs) and save atomically."""
    merged = load_status(course_root, assignment)
    merged.update(statuses)
    path = status_path(course_root, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "assignment": assignment,
        "updated": datetime.now(UTC).isoformat(timespec="seconds"),
        "students": {s: asdict(merged[s]) for s in sorted(merged)},
    }
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return path


def record_missing(course_root: Path, assignment: str, students: list[str]) -> None:
    """Record ``missing`` for roster students with no submission; a recorded result is never replaced."""
    recorded = load_status(course_root, assignment)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    new = {
        s: StudentStatus(s, MISSING, NO_SUBMISSION, graded_at=now)
        for s in students
        if s not in recorded or recorded[s].status == MISSING
    }
    if new:
        save_status(course_root, assignment, new)


def load_results(course_root: Path, assignment: str, student: str) -> Results | None:
    """The scored detail the grader recorded for one student (None if absent or not the grader's)."""
    folder = Layout(course_root).autograded_dir(assignment, student)
    return Results.read(results_path(folder, assignment))
