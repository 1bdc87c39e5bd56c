"""One SQLAlchemy engine per gradebook URL in a grading worker, and no repeated schema checks.

nbgrader opens a new ``Gradebook`` in almost every step of one autograde, about nine
times per submission. Each opening creates an engine (with an empty compiled-statement
cache, so every query is compiled again), inspects the schema, runs ``create_all``
and checks the course row. In a grading worker the first opening of a URL does all of
that; later ones reuse its engine and skip the checks that already passed.
``Gradebook.close`` still ends each session and returns its connections. The worker's
gradebook is a scratch copy, so its connections do not wait for the disk.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

_ENGINES: OrderedDict[str, Any] = OrderedDict()
_KEEP = 4  # execution mode grades each submission on its own gradebook copy: keep only the newest few


def _shared_engine(url: Any, *args: Any, **kwargs: Any) -> Any:
    from sqlalchemy import create_engine, event

    key = f"{url}|{sorted(kwargs.items())!r}"
    if key not in _ENGINES:
        engine = create_engine(url, *args, **kwargs)
        if str(url).startswith("sqlite"):
            event.listen(engine, "connect", _scratch)
        _ENGINES[key] = engine
        while len(_ENGINES) > _KEEP:
            _ENGINES.popitem(last=False)[1].dispose()
    _ENGINES.move_to_end(key)
    return _ENGINES[key]


_CHECKED: set[tuple[str, str]] = set()  # (URL, course id) whose schema and course row were checked here
_ORIGINAL_INIT: Any = None


def _init(self: Any, db_url: str, course_id: str = "default_course", authenticator: Any = None) -> None:
    """``Gradebook.__init__``, with the schema and course checks done once per URL and course."""
    if (db_url, course_id) not in _CHECKED:
        _ORIGINAL_INIT(self, db_url, course_id, authenticator)
        _CHECKED.add((db_url, course_id))
        return
    from sqlalchemy.orm import scoped_session, sessionmaker

    self.engine = _shared_engine(db_url, echo=False, future=True)
    self.db = scoped_session(sessionmaker(autoflush=True, bind=self.engine, future=True))
    self.course_id = course_id
    self.authenticator = authenticator


def _scratch(connection: Any, _record: Any) -> None:
    """A worker's gradebook is a scratch copy (its result is merged into the course's): no disk syncs.

    nbgrader commits after every grade, about ten times per submission; each commit would
    wait for the disk. If the machine fails mid-run, the copy is thrown away anyway.
    """
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.execute("PRAGMA journal_mode = MEMORY")
    cursor.close()


def share_engines() -> None:
    """Make nbgrader's gradebooks in this process share one engine per URL (idempotent).

    Only for a grading worker, whose gradebook files are its own: a file replaced
    behind its back must keep the same schema and course (a snapshot of the course's).
    """
    global _ORIGINAL_INIT
    import nbgrader.api

    nbgrader.api.create_engine = _shared_engine  # type: ignore[assignment]
    if _ORIGINAL_INIT is None:
        _ORIGINAL_INIT = nbgrader.api.Gradebook.__init__
        nbgrader.api.Gradebook.__init__ = _init  # type: ignore[method-assign]
