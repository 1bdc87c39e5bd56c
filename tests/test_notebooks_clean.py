"""What a student opens is committed clean: no outputs, no widget state, code folded away.

Lessons (notebooks/) and exercises ship without outputs, so a lesson opened before Run All shows
no stale widget text ("VBox(children=...") and no Ready box; their code is folded
(metadata.jupyter.source_hidden), so the student sees prose, article and widgets. Their expected
outputs live in tests/lesson_outputs/ (test_lessons.py). `medialit build` puts everything right.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from medialit.grading.nbgrader_env import PYTHON_KERNELSPEC, is_lesson, tidy_lessons, tidy_notebook

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LESSONS = [p for p in NOTEBOOKS if is_lesson(p)]
MASTERS = sorted((ROOT / "solutions").glob("*/*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*/*.ipynb"))
FIX = "run `medialit build` (it clears outputs and folds code) and commit"


def ids(paths: list[Path]) -> list[str]:
    return [p.relative_to(ROOT).as_posix() for p in paths]


def code_cells(path: Path) -> list:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_there_are_lessons_masters_and_exercises():
    assert len(LESSONS) >= 7 and len(MASTERS) >= 4 and len(EXERCISES) == len(MASTERS)
    assert ROOT / "notebooks" / "instructor-workflow.ipynb" in NOTEBOOKS
    assert ROOT / "notebooks" / "instructor-workflow.ipynb" not in LESSONS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_notebook_has_no_outputs_or_widget_state(path: Path):
    """Fails as soon as outputs or widget state come back into notebooks/ (e.g. a lesson saved after running)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in raw["metadata"], f"{path.name} holds widget state: {FIX}"
    for n, cell in enumerate(raw["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert cell["outputs"] == [], f"{path.name}, cell {n}, has outputs: {FIX}"
        assert cell["execution_count"] is None, f"{path.name}, cell {n}, has an execution count: {FIX}"
        assert "execution" not in cell["metadata"], f"{path.name}, cell {n}, has execution times: {FIX}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_notebook_is_as_medialit_build_leaves_it(path: Path):
    """Byte for byte what `medialit build` writes, which is also what JupyterLab writes on save."""
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    tidy_notebook(nb, hide=is_lesson(path))
    assert nbformat.writes(nb) + "\n" == before, f"{path.name} is not tidy: {FIX}"


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_lesson_opens_unchanged_in_jupyterlab(path: Path):
    """JupyterLab rewrites a kernelspec that differs from ipykernel's, which marks the notebook changed."""
    metadata = nbformat.read(path, as_version=4).metadata
    assert metadata["kernelspec"] == PYTHON_KERNELSPEC
    assert metadata["language_info"]["name"] == "python"


@pytest.mark.parametrize("path", LESSONS + MASTERS + EXERCISES, ids=ids(LESSONS + MASTERS + EXERCISES))
def test_code_is_folded_away(path: Path):
    """Every code cell of a lesson, master and exercise has its source hidden (JupyterLab shows a bar and …)."""
    visible = [n for n, c in enumerate(code_cells(path)) if not c.metadata.get("jupyter", {}).get("source_hidden")]
    assert not visible, f"{path.relative_to(ROOT)}: code cells {visible} (counting code cells only) show code: {FIX}"


def test_instructor_notebook_shows_its_commands():
    cells = code_cells(ROOT / "notebooks" / "instructor-workflow.ipynb")
    assert cells and not any(c.metadata.get("jupyter", {}).get("source_hidden") for c in cells)


def test_tidy_lessons_clears_a_run_lesson(tmp_path: Path):
    """A lesson saved after Run All (outputs, widget state, an old kernelspec) is put right by the build."""
    lesson = LESSONS[0]
    (tmp_path / "notebooks").mkdir()
    run = nbformat.read(lesson, as_version=4)
    for cell in run.cells:
        if cell.cell_type == "code":
            cell.execution_count = 1
            cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "VBox(children=(...))"})]
            cell.metadata = {"execution": {"iopub.status.busy": "2026-01-14T00:00:00Z"}}
    run.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    run.metadata["kernelspec"]["display_name"] = "Python 3"
    nbformat.write(run, tmp_path / "notebooks" / lesson.name)
    instructor = "instructor-workflow.ipynb"
    shutil.copyfile(ROOT / "notebooks" / instructor, tmp_path / "notebooks" / instructor)

    assert tidy_lessons(tmp_path) == [tmp_path / "notebooks" / lesson.name]
    assert (tmp_path / "notebooks" / lesson.name).read_text(encoding="utf-8") == lesson.read_text(encoding="utf-8")
    assert tidy_lessons(tmp_path) == []
