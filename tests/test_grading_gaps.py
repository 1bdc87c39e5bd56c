"""The grader's completeness lines come from the scoring widget, and say what a fresh check says.

Scoring records what each awarded part still lacks, so a completeness cell needs no
second widget; this checks it is the same text the stand-alone check gives, for
complete, half-finished and unanswered parts of every exercise.
"""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from conftest import ROOT

from medialit.cli.demo import gold_answers
from medialit.grading.course import Course
from medialit.grading.plan import read_plan
from medialit.grading.score import key_article, missing, score_part, widget_specs

ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


def _plan(assignment: str):
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id"):
            cells.append(
                {
                    "grade_id": meta["grade_id"],
                    "source": cell.source,
                    "cell_type": cell.cell_type,
                    "grade": meta.get("grade", False),
                    "solution": meta.get("solution", False),
                    "locked": meta.get("locked", False),
                    "points": meta.get("points", 0),
                }
            )
    return read_plan(assignment, cells)


def _half(value: Any) -> Any:
    """The answer with every other row left unanswered (where rows exist)."""
    if isinstance(value, dict) and isinstance(value.get("items"), dict):  # the discernment test: form and items
        return {**value, "items": _half(value["items"])}
    if isinstance(value, dict):
        return {k: (([] if isinstance(v, list) else None) if i % 2 else v) for i, (k, v) in enumerate(value.items())}
    return value


@pytest.fixture(scope="module")
def golds(tmp_path_factory) -> dict[str, dict[str, Any]]:
    course = Course.init(tmp_path_factory.mktemp("course"))
    return {a: gold_answers(course, a) for a in ASSIGNMENTS}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_scored_gaps_match_the_stand_alone_check(assignment, golds):
    plan = _plan(assignment)
    article = key_article(plan, ROOT / "seeds", ROOT / "solutions" / assignment)
    specs = widget_specs(plan.widgets, article)
    gold = golds[assignment]
    compared = 0
    for cell in plan.awards:
        for answers in (gold, {**gold, cell.key: _half(gold[cell.key])}):
            part = score_part(specs[cell.key], cell.key, cell.points, answers)
            assert part.code is None, part.message
            gap = part.details["missing"]
            assert (f"{cell.key}: {gap}" if gap else "") == missing(specs[cell.key], cell.key, answers)
            compared += 1
        blank = {k: v for k, v in gold.items() if k != cell.key}
        assert "missing" not in score_part(specs[cell.key], cell.key, cell.points, blank).details
    assert compared >= 2
    assert any(_half(v) != v for v in gold.values()), "no half-finished answer was tried"


def test_a_half_finished_part_names_what_is_missing(golds):
    assignment = ASSIGNMENTS[0]
    plan = _plan(assignment)
    specs = widget_specs(plan.widgets, key_article(plan, ROOT / "seeds", ROOT / "solutions" / assignment))
    key = next(c.key for c in plan.awards if isinstance(golds[assignment][c.key], dict))
    part = score_part(specs[key], key, 1, {key: _half(golds[assignment][key])})
    assert part.details["missing"], "a half-answered table must say what is missing"
