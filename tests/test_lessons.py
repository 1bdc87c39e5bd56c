"""Every lesson executes headless without error, and its outputs match the reference outputs.

The lessons are committed without outputs (see test_notebooks_clean.py). Their expected outputs
live in tests/lesson_outputs/: for each lesson, a notebook of its code cells with the outputs
they gave. The regression test runs that notebook (in notebooks/, like the lesson) and compares.

To refresh the reference outputs after an intended change (new code cells are picked up too):
    .venv/bin/python -m pytest tests/test_lessons.py --nb-force-regen
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient
from pytest_notebook.nb_regression import NBRegressionError

from medialit.grading.nbgrader_env import tidy_notebook

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
REFERENCE = ROOT / "tests" / "lesson_outputs"
IGNORE = (
    "/metadata/widgets",
    "/metadata/language_info/version",
    "/cells/*/outputs/*/data/application/vnd.jupyter.widget-view+json",
    "/cells/*/outputs/*/data/image/png",
    "/cells/*/execution_count",
    "/cells/*/outputs/*/execution_count",
    "/cells/*/metadata/execution",
)


def code_of(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def reference_for(lesson: Path) -> Path:
    return REFERENCE / lesson.name


def write_reference_code(lesson: Path) -> None:
    """Start a lesson's reference over: its code cells, no outputs yet (--nb-force-regen fills them)."""
    nb = nbformat.read(lesson, as_version=4)
    nb.cells = [c for c in nb.cells if c.cell_type == "code"]
    tidy_notebook(nb)
    REFERENCE.mkdir(exist_ok=True)
    nbformat.write(nb, reference_for(lesson))


def drop_widget_state(path: Path) -> None:
    """A regenerated reference keeps the outputs, not the widget state (large, and ignored anyway)."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


@pytest.fixture
def answers_dir(tmp_path, monkeypatch) -> Path:
    """Keep the lessons' saved answers out of the repository while they run."""
    monkeypatch.setenv("MEDIALIT_ANSWERS_DIR", str(tmp_path))
    return tmp_path


def test_there_are_seven_lessons():
    numbers = [p.name[:2] for p in LESSONS]
    assert numbers[:7] == ["00", "01", "02", "03", "04", "05", "06"], numbers


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_executes_headless(path: Path, answers_dir: Path):
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    elapsed = time.perf_counter() - start
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    print(f"{path.name}: executed headless in {elapsed:.1f} s")


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_outputs_regression(nb_regression, path: Path, answers_dir: Path):
    reference = reference_for(path)
    regen = bool(nb_regression.force_regen)
    if regen and (
        not reference.exists()
        or code_of(nbformat.read(reference, as_version=4)) != code_of(nbformat.read(path, as_version=4))
    ):
        write_reference_code(path)
    assert reference.exists(), f"no reference outputs for {path.name}: run pytest {__file__} --nb-force-regen"
    assert code_of(nbformat.read(reference, as_version=4)) == code_of(nbformat.read(path, as_version=4)), (
        f"the code cells of {path.name} changed: refresh {reference.relative_to(ROOT)} with --nb-force-regen"
    )
    nb_regression.diff_ignore = IGNORE
    nb_regression.exec_timeout = 120
    nb_regression.exec_cwd = str(path.parent)  # where the lesson itself runs
    try:
        nb_regression.check(str(reference))
    finally:
        if regen:
            drop_widget_state(reference)


def test_every_reference_output_is_kept():
    """Each reference has an output for every code cell, and no reference is left over from a removed lesson."""
    assert sorted(p.name for p in REFERENCE.glob("*.ipynb")) == [p.name for p in LESSONS]
    for lesson in LESSONS:
        nb = nbformat.read(reference_for(lesson), as_version=4)
        empty = [i for i, c in enumerate(nb.cells) if not c.outputs]
        assert not empty, f"{reference_for(lesson).name}: code cells {empty} have no reference output"
        assert "widgets" not in nb.metadata


def test_regression_catches_a_changed_output(nb_regression, answers_dir: Path, tmp_path: Path):
    """The check is real: a reference whose text differs from what the lesson shows fails."""
    lesson = ROOT / "notebooks" / "00-start-here.ipynb"
    nb = nbformat.read(reference_for(lesson), as_version=4)
    shown = nb.cells[0].outputs[0]
    shown.data["text/plain"] = shown.data["text/plain"].replace("00-start-here", "00-somewhere-else")
    spoiled = tmp_path / lesson.name
    nbformat.write(nb, spoiled)
    nb_regression.diff_ignore = IGNORE
    nb_regression.exec_timeout = 120
    nb_regression.exec_cwd = str(lesson.parent)
    nb_regression.force_regen = False
    with pytest.raises(NBRegressionError, match="00-somewhere-else"):
        nb_regression.check(str(spoiled))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_structure(path: Path):
    """Objectives and a time estimate first; key points and the next step last; no student code."""
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0].source.lower()
    assert "objectives" in first or "you will" in first, "the first cell should state learning objectives"
    assert "minutes" in first, "the first cell should give a time estimate"
    last = "\n".join(c.source for c in nb.cells[-2:]).lower()
    assert "key points" in last, "the lesson should close with key points"
    if path != LESSONS[-1]:
        assert ".ipynb" in last, "the lesson should link to the next one"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "def " not in cell.source, "helpers belong in src/medialit, not in notebooks"
