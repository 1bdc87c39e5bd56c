"""The course gradebook as a whole: does it exist, its backup, and the consistent copy workers grade on.

Workers never write the course's gradebook: each grades into a scratch SQLite copy made
here once per run, and the main process merges results back (``medialit.grading.merge``).

Two back ends, the same three operations:

- SQLite (``gradebook.db`` in the course): the backup is a copy made with SQLite's backup
  API, and that copy is what the workers start from.
- PostgreSQL (one database per course, for several graders at once): the backup is a
  ``pg_dump --format=custom`` file (restored with ``pg_restore``), and the workers' copy is
  a SQLite file holding nbgrader's tables, read in one read-only REPEATABLE READ
  transaction, so graders saving scores meanwhile never leave it half-updated.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from medialit.grading import gradebook_url
from medialit.grading.course import BACKUPS_DIR, Course, CourseError

KEEP_BACKUPS = 10
ALEMBIC_TABLE = "alembic_version"  # nbgrader's schema version: a gradebook without it is taken for a new one


def exists(course: Course) -> bool:
    """True when the course's gradebook has been created (PostgreSQL: nbgrader's tables are in its database)."""
    path = course.db_path
    if path is not None:
        return path.exists()
    course.check_gradebook()
    from nbgrader.api import Base
    from sqlalchemy import create_engine, inspect

    engine = create_engine(course.db_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    return set(Base.metadata.tables) | {ALEMBIC_TABLE} <= tables


def backup(course: Course) -> Path:
    """Save the gradebook before grading (the ten newest backups are kept); return the backup.

    SQLite: a ``.db`` copy. PostgreSQL: a ``pg_dump --format=custom`` file (``.dump``).
    """
    folder = course.root / BACKUPS_DIR
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    path = course.db_path
    suffix = ".db" if path is not None else ".dump"
    target = folder / f"gradebook-{stamp}{suffix}"
    if path is not None:
        _sqlite_copy(path, target)
    else:
        _pg_dump(course.db_url, target)
    for old in sorted(folder.glob(f"gradebook-*{suffix}"))[:-KEEP_BACKUPS]:
        old.unlink()
    return target


def restore_hint(saved: Path) -> str:
    """How to put the course's gradebook back as ``saved``, a backup :func:`backup` made (in the course)."""
    course = Course(Path(saved).parent.parent)
    if Path(saved).suffix != ".dump":
        return f"to go back to it, copy it over {course.db_path}"
    conninfo, _ = gradebook_url.libpq(course.db_url)
    return (
        "to go back to it, stop formgrader and run: "
        f"pg_restore --clean --if-exists --single-transaction --dbname='{conninfo}' {saved}"
    )


def scratch_copy(course: Course, saved: Path, target: Path) -> Path:
    """A consistent SQLite copy of the gradebook for workers to grade on, at ``target``.

    ``saved`` is this run's backup, taken before any merge: for SQLite it is such a copy already.
    For PostgreSQL, nbgrader's tables are copied into a new SQLite file at ``target``.
    """
    if course.db_path is not None:
        return saved
    _copy_postgres(course.db_url, target)
    return target


def _sqlite_copy(db: Path, target: Path) -> None:
    """A consistent copy of a SQLite gradebook (SQLite's backup API)."""
    import sqlite3

    with sqlite3.connect(db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _pg_dump(url: str, target: Path) -> None:
    """``pg_dump --format=custom`` of the course database into ``target``."""
    program = shutil.which("pg_dump")
    if program is None:
        raise CourseError(
            f"cannot back up the gradebook {gradebook_url.display(url)}: pg_dump is not installed here. "
            "Install PostgreSQL's client programs (Debian: sudo apt-get install postgresql-client) and run again."
        )
    conninfo, env = gradebook_url.libpq(url)
    partial = target.with_name(target.name + ".partial")
    run = subprocess.run(
        [program, "--format=custom", f"--file={partial}", f"--dbname={conninfo}"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if run.returncode != 0:
        partial.unlink(missing_ok=True)
        reason = (run.stderr.strip() or f"exit code {run.returncode}").splitlines()[-1]
        raise CourseError(
            f"cannot back up the gradebook {gradebook_url.display(url)}: pg_dump says: {reason}. Nothing was graded. "
            "pg_dump must be the server's version or newer, and this account needs read access to the "
            f"database; {gradebook_url.help_text()}."
        )
    partial.rename(target)


def _copy_postgres(url: str, target: Path) -> None:
    """nbgrader's tables (and its schema version) copied from PostgreSQL into a new SQLite file.

    All rows are read in one read-only REPEATABLE READ transaction: one snapshot of the whole
    gradebook, whatever graders commit meanwhile.
    """
    from nbgrader.api import Base
    from sqlalchemy import Column, MetaData, String, Table, create_engine, insert, inspect, select

    alembic = Table(ALEMBIC_TABLE, MetaData(), Column("version_num", String(32), nullable=False))
    source = create_engine(url)
    copy = create_engine(f"sqlite:///{target}")
    try:
        Base.metadata.create_all(copy)
        alembic.create(copy)
        with source.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin(), copy.begin() as out:
                has_alembic = inspect(conn).has_table(ALEMBIC_TABLE)
                for table in [*Base.metadata.sorted_tables, *([alembic] if has_alembic else [])]:
                    rows = [dict(r) for r in conn.execute(select(table)).mappings()]
                    if rows:
                        out.execute(insert(table), rows)
    finally:
        source.dispose()
        copy.dispose()
