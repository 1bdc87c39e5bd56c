"""`medialit build`: regenerate exercises/ from the masters in solutions/ with nbgrader."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

CONFIG_FILE = "nbgrader_config.py"


class BuildError(RuntimeError):
    """nbgrader could not generate an assignment; the message says which and why."""


def scripts_on_path() -> None:
    """nbgrader runs ``alembic`` as a command: make sure this environment's scripts are found."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def cache_alembic_head() -> None:
    """Remember nbgrader's gradebook schema version instead of asking the `alembic` command again.

    nbgrader runs `alembic heads` (about 0.4 s) every time it opens a gradebook, several times
    per graded submission; the answer cannot change while nbgrader stays installed.
    """
    import nbgrader.api as api

    if not hasattr(api.get_alembic_version, "cache_info"):
        api.get_alembic_version = functools.cache(api.get_alembic_version)


def cache_metadata_validator() -> None:
    """Validate nbgrader cell metadata with one compiled validator per schema.

    nbgrader calls ``jsonschema.validate`` for every cell, which checks the schema itself and
    builds a new validator each time (about 1.5 ms a cell, twice per graded notebook). The
    schema and the verdicts are the same; only the repeated set-up is skipped.
    """
    import types

    import jsonschema
    import nbgrader.nbgraderformat.common as common

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


def load_config(root: Path):
    """The course's nbgrader configuration (``nbgrader_config.py`` in ``root``)."""
    from traitlets.config.loader import PyFileConfigLoader

    path = root / CONFIG_FILE
    if not path.is_file():
        raise BuildError(f"{path} not found: run this from the medialit folder (the one with solutions/).")
    return PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()


def assignments(root: Path) -> list[str]:
    """The assignments in solutions/: folders that hold a notebook."""
    source = root / "solutions"
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))) if source.is_dir() else []


def build(root: str | Path = ".", out: str | Path | None = None, only: list[str] | None = None) -> list[Path]:
    """Generate the student versions of the masters into ``out`` (default: exercises/).

    Uses a throw-away gradebook, so no gradebook.db is left in the repository.
    Returns the generated assignment folders.
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    scripts_on_path()
    root = Path(root).resolve()
    config = load_config(root)
    names = only or assignments(root)
    unknown = sorted(set(names) - set(assignments(root)))
    if unknown:
        raise BuildError(
            f"No master for {', '.join(unknown)} in {root / 'solutions'}; known: {', '.join(assignments(root))}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        config.CourseDirectory.root = str(root)
        config.CourseDirectory.db_url = f"sqlite:///{Path(tmp) / 'gradebook.db'}"
        if out is not None:
            config.CourseDirectory.release_directory = str(Path(out).resolve())
        coursedir = CourseDirectory(config=config)
        api = NbGraderAPI(coursedir=coursedir, config=config)
        done = []
        for name in names:
            stray = sorted((root / "solutions" / name).glob("*.answers*.json"))
            if stray:
                raise BuildError(
                    f"{stray[0]} holds saved answers (someone ran the master in place); they would be "
                    "released to students. Delete the file and build again."
                )
            result = api.generate_assignment(name, force=True)
            if not result["success"]:
                raise BuildError(f"nbgrader could not generate {name}:\n{result.get('error') or result.get('log')}")
            done.append(Path(coursedir.format_path(coursedir.release_directory, ".", name)))
    return done
