"""Every lesson executes headless without error, and its outputs match the stored ones.

To refresh the stored outputs after an intended change:
    .venv/bin/python -m pytest tests/test_lessons.py --nb-force-regen
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
IGNORE = (
    "/metadata/widgets",
    "/metadata/language_info/version",
    "/cells/*/outputs/*/data/application/vnd.jupyter.widget-view+json",
    "/cells/*/outputs/*/data/image/png",
    "/cells/*/execution_count",
    "/cells/*/outputs/*/execution_count",
    "/cells/*/metadata/execution",
)


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
    nb_regression.diff_ignore = IGNORE
    nb_regression.exec_timeout = 120
    nb_regression.check(str(path))


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
