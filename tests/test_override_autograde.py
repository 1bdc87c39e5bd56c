"""A flag the teacher settled stays settled through a re-autograde: in autograde's table and in nbgrader's flag."""

from __future__ import annotations

import contextlib
import io
import shutil

import pytest

from medialit.cli.demo import answers_file, gold_answers
from medialit.grading import overrides
from medialit.grading.autograde import status_table
from medialit.grading.course import Course
from medialit.grading.roster import Student, write_roster
from medialit.grading.status import FLAGGED, StudentStatus

PS = "ps1-sources"
BLANK = "blank submission"


def _run(*argv: str) -> tuple[int, str, str]:
    from medialit.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _flagged(course: Course, student: str) -> bool:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        return gb.find_submission_notebook(PS, PS, student).flagged


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    base = tmp_path_factory.mktemp("override-autograde")
    roster = [Student("s01", "Ana", "Silva", "ana@school.example", "101"), Student("s02", "Ben", "Novak", "", "102")]
    write_roster(base / "roster.csv", roster)
    course = Course.init(base / "course", roster=base / "roster.csv")
    course.generate(PS)
    notebook = course.released_notebook(PS).read_bytes()
    for student, given in (("s01", gold_answers(course, PS)), ("s02", {})):
        course.add_submission(PS, student, {f"{PS}.ipynb": notebook, f"{PS}.answers.json": answers_file(PS, given)})
    return course


def test_an_accepted_flag_stays_accepted_after_autograde(course):
    root = str(course.root)
    code, out, err = _run("autograde", PS, "--quiet", "--course", root)
    assert "Traceback" not in err, err
    line = next(x for x in out.splitlines() if x.startswith("Ben Novak (s02)"))
    assert "flagged" in line and BLANK in line and _flagged(course, "s02")
    code, out, err = _run("override", "s02", PS, "--accept-flag", "--reason", "ill that week", "--course", root)
    assert code == 0 and not _flagged(course, "s02"), (out, err)
    _, out, err = _run("autograde", PS, "--quiet", "--course", root)
    line = next(x for x in out.splitlines() if x.startswith("Ben Novak (s02)"))
    assert "graded" in line and "flagged" not in line.split("(was")[0], line
    assert "flag accepted by the teacher: ill that week (was flagged:" in line and BLANK in line, line
    assert not _flagged(course, "s02")  # formgrader does not list it as flagged again


def test_a_flag_for_another_reason_is_set_again(course, tmp_path):
    from medialit.grading.merge import merge

    current = overrides.active(course, PS)
    assert current["s02"].accepted is not None, "run after the test above"
    worker_db = f"sqlite:///{shutil.copy(course.db_path, tmp_path / 'worker.db')}"  # a worker's copy, as autograde's
    accepted = current["s02"].accepted.flag
    merge(course, PS, "s02", worker_db, flagged=True, reason=accepted)
    assert not _flagged(course, "s02")
    merge(course, PS, "s02", worker_db, flagged=True, reason="a check cell was changed")
    assert _flagged(course, "s02")
    other = StudentStatus("s02", FLAGGED, "a check cell was changed", score=0, max_score=16)
    row = status_table({"s02": other}, {"s02": "Ben Novak (s02)"}, current=current).splitlines()[-1]
    assert row.split()[3] == "flagged", row
