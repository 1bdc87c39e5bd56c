"""Notebooks the kit generates are reviewable as text: a course's release is exactly exercises/.

`medialit build` writes exercises/ (checked against the masters in test_exercises.py); a course
releases the same masters through nbgrader. Both must give the same bytes, every time: stable cell
ids, no outputs, no widget state, so a one-word edit of a master is a one-line diff everywhere.
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

from medialit.grading.course import Course

ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return Course.init(tmp_path_factory.mktemp("generated") / "course")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_release_is_the_committed_exercise_byte_for_byte(course, assignment, tmp_path):
    first = course.release(assignment, to="folder", out=tmp_path / "first") / f"{assignment}.ipynb"
    again = course.release(assignment, to="folder", out=tmp_path / "again") / f"{assignment}.ipynb"
    committed = ROOT / "exercises" / assignment / f"{assignment}.ipynb"
    assert first.read_bytes() == again.read_bytes() == committed.read_bytes()
    nb = json.loads(first.read_text(encoding="utf-8"))
    assert "widgets" not in nb["metadata"]
    assert not [c for c in nb["cells"] if c.get("outputs") or c.get("execution_count")]
    ids = [c["id"] for c in nb["cells"]]
    assert len(set(ids)) == len(ids)
