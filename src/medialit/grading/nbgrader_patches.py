"""medialit's patches of nbgrader's (and jsonschema's) internals: each behind one function, each checked first.

A patch replaces code that nbgrader does not promise to keep. Before applying one, its function
checks that the code it replaces is the code it was written against (a digest of its source, or
the names it uses) and raises :class:`NbgraderChanged`, naming the installed version and what
changed, if not: an nbgrader upgrade stops medialit loudly instead of grading wrongly.
``pyproject.toml`` pins nbgrader to the versions in :data:`CHECKED`.

Measured on 2 shared cores (load 4-13), 40 submissions of ps1-sources from saved answers,
``--jobs 2``, in-process, medians of 3 interleaved runs, twice (grades identical with and without):

========================  =============================================  ============================================
patch (what it replaces)  what it saves                                  guard (``check_*``)
========================  =============================================  ============================================
``share_engines``         autograde 16.9 s without it, 5.1 s with;       sources of ``Gradebook.__init__`` and
(``Gradebook.__init__``,  again: 15.8 s without, 8.1 s with (one         ``Gradebook.close``; ``nbgrader.api.
``api.create_engine``)    engine per URL; checks once per worker)        create_engine`` is SQLAlchemy's
``cache_metadata_``       30 validations a submission (1200 for 40);     source of ``validate_cell``; nbgrader's
``validator``             a 15-cell notebook: 12.5 ms without, 1.2 ms    ``common`` uses only ``jsonschema.validate``
(``common.jsonschema``)   with: about 0.9 s CPU for 40 (autograde
                          9.3 s without, 8.1 s with; noisy)
``skip_unused_checkers``  ``import jsonschema, nbformat``: 2.1 s         jsonschema's ``_format.py`` imports it under
(``rfc3987_syntax``)      without, 0.4 s with: every command's start     ``suppress(ImportError)`` (read, not imported)
``cache_alembic_head``    nothing in a command (nbgrader runs            sources of ``get_alembic_version`` and
(``api.get_alembic_``     ``alembic heads`` only when it creates a       ``Gradebook.__init__``
``version``)              gradebook: autograde of 40 runs it 0 times);
                          a process creating several: test_gradebook_
                          backends + test_course_workflow ran it 11
                          times without, once with: 56 s CPU and 166 s
                          wall without, 32 s and 104 s with (load ~6)
========================  =============================================  ============================================
"""

from __future__ import annotations

import re
import sys
from collections import OrderedDict
from importlib.util import find_spec
from pathlib import Path
from typing import Any

CHECKED = ("0.9.6",)  # the nbgrader versions these patches were checked against (pyproject.toml pins them)

# sha256 of the source of each nbgrader function a patch replaces or relies on, in the versions in CHECKED
DIGESTS = {
    "Gradebook.__init__": "c60c420276e8355e",
    "Gradebook.close": "089cf56cf4f8a224",
    "BaseMetadataValidator.validate_cell": "e5f97f45a9aba510",
    "get_alembic_version": "40160af67d70e523",
}


class NbgraderChanged(RuntimeError):
    """An nbgrader (or jsonschema) internal that a patch relies on is not the one it was checked against."""


