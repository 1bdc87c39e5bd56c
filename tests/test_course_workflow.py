"""The instructor's week from the CLI's building blocks: init → release → collect → autograde (→ outputs).

Checks scores and statuses, collection from the exchange and from Canvas/Moodle downloads,
late resubmissions, that parallel grading equals serial grading, and that a failed regrade
keeps the earlier result.
"""

from __future__ import annotations

import json
import shutil
import time
import zipfile
from datetime import datetime
from pathlib import Path

import nbformat
import pytest

from medialit.cli.demo import answers_file, gold_answers
from medialit.cli.main import main
from medialit.grading.autograde import autograde
from medialit.grading.collect import collect_exchange, collect_lms, submit_to_exchange
from medialit.grading.course import Course
from medialit.grading.layout import read_timestamp
from medialit.grading.roster import Student, write_roster

PS = "ps1-sources"
ROSTER = [
    Student("s01", "Ana", "Silva", "ana@school.example", "101"),
    Student("s02", "Ben", "Novak", "ben@school.example", "102"),
    Student("s03", "Chloe", "Haddad", "chloe@school.example", "103"),
    Student("s04", "Dev", "Larsen", "dev@school.example", "104"),
    Student("s05", "Elif", "Moreau", "elif@school.example", "105"),
    Student("s06", "Femi", "Tanaka", "femi@school.example", "106"),
]


