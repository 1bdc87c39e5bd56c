"""`medialit build`: regenerate exercises/ from the masters in solutions/ with nbgrader; tidy the lessons.

Every notebook a student opens ships as the exercises do: no outputs, no widget state, and the
code of lessons and exercises folded away (``metadata.jupyter.source_hidden``), so the student
sees prose, article and widgets and can still unfold a cell.
"""

from __future__ import annotations

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


def load_config(root: Path):
    """The course's nbgrader configuration (``nbgrader_config.py`` in ``root``)."""
    from traitlets.config.loader import PyFileConfigLoader

    path = root / CONFIG_FILE
    if not path.is_file():
        raise BuildError(f"{path} not found: run this from the medialit folder (the one with solutions/).")
    return PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()


PYTHON_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def is_lesson(path: Path) -> bool:
    """A numbered lesson (``notebooks/00-start-here.ipynb``), not the instructor's notebook."""
    return path.suffix == ".ipynb" and path.name[:2].isdigit() and path.name[2:3] == "-"


def hide_code(nb: Any) -> None:
    """Fold away the source of every code cell (JupyterLab shows its first line and ``…``)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True


def tidy_notebook(nb: Any, hide: bool = False) -> None:
    """Outputs and widget state cleared, as nbgrader clears them in exercises; ``hide``: code folded too.

    The kernel spec is the one JupyterLab writes (ipykernel's), so opening the notebook changes nothing.
    """
    from nbconvert.preprocessors import ClearOutputPreprocessor  # what nbgrader's ClearOutput is built on

    ClearOutputPreprocessor().preprocess(nb, {})
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    if nb.metadata.get("kernelspec", {}).get("name") == PYTHON_KERNELSPEC["name"]:
        nb.metadata["kernelspec"] = dict(PYTHON_KERNELSPEC)
    if hide:
        hide_code(nb)


def tidy_lessons(root: str | Path = ".") -> list[Path]:
    """Tidy every notebook in notebooks/ (lessons also get their code folded); return those rewritten."""
    import nbformat

    changed = []
    for path in sorted((Path(root) / "notebooks").glob("*.ipynb")):
        before = path.read_text(encoding="utf-8")
        nb = nbformat.reads(before, as_version=4)
        tidy_notebook(nb, hide=is_lesson(path))
        if _rewrite(path, before, nb):
            changed.append(path)
    return changed


def hide_master_code(root: str | Path = ".") -> list[Path]:
    """Fold away the code of every master in solutions/ (the exercises inherit it); return those rewritten."""
    import nbformat

    changed = []
    for path in sorted((Path(root) / "solutions").glob("*/*.ipynb")):
        before = path.read_text(encoding="utf-8")
        nb = nbformat.reads(before, as_version=4)
        hide_code(nb)
        if _rewrite(path, before, nb):
            changed.append(path)
    return changed


def _rewrite(path: Path, before: str, nb: Any) -> bool:
    """Write ``nb`` to ``path`` as Jupyter saves it, if that changes the file."""
    import nbformat

    after = nbformat.writes(nb)
    after += "" if after.endswith("\n") else "\n"
    if after == before:
        return False
    path.write_text(after, encoding="utf-8")
    return True


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
