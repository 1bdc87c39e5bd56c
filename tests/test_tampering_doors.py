"""Tampered grading settings are flagged and repaired from the release (issue 23, door "tampering").

A class of ps1-sources is built and graded with the CLI (``course init``, ``release``,
``autograde``). Each tamperer changed the nbgrader settings of their notebook: added a graded
cell worth 100 points, flipped a ``solution``/``grade``/``locked`` flag, or wrote
``schema_version: 99``. Before this change nbgrader failed on each (``KeyError``, "inconsistent
checksums", "could not match the notebook"), or took a flip silently. Now each is FLAGGED with
the cell and what was changed, graded from the release's structure, and scored from the saved
answers: exactly what an honest student with the same answers gets. The rest of the class is
graded and the assignment's total stays 16.
"""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from medialit.cli.demo import answers_file, gold_answers
from medialit.cli.main import main
from medialit.grading.course import Course
from medialit.grading.sandbox import sandbox_problem
from medialit.grading.status import load_status
from medialit.grading.worker import fingerprint
from medialit.reports.classdata import assignment_max_score

PS = "ps1-sources"
FULL = 16.0
PARTIAL = 6.0  # the sources part only (the labels are not answered)


def _find(nb: nbformat.NotebookNode, gid: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def _flip(key: str, gid: str):
    def change(nb):
        meta = _find(nb, gid).metadata["nbgrader"]
        meta[key] = not meta[key]

    return change


def _added_grade_cell(nb):
    meta = {"grade": True, "grade_id": "bonus", "locked": True, "points": 100, "schema_version": 3}
    meta |= {"solution": False, "cell_type": "code"}
    nb.cells.append(nbformat.v4.new_code_cell("assert True", metadata={"nbgrader": meta}))


def _schema_99(nb):
    for cell in nb.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata["nbgrader"]["schema_version"] = 99


def _schema_99_one(nb):
    _find(nb, "labels-score").metadata["nbgrader"]["schema_version"] = 99


def _half_settings(nb):
    """A cell of the student's own with grading settings but no grade id."""
    nb.cells.append(nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"solution": True, "schema_version": 99}}))


# student -> (the tampering, phrases its reason must contain)
CASES = {
    "added-grade-cell": (_added_grade_cell, ["bonus: a graded cell worth 100 points that is not in the release"]),
    "solution-on-test": (_flip("solution", "labels-score"), ["labels-score", "made an answer cell"]),
    "grade-off-test": (_flip("grade", "labels-score"), ["labels-score", "no longer graded"]),
    "locked-off-test": (_flip("locked", "labels-score"), ["labels-score", "unlocked"]),
    "solution-off-answer": (_flip("solution", "labels-answer"), ["labels-answer", "no longer an answer cell"]),
    "grade-on-answer": (_flip("grade", "labels-answer"), ["labels-answer", "made a graded cell"]),
    "locked-on-answer": (_flip("locked", "sources-answer"), ["sources-answer", "locked"]),
    "solution-on-readonly": (_flip("solution", "setup"), ["setup", "made an answer cell"]),
    "grade-on-readonly": (_flip("grade", "setup"), ["setup", "made a graded cell"]),
    "schema-99-all": (_schema_99, ["intro, setup,", "nbgrader format version 99 instead of 3"]),
    "schema-99-one": (_schema_99_one, ["labels-score", "nbgrader format version 99 instead of 3"]),
    "added-half-settings": (_half_settings, ["partial grading settings (no grade id)"]),
}
CONTROLS = {"honest-partial": PARTIAL, "honest-full": FULL}


