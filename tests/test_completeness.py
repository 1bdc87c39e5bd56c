"""Completeness cells: one status line in a student's session, a short failure under nbgrader validation.

A completeness cell is ``ex.check_complete(KEY, part="Part A")``. Run by a student it shows a
line and never raises (so Run All runs every cell); run by nbgrader (Validate, ``medialit
validate``, autograde) an incomplete part raises :class:`medialit.teaching.exercise.Incomplete`, which
IPython renders as a few short lines, never a traceback.
"""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

from medialit.grading.plan import read_plan
from medialit.teaching.completeness import _reason
from medialit.teaching.exercise import ADVICE, WRAP, Exercise, Incomplete, _shorten_ids
from medialit.widgets.base import plain

PS = "ps1-sources"


@pytest.fixture
def ex(tmp_path, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("MEDIALIT_ANSWERS_DIR", raising=False)
    exercise = Exercise(PS, folder=tmp_path)
    exercise.labeler()
    exercise.source_mapper(["p1s1", "p3s1"])
    return exercise


def _answer_labels(ex: Exercise, answered: int) -> list[str]:
    """Label the first ``answered`` sentences (with the key); return the ids left without an answer."""
    key = ex.key("labels")
    ids = list(key)
    ex._widgets["labels"].value = {sid: (key[sid] if i < answered else None) for i, sid in enumerate(ids)}
    return ids[answered:]


def test_student_session_shows_one_line_and_never_raises(ex, capsys):
    left = _answer_labels(ex, 8)
    assert len(left) == 11
    ex.check_complete("labels", part="Part A")  # no exception outside nbgrader
    shown = capsys.readouterr().out.strip()  # outside IPython, display() prints the plain text
    assert shown == f"– Part A: 11 sentences still have no answer: {', '.join(left[:6])} and 5 more"
    assert "Traceback" not in shown and "AssertionError" not in shown
    markup = ex.completeness("labels", part="Part A")._repr_html_()
    assert 'class="medialit-todo"' in markup and "medialit-mark-missing" in markup


def test_student_session_complete_and_unanswered(ex):
    assert plain(ex.completeness("sources", part="Part B")._repr_html_()) == (
        "– Part B: nothing answered yet; run the cells from the top and answer with the widget"
    )
    _answer_labels(ex, 19)
    assert plain(ex.completeness("labels", part="Part A")._repr_html_()) == "✓ Part A: complete."
    assert plain(ex.completeness("labels")._repr_html_()) == "✓ labels: complete."


def test_under_nbgrader_an_incomplete_part_raises_a_short_message(ex, monkeypatch):
    left = _answer_labels(ex, 8)
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(Incomplete) as caught:
        ex.check_complete("labels", part="Part A")
    assert isinstance(caught.value, AssertionError)  # nbgrader and readers of AssertionError still see a failure
    assert str(caught.value) == f"Part A is not complete yet: 11 sentences still have no answer: {', '.join(left)}"
    lines = caught.value._render_traceback_()
    assert lines[-1] == ADVICE
    assert all(len(line) <= WRAP for line in lines), lines  # the Validate dialog does not wrap
    assert lines[0].startswith("Part A is not complete yet: 11 sentences still have no answer:")
    assert all(line.startswith("    ") for line in lines[1:-1])  # continuation lines are indented
    assert " ".join(line.strip() for line in lines[:-1]) == str(caught.value)  # every id, none cut
    _answer_labels(ex, 19)
    ex.check_complete("labels", part="Part A")  # complete: no exception under nbgrader either


def test_validate_reads_the_message_back():
    error = Incomplete("Part A", "3 sentences still have no answer: p4s2, p6s1, p8s3")
    raw = "\n".join(error._render_traceback_())
    assert _reason(raw) == "Part A: 3 sentences still have no answer: p4s2, p6s1, p8s3"
    long = Incomplete("Part B", "nothing answered yet; run the cells from the top and answer with the widget")
    assert _reason("\n".join(long._render_traceback_())) == (
        "Part B: nothing answered yet; run the cells from the top and answer with the widget"
    )
    plain_assert = "Traceback (most recent call last)\n----> 2 assert x\n\x1b[0;31mAssertionError\x1b[0m: labels: gap"
    assert _reason(plain_assert) == "labels: gap"  # a hand-written assert cell still reads well


def test_shorten_ids():
    ids = [f"p{n}s1" for n in range(1, 12)]
    assert _shorten_ids("11 sentences still have no answer: " + ", ".join(ids)) == (
        "11 sentences still have no answer: p1s1, p2s1, p3s1, p4s1, p5s1, p6s1 and 5 more"
    )
    assert _shorten_ids("2 rows still have no answer: p6s1#1, p7s2#1") == "2 rows still have no answer: p6s1#1, p7s2#1"
    assert _shorten_ids("Nothing marked yet: click the words.") == "Nothing marked yet: click the words."


def test_plan_reads_check_complete_cells():
    nb = nbformat.read(ROOT / "solutions" / PS / f"{PS}.ipynb", as_version=4)
    cells = [
        {"cell_type": c.cell_type, "source": c.source, **c.metadata["nbgrader"]}
        for c in nb.cells
        if "nbgrader" in c.metadata
    ]
    plan = read_plan(PS, cells)
    complete = {gid: g.key for gid, g in plan.grades.items() if g.kind == "complete"}
    assert complete == {"labels-complete": "labels", "sources-complete": "sources"}
    old_form = [dict(c) for c in cells]
    for c in old_form:
        if c["grade_id"] == "labels-complete":
            c["source"] = 'assert ex.is_complete("labels"), ex.missing("labels")'
    assert read_plan(PS, old_form).grades["labels-complete"].kind == "complete"  # still accepted


def _run(path, env_validate: bool, monkeypatch) -> nbformat.NotebookNode:
    if env_validate:
        monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    else:
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def test_in_a_kernel(tmp_path, monkeypatch):
    """The released ps1 in a real kernel: student run shows lines; a validation run fails the cells, briefly."""
    monkeypatch.delenv("MEDIALIT_ANSWERS_DIR", raising=False)
    work = tmp_path / PS
    shutil.copytree(ROOT / "exercises" / PS, work)
    path = work / f"{PS}.ipynb"

    def checks(nb):
        return [c for c in nb.cells if "check_complete" in c.source]

    student = checks(_run(path, False, monkeypatch))
    assert len(student) == 2
    for cell in student:
        assert [o.output_type for o in cell.outputs] == ["display_data"]  # no error, no execute_result
        assert "not complete" not in json.dumps(cell.outputs)
        assert "nothing answered yet" in cell.outputs[0].data["text/plain"]

    validated = checks(_run(path, True, monkeypatch))
    for cell, part in zip(validated, ("Part A", "Part B"), strict=True):
        [error] = cell.outputs
        assert error.output_type == "error" and error.ename == "Incomplete"
        assert error.traceback[0].startswith(f"{part} is not complete yet: nothing answered yet")
        assert error.traceback[-1] == ADVICE and len(error.traceback) <= 4
        assert not any("Traceback" in line or "----> " in line for line in error.traceback)