def _home(base: Path, student: str, files: dict[str, str | bytes]) -> Path:
    home = base / "homes" / student / PS
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    for name, content in files.items():
        (home / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    return home


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    base = tmp_path_factory.mktemp("week")
    write_roster(base / "roster.csv", ROSTER)
    course = Course.init(base / "course", roster=base / "roster.csv")
    release = course.release(PS, to="exchange")
    notebook = (release / f"{PS}.ipynb").read_bytes()
    gold = gold_answers(course, PS)
    partial = json.loads(json.dumps(gold))
    partial["labels"]["p4s2"] = "framing"  # one label wrong
    tampered = nbformat.reads(notebook.decode(), as_version=4)
    tampered.cells = [c for c in tampered.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "labels-score"]

    # exchange: s01 (complete, resubmitted later with a wrong label), s02 (partial), s06 (tampered)
    first = _home(base, "s01", {f"{PS}.ipynb": notebook, f"{PS}.answers.json": answers_file(PS, partial)})
    submit_to_exchange(course, PS, "s01", first)
    time.sleep(1.1)  # nbgrader timestamps have one-second resolution in folder names
    again = _home(base, "s01", {f"{PS}.ipynb": notebook, f"{PS}.answers.json": answers_file(PS, gold)})
    submit_to_exchange(course, PS, "s01", again)
    submit_to_exchange(
        course,
        PS,
        "s02",
        _home(base, "s02", {f"{PS}.ipynb": notebook, f"{PS}.answers.json": answers_file(PS, partial)}),
    )
    submit_to_exchange(
        course,
        PS,
        "s06",
        _home(base, "s06", {f"{PS}.ipynb": nbformat.writes(tampered), f"{PS}.answers.json": answers_file(PS, gold)}),
    )
    exchange_report = collect_exchange(course, PS)

    # LMS: s03 on Canvas (late, re-uploaded as -1), s04 on Moodle (no answers file), s05 corrupt, one stranger
    late = datetime(2026, 1, 22, 23, 59).timetuple()[:6]
    zip_path = base / "canvas.zip"
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr(zipfile.ZipInfo(f"haddadchloe_LATE_103_9001_{PS}-1.ipynb", late), notebook)
        archive.writestr(zipfile.ZipInfo(f"haddadchloe_LATE_103_9001_{PS}.answers.json", late), answers_file(PS, gold))
        archive.writestr(f"moreauelif_105_9002_{PS}.ipynb", b'{"cells": [')
        archive.writestr(f"nobody_999_9003_{PS}.ipynb", notebook)
        archive.writestr(f"Dev Larsen_104_assignsubmission_file_/{PS}.ipynb", notebook)
    lms_report = collect_lms(course, PS, zip_path)
    statuses = autograde(course, PS, jobs=2, progress=False)
    return course, statuses, exchange_report, lms_report


def test_roster_imported(week):
    course, *_ = week
    assert [s.student_id for s in course.roster()] == [s.student_id for s in ROSTER]


def test_collect_from_exchange_keeps_newest(week):
    course, _, report, _ = week
    assert sorted(report.collected) == ["s01", "s02", "s06"]
    answers = json.loads((course.submission_dir(PS, "s01") / f"{PS}.answers.json").read_text())
    assert answers["answers"]["labels"]["p4s2"] == "speculation"  # the resubmission, not the first


def test_collect_from_lms_zip(week):
    course, _, _, report = week
    assert sorted(report.collected) == ["s03", "s04", "s05"]
    assert report.unmatched == [f"nobody_999_9003_{PS}.ipynb"]
    assert sorted(p.name for p in course.submission_dir(PS, "s03").iterdir()) == [
        f"{PS}.answers.json",
        f"{PS}.ipynb",
        "timestamp.txt",
    ]
    assert read_timestamp(course.submission_dir(PS, "s03")) == datetime(2026, 1, 22, 23, 59)


def test_statuses_and_scores(week):
    _, statuses, *_ = week
    summary = {s: (st.status, st.score) for s, st in statuses.items()}
    assert summary["s01"] == ("graded", 16)
    assert summary["s02"] == ("graded", pytest.approx(round(10 * 18 / 19, 2) + 6))
    assert summary["s03"] == ("graded", 16)
    assert summary["s04"] == ("flagged", 0)  # no answers file and no receipt: never a plain 0
    assert "neither ps1-sources.answers.json nor the notebook's submission receipt" in statuses["s04"].reason
    assert summary["s05"][0] == "failed" and summary["s05"][1] is None
    assert "not a readable notebook: the file is corrupt" in statuses["s05"].reason
    assert summary["s06"] == ("flagged", 16)  # the deleted test cell was restored and run
    assert "labels-score: test cell was deleted" in statuses["s06"].reason


def test_flagged_submissions_are_flagged_in_the_gradebook(week):
    from nbgrader.api import Gradebook

    course, *_ = week
    with Gradebook(course.db_url, course.course_id) as gb:
        flags = {s: gb.find_submission_notebook(PS, PS, s).flagged for s in ("s01", "s06")}
    assert flags == {"s01": False, "s06": True}  # formgrader shows nbgrader's own flag


def test_cli_autograde_exit_code_and_table(week, capsys):
    course, *_ = week
    code = main(["autograde", PS, "--course", str(course.root), "--student", "s05", "--quiet"])
    out = capsys.readouterr()
    assert code == 1 and "s05" in out.out and "failed" in out.out and "Traceback" not in out.err
    code = main(["autograde", PS, "--course", str(course.root), "--student", "s01", "--quiet"])
    assert code == 0


def test_parallel_equals_serial(week, tmp_path):
    course, statuses, *_ = week
    copy = Course(shutil.copytree(course.root, tmp_path / "serial"))
    serial = autograde(copy, PS, jobs=1, progress=False)
    assert {s: (st.status, st.score) for s, st in serial.items()} == {
        s: (st.status, st.score) for s, st in statuses.items()
    }
    assert copy.scores(PS) == course.scores(PS)


def test_failed_regrade_keeps_earlier_result(week, tmp_path):
    course, *_ = week
    copy = Course(shutil.copytree(course.root, tmp_path / "regrade"))
    before = copy.scores(PS)["s03"]
    (copy.submission_dir(PS, "s03") / f"{PS}.ipynb").write_bytes(b"")
    (copy.submission_dir(PS, "s03") / f"{PS}.answers.json").unlink()  # nothing left to grade
    after = autograde(copy, PS, students=["s03"], jobs=1, progress=False)["s03"]
    assert after.status == "failed" and "earlier result is kept" in after.reason
    assert copy.scores(PS)["s03"] == before
    assert (copy.root / "autograded" / "s03" / PS / f"{PS}.ipynb").exists()


def test_manual_grades_survive_a_regrade(week, tmp_path):
    from nbgrader.api import Gradebook

    course, *_ = week
    copy = Course(shutil.copytree(course.root, tmp_path / "manual"))
    with Gradebook(copy.db_url, copy.course_id) as gb:
        grade = gb.find_grade("labels-score", PS, PS, "s02")
        grade.manual_score = 7.5
        gb.db.commit()
    autograde(copy, PS, students=["s02"], jobs=1, progress=False)
    with Gradebook(copy.db_url, copy.course_id) as gb:
        grade = gb.find_grade("labels-score", PS, PS, "s02")
        assert grade.manual_score == 7.5 and grade.needs_manual_grade


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["autograde", "ps9-nothing"], "Unknown assignment 'ps9-nothing'"),
        (["release", PS, "--course", "/nonexistent/course"], "is not a medialit course"),
        (["collect", PS, "/nonexistent/download.zip"], "not found"),
    ],
)
def test_cli_errors_are_clear(week, argv, message, capsys, monkeypatch):
    course, *_ = week
    monkeypatch.setenv("MEDIALIT_COURSE", str(course.root))
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_course_init_refuses_bad_roster(tmp_path, capsys):
    bad = tmp_path / "roster.csv"
    bad.write_text("student_id,first_name\nann lee,Ann\ns02,Ben\ns02,Bea\n", encoding="utf-8")
    assert main(["course", "init", str(tmp_path / "c"), "--roster", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "roster.csv:2: student id 'ann lee' has spaces" in err
    assert "roster.csv:4: student id 's02' is also on line 3" in err
    assert not (tmp_path / "c").exists()