def _installed(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "(not installed)"


def _changed(patch: str, what: str, package: str = "nbgrader") -> NbgraderChanged:
    checked = ", ".join(CHECKED)
    return NbgraderChanged(
        f"medialit's speed-up {patch!r} relies on {what}, as in nbgrader {checked}; the installed "
        f"{package} {_installed(package)} differs. Install the checked version (pip install "
        f"'nbgrader=={CHECKED[-1]}'), or check the patch in medialit/grading/nbgrader_patches.py "
        "against the new code and update its digest."
    )


def digest(obj: Any) -> str:
    """The first 16 hex digits of the sha256 of ``obj``'s source."""
    import hashlib
    import inspect  # here, not at the top: every command imports this module at its start

    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()[:16]


def _check_digest(patch: str, name: str, obj: Any) -> None:
    if digest(obj) != DIGESTS[name]:
        raise _changed(patch, f"the code of nbgrader's {name}")


# --- share_engines: one SQLAlchemy engine per gradebook URL in a grading worker -----------------

_ENGINES: OrderedDict[str, Any] = OrderedDict()
_KEEP = 4  # execution mode grades each submission on its own gradebook copy: keep only the newest few
_CHECKED_BOOKS: set[tuple[str, str]] = set()  # (URL, course id) whose schema and course row were checked here
_ORIGINAL_INIT: Any = None


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


def _init(self: Any, db_url: str, course_id: str = "default_course", authenticator: Any = None) -> None:
    """``Gradebook.__init__``, with the schema and course checks done once per URL and course."""
    if (db_url, course_id) not in _CHECKED_BOOKS:
        _ORIGINAL_INIT(self, db_url, course_id, authenticator)
        _CHECKED_BOOKS.add((db_url, course_id))
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


def check_share_engines() -> None:
    """Raise :class:`NbgraderChanged` unless ``Gradebook`` opens and closes as :func:`share_engines` expects."""
    import nbgrader.api
    import sqlalchemy

    patch = "share_engines"
    if nbgrader.api.create_engine not in (sqlalchemy.create_engine, _shared_engine):
        raise _changed(patch, "nbgrader.api.create_engine being SQLAlchemy's create_engine")
    if _ORIGINAL_INIT is None:  # once patched, Gradebook.__init__ is ours; the original was checked then
        _check_digest(patch, "Gradebook.__init__", nbgrader.api.Gradebook.__init__)
    _check_digest(patch, "Gradebook.close", nbgrader.api.Gradebook.close)


def share_engines() -> None:
    """Make nbgrader's gradebooks in this process share one engine per URL (idempotent).

    nbgrader opens a new ``Gradebook`` about nine times per submission; each opening creates an
    engine (so every query is compiled again), inspects the schema, runs ``create_all`` and checks
    the course row. Here the first opening of a URL does all of that; later ones reuse its engine.
    ``Gradebook.close`` still ends each session and returns its connections. Only for a grading
    worker, whose gradebook files are its own scratch copies: a file replaced behind its back must
    keep the same schema and course (a snapshot of the course's).
    """
    global _ORIGINAL_INIT
    import nbgrader.api

    check_share_engines()
    nbgrader.api.create_engine = _shared_engine  # type: ignore[assignment]
    if _ORIGINAL_INIT is None:
        _ORIGINAL_INIT = nbgrader.api.Gradebook.__init__
        nbgrader.api.Gradebook.__init__ = _init  # type: ignore[method-assign]


# --- cache_metadata_validator: one compiled jsonschema validator per schema ---------------------


def check_metadata_validator() -> None:
    """Raise :class:`NbgraderChanged` unless nbgrader validates cell metadata only with ``jsonschema.validate``."""
    import inspect
    import types

    import jsonschema
    import nbgrader.nbgraderformat.common as common

    patch = "cache_metadata_validator"
    if not isinstance(common.jsonschema, types.SimpleNamespace) and common.jsonschema is not jsonschema:
        raise _changed(patch, "nbgrader.nbgraderformat.common.jsonschema being the jsonschema module")
    used = set(re.findall(r"\bjsonschema\.(\w+)", inspect.getsource(common)))
    if used != {"validate"}:
        raise _changed(patch, f"nbgrader's metadata check using only jsonschema.validate (it uses {sorted(used)})")
    _check_digest(patch, "BaseMetadataValidator.validate_cell", common.BaseMetadataValidator.validate_cell)


def cache_metadata_validator() -> None:
    """Validate nbgrader cell metadata with one compiled validator per schema (idempotent).

    nbgrader calls ``jsonschema.validate`` for every cell, which checks the schema itself and
    builds a new validator each time (about 1.5 ms a cell, twice per graded notebook). The
    schema and the verdicts are the same; only the repeated set-up is skipped.
    """
    import types

    import jsonschema
    import nbgrader.nbgraderformat.common as common

    check_metadata_validator()
    if isinstance(common.jsonschema, types.SimpleNamespace):
        return
    validators: dict[int, Any] = {}

    def validate(instance: Any, schema: dict[str, Any]) -> None:
        key = id(schema)
        if key not in validators:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validators[key] = (schema, cls(schema))  # keep the schema alive, so its id stays unique
        validators[key][1].validate(instance)

    common.jsonschema = types.SimpleNamespace(validate=validate, ValidationError=jsonschema.ValidationError)


# --- skip_unused_checkers: jsonschema without its optional IRI format checker -------------------

UNUSED_CHECKERS = ("rfc3987_syntax",)  # jsonschema's optional "iri" format checker: 38 grammars built on import
_OPTIONAL = re.compile(r"with suppress\(ImportError\):\s*\n\s*from rfc3987_syntax import")


def check_unused_checkers(formats: Path | None = None) -> None:
    """Raise :class:`NbgraderChanged` unless jsonschema treats ``rfc3987_syntax`` as optional.

    Reads jsonschema's ``_format.py`` (``formats``: another copy, for a test) without importing it.
    """
    if formats is None:
        spec = find_spec("jsonschema")
        if spec is None or spec.origin is None:
            return  # no jsonschema: nothing to patch
        formats = Path(spec.origin).parent / "_format.py"
    text = formats.read_text(encoding="utf-8") if formats.is_file() else ""
    if not _OPTIONAL.search(text):
        raise _changed(
            "skip_unused_checkers", "jsonschema importing rfc3987_syntax only if it can", package="jsonschema"
        )


def skip_unused_checkers() -> None:
    """Keep jsonschema from loading its optional IRI format checker, which no medialit command uses.

    ``import jsonschema`` (nbformat and nbgrader import it) loads ``rfc3987_syntax`` when it is installed
    (the Jupyter server's packages bring it), which compiles 38 lark grammars: about 2 s of every command's
    start. nbformat and nbgrader validate without format checkers, so no validation changes; jsonschema
    treats the package as optional (an ImportError leaves the "iri" format unchecked). Call it before
    anything imports jsonschema; later it changes nothing.
    """
    if "jsonschema" in sys.modules:
        return
    check_unused_checkers()
    for name in UNUSED_CHECKERS:
        sys.modules.setdefault(name, None)  # type: ignore[assignment]  # "import name" now raises ImportError


# --- cache_alembic_head: ask the `alembic` command for nbgrader's schema version once a process --


def check_alembic_head() -> None:
    """Raise :class:`NbgraderChanged` unless nbgrader gets its schema version as :func:`cache_alembic_head` expects."""
    import nbgrader.api as api

    patch = "cache_alembic_head"
    if not hasattr(api.get_alembic_version, "cache_info"):  # once cached, the original was checked then
        _check_digest(patch, "get_alembic_version", api.get_alembic_version)
    _check_digest(patch, "Gradebook.__init__", _ORIGINAL_INIT or api.Gradebook.__init__)


def cache_alembic_head() -> None:
    """Remember nbgrader's gradebook schema version instead of asking the `alembic` command again (idempotent).

    nbgrader runs ``alembic heads`` (a new Python process: 0.4 s on a quiet machine, 4-8 s on a busy
    one) each time it creates a gradebook; the answer cannot change while nbgrader stays installed.
    """
    import functools

    import nbgrader.api as api

    check_alembic_head()
    if not hasattr(api.get_alembic_version, "cache_info"):
        api.get_alembic_version = functools.cache(api.get_alembic_version)


def check_worker_patches() -> None:
    """Check the internals a grading worker's patches rely on (in the parent, before workers start)."""
    check_share_engines()
    check_metadata_validator()
