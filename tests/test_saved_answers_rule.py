"""One rule for saved answers (issue 27, point 2): the feedback page shows what the grader scored.

The grader uses the answers file or the notebook's receipt, the newer one. A notebook-only
submission, and one whose receipt is newer than its answers file, must show on the feedback
page the answers the grader scored: the hand-graded rewrite as the receipt holds it, never
"No answer was saved" nor the older text of the file.
"""

from __future__ import annotations

import html
import json
import re

import nbformat
import pytest

from medialit.cli.demo import answers_file, gold_answers
from medialit.grading.answers import RECEIPT_MIME, document, submitted_answers
from medialit.grading.autograde import autograde
from medialit.grading.course import Course
from medialit.grading.status import load_results
from medialit.reports.feedback import saved_answers, write_feedback

PS = "ps3-framing"
RECEIPT_TEXT = "Officials said the plan would cut costs, according to the council's own report."
FILE_TEXT = "An older draft, saved in the answers file before the notebook was saved."


def _receipt_notebook(notebook: str, doc: dict) -> str:
    """The released notebook as saved after the receipt cell ran: the receipt output carries ``doc``."""
    nb = nbformat.reads(notebook, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "receipt")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "receipt", RECEIPT_MIME: doc})]
    return nbformat.writes(nb)


def _text(page: str) -> str:
    markup = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = Course.init(tmp_path_factory.mktemp("one-rule") / "course")
    release = course.generate(PS)
    notebook = (release / f"{PS}.ipynb").read_text(encoding="utf-8")
    gold = gold_answers(course, PS)
    assert "rewrite" in gold, sorted(gold)
    newer = {**gold, "rewrite": RECEIPT_TEXT}
    older = {**gold, "rewrite": FILE_TEXT}
    receipt = {**document(PS, newer), "saved": "2026-01-21T09:00:00+00:00"}
    file_text = answers_file(PS, older)  # saved 2026-01-20: older than the receipt
    assert json.loads(file_text)["saved"] < receipt["saved"]
    course.add_submission(PS, "only-notebook", {f"{PS}.ipynb": _receipt_notebook(notebook, receipt)})
    course.add_submission(
        PS, "receipt-newer", {f"{PS}.ipynb": _receipt_notebook(notebook, receipt), f"{PS}.answers.json": file_text}
    )
    statuses = autograde(course, PS, jobs=2, progress=False)
    write_feedback(course, PS)
    pages = {s: (course.feedback_dir(PS, s) / f"{PS}.html").read_text(encoding="utf-8") for s in statuses}
    return course, statuses, pages, newer


@pytest.mark.parametrize("student", ["only-notebook", "receipt-newer"])
def test_the_feedback_page_shows_the_answers_the_grader_scored(graded, student):
    course, statuses, pages, newer = graded
    assert statuses[student].status == "graded", statuses[student]
    assert load_results(course.root, PS, student).source.startswith("the notebook's submission receipt")
    answers, problem = saved_answers(course, PS, student)
    assert (answers, problem) == (newer, "")
    text = _text(pages[student])
    assert RECEIPT_TEXT in text, text
    assert FILE_TEXT not in text and "No answer was saved" not in text


def test_validate_reads_by_the_same_rule(tmp_path):
    """The receipt check Validate runs and the grader agree on which copy is newer."""
    from medialit.teaching.completeness import receipt_problems

    nb = {"cells": [{"cell_type": "code", "source": "ex.receipt()", "outputs": []}]}
    nb["cells"][0]["outputs"] = [{"data": {RECEIPT_MIME: {**document(PS, {"a": 1}), "saved": "2026-01-21T09:00:00"}}}]
    path = tmp_path / f"{PS}.ipynb"
    (tmp_path / f"{PS}.answers.json").write_text(answers_file(PS, {"a": 2}), encoding="utf-8")  # 2026-01-20
    saved = submitted_answers(tmp_path / f"{PS}.answers.json", nb)
    assert saved.answers == {"a": 1} and not saved.receipt_behind
    assert receipt_problems(nb, path) == []
    (tmp_path / f"{PS}.answers.json").write_text(
        json.dumps({**document(PS, {"a": 3}), "saved": "2026-01-22T09:00:00+00:00"}), encoding="utf-8"
    )
    saved = submitted_answers(tmp_path / f"{PS}.answers.json", nb)
    assert saved.answers == {"a": 3} and saved.receipt_behind
    assert "your latest answers are not in the saved notebook yet" in receipt_problems(nb, path)[0]