@pytest.fixture(scope="module", params=["saved-answers", "execute"])
def graded(request, tmp_path_factory):
    execute = request.param == "execute"
    if execute and sandbox_problem() and os.environ.get("CI") != "true":
        pytest.skip(sandbox_problem())
    root = tmp_path_factory.mktemp("tampering") / "course"
    assert main(["course", "init", str(root)]) == 0
    assert main(["release", PS, "--to", "folder", "--course", str(root)]) == 0
    course = Course(root)
    release = course.released_notebook(PS).read_text(encoding="utf-8")
    gold = gold_answers(course, PS)
    full = answers_file(PS, gold)
    partial = answers_file(PS, {k: v for k, v in gold.items() if k != "labels"})
    total = assignment_max_score(course, PS)
    for student, (change, _) in CASES.items():
        nb = nbformat.reads(release, as_version=4)
        change(nb)
        course.add_submission(PS, student, {f"{PS}.ipynb": nbformat.writes(nb), f"{PS}.answers.json": partial})
    course.add_submission(PS, "honest-partial", {f"{PS}.ipynb": release, f"{PS}.answers.json": partial})
    course.add_submission(PS, "honest-full", {f"{PS}.ipynb": release, f"{PS}.answers.json": full})
    submitted = {s: fingerprint(course.submission_dir(PS, s)) for s in [*CASES, *CONTROLS]}
    args = ["autograde", PS, "--course", str(root), "--quiet", "--jobs", "2", *(["--execute"] if execute else [])]
    return course, args, total, submitted


@pytest.fixture(scope="module")
def result(graded):
    """Run autograde once per mode and keep its output (capsys is per test, so capture by hand)."""
    import contextlib
    import io

    course, args, total, submitted = graded
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return course, code, out.getvalue(), err.getvalue(), total, submitted


@pytest.mark.parametrize("student", list(CASES))
def test_tampering_is_flagged_repaired_and_scored_from_the_saved_answers(result, student):
    course, code, out, err, *_ = result
    status = load_status(course.root, PS)
    st = status[student]
    assert st.status == "flagged", (st.status, st.reason, err)
    for phrase in CASES[student][1]:
        assert phrase in st.reason, st.reason
    assert "nbgrader could not" not in st.reason and "KeyError" not in st.reason
    score = course.scores(PS)[student]["score"]
    assert score == pytest.approx(course.scores(PS)["honest-partial"]["score"]) == pytest.approx(PARTIAL)
    line = next(line for line in out.splitlines() if line.startswith(student + " "))
    assert "flagged" in line and f"{PARTIAL:g} / {FULL:g}" in line, line


def test_the_class_is_graded_and_the_total_is_unchanged(result):
    course, code, out, err, total, submitted = result
    assert code == 0, err  # nothing failed
    status = load_status(course.root, PS)
    for student, points in CONTROLS.items():
        assert status[student].status == "graded", status[student].reason
        assert course.scores(PS)[student]["score"] == pytest.approx(points)
    assert total == FULL
    assert assignment_max_score(course, PS) == FULL  # the added 100-point cell never reached the gradebook
    assert {row["max_score"] for row in course.scores(PS).values()} == {FULL}
    assert "Traceback" not in out + err


def test_submitted_files_are_never_changed(result):
    course, *_, submitted = result
    for student, digest in submitted.items():
        assert fingerprint(course.submission_dir(PS, student)) == digest, student


def test_repair_keeps_the_students_added_code_without_settings():
    """The added cells stay, as the student's own ordinary cells; the release's settings come back."""
    from pathlib import Path

    from medialit.grading.tamper import find_tampering

    release = nbformat.read(Path(__file__).parents[1] / "exercises" / PS / f"{PS}.ipynb", as_version=4)
    nb = nbformat.from_dict(release)
    _added_grade_cell(nb)
    _flip("grade", "labels-score")(nb)
    report = find_tampering(nb, release)
    assert report.repaired is not None
    assert "bonus" not in json.dumps([c.metadata for c in report.repaired.cells])
    assert report.repaired.cells[-1].source == "assert True"
    assert (
        _find(report.repaired, "labels-score").metadata["nbgrader"]
        == _find(release, "labels-score").metadata["nbgrader"]
    )
    assert find_tampering(nbformat.from_dict(release), release).flags == []  # an untouched notebook is clean
