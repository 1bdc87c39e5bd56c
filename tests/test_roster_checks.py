"""Roster CSVs as spreadsheets really save them: shifted columns, semicolons, extra columns, encodings.

Every refusal names the file, the line and the fix; nothing ends in a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from medialit.cli.main import main
from medialit.grading.roster import RosterError, Student, read_roster

HEADER = "student_id,first_name,last_name,email,lms_id\n"


def _write(tmp_path: Path, text: str | bytes, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def _error(path: Path) -> str:
    with pytest.raises(RosterError) as info:
        read_roster(path)
    return str(info.value)


def test_an_unquoted_comma_in_a_name_is_caught_as_shifted_columns(tmp_path):
    path = _write(
        tmp_path,
        HEADER + "s01,Ana,Silva,ana@school.example,101\ns02,Chloe,Haddad, Jr.,chloe@school.example,103\n",
    )
    message = _error(path)
    assert message.startswith(f"{path}:3: 6 values for 5 columns, so the columns are shifted")
    assert "'chloe@school.example'" in message  # the row is shown
    assert 'put that value in double quotes ("Haddad, Jr.") or remove the comma' in message


def test_a_quoted_comma_is_fine(tmp_path):
    path = _write(tmp_path, HEADER + 's02,Chloe,"Haddad, Jr.",chloe@school.example,103\n')
    assert read_roster(path) == [Student("s02", "Chloe", "Haddad, Jr.", "chloe@school.example", "103")]


def test_an_email_in_the_lms_id_column_is_caught_even_with_the_right_number_of_values(tmp_path):
    """A comma in a name in a file whose header has a spare column: the count alone cannot tell."""
    path = _write(
        tmp_path,
        "student_id,first_name,last_name,email,lms_id,section\n"
        "s01,Ana,Silva,ana@school.example,101,A\n"
        "s02,Chloe,Haddad, Jr.,chloe@school.example,103\n",
    )
    message = _error(path)
    assert f"{path}:3:" in message
    assert "the lms_id column holds 'chloe@school.example', which looks like an email address" in message
    assert "the columns seem shifted" in message


def test_a_missing_value_is_caught(tmp_path):
    path = _write(tmp_path, HEADER + "s01,Ana,ana@school.example,101\n")
    message = _error(path)
    assert f"{path}:2:" in message and "the last_name column holds 'ana@school.example'" in message
    assert "leaving a cell empty when there is none" in message
    path = _write(tmp_path, HEADER + "s01,Ana,Silva,101\n")  # no email: the LMS id moved into its place
    assert _error(path).startswith(f"{path}:2: the email column holds '101', which looks like an id")


def test_an_odd_email_only_gets_a_note(tmp_path):
    path = _write(tmp_path, HEADER + "s01,Ana,Silva,n/a,101\n")
    notes: list[str] = []
    assert read_roster(path, notes=notes) == [Student("s01", "Ana", "Silva", "n/a", "101")]
    assert notes == [f"{path}:2: the email 'n/a' has no '@'; kept as it is"]


def test_trailing_empty_cells_are_not_a_shift(tmp_path):
    path = _write(tmp_path, HEADER + "s01,Ana,Silva,,,,\n")
    assert read_roster(path) == [Student("s01", "Ana", "Silva")]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "excel-csv-utf8-bom"])
def test_semicolons_as_european_excel_saves_them_are_read_with_a_note(tmp_path, bom):
    text = "student_id;first_name;last_name;email;lms_id\r\ns01;José;Muñoz Ørsted, Jr.;jose@school.example;23456\r\n"
    path = _write(tmp_path, bom + text.encode("utf-8"))
    notes: list[str] = []
    assert read_roster(path, notes=notes) == [
        Student("s01", "José", "Muñoz Ørsted, Jr.", "jose@school.example", "23456")
    ]
    assert notes == [
        f"{path}: the columns are separated by semicolons (';', as Excel saves 'CSV' in many European locales); "
        "read it that way"
    ]


def test_tabs_are_read_with_a_note(tmp_path):
    path = _write(tmp_path, "student_id\tfirst_name\tlms_id\ns01\tAna\t101\n")
    notes: list[str] = []
    assert read_roster(path, notes=notes) == [Student("s01", "Ana", lms_id="101")]
    assert "separated by tabs" in notes[0]


def test_a_shifted_row_in_a_semicolon_file_names_the_semicolon(tmp_path):
    path = _write(tmp_path, "student_id;first_name;last_name\ns01;Ana;Silva;Jr.\n")
    assert "remove the semicolon" in _error(path)


def test_ignored_columns_are_named(tmp_path):
    path = _write(tmp_path, "Student ID,Section,First Name,Last Name,Notes,Canvas ID,,\ns01,A,Ana,Silva,,101,,\n")
    notes: list[str] = []
    assert read_roster(path, notes=notes) == [Student("s01", "Ana", "Silva", "", "101")]
    assert notes == [
        f"{path}:1: ignored column(s) 'Section', 'Notes' (the kit reads student_id, first_name, last_name, email, "
        "lms_id)"
    ]


def test_no_note_for_a_plain_roster(tmp_path):
    path = _write(tmp_path, HEADER + "s01,Ana,Silva,ana@school.example,101\n")
    notes: list[str] = []
    read_roster(path, notes=notes)
    assert notes == []


def test_a_duplicate_lms_id_is_refused(tmp_path):
    path = _write(tmp_path, HEADER + "s01,Ana,Silva,,101\ns02,Ben,Novak,,101\n")
    assert _error(path) == (
        f"{path}:3: LMS id '101' is also on line 2; each student has their own LMS id (downloads are matched by it): "
        "correct one of them or leave it empty"
    )


def test_line_numbers_count_lines_of_the_file(tmp_path):
    """A quoted value over two lines, and blank lines, do not shift the line numbers in messages."""
    path = _write(tmp_path, HEADER + '\ns01,Ana,"Silva\nSouza",,101\n\ns02,Ben,Novak,102,\n')
    assert _error(path).startswith(f"{path}:6: the email column holds '102'")


def test_a_latin1_file_names_the_line_and_how_to_save_it(tmp_path):
    path = _write(tmp_path, (HEADER + "s01,Ana,Silva,,101\ns02,José,Muñoz,,102\n").encode("cp1252"))
    message = _error(path)
    assert message.startswith(f"{path}:3: not UTF-8 text (byte 0xe9")
    assert "'CSV UTF-8 (Comma delimited)'" in message


def test_utf16_is_refused_with_the_fix(tmp_path):
    path = _write(tmp_path, (HEADER + "s01,Ana,Silva,,101\n").encode("utf-16"))
    assert "saved as UTF-16" in _error(path) and "CSV UTF-8" in _error(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "the file is empty; it needs a header line"),
        ("\n\n,,,\n", "the file has no values"),
        ("name,email\nAna,ana@x\n", ":1: no student id column; name one of the columns 'student_id'"),
    ],
)
def test_empty_and_headerless_files(tmp_path, content, expected):
    assert expected in _error(_write(tmp_path, content))


def test_a_folder_or_a_missing_file_is_a_message(tmp_path):
    assert _error(tmp_path) == f"{tmp_path}: is a folder; give the roster CSV file itself"
    assert "file not found; check the path" in _error(tmp_path / "nope.csv")


def test_course_init_prints_the_notes_and_refuses_clearly(tmp_path, capsys):
    good = _write(tmp_path, "student_id;first_name;Section\ns01;Ana;B\n", "semi.csv")
    assert main(["course", "init", str(tmp_path / "c1"), "--roster", str(good)]) == 0
    captured = capsys.readouterr()
    assert "NOTE: " in captured.err and "separated by semicolons" in captured.err
    assert "ignored column(s) 'Section'" in captured.err
    assert "roster: 1 student(s)" in captured.out
    bad = _write(tmp_path, HEADER + "s02,Chloe,Haddad, Jr.,chloe@school.example,103\n", "bad.csv")
    assert main(["course", "init", str(tmp_path / "c2"), "--roster", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"error: {bad}:2: 6 values for 5 columns" in err and "Traceback" not in err
    assert not (tmp_path / "c2").exists()
