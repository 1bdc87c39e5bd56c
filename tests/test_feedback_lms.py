"""Feedback reaches students: LMS feedback zips named by the LMSs' own import rules, and student-facing pages.

The zips are read back by small re-implementations of the LMSs' own import code (not by the
kit's code), read from their open-source code:

Moodle, moodle/moodle ``mod/assign/feedback/file/importziplib.php``
(commit 0203d8f26027201de1d7d1ec8d8aa3cdcc4f5d5d): ``assignfeedback_file_zip_importer::
is_valid_filename_for_import`` skips folders and names starting with ``.`` or ``~``, splits
``filepath . filename`` (extracted under ``/import/``) at ``/``, and each part with
``explode('_', $pathpart, 5)``: fewer than 4 pieces, a non-numeric second piece, a participant id
not of this assignment (``get_uniqueid_for_user``) or an unknown plugin ``(info[2], info[3])`` go on
to the next part; the rest of the part and the following parts are the file's name. ``import_zip_files``
then stores a name without a folder at ``/`` (``pathinfo`` dirname ``.``), skipping a file that has
the name and content of a file the student submitted (``is_file_modified``). Moodle's own test
(``mod/assign/feedback/file/tests/importziplib_test.php``, commit 2d6977e11fcfcadbcc7e51d0782f4475c1e499a7)
accepts ``'Student Name_' . $studentid . '_assignsubmission_file_My_cool_filename.txt'``.

Canvas, instructure/canvas-lms ``app/models/assignment.rb`` (commit 0041d8beba79b925fef43de3fda910e0a0d1a5f4,
``Assignment#generate_comments_from_files``; the stored later copy adds the checks quoted below):
``#infer_comment_context_from_filename`` takes ``File.basename``, ``filename.split('_')``,
``user_id, attachment_id = split_filename.grep(/^\\d+$/).take(2)``, drops the attachment when the
last piece starts with ``link`` or the name with ``._``, and ignores the file unless the user has a
submission, the attachment exists, the user may read it and
``submission.attachments.where(:id => attachment_id).exists?``. The comment's file gets
``attachment.display_name``, the name of the submitted file (``FileInContext.attach``).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import nbformat
import pytest
from test_collect_lms import canvas_entry, moodle_entry

from medialit.cli.demo import answers_file, gold_answers
from medialit.cli.main import main
from medialit.grading.autograde import autograde
from medialit.grading.collect import collect_exchange, collect_lms, submit_to_exchange
from medialit.grading.course import Course, CourseError
from medialit.grading.roster import Student, write_roster
from medialit.grading.status import FAILED, FLAGGED
from medialit.reports.feedback import student_reason, write_feedback
from medialit.reports.feedback_zip import feedback_zip

PS = "ps1-sources"
ROSTER = [
    Student("s01", "José", "Muñoz Ørsted", "jose@school.example", "23456"),
    Student("s02", "Kim", "Lee", "kim@school.example", "34567"),
    Student("s03", "Zoë", "Ng", "zoe@school.example", ""),
    Student("s04", "Anne_Marie", "van der Berg", "am@school.example", ""),  # '_' in a name: Moodle writes ' '
    Student("s05", "Omar", "Haddad", "omar@school.example", "45678"),
    Student("s06", "Ines", "Costa", "ines@school.example", "56789"),  # tampered notebook (Canvas)
    Student("s07", "Hugo", "Petit", "hugo@school.example", ""),  # corrupt notebook, no answers (Moodle)
]
SORTABLE = {"s01": "Muñoz Ørsted, José", "s02": "Lee, Kim", "s06": "Costa, Ines"}
ATTACHMENTS = {"s01": (7001, 7002), "s02": (7003, 7004), "s06": (7005, 7006)}  # (notebook, answers file)
PARTICIPANTS = {901: "s03", 902: "s04", 903: "s07"}  # Moodle's per-assignment participant ids
MOODLE_FULL = {"s03": "Zoë Ng", "s04": "Anne_Marie van der Berg", "s07": "Hugo Petit"}
UID = {s.student_id: int(s.lms_id or 0) for s in ROSTER}


def _text(path: Path) -> str:
    markup = re.sub(r"<style>.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    """Canvas (s01, s02 late, s06 tampered), Moodle (s03, s04, s07 corrupt), the exchange (s05); all graded."""
    base = tmp_path_factory.mktemp("feedback-lms")
    write_roster(base / "roster.csv", ROSTER)
    course = Course.init(base / "course", roster=base / "roster.csv")
    course.release(PS, to="exchange")
    notebook = (course.root / "release" / PS / f"{PS}.ipynb").read_bytes()
    gold = json.loads(answers_file(PS, gold_answers(course, PS)))
    spoiled = {**gold, "answers": {**gold["answers"], "labels": dict.fromkeys(gold["answers"]["labels"], "framing")}}
    answers = json.dumps(spoiled).encode()  # mostly wrong labels: a part with a real score below its maximum
    tampered = nbformat.reads(notebook.decode(), as_version=4)
    tampered.cells = [c for c in tampered.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "labels-score"]
    canvas = base / "canvas.zip"
    with zipfile.ZipFile(canvas, "w") as archive:
        for student in ("s01", "s02", "s06"):
            nb = nbformat.writes(tampered).encode() if student == "s06" else notebook
            nb_id, answers_id = ATTACHMENTS[student]
            late = student == "s02"
            archive.writestr(canvas_entry(SORTABLE[student], UID[student], nb_id, f"{PS}.ipynb", late), nb)
            archive.writestr(
                canvas_entry(SORTABLE[student], UID[student], answers_id, f"{PS}.answers.json", late), answers
            )
    moodle = base / "moodle.zip"
    with zipfile.ZipFile(moodle, "w") as archive:
        for participant, student in PARTICIPANTS.items():
            if student == "s07":
                archive.writestr(moodle_entry(MOODLE_FULL[student], participant, f"{PS}.ipynb"), b"{not json")
                continue
            folders = student == "s03"  # s03 in Moodle's folders, s04 as flat files
            for name, data in ((f"{PS}.ipynb", notebook), (f"{PS}.answers.json", answers)):
                archive.writestr(moodle_entry(MOODLE_FULL[student], participant, name, folders=folders), data)
    home = base / "home" / PS
    home.mkdir(parents=True)
    (home / f"{PS}.ipynb").write_bytes(notebook)
    (home / f"{PS}.answers.json").write_bytes(answers)
    submit_to_exchange(course, PS, "s05", home)
    collect_exchange(course, PS)
    collect_lms(course, PS, canvas)
    collect_lms(course, PS, moodle)
    statuses = autograde(course, PS, jobs=1, progress=False)
    pages = write_feedback(course, PS)
    return course, statuses, pages


# ---------------------------------------------------------------- Moodle's importer, re-implemented

MOODLE_PLUGINS = {  # assign::get_plugin_by_type: core submission and feedback plugins
    ("assignsubmission", "file"),
    ("assignsubmission", "onlinetext"),
    ("assignsubmission", "comments"),
    ("assignfeedback", "file"),
    ("assignfeedback", "comments"),
    ("assignfeedback", "editpdf"),
    ("assignfeedback", "offline"),
}


def _php_is_numeric(text: str) -> bool:
    return re.fullmatch(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*", text) is not None


def moodle_import(entry: str, participants: dict[int, str]) -> tuple[str, str, str] | None:
    """(student, filepath, filename) Moodle stores a zip entry as, or None when it ignores it."""
    if entry.endswith("/"):
        return None  # a folder
    if PurePosixPath(entry).name.startswith((".", "~")):
        return None  # hidden files
    path_parts = ("/import/" + entry).split("/")
    while path_parts:
        info = path_parts.pop(0).split("_", 4)  # explode('_', $pathpart, 5)
        if len(info) < 4 or not _php_is_numeric(info[1]):
            continue
        student = participants.get(int(float(info[1])))
        if student is None or (info[2], info[3]) not in MOODLE_PLUGINS:
            continue
        path_parts.insert(0, info[4] if len(info) == 5 else "")
        filename = "/".join(path_parts)
        folder = str(PurePosixPath(filename).parent)
        if folder == ".":  # import_zip_files: a name without a folder is stored at /
            return student, "/", filename
        return student, folder + "/", PurePosixPath(filename).name
    return None


# ---------------------------------------------------------------- Canvas's importer, re-implemented


def canvas_import(entry: str, submissions: dict[int, dict[int, str]]) -> tuple[int, str] | None:
    """(user id, the comment file's display name) Canvas makes of a zip entry, or None when it ignores it.

    ``submissions``: user id -> {attachment id: display name} of the files that user submitted.
    """
    filename = PurePosixPath(entry).name
    split_filename = filename.split("_")
    numbers = [p for p in split_filename if re.fullmatch(r"\d+", p)]
    user_id, attachment_id = (numbers + [None, None])[:2]
    if split_filename[-1].startswith("link") or filename.startswith("._"):
        attachment_id = None
    attachments = submissions.get(int(user_id)) if user_id else None
    if attachments is None or attachment_id is None or int(attachment_id) not in attachments:
        return None  # no submission, no attachment, or not one of this user's submitted files
    return int(user_id), attachments[int(attachment_id)]


def test_the_parsers_follow_the_lms_rules():
    """Checked against the LMSs' own examples before they judge the kit's zips."""
    good = "Student Name_42_assignsubmission_file_My_cool_filename.txt"
    assert moodle_import(good, {42: "x"}) == ("x", "/", "My_cool_filename.txt")
    assert moodle_import("some_path_here/Student Name_42_assignsubmission_file_/some_path/My File.txt", {42: "x"}) == (
        "x",
        "/some_path/",
        "My File.txt",
    )
    assert moodle_import("Student Name_StringID_assignsubmission_file_a.txt", {42: "x"}) is None
    assert moodle_import("Student Name_142_assignsubmission_file_a.txt", {42: "x"}) is None
    assert moodle_import("Student Name_42_assignsubmission_noplugin_a.txt", {42: "x"}) is None
    assert moodle_import(".hidden", {42: "x"}) is None and moodle_import("~hidden", {42: "x"}) is None
    assert moodle_import("Student_Name_42_assignsubmission_file_a.txt", {42: "x"}) is None  # '_' in the name
    subs = {34567: {790: f"{PS}.ipynb"}}
    assert canvas_import(canvas_entry("Lee, Kim", 34567, 790, f"{PS}.html", late=True), subs) == (34567, f"{PS}.ipynb")
    assert canvas_import(canvas_entry("Lee, Kim", 34567, 791, f"{PS}.html"), subs) is None  # not her file
    assert canvas_import("leekim_34567_link.html", subs) is None


# ---------------------------------------------------------------- the zips


def test_moodle_zip_gives_each_page_to_its_student(week, tmp_path):
    course, _, pages = week
    done = feedback_zip(course, PS, "moodle", pages, tmp_path / "moodle.zip")
    assert sorted(done.entries) == ["s03", "s04", "s07"]
    # the prefix Moodle's own download gave the student (folders or flat), '_' in a name made a space
    assert done.entries["s04"] == f"Anne Marie van der Berg_902_assignsubmission_file_{PS}-feedback.html"
    assert done.entries["s03"] == f"Zoë Ng_901_assignsubmission_file_{PS}-feedback.html"
    with zipfile.ZipFile(done.path) as archive:
        assert sorted(archive.namelist()) == sorted(done.entries.values())
        for name in archive.namelist():
            student, folder, filename = moodle_import(name, PARTICIPANTS)
            assert (folder, filename) == ("/", f"{PS}-feedback.html")
            assert done.entries[student] == name
            page = course.root / "feedback" / student / PS / f"{PS}.html"
            assert archive.read(name) == page.read_bytes()
            assert filename not in (f"{PS}.ipynb", f"{PS}.answers.json")  # never "unchanged" (is_file_modified)
    left = "\n".join(done.left_out)
    assert "Kim Lee (s02): collected from Canvas, not from a Moodle download (upload by hand)" in left
    assert "Omar Haddad (s05): collected from nbgrader's exchange" in left
    assert f"nbgrader release_feedback {PS} delivers it" in left
    assert any("Upload multiple feedback files in a zip" in step for step in done.steps)
    assert any("File feedback" in step for step in done.steps)


def test_canvas_zip_keeps_the_download_names(week, tmp_path):
    course, _, pages = week
    done = feedback_zip(course, PS, "canvas", pages, tmp_path / "canvas.zip")
    assert sorted(done.entries) == ["s01", "s02", "s06"]
    assert done.entries["s02"] == f"leekim_LATE_34567_7003_{PS}-feedback.html"  # late marker kept, as downloaded
    assert done.entries["s01"] == f"muñozørstedjosé_23456_7001_{PS}-feedback.html"
    submissions = {
        UID[s]: {nb: f"{PS}.ipynb", answers: f"{PS}.answers.json"} for s, (nb, answers) in ATTACHMENTS.items()
    }
    by_uid = {uid: s for s, uid in UID.items()}
    with zipfile.ZipFile(done.path) as archive:
        assert sorted(archive.namelist()) == sorted(done.entries.values())
        for name in archive.namelist():
            user_id, shown = canvas_import(name, submissions)
            student = by_uid[user_id]
            assert done.entries[student] == name and shown == f"{PS}.ipynb"  # the notebook's attachment
            assert archive.read(name) == (course.root / "feedback" / student / PS / f"{PS}.html").read_bytes()
    assert any(line.startswith("Zoë Ng (s03): collected from Moodle") for line in done.left_out)
    assert any("Re-Upload Submissions" in step for step in done.steps)
    assert any(f"after the submitted file it points to ({PS}.ipynb)" in step for step in done.steps)


def test_a_submission_replaced_after_collect_is_left_out(week, tmp_path):
    course, _, pages = week
    stamp = course.submission_dir(PS, "s01") / "timestamp.txt"
    before = stamp.read_text(encoding="utf-8")
    try:
        stamp.write_text("2026-02-01 10:00:00.000000", encoding="utf-8")  # replaced by hand
        done = feedback_zip(course, PS, "canvas", pages, tmp_path / "c.zip")
    finally:
        stamp.write_text(before, encoding="utf-8")
    assert "s01" not in done.entries
    assert any(line.startswith("José Muñoz Ørsted (s01): no record of where") for line in done.left_out)


def test_cli_writes_the_zip_and_says_who_is_not_in_it(week, capsys):
    course, _, _ = week
    assert main(["feedback", PS, "--zip", "moodle", "--course", str(course.root)]) == 0
    out = capsys.readouterr().out
    # the exchange's student gets nbgrader's route; the LMS students (no submission secret) are left out of it
    command = f"nbgrader release_feedback {PS} --CourseDirectory.student_id_exclude=s01,s02,s03,s04,s06,s07"
    assert f"  {command}\n" in out
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *command.split()[1:]], cwd=course.root, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Releasing feedback for student 's05'" in done.stderr
    assert len(list((course.course_exchange / "feedback").glob("*.html"))) == 1
    path = course.root / "exports" / f"{PS}-feedback-moodle.zip"
    assert f"wrote {path} (3 page(s) for Moodle)" in out
    assert "  not in the zip: José Muñoz Ørsted (s01): collected from Canvas, not from a Moodle download" in out
    assert "To upload it:" in out and "  1. In Moodle" in out
    with pytest.raises(CourseError, match="No feedback pages for ps2-numbers yet"):
        feedback_zip(course, "ps2-numbers", "canvas")


# ---------------------------------------------------------------- the pages students read


def _sections(path: Path) -> list[str]:
    markup = path.read_text(encoding="utf-8")
    return re.findall(r"<section>(.*?)</section>", markup, flags=re.S)


def test_one_score_scale_per_part(week):
    course, _, _ = week
    page = course.root / "feedback" / "s01" / PS / f"{PS}.html"
    sections = _sections(page)
    assert len(sections) == 2
    worth = {"Part A": 10, "Part B": 6}
    for section in sections:
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())
        scales = re.findall(r"(\d+(?:\.\d+)?) / (\d+(?:\.\d+)?)", text)
        assert len(scales) == 1, text[:300]  # the part's points in its heading, no widget's raw "15 / 19"
        part = next(p for p in worth if text.startswith(p))
        assert float(scales[0][1]) == worth[part]
        assert "Score:" not in text and "Your answers:" in text
    labels = " ".join(re.sub(r"<[^>]+>", " ", sections[0]).split())
    assert re.search(r"Part A — Label every sentence \d+(\.\d+)? / 10", labels)
    assert float(re.search(r"(\d+(?:\.\d+)?) / 10", labels).group(1)) < 10  # the spoiled labels lost points


def test_a_flagged_page_names_parts_not_internal_ids(week):
    course, statuses, _ = week
    assert statuses["s06"].status == FLAGGED and "labels-score: test cell was deleted" in statuses["s06"].reason
    text = _text(course.root / "feedback" / "s06" / PS / f"{PS}.html")
    assert "Graded, under review." in text
    assert "in “Part A — Label every sentence”: a locked grading cell was deleted" in text
    for internal in ("labels-score", "test cell", "restored", "master's version"):
        assert internal not in text, internal
    for path in (course.root / "feedback").glob(f"*/{PS}/{PS}.html"):  # no grade id on any student's page
        assert not re.search(r"\b[a-z]+-(score|answer|rubric|complete|show)\b", _text(path)), path


def test_a_failed_page_agrees_with_itself(week):
    course, statuses, _ = week
    assert statuses["s07"].status == FAILED and "ask for it again" in statuses["s07"].reason
    text = _text(course.root / "feedback" / "s07" / PS / f"{PS}.html")
    assert "Score: not graded (out of 16 points)" in text and "Not graded." in text
    assert "no usable answers file came with it either" in text
    what_to_do = text.split("What to do:", 1)[1]
    assert f"Your answers are saved on your computer in {PS}.answers.json" in what_to_do
    assert f"submit the notebook together with {PS}.answers.json again" in what_to_do
    for teacher_only in ("ask for it again", "Nothing is lost", "the earlier result is kept"):
        assert teacher_only not in text
    assert "Score: 0" not in text and "This is not a zero" in text


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        ("labels-score: test cell was deleted (restored and run)", "in “Part A”: a locked grading cell was deleted"),
        ("x.ipynb is empty (0 bytes); the earlier result is kept", "x.ipynb is empty (0 bytes)"),
        ("the grading process crashed; run autograde again for this student", "the grading process crashed"),
        (
            "no answers were saved: 0 points for labels, sources",
            "no answers were saved: 0 points for “Part A”, “Part B”",
        ),
        (
            "nbgrader metadata was stripped from 2 cell(s) (restored from the release): labels-score, setup",
            "the grading marks were removed from 2 cell(s)",
        ),
        (
            "setup: read-only cell was edited (the master's version is used)",
            "in your notebook: a locked cell was changed",
        ),
        ("cells were reordered (put back in order)", "cells were moved out of their order"),
    ],
)
def test_student_wording_of_a_teachers_reason(reason, shown):
    assert student_reason(reason, {"labels": "Part A", "sources": "Part B"}) == shown
