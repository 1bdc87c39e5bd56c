"""A teacher's week, the whole way with no hand edits: a real class through Canvas and Moodle.

Roster with accented names and a late student; Canvas-named and Moodle-named downloads
(built by re-implementations of the LMSs' own naming code, in test_collect_lms);
collect, autograde, export with an LMS id, feedback. Also the per-assignment settings
(due date, late policy) and the LMS import files' rules. Then a later week (issue 25): the
roster imported again from Canvas's gradebook export with a late enrollee, a blank submission,
a notebook with its receipt and a deleted check cell, and a student who submitted nothing. And the
week after: a zip without the UTF-8 flag with a late enrollee's accented name, overrides (points,
an accepted flag) that survive autograde, regrade requests from the LMS, and feedback --changed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from test_collect_doors import _clear_utf8_flag
from test_collect_lms import canvas_entry, canvas_text_entry, moodle_entry

from medialit.cli.demo import answers_file, gold_answers
from medialit.grading.assignment_settings import SettingsError, load_settings, save_settings
from medialit.grading.course import Course
from medialit.grading.roster import Student, write_roster

PS = "ps1-sources"
ROSTER = [
    Student("s01", "José", "Muñoz Ørsted", "jose@school.example", "23456"),
    Student("s02", "Kim", "Lee", "kim@school.example", "34567"),
    Student("s03", "Zoë", "Ng", "zoe@school.example", "56789"),
    Student("s04", "Anne-Marie", "van der Berg", "", "67890"),  # no e-mail: Moodle cannot match her
]


def _medialit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "medialit", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    base = tmp_path_factory.mktemp("week")
    write_roster(base / "roster.csv", ROSTER)
    course = Course.init(base / "course", roster=base / "roster.csv")
    release = course.release(PS, to="zip", out=base / "lms")
    notebook = (course.root / "release" / PS / f"{PS}.ipynb").read_bytes()
    answers = answers_file(PS, gold_answers(course, PS)).encode()
    canvas = base / "canvas.zip"
    with zipfile.ZipFile(canvas, "w") as archive:
        for student, sortable, late in (("s01", "Muñoz Ørsted, José", False), ("s02", "Lee, Kim", True)):
            uid = int(next(s.lms_id for s in ROSTER if s.student_id == student))
            for n, (name, data) in enumerate(((f"{PS}.ipynb", notebook), (f"{PS}.answers.json", answers))):
                archive.writestr(canvas_entry(sortable, uid, 900 + n + uid, name, late, marker="late"), data)
    moodle = base / "moodle.zip"
    with zipfile.ZipFile(moodle, "w") as archive:
        for name, data in ((f"{PS}.ipynb", notebook), (f"{PS}.answers.json", answers)):
            archive.writestr(moodle_entry("Zoë Ng", 4242, name), data)
            archive.writestr(moodle_entry("Anne-Marie van der Berg", 4243, name), data)
    root = str(course.root)
    runs = {
        "collect-canvas": _medialit("collect", PS, str(canvas), "--course", root, cwd=base),
        "collect-moodle": _medialit("collect", PS, str(moodle), "--course", root, cwd=base),
        "settings": _medialit(
            "settings",
            PS,
            "--lms-name",
            "Problem Set 1",
            "--lms-id",
            "123456",
            "--late-policy",
            "10% per day",
            "--course",
            root,
            cwd=base,
        ),
        "autograde": _medialit("autograde", PS, "--quiet", "--course", root, cwd=base),
        "feedback": _medialit("feedback", PS, "--course", root, cwd=base),
    }
    for fmt in ("csv", "canvas", "moodle"):
        runs[fmt] = _medialit("export", PS, "--format", fmt, "--bom", "--course", root, cwd=base)
    for lms in ("canvas", "moodle"):
        runs[f"zip-{lms}"] = _medialit("feedback", PS, "--zip", lms, "--course", root, cwd=base)
    return course, runs, release


def test_every_step_runs_without_hand_edits(week):
    _, runs, _ = week
    first = runs.pop("collect-canvas")  # half the class is still in the Moodle download: collect says who
    assert first.returncode == 1 and "Zoë Ng" in first.stdout + first.stderr, first.stderr
    for step, done in runs.items():
        assert done.returncode == 0, (step, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, step
    runs["collect-canvas"] = first


def test_collect_finds_accented_and_late_students(week):
    course, runs, _ = week
    assert sorted(course.submitted_students(PS)) == ["s01", "s02", "s03", "s04"]
    assert "marked LATE by Canvas" in runs["collect-canvas"].stdout


def test_the_late_student_is_late_everywhere(week):
    course, runs, _ = week
    line = next(x for x in runs["autograde"].stdout.splitlines() if x.startswith("Kim Lee (s02)"))
    assert "late: marked late by Canvas" in line and "apply your policy (10% of the points per started day" in line
    rows = _csv(course.root / "exports" / f"{PS}-csv.csv").set_index("student_id")
    assert rows.at["s02", "late"] == "yes" and rows.at["s01", "late"] == "no"
    assert rows.at["s03", "late"] == ""  # Moodle's names do not say
    assert "marked late by Canvas" in rows.at["s02", "late_note"] and float(rows.at["s02", "late_penalty"]) == 0
    assert float(rows.at["s02", "score"]) == 16  # no time, so no automatic penalty
    notes = _csv(course.root / "exports" / f"{PS}-canvas-notes.csv").set_index("student_id")
    assert "Submitted late" in notes.at["s02", "note"]
    page = (course.root / "feedback" / "s02" / PS / f"{PS}.html").read_text(encoding="utf-8")
    assert "Submitted late." in page and "apply your policy" not in page  # no teacher notes on a student page


def test_canvas_export_updates_the_existing_assignment(week):
    course, runs, _ = week
    path = course.root / "exports" / f"{PS}-canvas.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "--bom writes a byte-order mark for Excel"
    table = _csv(path)
    assert list(table.columns)[-1] == "Problem Set 1 (123456)"
    assert set(table.iloc[1:]["ID"]) == {"23456", "34567", "56789", "67890"}
    assert "Muñoz Ørsted, José" in set(table["Student"])
    out = runs["canvas"].stdout
    assert "grade column: 'Problem Set 1 (123456)'" in out and "Grades > Import" in out
    assert "WARNING" not in runs["canvas"].stderr


def test_moodle_export_has_no_row_it_cannot_match(week):
    course, runs, _ = week
    table = _csv(course.root / "exports" / f"{PS}-moodle.csv")
    assert (table["Email address"].str.strip() != "").all()
    assert "s04" not in set(table["ID number"])
    assert "s04 is not in the Moodle file: no email in the roster" in runs["moodle"].stderr
    assert "map from 'Email address' to 'Email address'" in runs["moodle"].stdout
    assert list(table.columns)[-2:] == ["Problem Set 1", "Feedback: Problem Set 1"]


def test_canvas_without_an_id_warns_what_canvas_will_do(week, tmp_path):
    course, _, _ = week
    done = _medialit(
        "export",
        PS,
        "--format",
        "canvas",
        "--lms-id",
        "",
        "--lms-name",
        "PS 1",
        "--out",
        str(tmp_path / "c.csv"),
        "--course",
        str(course.root),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "No Canvas assignment id" in done.stderr and "--lms-id" in done.stderr
    assert list(_csv(tmp_path / "c.csv").columns)[-1] == "PS 1"


def test_a_penalty_needs_a_known_time(week, tmp_path):
    """The exchange's timestamp against the due date: 26 h late at 10% per day takes 20% off."""
    course = Course(shutil.copytree(week[0].root, tmp_path / "copy"))
    record = course.root / "collected" / f"{PS}.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    data["students"].pop("s01")  # as if it came through the exchange: its timestamp is the submission time
    record.write_text(json.dumps(data), encoding="utf-8")
    (course.submission_dir(PS, "s01") / "timestamp.txt").write_text("2026-01-22 01:59:00.000000 UTC")
    save_settings(course.root, PS, due="2026-01-21 00:59 +01:00")
    root = str(course.root)
    graded = _medialit("autograde", PS, "--student", "s01", "--quiet", "--course", root, cwd=tmp_path)
    assert graded.returncode == 0, graded.stderr
    assert "late: submitted 26 h after the due date: 20% of the points taken off" in graded.stdout
    done = _medialit("export", PS, "--course", root, "--out", str(tmp_path / "p.csv"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    row = _csv(tmp_path / "p.csv").set_index("student_id").loc["s01"]
    assert row["late"] == "yes" and float(row["score"]) == pytest.approx(16 - 16 * 0.2)


@pytest.mark.parametrize(
    "text, message",
    [
        ("ps1-sources:\n  lms_id: abc\n", "assignment 'ps1-sources', lms_id: 'abc' is not a number"),
        ("ps1-sources:\n  due: tomorrow\n", "due: 'tomorrow' is not a date and time; write it like"),
        ("ps1-sources:\n  due: 2026-01-21 23:59\n", "has no time zone"),
        ("ps1-sources:\n  late_policy: half\n", "is not a late policy; write none, '10% per day'"),
        ("ps1-sources:\n  colour: red\n", "unknown field colour"),
        ("ps1-sources: [\n", "(line 2): not valid YAML"),
    ],
)
def test_a_malformed_settings_file_is_named_and_explained(tmp_path, text, message):
    (tmp_path / "assignments.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path)
    assert message in str(caught.value) and "assignments.yaml" in str(caught.value)


def test_autograde_stops_before_any_work_on_a_malformed_settings_file(week, tmp_path):
    course, _, _ = week
    path = course.root / "assignments.yaml"
    kept = path.read_text(encoding="utf-8")
    status = (course.root / "status" / f"{PS}.json").read_text(encoding="utf-8")
    try:
        path.write_text(kept + "  late_policy: sometimes\n", encoding="utf-8")
        done = _medialit("autograde", PS, "--quiet", "--course", str(course.root), cwd=tmp_path)
        assert done.returncode == 1 and "error:" in done.stderr and "late_policy" in done.stderr
        assert "Traceback" not in done.stderr
        assert (course.root / "status" / f"{PS}.json").read_text(encoding="utf-8") == status
    finally:
        path.write_text(kept, encoding="utf-8")


def test_feedback_zips_carry_each_lms_own_names(week):
    """Each zip holds the pages of the students collected from that LMS, under the names it reads back."""
    course, runs, _ = week
    with zipfile.ZipFile(course.root / "exports" / f"{PS}-feedback-canvas.zip") as archive:
        canvas = archive.namelist()
    with zipfile.ZipFile(course.root / "exports" / f"{PS}-feedback-moodle.zip") as archive:
        moodle = archive.namelist()
    assert len(canvas) == 2 and any("_23456_" in n for n in canvas) and any("_34567_" in n for n in canvas)
    assert len(moodle) == 2 and any(n.startswith("Zoë Ng_4242_assignsubmission_file_") for n in moodle)
    assert "not in the zip: Zoë Ng" in runs["zip-canvas"].stdout  # she came through Moodle


# ---------------------------------------------------------------- a later week (issue 25)

LATER = [  # Canvas's gradebook export: the class as Canvas has it now (SIS User ID = the kit's ids)
    ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{PS} (123456)"],
    ["    Points Possible", "", "", "", "", "16.00"],
    ["Muñoz Ørsted, José", "23456", "s01", "jose@school.example", "A", ""],
    ["Lee, Kim", "34567", "s02", "kim@school.example", "A", ""],
    ["Ng, Zoë", "56789", "s03", "zoe@school.example", "A", ""],
    ["van der Berg, Anne-Marie", "67890", "s04", "", "A", ""],
    ["Ortiz, Lena", "78901", "s05", "lena@school.example", "A", ""],  # enrolled late
    ["Okafor, Nia", "78902", "s06", "nia@school.example", "A", ""],  # submits a blank notebook
    ["Haddad, Omar", "78903", "s07", "omar@school.example", "A", ""],  # deleted a check cell
    ["Rossi, Pia", "78904", "s08", "pia@school.example", "A", ""],  # submits nothing
    ["Student, Test", "99999", "", "", "A", ""],
]


@pytest.fixture(scope="module")
def later(week, tmp_path_factory):
    import csv

    import nbformat

    from medialit.grading.answers import RECEIPT_MIME

    course, _, _ = week
    base = tmp_path_factory.mktemp("later")
    course = Course(shutil.copytree(course.root, base / "course"))
    root = str(course.root)
    with (base / "gradebook.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(LATER)
    release = (course.root / "release" / PS / f"{PS}.ipynb").read_text(encoding="utf-8")
    gold = gold_answers(course, PS)
    cut = nbformat.reads(release, as_version=4)
    receipt = next(c for c in cut.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "receipt")
    doc = json.loads(answers_file(PS, gold))
    receipt.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "receipt", RECEIPT_MIME: doc})]
    cut.cells = [c for c in cut.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "labels-complete"]
    files = {
        ("Ortiz, Lena", 78901): {f"{PS}.ipynb": release, f"{PS}.answers.json": answers_file(PS, gold)},
        ("Okafor, Nia", 78902): {f"{PS}.ipynb": release, f"{PS}.answers.json": answers_file(PS, {})},
        ("Haddad, Omar", 78903): {f"{PS}.ipynb": nbformat.writes(cut)},
    }
    download = base / "canvas-2.zip"
    with zipfile.ZipFile(download, "w") as archive:
        for (sortable, uid), named in files.items():
            for n, (name, data) in enumerate(named.items()):
                archive.writestr(canvas_entry(sortable, uid, 5000 + n + uid, name), data)
    runs = {
        "import": _medialit("roster", "import", str(base / "gradebook.csv"), "--course", root, cwd=base),
        "collect": _medialit("collect", PS, str(download), "--course", root, cwd=base),
        "autograde": _medialit("autograde", PS, "--quiet", "--course", root, cwd=base),
        "feedback": _medialit("feedback", PS, "--course", root, cwd=base),
        "csv": _medialit("export", PS, "--course", root, cwd=base),
        "canvas": _medialit("export", PS, "--format", "canvas", "--course", root, cwd=base),
        "moodle": _medialit("export", PS, "--format", "moodle", "--match", "idnumber", "--course", root, cwd=base),
    }
    return course, runs


def test_later_week_roster_import_adds_the_new_students_keeping_ids(later):
    course, runs = later
    done = runs["import"]
    assert done.returncode == 0 and "4 added, 0 updated" in done.stdout, (done.stdout, done.stderr)
    assert "Canvas's Test Student" in done.stderr
    ids = {s.student_id: s.lms_id for s in course.roster()}
    assert ids == {"s01": "23456", "s02": "34567", "s03": "56789", "s04": "67890"} | {
        f"s0{i}": f"7890{i - 4}" for i in range(5, 9)
    }


def test_later_week_collect_names_the_missing_student_and_the_roster_file(later):
    _, runs = later
    done = runs["collect"]
    assert done.returncode == 1 and "Rossi" in done.stdout + done.stderr
    assert "roster.csv" in done.stderr and "medialit roster add" in done.stderr


def test_later_week_autograde_table_names_everyone_and_says_missing(later):
    _, runs = later
    done = runs["autograde"]
    assert done.returncode == 0, (done.stdout, done.stderr)
    lines = {line.split("  ")[0]: line for line in done.stdout.splitlines()}
    assert "graded" in lines["Lena Ortiz (s05)"] and "16 / 16" in lines["Lena Ortiz (s05)"]
    blank = lines["Nia Okafor (s06)"]
    assert "flagged" in blank and "0 / 16" in blank and "blank submission" in blank
    cut = lines["Omar Haddad (s07)"]
    assert "16 / 16" in cut and "labels-complete" in cut and "neither" not in cut
    assert "missing" in lines["Pia Rossi (s08)"] and "no submission" in lines["Pia Rossi (s08)"]


def test_later_week_export_and_feedback_give_reasons_never_a_silent_zero(later):
    course, runs = later
    for step in ("feedback", "csv", "canvas", "moodle"):
        assert runs[step].returncode == 0, (step, runs[step].stderr)
    rows = _csv(course.root / "exports" / f"{PS}-csv.csv").set_index("student_id")
    assert rows.at["s08", "status"] == "missing" and rows.at["s08", "score"] == ""
    assert rows.at["s06", "status"] == "flagged" and "blank submission" in rows.at["s06", "reason"]
    assert float(rows.at["s07", "score"]) == 16
    notes = _csv(course.root / "exports" / f"{PS}-canvas-notes.csv").set_index("student_id")
    assert "blank submission" in notes.at["s06", "note"]
    assert "out of 16 points: set Points in Canvas" in runs["canvas"].stdout
    assert "set its Maximum grade in Moodle to 16" in runs["moodle"].stdout
    moodle = _csv(course.root / "exports" / f"{PS}-moodle.csv")
    assert "s04" in set(moodle["ID number"]), "matched on ID number, her missing email no longer leaves her out"
    page = (course.root / "feedback" / "s06" / PS / f"{PS}.html").read_text(encoding="utf-8")
    assert "blank submission" in page and "What to do:" in page and "Submission receipt" in page
    assert "Graded.</b>" not in page
    late = (course.root / "feedback" / "s02" / PS / f"{PS}.html").read_text(encoding="utf-8")
    assert "is applied in the course's LMS" in late and "10% of the points per started day" in late


def test_later_week_overview_says_who_still_owes_what(later, capsys):
    from medialit.cli.main import main

    course, _ = later
    assert main(["overview", "--course", str(course.root)]) == 0
    out = capsys.readouterr().out
    assert "Who still owes what:" in out and f"Pia Rossi (s08): {PS} (missing)" in out
    assert "Lena Ortiz (s05)" not in out.split("Who still owes what:")[1]
    table = _csv(course.root / "exports" / "overview.csv").set_index("student_id")
    assert table.at["s08", f"{PS} status"] == "missing" and table.at["s08", f"{PS} points"] == ""
    assert table.at["s02", f"{PS} status"] == "graded, late" and float(table.at["s05", f"{PS} points"]) == 16
    assert table.at["s06", f"{PS} status"] == "flagged" and table.at["s01", "student"] == "José Muñoz Ørsted (s01)"
    assert float(table.at["s05", "out of"]) == 16
    owes = _csv(course.root / "exports" / "owes.csv")
    assert owes[["student_id", "assignment", "status"]].values.tolist() == [["s08", PS, "missing"]]


# ---------------------------------------------------------------- the week after (issue 25, item 9)


def _in_process(*argv: str) -> tuple[int, str, str]:
    """A quick command in this process (no interpreter start-up): exit code, stdout, stderr."""
    import contextlib
    import io

    from medialit.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _page(course: Course, student: str) -> str:
    return (course.root / "feedback" / student / PS / f"{PS}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def after(later, tmp_path_factory):
    """The week after: a late enrollee and a latecomer in a zip without the UTF-8 flag, then the teacher's
    overrides and students' regrade requests, autograde again, exports and feedback --changed."""
    import re
    from urllib.parse import unquote

    course, _ = later
    base = tmp_path_factory.mktemp("after")
    course = Course(shutil.copytree(course.root, base / "course"))
    root = str(course.root)
    runs: dict[str, subprocess.CompletedProcess[str] | tuple[int, str, str]] = {}
    runs["enrol"] = _in_process(
        "roster", "add", "s09", "--first", "Émile", "--last", "Zoubir", "--email", "emile@school.example",
        "--lms-id", "78905", "--course", root,
    )  # fmt: skip
    release = (course.root / "release" / PS / f"{PS}.ipynb").read_bytes()
    answers = answers_file(PS, gold_answers(course, PS)).encode()
    download = base / "canvas-3.zip"
    with zipfile.ZipFile(download, "w") as archive:
        for sortable, uid in (("Zoubir, Émile", 78905), ("Rossi, Pia", 78904)):
            for n, (name, data) in enumerate(((f"{PS}.ipynb", release), (f"{PS}.answers.json", answers))):
                archive.writestr(canvas_entry(sortable, uid, 6000 + n + uid, name), data)
    _clear_utf8_flag(download)  # as Canvas's rubyzip writes it
    runs["collect"] = _medialit("collect", PS, str(download), "--course", root, cwd=base)
    runs["autograde-1"] = _medialit("autograde", PS, "--quiet", "--course", root, cwd=base)
    runs["feedback-1"] = _medialit("feedback", PS, "--zip", "canvas", "--course", root, cwd=base)
    first_zip = (course.root / "exports" / f"{PS}-feedback-canvas.zip").read_bytes()

    # students ask: Nia (blank submission) types a text entry; José fills in the file his page offers
    link = re.search(r'href="(data:text/plain;charset=utf-8,[^"]+)" download="([^"]+)"', _page(course, "s01"))
    assert link, "the feedback page offers the request file"
    offered = unquote(link.group(1).split(",", 1)[1].replace("&amp;", "&"))
    filled = offered.replace("what: \n", "what: p2s1 should be attribution <script>alert(1)</script>\n")
    filled = filled.replace("why: \n", "why: =cmd|' /C calc'!A0 it says who said it\n")
    typed = (
        "<html><body><p>Regrade request</p><p>assignment: ps1-sources</p><p>part: the whole assignment</p>"
        "<p>what: I did answer every part</p><p>why: my answers are in my notebook &amp; I can show them</p>"
        "</body></html>"
    )
    requests = base / "regrade-requests.zip"
    with zipfile.ZipFile(requests, "w") as archive:
        archive.writestr(canvas_text_entry("Okafor, Nia", 78902), typed)
        archive.writestr(canvas_entry("Muñoz Ørsted, José", 23456, 7001, link.group(2)), filled.encode("utf-8"))
        archive.writestr(canvas_entry("Lee, Kim", 34567, 7002, link.group(2)), b"x" * 30_000)  # not a request
        archive.writestr(canvas_entry("Nobody, Some", 11111, 7003, link.group(2)), filled.encode("utf-8"))
    _clear_utf8_flag(requests)
    runs["regrades"] = _in_process("regrades", PS, "--from", str(requests), "--course", root)

    # the teacher works through them, and settles the flags
    runs["override-nia"] = _in_process(
        "override", "s06", PS, "--points", "12", "--reason", "answers shown on her laptop in class", "--course", root
    )
    runs["close-jose"] = _in_process(
        "regrades", PS, "--close", "2", "--reason", "p2s1 is background: no one is quoted", "--course", root
    )
    runs["accept-omar"] = _in_process(
        "override", "s07", PS, "--accept-flag", "--reason", "deleted a check cell by mistake", "--course", root
    )
    runs["part-kim"] = _in_process(
        "override", "s02", PS, "--part", "sources", "--points", "5", "--reason", "p6s1's source named wrongly",
        "--course", root,
    )  # fmt: skip
    runs["autograde-2"] = _medialit("autograde", PS, "--quiet", "--course", root, cwd=base)  # overrides survive
    runs["overrides"] = _in_process("overrides", PS, "--course", root)
    runs["list"] = _in_process("regrades", PS, "--course", root)
    for fmt in ("csv", "canvas", "moodle"):
        runs[fmt] = _medialit("export", PS, "--format", fmt, "--course", root, cwd=base)
    runs["feedback-2"] = _medialit("feedback", PS, "--zip", "canvas", "--changed", "--course", root, cwd=base)
    return course, runs, first_zip


def _ok(run) -> tuple[int, str, str]:
    if isinstance(run, tuple):
        return run
    return run.returncode, run.stdout, run.stderr


def test_after_every_step_runs(after):
    _, runs, _ = after
    for step, run in runs.items():
        code, out, err = _ok(run)
        assert code == 0 or step == "collect", (step, out, err)
        assert "Traceback" not in err, step


def test_after_a_zip_without_the_utf8_flag_brings_in_the_late_enrollee(after):
    course, runs, _ = after
    from medialit.grading.collect import collect_record

    _, out, err = _ok(runs["collect"])
    assert "collected 2 submission(s): s08, s09" in out, out
    assert "not recognised" not in out + err and "Émile Zoubir" not in out + err  # not named as missing
    files = collect_record(course, PS, "s09")["files"]
    assert files[f"{PS}.ipynb"]["from"].startswith("zoubirémile_78905_"), files
    lines = {line.split("  ")[0]: line for line in _ok(runs["autograde-1"])[1].splitlines()}
    assert "16 / 16" in lines["Émile Zoubir (s09)"] and "16 / 16" in lines["Pia Rossi (s08)"]


def test_after_overrides_survive_autograde_and_reach_every_export(after):
    course, runs, _ = after
    lines = {line.split("  ")[0]: line for line in _ok(runs["autograde-2"])[1].splitlines()}
    assert "12 / 16" in lines["Nia Okafor (s06)"] and "15 / 16" in lines["Kim Lee (s02)"]
    rows = _csv(course.root / "exports" / f"{PS}-csv.csv").set_index("student_id")
    assert float(rows.at["s06", "score"]) == 12 and rows.at["s06", "status"] == "graded"
    assert "answers shown on her laptop in class" in rows.at["s06", "override"]
    assert "blank submission" in rows.at["s06", "reason"]  # what the teacher settled is still said
    assert rows.at["s07", "status"] == "graded" and float(rows.at["s07", "score"]) == 16
    assert "flag accepted by the teacher: deleted a check cell by mistake" in rows.at["s07", "reason"]
    assert float(rows.at["s02", "score"]) == 15 and rows.at["s02", "needs_manual_grade"] == "False"
    canvas = _csv(course.root / "exports" / f"{PS}-canvas.csv").set_index("SIS Login ID")
    assert float(canvas.loc["s06"].iloc[-1]) == 12
    notes = _csv(course.root / "exports" / f"{PS}-canvas-notes.csv").set_index("student_id")
    assert "answers shown on her laptop in class" in notes.at["s06", "note"]
    moodle = _csv(course.root / "exports" / f"{PS}-moodle.csv").set_index("ID number")
    assert "answers shown on her laptop in class" in moodle.loc["s06"].iloc[-1]
    out = _ok(runs["overrides"])[1]
    assert "Nia Okafor (s06): score set on" in out and "0 -> 12 / 16" in out
    assert "Omar Haddad (s07): flag accepted on" in out and "Kim Lee (s02): part sources set on" in out


def test_after_overrides_are_in_the_gradebook_for_formgrader(after):
    from nbgrader.api import Gradebook

    course, _, _ = after
    with Gradebook(course.db_url, course.course_id) as gb:
        assert gb.find_grade("sources-score", PS, PS, "s02").manual_score == 5
        assert "p6s1's source named wrongly" in gb.find_comment("sources-answer", PS, PS, "s02").manual_comment
        nia = gb.find_submission_notebook(PS, PS, "s06")
        assert sum(g.score for g in nia.grades) == 12
        assert any("answers shown on her laptop" in (c.manual_comment or "") for c in nia.comments)


def test_after_regrade_requests_reach_the_teacher_as_a_list(after):
    course, runs, _ = after
    _, out, _ = _ok(runs["regrades"])
    assert "read 2 new regrade request(s)" in out
    assert "30000 bytes, more than a request" in out and "no roster student has lms_id 11111" in out
    table = _csv(course.root / "exports" / f"{PS}-regrades.csv").set_index("number")
    assert table.loc["1", ["student", "status"]].tolist() == ["Nia Okafor (s06)", "answered"]
    assert table.at["1", "what"] == "I did answer every part" and "& I can show them" in table.at["1", "why"]
    jose = table.loc["2"]
    assert jose["student"] == "José Muñoz Ørsted (s01)" and jose["status"] == "closed"
    assert jose["what"] == "p2s1 should be attribution <script>alert(1)</script>"  # kept as text
    assert jose["why"] == "'=cmd|' /C calc'!A0 it says who said it", "a formula in a request is written as text"
    assert jose["part"].startswith("Part A")
    assert "0 open" in _ok(runs["list"])[1]


def test_after_pages_show_the_reasons_and_answers(after):
    course, _, _ = after
    nia = _page(course, "s06")
    assert "Your teacher changed your score: 0 → 12 out of 16." in nia and "answers shown on her laptop" in nia
    assert "under review" not in nia and "changed your score (see the top of this page)" in nia
    omar = _page(course, "s07")
    assert "accepted it as it is" in omar and "deleted a check cell by mistake" in omar
    jose = _page(course, "s01")
    assert "kept the score. Why: p2s1 is background" in jose
    assert "<script>alert" not in jose and "&lt;script&gt;alert(1)&lt;/script&gt;" in jose  # shown, escaped
    for student in ("s01", "s02", "s06", "s07", "s09"):
        assert "<script" not in _page(course, student)
    assert "Think a part was graded wrong?" in jose and "Regrade requests" in jose


def test_after_feedback_changed_sends_only_the_changed_pages(after):
    course, runs, first = after
    _, out, _ = _ok(runs["feedback-2"])
    with zipfile.ZipFile(course.root / "exports" / f"{PS}-feedback-canvas.zip") as archive:
        sent = sorted(re.sub(r"_\d+_\d+_.*", "", n) for n in archive.namelist())
    assert sent == sorted(["leekim_late", "muñozørstedjosé", "okafornia", "haddadomar"]), sent
    assert "left out 3 page(s) unchanged since the zip of" in out, out
    for name in ("Lena Ortiz (s05)", "Pia Rossi (s08)", "Émile Zoubir (s09)"):
        assert name in out.split("left out")[1]
    import io

    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert len(archive.namelist()) == 7  # every student collected from Canvas, the first time


def test_after_bad_override_input_says_what_to_do(after):
    course, _, _ = after
    root = str(course.root)
    cases = [
        (("override", "s99", PS, "--points", "3", "--reason", "x"), "no student 's99' on the course roster"),
        (("override", "s05", PS, "--points", "17", "--reason", "x"), "out of range: ps1-sources is worth 0 to 16"),
        (("override", "s05", PS, "--points", "3", "--reason", "  "), 'give a reason with --reason "..."'),
        (("override", "s05", "ps9-nothing", "--points", "3", "--reason", "x"), "Unknown assignment 'ps9-nothing'"),
        (("override", "s05", PS, "--part", "nope", "--points", "1", "--reason", "x"), "its parts are: labels"),
        (("override", "s05", PS, "--accept-flag", "--reason", "x"), "not flagged: there is no flag to accept"),
        (("regrades", PS, "--close", "9", "--reason", "x"), "has no regrade request 9"),
    ]
    for argv, message in cases:
        code, out, err = _in_process(*argv, "--course", root)
        assert code == 1 and message in err, (argv, out, err)
        assert "Traceback" not in err


def test_after_clear_puts_the_automatic_score_back(after, tmp_path):
    from nbgrader.api import Gradebook

    from medialit.reports.classdata import grade_table

    course = Course(shutil.copytree(after[0].root, tmp_path / "course"))
    code, out, err = _in_process("override", "s06", PS, "--clear", "--course", str(course.root))
    assert code == 0 and "override cleared; the automatic score counts again (0)" in out, (out, err)
    row = grade_table(course, PS).set_index("student_id").loc["s06"]
    assert row["score"] == 0 and row["status"] == "flagged" and "blank submission" in row["reason"]
    assert row["override"] == "" and not row["needs_manual_grade"]
    with Gradebook(course.db_url, course.course_id) as gb:
        nia = gb.find_submission_notebook(PS, PS, "s06")
        assert all(g.manual_score is None for g in nia.grades)
        assert not any("answers shown on her laptop" in (c.manual_comment or "") for c in nia.comments)
    assert "Nia Okafor" not in _in_process("overrides", PS, "--course", str(course.root))[1]
    history = json.loads((course.root / "overrides" / f"{PS}.json").read_text(encoding="utf-8"))["actions"]
    assert [a["kind"] for a in history if a["student"] == "s06"] == ["points", "clear"]  # the record keeps both
