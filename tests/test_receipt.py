"""One file per submission: the notebook's receipt carries the saved answers.

The grader uses the answers file or the receipt, the newer one; neither is flagged,
never a plain 0. ``medialit validate`` tells a student whose saved notebook does not
carry the latest answers what to do.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from medialit.cli.demo import answers_file, gold_answers
from medialit.grading.answers import RECEIPT_MIME, AnswerStore, document
from medialit.grading.autograde import autograde
from medialit.grading.course import Course
from medialit.grading.results import Code
from medialit.grading.score import read_saved
from medialit.teaching.completeness import receipt_problems

PS = "ps1-sources"


def _doc(answers: dict, saved: str) -> dict:
    return {**document(PS, answers), "saved": saved}


def _with_receipt(notebook: str, doc: dict | None) -> str:
    """The released notebook with a receipt cell (and its output, when ``doc`` is given)."""
    nb = nbformat.reads(notebook, as_version=4)
    cell = nbformat.v4.new_code_cell("ex.receipt()")
    if doc is not None:
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "receipt", RECEIPT_MIME: doc})]
    nb.cells.append(cell)
    return nbformat.writes(nb)


def test_the_newer_copy_counts(tmp_path):
    old, new = (
        _doc({"labels": {"h1": "framing"}}, "2026-01-20T10:00:00+00:00"),
        _doc({"labels": {"h1": "unsourced"}}, "2026-01-20T11:00:00+00:00"),
    )
    answers, notebook = tmp_path / f"{PS}.answers.json", tmp_path / f"{PS}.ipynb"
    nb = {"cells": [{"cell_type": "code", "source": "ex.receipt()", "outputs": [{"data": {RECEIPT_MIME: new}}]}]}
    notebook.write_text(json.dumps(nb))
    answers.write_text(json.dumps(old))
    got, problem, source = read_saved(answers, notebook)
    assert (
        problem is None
        and got["labels"]["h1"] == "unsourced"
        and source.startswith("the notebook's submission receipt")
    )
    answers.write_text(
        json.dumps({**new, "saved": "2026-01-20T12:00:00+00:00", "answers": {"labels": {"h1": "vague"}}})
    )
    got, _, source = read_saved(answers, notebook)
    assert got["labels"]["h1"] == "vague" and source == answers.name
    answers.unlink()
    got, _, source = read_saved(answers, notebook)
    assert got["labels"]["h1"] == "unsourced" and f"{answers.name} was not submitted" in source


@pytest.mark.parametrize(
    "receipt, code, words",
    [
        (None, Code.NOT_SUBMITTED, "neither ps1-sources.answers.json nor the notebook's submission receipt"),
        ({"medialit_answers": 1, "answers": "no"}, Code.UNREADABLE, "is not a medialit answers file"),
        ({"medialit_answers": 1, "answers": {"a": 1e400}}, Code.UNREADABLE, "not a JSON number"),
    ],
)
def test_without_usable_answers_nothing_is_scored_and_it_says_why(tmp_path, receipt, code, words):
    notebook = tmp_path / f"{PS}.ipynb"
    outputs = [] if receipt is None else [{"data": {RECEIPT_MIME: receipt}}]
    notebook.write_text(
        json.dumps({"cells": [{"cell_type": "code", "source": "", "outputs": outputs}]}).replace("Infinity", "1e400")
    )
    got, problem, _ = read_saved(tmp_path / f"{PS}.answers.json", notebook)
    assert got is None and problem is not None and problem.code == code and words in problem.message


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = Course.init(tmp_path_factory.mktemp("receipt") / "course")
    release = course.generate(PS)
    notebook = (release / f"{PS}.ipynb").read_text(encoding="utf-8")
    gold = gold_answers(course, PS)
    wrong = json.loads(json.dumps(gold))
    wrong["labels"] = dict.fromkeys(wrong["labels"], "speculation")
    late = _doc(gold, "2026-01-21T09:00:00+00:00")
    early = answers_file(PS, wrong)  # saved 2026-01-20: older than the receipt
    course.add_submission(PS, "only-notebook", {f"{PS}.ipynb": _with_receipt(notebook, late)})
    course.add_submission(PS, "neither", {f"{PS}.ipynb": _with_receipt(notebook, None)})
    cut = nbformat.reads(notebook, as_version=4)  # the receipt in its own cell, a completeness check deleted
    receipt = next(c for c in cut.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "receipt")
    receipt.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "receipt", RECEIPT_MIME: late})]
    cut.cells = [c for c in cut.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "labels-complete"]
    course.add_submission(PS, "deleted-check", {f"{PS}.ipynb": nbformat.writes(cut)})
    course.add_submission(PS, "both", {f"{PS}.ipynb": _with_receipt(notebook, late), f"{PS}.answers.json": early})
    course.add_submission(PS, "file-only", {f"{PS}.ipynb": notebook, f"{PS}.answers.json": answers_file(PS, gold)})
    return course, autograde(course, PS, jobs=2, progress=False)


def test_the_notebook_alone_is_a_complete_submission(graded):
    _, statuses = graded
    assert (statuses["only-notebook"].status, statuses["only-notebook"].score) == ("graded", 16)
    assert (statuses["file-only"].status, statuses["file-only"].score) == ("graded", 16)
    assert (statuses["both"].status, statuses["both"].score) == ("graded", 16), "the newer receipt counts"


def test_a_deleted_check_cell_keeps_the_receipt(graded):
    """The repaired notebook (the check cell restored) still carries the receipt: graded from it, and flagged."""
    st = graded[1]["deleted-check"]
    assert st.score == 16, st
    assert "labels-complete" in st.reason and "neither" not in st.reason


def test_no_saved_answers_at_all_is_flagged_never_a_plain_zero(graded):
    _, statuses = graded
    st = statuses["neither"]
    assert st.status == "flagged", st
    assert "neither ps1-sources.answers.json nor the notebook's submission receipt was submitted" in st.reason


def test_validate_tells_the_student_to_save_the_receipt(tmp_path):
    nb = json.loads(_with_receipt(nbformat.writes(nbformat.v4.new_notebook()), None))
    path = tmp_path / f"{PS}.ipynb"
    assert receipt_problems(nb, path) == [
        "the notebook does not carry your answers yet: run the last cell (Submission receipt), "
        "then save the notebook (Ctrl+S)"
    ]
    doc = _doc({"labels": {}}, "2026-01-20T10:00:00+00:00")
    nb = json.loads(_with_receipt(nbformat.writes(nbformat.v4.new_notebook()), doc))
    assert receipt_problems(nb, path) == []
    (tmp_path / f"{PS}.answers.json").write_text(json.dumps({**doc, "saved": "2026-01-20T10:05:00+00:00"}))
    assert "your latest answers are not in the saved notebook yet" in receipt_problems(nb, path)[0]
    assert receipt_problems({"cells": []}, path) == [], "a notebook without a receipt cell is not asked for one"


def test_the_receipt_follows_every_saved_change(tmp_path):
    store = AnswerStore(PS, folder=tmp_path)
    seen: list[dict] = []
    store.listeners["receipt"] = seen.append
    store.set("labels", {"h1": "framing"})
    store.set("labels", {"h1": "vague"})
    assert [d["answers"]["labels"]["h1"] for d in seen] == ["framing", "vague"]
    assert seen[-1] == json.loads(Path(store.path).read_text(encoding="utf-8"))


def test_the_graded_copy_says_where_the_answers_came_from(graded):
    course, _ = graded

    def receipt_line(student: str) -> str:
        nb = nbformat.read(course.root / "autograded" / student / PS / f"{PS}.ipynb", as_version=4)
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "receipt")
        return "".join(out.get("text", "") for out in cell.outputs)

    assert "from the notebook's submission receipt (ps1-sources.answers.json was not submitted)" in receipt_line(
        "only-notebook"
    )
    assert "from ps1-sources.answers.json" in receipt_line("file-only")
    assert "no saved answers were found" in receipt_line("neither")
