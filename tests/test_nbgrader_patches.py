"""Each patch of nbgrader's internals checks them first: it passes on the installed nbgrader and fails
loudly, naming the version and what changed, when the internal it relies on is altered."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

import jsonschema
import nbformat
import nbgrader.api as api
import nbgrader.nbgraderformat.common as common
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from medialit.grading import nbgrader_patches as patches
from medialit.grading.nbgrader_patches import NbgraderChanged

ROOT = Path(__file__).resolve().parents[1]


def test_installed_nbgrader_is_the_checked_one_and_pyproject_pins_it():
    assert version("nbgrader") in patches.CHECKED
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (pin,) = [d for d in deps if re.match(r"nbgrader\b", d)]
    low, high = re.fullmatch(r"nbgrader>=([\d.]+),<([\d.]+)", pin).groups()
    assert low == min(patches.CHECKED) and high.startswith("0.9.")  # nothing newer than what was checked
    assert tuple(map(int, high.split("."))) > tuple(map(int, max(patches.CHECKED).split(".")))


def test_every_guard_passes_on_the_installed_nbgrader():
    patches.check_share_engines()
    patches.check_metadata_validator()
    patches.check_unused_checkers()
    patches.check_worker_patches()
    patches.check_alembic_head()


def _loud(excinfo: pytest.ExceptionInfo, what: str) -> None:
    message = str(excinfo.value)
    assert what in message and version("nbgrader") in message and "nbgrader_patches.py" in message


def test_a_changed_gradebook_init_stops_share_engines(monkeypatch):
    def __init__(self, db_url, course_id="default_course", authenticator=None, cache=None):
        self.cache = cache  # a new attribute the replacement would not set

    monkeypatch.setattr(patches, "_ORIGINAL_INIT", None)
    monkeypatch.setattr(api.Gradebook, "__init__", __init__)
    with pytest.raises(NbgraderChanged) as excinfo:
        patches.share_engines()
    _loud(excinfo, "Gradebook.__init__")
    assert api.Gradebook.__init__ is __init__  # nothing was patched


def test_a_changed_gradebook_close_or_engine_factory_stops_share_engines(monkeypatch):
    monkeypatch.setattr(api.Gradebook, "close", lambda self: None)
    with pytest.raises(NbgraderChanged) as excinfo:
        patches.check_share_engines()
    _loud(excinfo, "Gradebook.close")
    monkeypatch.undo()
    monkeypatch.setattr(api, "create_engine", lambda *a, **k: None)
    with pytest.raises(NbgraderChanged) as excinfo:
        patches.check_worker_patches()
    _loud(excinfo, "create_engine")


def test_a_changed_schema_version_lookup_stops_the_alembic_cache(monkeypatch):
    def get_alembic_version() -> str:
        return "0123456789ab"  # say, read from a file nbgrader now ships

    monkeypatch.setattr(api, "get_alembic_version", get_alembic_version)
    with pytest.raises(NbgraderChanged) as excinfo:
        patches.cache_alembic_head()
    _loud(excinfo, "get_alembic_version")
    assert api.get_alembic_version is get_alembic_version  # nothing was patched


def test_the_alembic_cache_asks_the_command_once(monkeypatch):
    calls = []
    monkeypatch.setattr(api.sp, "check_output", lambda *a, **k: calls.append(a) or b"abc123 (head)\n")
    original = getattr(api.get_alembic_version, "__wrapped__", api.get_alembic_version)
    monkeypatch.setattr(api, "get_alembic_version", original)  # a fresh cache, restored after the test
    patches.cache_alembic_head()
    patches.cache_alembic_head()  # idempotent
    assert api.get_alembic_version() == api.get_alembic_version() == "abc123"
    assert len(calls) == 1


def test_a_changed_metadata_check_stops_the_cached_validator(monkeypatch):
    monkeypatch.setattr(common, "jsonschema", common.jsonschema)  # restored after the test
    monkeypatch.setattr(common.BaseMetadataValidator, "validate_cell", lambda self, cell: None)
    with pytest.raises(NbgraderChanged) as excinfo:
        patches.cache_metadata_validator()
    _loud(excinfo, "validate_cell")
    monkeypatch.undo()
    monkeypatch.setattr(common, "jsonschema", object())
    with pytest.raises(NbgraderChanged) as excinfo:
        patches.check_worker_patches()
    _loud(excinfo, "common.jsonschema")


def test_the_cached_validator_still_rejects_bad_metadata(monkeypatch):
    monkeypatch.setattr(common, "jsonschema", common.jsonschema)  # restored after the test
    patches.cache_metadata_validator()
    patches.cache_metadata_validator()  # idempotent
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["nbgrader"] = {"schema_version": 3, "grade": True, "solution": False, "locked": True}
    cell.metadata["nbgrader"].update(grade_id="q1", points="many")  # points must be a number
    with pytest.raises(jsonschema.ValidationError):
        MetadataValidator().validate_cell(cell)
    cell.metadata["nbgrader"]["points"] = 2
    MetadataValidator().validate_cell(cell)


def test_a_jsonschema_that_needs_rfc3987_stops_skip_unused_checkers(tmp_path):
    formats = Path(find_spec("jsonschema").origin).parent / "_format.py"
    changed = tmp_path / "_format.py"
    changed.write_text(formats.read_text(encoding="utf-8").replace("with suppress(ImportError):", "if True:"))
    patches.check_unused_checkers(formats)
    with pytest.raises(NbgraderChanged) as excinfo:
        patches.check_unused_checkers(changed)
    message = str(excinfo.value)
    assert "rfc3987_syntax" in message and version("jsonschema") in message


def test_a_changed_nbgrader_stops_a_run_before_its_workers_start(monkeypatch):
    """The parent checks, so the teacher reads the message instead of a broken process pool."""
    from medialit.grading.worker import worker_context

    worker_context()
    monkeypatch.setattr(api.Gradebook, "close", lambda self: None)
    with pytest.raises(NbgraderChanged) as excinfo:
        worker_context()
    _loud(excinfo, "Gradebook.close")
