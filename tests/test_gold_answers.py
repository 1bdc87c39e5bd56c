"""The masters' answers built from the key (no kernel) are the answers running the master saves.

The tests take the key-built answers (``gold_answers``); this module proves, once, that they are
what each master saves when it runs in a kernel, and that a master whose solution is code falls
back to running it.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from medialit.cli.demo import gold_answers, key_answers, master_answers
from medialit.grading.course import Course

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    return Course.init(tmp_path_factory.mktemp("gold") / "course")


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_key_built_answers_equal_the_masters_run_in_a_kernel(course: Course, assignment: str) -> None:
    built = key_answers(course, assignment)
    assert built is not None, f"{assignment}: a solution cell is neither the key nor a literal"
    ran = master_answers(course, assignment)
    for key, value in ran.items():  # the discernment test saves the order it drew (random without a student id)
        if isinstance(value, dict) and value.get("order"):
            assert re.fullmatch("[0-9a-f]{16}", value["order"]), value["order"]
            assert built[key]["order"] == ""
            ran[key] = {**value, "order": ""}
    assert built == ran


@pytest.mark.slow
def test_a_master_whose_solution_is_code_is_run(course: Course) -> None:
    """A solution that computes its answer is not guessed: gold_answers runs the master instead."""
    ps = "ps1-sources"
    expected = key_answers(course, ps)
    path = course.source_dir(ps) / f"{ps}.ipynb"
    original = path.read_text(encoding="utf-8")
    nb = nbformat.reads(original, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "labels-answer")
    assert 'ex.key("labels")' in cell.source
    cell.source = cell.source.replace('ex.key("labels")', 'ex.key("label" + "s")')
    try:
        path.write_text(nbformat.writes(nb), encoding="utf-8")
        assert key_answers(course, ps) is None
        assert gold_answers(course, ps) == expected
    finally:
        path.write_text(original, encoding="utf-8")
