"""What a course's gradebook URL may be, and whether its database can be reached.

Two back ends: SQLite (``sqlite:////abs/path/gradebook.db``, one file in the course; the
default) and PostgreSQL through psycopg 3 (``postgresql+psycopg://…``, one database per
course, for several graders at once). Each check returns a problem in plain words ('' when
there is none), so the caller raises its own error. psycopg and SQLAlchemy load only when a
URL is checked.
"""

from __future__ import annotations

import os
from pathlib import Path

SQLITE = "sqlite"
POSTGRES = "postgresql+psycopg"
CONNECT_TIMEOUT = 10  # seconds: a host that does not answer is reported, not waited for


def help_text() -> str:
    """Where a teacher reads more: the instructor guide where this install has it, and the deployment notes."""
    from medialit.content.kit import doc_path

    return (
        f"see 'PostgreSQL gradebook' in the instructor guide ({doc_path()}) and deploy/README.md of medialit's source"
    )


def _parse(url: str):
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        return None


def url_problem(url: str) -> str:
    """Why ``url`` cannot be a course gradebook ('' when it can)."""
    parsed = _parse(url)
    if parsed is None:
        return (
            f"the gradebook URL {url!r} is not a database URL; use sqlite:////ABSOLUTE/PATH/gradebook.db "
            f"or postgresql+psycopg:///DATABASE?host=/var/run/postgresql"
        )
    if parsed.drivername == SQLITE:
        return "" if parsed.database else f"the gradebook URL {url!r} names no file: use sqlite:////PATH/gradebook.db"
    if parsed.drivername.startswith("postgres"):
        if parsed.drivername != POSTGRES:
            fixed = parsed.set(drivername=POSTGRES).render_as_string(hide_password=False)
            return f"the gradebook URL {display(url)!r} needs the psycopg 3 driver the kit installs: use {fixed!r}"
        if not parsed.database:
            return f"the gradebook URL {display(url)!r} names no database: one database per course, e.g. {_example()}"
        return ""
    return (
        f"the gradebook URL {display(url)!r} uses {parsed.drivername!r}: medialit keeps gradebooks in SQLite "
        f"(sqlite:////PATH/gradebook.db) or PostgreSQL (e.g. {_example()})"
    )


def _example() -> str:
    return "postgresql+psycopg:///medialit_media101?host=/var/run/postgresql"


def normalise(url: str) -> str:
    """``url`` with a SQLite file made absolute (nbgrader would read a relative one from each command's folder)."""
    parsed = _parse(url)
    if parsed is None or parsed.drivername != SQLITE or not parsed.database or parsed.database == ":memory:":
        return url
    return f"sqlite:///{Path(parsed.database).expanduser().resolve()}"


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite gradebook URL (None for another database)."""
    parsed = _parse(url)
    return Path(parsed.database) if parsed is not None and parsed.drivername == SQLITE else None


def display(url: str) -> str:
    """``url`` with any password hidden, for messages."""
    parsed = _parse(url)
    if parsed is None or not parsed.password:
        return url  # as the teacher wrote it (SQLAlchemy would percent-encode a socket folder)
    return parsed.render_as_string(hide_password=True)


def reach_problem(url: str) -> str:
    """Why the database of ``url`` cannot be reached ('' when it answers; SQLite files always do)."""
    if not is_postgres(url):
        return ""
    try:
        import psycopg  # noqa: F401
        from sqlalchemy import create_engine, text
        from sqlalchemy.exc import SQLAlchemyError
    except ImportError:
        return (
            f"the gradebook {display(url)} is in PostgreSQL, but psycopg is not installed here: "
            "pip install 'medialit[scale]'"
        )
    engine = create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        return (
            f"cannot reach the gradebook database {display(url)}: {reason[0] if reason else type(exc).__name__}. "
            "Check that PostgreSQL is running (systemctl status postgresql), that the database exists "
            "(sudo -u postgres createdb --owner=ROLE DATABASE) and that this account has a role in it "
            f"(sudo -u postgres createuser ROLE); {help_text()}."
        )
    finally:
        engine.dispose()
    return ""


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """The connection string PostgreSQL's own tools (pg_dump, pg_restore) take, and the environment
    that carries the password (never on the command line)."""
    parsed = _parse(url)
    env = dict(os.environ)
    if not parsed.password:
        return "postgresql" + url[len(parsed.drivername) :], env  # as the teacher wrote it
    from sqlalchemy.engine import URL

    env["PGPASSWORD"] = str(parsed.password)
    plain = URL.create(
        "postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database, parsed.query
    )  # no password
    return plain.render_as_string(hide_password=False), env
