"""The course gradebook as a whole: does it exist, its backup, and the consistent copy workers grade on.

Workers never write the course's gradebook: each grades into a scratch SQLite copy made
here once per run, and the main process merges results back (``medialit.grading.merge``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from medialit.grading.course import BACKUPS_DIR, Course

KEEP_BACKUPS = 10


def exists(course: Course) -> bool:
    """True when the course's gradebook has been created."""
    return course.db_path.exists()


def backup(course: Course) -> Path:
    """Save the gradebook before grading (the ten newest backups are kept); return the backup."""
    folder = course.root / BACKUPS_DIR
    folder.mkdir(exist_ok=True)
    target = folder / f"gradebook-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S-%f')}.db"
    _sqlite_copy(course.db_path, target)
    for old in sorted(folder.glob("gradebook-*.db"))[:-KEEP_BACKUPS]:
        old.unlink()
    return target


def scratch_copy(course: Course, saved: Path, target: Path) -> Path:
    """A consistent SQLite copy of the gradebook for workers to grade on, at ``target``.

    ``saved`` is this run's backup, taken before any merge: for SQLite it is such a copy already.
    """
    del course, target
    return saved


def _sqlite_copy(db: Path, target: Path) -> None:
    """A consistent copy of a SQLite gradebook (SQLite's backup API)."""
    import sqlite3

    with sqlite3.connect(db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
