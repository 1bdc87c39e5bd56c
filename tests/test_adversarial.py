"""Bad input never loses work: a corpus of broken, tampered and hostile submissions, graded as one class.

The corpus is built in code from the released notebook, so it follows the exercise as it
changes. Every student must end with an explicit status and a reason a teacher understands;
valid parts keep their points; the other students and earlier grades are unaffected.
"""

from __future__ import annotations

import json
import os

import nbformat
import pytest
from conftest import ROOT

from medialit.cli.demo import answers_file, gold_answers
from medialit.grading.autograde import autograde
from medialit.grading.course import Course
from medialit.grading.sandbox import sandbox_problem
from medialit.grading.worker import fingerprint

PS = "ps1-sources"
FULL = 16.0
TIMEOUT = 8  # seconds per cell in this test course (60 in a real one)


def _cells(nb: nbformat.NotebookNode, gid: str) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == gid]


def _edit(release: str, change) -> str:
    nb = nbformat.reads(release, as_version=4)
    change(nb)
    return nbformat.writes(nb)


def _inject(code: str):
    """Student code added to the (editable) labels answer cell, after the widget is created."""

    def change(nb):
        cell = nb.cells[_cells(nb, "labels-answer")[0]]
        cell.source = "labels = ex.labeler()\n" + code + "\nlabels"

    return change


def _delete(gid: str):
    def change(nb):
        del nb.cells[_cells(nb, gid)[0]]

    return change


def _set_points(nb):
    nb.cells[_cells(nb, "labels-score")[0]].metadata["nbgrader"]["points"] = 100


def _strip(nb):
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)


def _reorder(nb):
    a, b = _cells(nb, "labels-answer")[0], _cells(nb, "labels-score")[0]
    nb.cells[a], nb.cells[b] = nb.cells[b], nb.cells[a]


def _duplicate(nb):
    i = _cells(nb, "sources-answer")[0]
    nb.cells.insert(i, nbformat.from_dict(nb.cells[i]))


def _retype(nb):
    i = _cells(nb, "labels-complete")[0]
    old = nb.cells[i]
    nb.cells[i] = nbformat.v4.new_markdown_cell(old.source, metadata=old.metadata, id=old.get("id"))


def _edit_test(nb):
    nb.cells[_cells(nb, "labels-complete")[0]].source = "pass  # no checks"


ATTACK_GRADEBOOK = """
import glob
for p in glob.glob('../../../**/*.db', recursive=True) + glob.glob('../../../../**/*.db', recursive=True):
    open(p, 'wb').write(b'overwritten by a student')
"""
ATTACK_OTHERS = """
import glob, json
for p in glob.glob('../../../../**/*.answers.json', recursive=True):
    open(p, 'w').write(json.dumps({'medialit_answers': 1, 'answers': {}}))
for p in glob.glob('../../../../**/*.ipynb', recursive=True):
    if 'attack' not in p:
        open(p, 'w').write('{}')
"""


ADDED = "code was added to the answer cell"


