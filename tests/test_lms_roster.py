"""Rosters from the LMS's own files (issue 25, point 1 and 8): Canvas's gradebook export and Moodle's
participants download initialise a course with one command and no hand edits; `medialit roster`
shows, imports, adds and drops students, keeping each student's id."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from medialit.cli.main import main
from medialit.grading.course import Course
from medialit.grading.roster import read_roster

# Canvas: Grades > Export > Export Entire Gradebook (sortable names, the user id in "ID", a
# "Points Possible" row, newer exports' posting-policy row, and Canvas's Test Student)
CANVAS = [
    ["Student", "ID", "SIS User ID", "SIS Login ID", "Integration ID", "Section", "ps1-sources (48213)",
     "Current Score", "Unposted Current Score", "Final Score"],
    ["    Points Possible", "", "", "", "", "", "16.00", "(read only)", "(read only)", "(read only)"],
    ["", "", "", "", "", "", "Manual Posting", "", "", ""],
    ["O'Brien, Sean", "104211", "", "sobrien@school.example", "", "Media 101", "", "", "", ""],
    ["Núñez, María José", "104212", "S2002", "mnunez", "", "Media 101", "13.75", "85.9", "85.9", "85.9"],
    ["Haddad Jr., Sami", "104213", "", "", "", "Media 101", "", "", "", ""],
    ["van der Berg, Anne-Marie", "104214", "", "", "", "Media 101", "", "", "", ""],
    ["Student, Test", "104299", "", "", "", "Media 101", "", "", "", ""],
]  # fmt: skip
# Moodle: Participants > Select all > "Download table data as" Comma separated values
MOODLE = [
    ["First name", "Last name", "ID number", "Email address", "Roles", "Groups", "Last access to course"],
    ["Seán", "O'Brien", "", "sean@school.example", "Student", "No groups", "3 days 2 hours"],
    ["Ana", "Lima", "20231", "", "Student", "No groups", "Never"],
    ["Zoë", "Ng", "", "zoe.ng@school.example", "Student", "Group A", "1 hour"],
    ["Pat", "Teacher", "", "pat@school.example", "Teacher", "No groups", "now"],
]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_canvas_gradebook_export_initialises_a_course(tmp_path, capsys):
    export = _write(tmp_path / "Grades-Media_101.csv", CANVAS)
    assert main(["course", "init", str(tmp_path / "course"), "--roster", str(export)]) == 0
    err = capsys.readouterr().err
    roster = {s.student_id: s for s in Course(tmp_path / "course").roster()}
    assert set(roster) == {"sobrien", "S2002", "sami.haddad.jr", "anne.marie.van.der.berg"}
    sean = roster["sobrien"]
    assert (sean.first_name, sean.last_name, sean.lms_id, sean.email) == (
        "Sean",
        "O'Brien",
        "104211",
        "sobrien@school.example",
    )
    assert roster["S2002"].first_name == "María José" and roster["S2002"].lms_id == "104212"
    assert "Canvas's Test Student" in err and "read as a Canvas gradebook export: 4 student(s)" in err
    assert "has spaces or odd characters" not in err


def test_moodle_participants_download_initialises_a_course(tmp_path, capsys):
    export = _write(tmp_path / "courseid_7_participants.csv", MOODLE)
    assert main(["course", "init", str(tmp_path / "course"), "--roster", str(export)]) == 0
    err = capsys.readouterr().err
    roster = {s.student_id: s for s in Course(tmp_path / "course").roster()}
    assert set(roster) == {"sean", "20231", "zoe.ng"}  # the email's name, the ID number; the teacher left out
    assert roster["sean"].first_name == "Seán" and roster["sean"].lms_id == ""
    assert "role Teacher" in err and "1 student(s) without an email: Ana Lima (20231)" in err
    assert "matched to students by name" in err


def test_roster_commands_add_drop_import_and_keep_ids(tmp_path, capsys):
    canvas = _write(tmp_path / "canvas.csv", CANVAS)
    root = str(tmp_path / "course")
    assert main(["course", "init", root, "--roster", str(canvas)]) == 0
    # a late enrollee, then a new export naming her too and Sean with a corrected name
    assert (
        main(["roster", "add", "lena", "--first", "Lena", "--last", "Ortiz", "--lms-id", "104215", "--course", root])
        == 0
    )
    assert main(["roster", "add", "lena", "--course", root]) == 1  # already there: said, nothing changed
    later = [*CANVAS, ["Ortiz, Lena", "104215", "", "", "", "Media 101", "", "", "", ""]]
    later[3] = ["O'Brien, Seán", "104211", "", "sobrien@school.example", "", "Media 101", "", "", "", ""]
    capsys.readouterr()
    assert main(["roster", "import", str(_write(tmp_path / "later.csv", later)), "--course", root]) == 0
    out = capsys.readouterr().out
    assert "0 added, 1 updated" in out and "first_name 'Sean' -> 'Seán'" in out
    assert main(["roster", "drop", "S2002", "--course", root]) == 0
    assert main(["roster", "drop", "nobody", "--course", root]) == 1
    capsys.readouterr()
    assert main(["roster", "show", "--course", root]) == 0
    shown = capsys.readouterr().out
    assert "Lena Ortiz" in shown and "María" not in shown and "5 student(s)" not in shown
    ids = [s.student_id for s in read_roster(Path(root) / "roster.csv")]
    assert sorted(ids) == ["anne.marie.van.der.berg", "lena", "sami.haddad.jr", "sobrien"]


@pytest.mark.parametrize(
    "header",
    [
        ["student_id", "first_name", "last_name", "email", "lms_id"],  # the kit's own roster
        ["username", "first_name", "last_name", "email_address", "id_number"],  # Moodle's user-upload columns
    ],
)
def test_the_kits_own_columns_are_not_taken_for_an_lms_export(tmp_path, header):
    path = _write(tmp_path / "r.csv", [header, ["s01", "Kim", "Lee", "kim@school.example", "42"]])
    assert [(s.student_id, s.lms_id) for s in read_roster(path)] == [("s01", "42")]


def test_merge_keeps_two_students_of_the_same_name_apart():
    from medialit.grading.roster import Student
    from medialit.grading.roster_edit import merge

    current = [Student("s01", "Kim", "Lee", "kim@school.example", "100")]
    same_name = Student("kim.lee", "Kim", "Lee", "kim2@school.example", "200")
    roster, added, changed = merge(current, [same_name])
    assert [s.student_id for s in roster] == ["s01", "kim.lee"] and added == [same_name] and changed == []
    moodle = Student("kim", "Kim", "Lee", "kim@school.example", "")  # the same student from Moodle: by email
    roster, added, changed = merge(current, [moodle])
    assert roster == current and added == [] and changed == []