def corpus(
    release: str, gold: dict, execute: bool = False
) -> dict[str, tuple[dict[str, bytes | str], str, float | None, str]]:
    """student -> (files, expected status, expected points or None, a phrase the reason must contain).

    Student code is flagged in both modes; ``execute`` (the notebook runs, sandboxed) adds
    what the run met. Points always come from the saved answers.
    """

    def ran(phrase: str) -> str:
        return phrase if execute else ADDED

    nb = f"{PS}.ipynb"
    ans = f"{PS}.answers.json"
    good = answers_file(PS, gold)
    wrong_types = json.loads(good)
    wrong_types["answers"]["labels"] = "all named"
    unknown_ids = json.loads(good)
    unknown_ids["answers"]["labels"]["p99s9"] = "named"
    big = json.loads(good)
    big["padding"] = "x" * 50_000_000
    v5 = json.loads(release)
    v5["nbformat"] = 5
    return {
        # broken files
        "corrupt-json": (
            {
                nb: b'{"cells": [',
            },
            "failed",
            None,
            "not a readable notebook",
        ),
        "truncated": ({nb: release[: len(release) // 2], ans: good}, "flagged", FULL, "graded from the released"),
        "empty-file": ({nb: b""}, "failed", None, "is empty"),
        "wrong-nbformat": ({nb: json.dumps(v5), ans: good}, "flagged", FULL, "graded from the released"),
        "non-utf8": ({nb: b"\xff\xfe\x00\x81 not text"}, "failed", None, "not UTF-8"),
        # tampered cells
        "deleted-test": (
            {nb: _edit(release, _delete("labels-score")), ans: good},
            "flagged",
            FULL,
            "test cell was deleted",
        ),
        "deleted-answer": ({nb: _edit(release, _delete("labels-answer")), ans: good}, "flagged", FULL, "answer cell"),
        "edited-test": ({nb: _edit(release, _edit_test), ans: good}, "flagged", FULL, "test cell was edited"),
        "edited-points": ({nb: _edit(release, _set_points), ans: good}, "flagged", FULL, "points changed"),
        "stripped": ({nb: _edit(release, _strip), ans: good}, "flagged", FULL, "metadata was stripped"),
        "reordered": ({nb: _edit(release, _reorder), ans: good}, "flagged", FULL, "reordered"),
        "duplicated": ({nb: _edit(release, _duplicate), ans: good}, "flagged", FULL, "duplicated"),
        "retyped": ({nb: _edit(release, _retype), ans: good}, "flagged", FULL, "cell type changed"),
        # bad student code (never run by default; run in the sandbox with --execute)
        "infinite-loop": (
            {nb: _edit(release, _inject("while True:\n    pass")), ans: good},
            "flagged",
            FULL,
            ran("error in"),
        ),
        "huge-output": (
            {nb: _edit(release, _inject("for _ in range(100):\n    print('x' * 1_000_000)")), ans: good},
            "flagged",
            FULL,
            ADDED,
        ),
        "exception": ({nb: _edit(release, _inject("1 / 0")), ans: good}, "flagged", FULL, ran("ZeroDivisionError")),
        "sys-exit": ({nb: _edit(release, _inject("import sys\nsys.exit(3)")), ans: good}, "flagged", FULL, ADDED),
        "os-exit": (
            {nb: _edit(release, _inject("import os\nos._exit(1)")), ans: good},
            "flagged",
            FULL,
            ran("crashed"),
        ),
        "segfault": (
            {nb: _edit(release, _inject("import ctypes\nctypes.string_at(0)")), ans: good},
            "flagged",
            FULL,
            ran("crashed"),
        ),
        "attack-gradebook": ({nb: _edit(release, _inject(ATTACK_GRADEBOOK)), ans: good}, "flagged", FULL, ADDED),
        "attack-others": ({nb: _edit(release, _inject(ATTACK_OTHERS)), ans: good}, "flagged", FULL, ADDED),
        # a bad saved-answers file
        "answers-missing": ({nb: release}, "flagged", 0.0, "nor the notebook's submission receipt was submitted"),
        "answers-corrupt": ({nb: release, ans: "{oops"}, "flagged", 0.0, "not valid JSON"),
        "answers-wrong-types": ({nb: release, ans: json.dumps(wrong_types)}, "flagged", 6.0, "wrong form"),
        "answers-unknown-ids": ({nb: release, ans: json.dumps(unknown_ids)}, "flagged", FULL, "p99s9"),
        "answers-50mb": ({nb: release, ans: json.dumps(big)}, "flagged", 0.0, "too large"),
        # file and name problems
        "renamed": ({"my work (1).ipynb": release, ans: good}, "flagged", FULL, "renamed"),
        "extra-files": ({nb: release, ans: good, "notes.txt": "hi", "photo.png": b"\x89PNG\r\n"}, "graded", FULL, ""),
        "jane doe": ({nb: release, ans: good}, "graded", FULL, ""),
        "zoë_o'brien": ({nb: release, ans: good}, "graded", FULL, ""),
        # controls: ordinary good submissions that must be unaffected by all of the above
        "control-a": ({nb: release, ans: good}, "graded", FULL, ""),
        "control-b": ({nb: release, ans: good}, "graded", FULL, ""),
    }


@pytest.fixture(scope="module", params=["saved-answers", "execute"])
def graded(request, tmp_path_factory):
    execute = request.param == "execute"
    if execute and sandbox_problem() and os.environ.get("CI") != "true":
        pytest.skip(sandbox_problem())
    course = Course.init(tmp_path_factory.mktemp("adversarial") / "course")
    with (course.root / "nbgrader_config.py").open("a", encoding="utf-8") as handle:
        handle.write(f"c.Execute.timeout = {TIMEOUT}\n")
    release_dir = course.generate(PS)
    release = (release_dir / f"{PS}.ipynb").read_text(encoding="utf-8")
    gold = gold_answers(course, PS)
    cases = corpus(release, gold, execute)
    course.add_submission(PS, "earlier", {f"{PS}.ipynb": release, f"{PS}.answers.json": answers_file(PS, gold)})
    earlier = autograde(course, PS, students=["earlier"], jobs=1, progress=False)["earlier"]
    for student, (files, *_rest) in cases.items():
        course.add_submission(PS, student, files)
    submitted = {s: fingerprint(course.submission_dir(PS, s)) for s in cases}
    warnings: list[str] = []
    statuses = autograde(
        course, PS, students=list(cases), jobs=2, progress=False, warnings_out=warnings, execute=execute
    )
    return course, cases, statuses, earlier, submitted, warnings


CASES = list(corpus((ROOT / "exercises" / PS / f"{PS}.ipynb").read_text(encoding="utf-8"), {"labels": {}}).keys())


@pytest.mark.parametrize("student", CASES)
def test_every_case_gets_an_explicit_status_and_keeps_its_valid_points(graded, student):
    course, cases, statuses, *_ = graded
    _, status, points, phrase = cases[student]
    st = statuses[student]
    assert st.status in {"graded", "flagged", "failed"}
    assert st.status == status, st.reason
    assert phrase in st.reason
    if points is None:
        assert st.score is None  # no silent zero: nothing is recorded for a failed submission
    else:
        assert st.score == pytest.approx(points, abs=0.011), st.reason
    if st.status != "graded" or points == 0:
        assert st.reason, "a non-full or non-clean outcome always says why"


def test_other_students_are_unaffected(graded):
    course, cases, statuses, earlier, submitted, warnings = graded
    for student in ("control-a", "control-b"):
        assert (statuses[student].status, statuses[student].score) == ("graded", FULL)
    assert course.scores(PS)["earlier"]["score"] == earlier.score == FULL  # an earlier grade is kept
    assert warnings == []  # masters, release and other grades untouched


def test_submitted_files_are_never_changed(graded):
    course, cases, statuses, earlier, submitted, warnings = graded
    for student, digest in submitted.items():
        assert fingerprint(course.submission_dir(PS, student)) == digest, student


def test_gradebook_backed_up_before_grading(graded):
    course, *_ = graded
    backups = sorted((course.root / ".medialit-backups").glob("gradebook-*.db"))
    assert len(backups) >= 2
    assert all(b.stat().st_size > 0 for b in backups)


def test_status_table_for_teachers(graded, capsys):
    from medialit.grading.autograde import status_table

    _, _, statuses, *_ = graded
    table = status_table(statuses)
    assert "Traceback" not in table
    for student in CASES:
        assert student in table
    print("\n" + table)  # the table of case -> status -> points, for the record (pytest -s)


def test_isolation_is_documented():
    guide = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    assert "per-user JupyterHub containers" in guide and "(threat-model.md)" in guide
    text = (ROOT / "docs" / "threat-model.md").read_text(encoding="utf-8")  # the threat model has its own page
    assert "per-user JupyterHub containers" in text
    assert "## What is isolated" in text and "## What is not isolated" in text
