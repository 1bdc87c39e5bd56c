"""Grade exports are spreadsheet-safe and hold only the roster's students (issue 23, door "exports").

A class is built, graded and exported with the CLI (``course init --roster``, ``release``,
``autograde``, ``export --format csv|canvas|moodle``). The roster holds names a spreadsheet would
evaluate (``=HYPERLINK(...)``, ``+1``, ``-2+3``, ``@SUM(A1)``, tab- and CR-led names); one student's
reason starts with a formula (a tampered cell id); a teacher gave one student -1.5 by hand; and a
student who is not on the roster was planted in the gradebook. Every file is read back with the
csv module: no cell starts with a formula character (OWASP's list) unless behind a single quote,
the names are intact behind it, numbers are plain numbers, and the planted student is only listed
for the teacher (the command's output, the notes), never exported.
"""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from medialit.cli.demo import answers_file, gold_answers
from medialit.cli.main import main
from medialit.grading.course import Course
from medialit.grading.roster import read_roster
from medialit.grading.spreadsheet import TRIGGERS, read_cell, safe_cell, safe_frame

PS = "ps1-sources"
HYPERLINK = '=HYPERLINK("http://x","y")'
EVIL_ID = '=HYPERLINK("http://evil.example","grade")'
# student id -> (first name, last name, email, lms id), as the teacher's roster file has them
ROSTER = {
    "s01": (HYPERLINK, "Ames", "s01@school.example", "1001"),
    "s02": ("+1", "-2+3", "s02@school.example", "1002"),
    "s03": ("Cy", "Cole", "@SUM(A1)", "1003"),  # an '@' in a name is refused as shifted columns
    "s04": ("\tTab", "\rReturn", "-s04@school.example", "1004"),
    "s05": ("Dana", "Diaz", "dana@school.example", "1005"),
}
STRANGER = "mallory"  # submitted, graded, not on the roster
FORMATS = ("csv", "canvas", "moodle")


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(args))
    return code, out.getvalue()


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _records(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    base = tmp_path_factory.mktemp("exports")
    with (base / "roster.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "first_name", "last_name", "email", "lms_id"])
        writer.writerows([sid, *values] for sid, values in ROSTER.items())
    root = base / "course"
    assert _run("course", "init", str(root), "--roster", str(base / "roster.csv"))[0] == 0
    assert _run("release", PS, "--to", "folder", "--course", str(root))[0] == 0
    course = Course(root)
    release = course.released_notebook(PS).read_text(encoding="utf-8")
    answers = answers_file(PS, gold_answers(course, PS))
    tampered = nbformat.reads(release, as_version=4)
    meta = {"grade": True, "grade_id": EVIL_ID, "locked": True, "points": 100, "schema_version": 3}
    tampered.cells.append(nbformat.v4.new_code_cell("assert True", metadata={"nbgrader": meta}))
    for student in [*ROSTER, STRANGER]:
        notebook = nbformat.writes(tampered) if student == "s02" else release
        course.add_submission(PS, student, {f"{PS}.ipynb": notebook, f"{PS}.answers.json": answers})
    assert _run("autograde", PS, "--course", str(root), "--quiet", "--jobs", "2")[0] == 0
    with Gradebook(course.db_url, course.course_id) as gb:  # the teacher takes points off s05 by hand: -1.5 in all
        gb.find_grade("labels-score", PS, PS, "s05").manual_score = -1.5
        gb.find_grade("sources-score", PS, PS, "s05").manual_score = 0
        gb.db.commit()
    outputs = {}
    for fmt in FORMATS:
        code, text = _run("export", PS, "--format", fmt, "--lms-id", "77", "--bom", "--course", str(root))
        assert code == 0, text
        outputs[fmt] = text
    return course, outputs


def _files(course: Course) -> dict[str, Path]:
    return {p.name: p for p in sorted(course.exports_dir.glob("*.csv"))}


def test_every_file_has_no_formula_cell(exported):
    course, _ = exported
    files = _files(course)
    assert set(files) == {f"{PS}-{fmt}.csv" for fmt in FORMATS} | {f"{PS}-{fmt}-notes.csv" for fmt in FORMATS}
    numeric = {"score", "max_score", "percent", PS, f"{PS} (77)"}  # the grade columns: numbers, written as numbers
    for name, path in files.items():
        rows = _rows(path)
        for line, row in enumerate(rows[1:], 2):
            for column, cell in zip(rows[0], row, strict=True):
                if column in numeric and cell:
                    float(cell)  # a number, never text
                else:
                    assert not cell.startswith(TRIGGERS), (name, line, column, cell)
        assert not any(cell.startswith(TRIGGERS) for cell in rows[0]), (name, rows[0])


def test_names_are_kept_behind_a_single_quote(exported):
    course, _ = exported
    files = _files(course)
    plain = {r["student_id"]: r for r in _records(files[f"{PS}-csv.csv"])}
    assert plain["s01"]["first_name"] == "'" + HYPERLINK
    assert (plain["s02"]["first_name"], plain["s02"]["last_name"]) == ("'+1", "'-2+3")
    assert plain["s03"]["email"] == "'@SUM(A1)"
    assert plain["s04"]["email"] == "'-s04@school.example"
    assert not plain["s04"]["first_name"].startswith("\t") and plain["s04"]["first_name"].endswith("Tab")
    assert not plain["s04"]["last_name"].startswith("\r") and plain["s04"]["last_name"].endswith("Return")
    assert (plain["s05"]["first_name"], plain["s05"]["last_name"]) == ("Dana", "Diaz")  # plain text is unchanged
    assert plain["s02"]["reason"].startswith("'" + EVIL_ID)  # the tampered cell id, named as text
    canvas = {r["SIS Login ID"]: r for r in _records(files[f"{PS}-canvas.csv"])}
    assert canvas["s01"]["Student"] == f"Ames, {HYPERLINK}"  # does not start with the formula: left as it is
    assert canvas["s02"]["Student"] == "'-2+3, +1"
    moodle = {r["ID number"]: r for r in _records(files[f"{PS}-moodle.csv"])}
    assert moodle["s01"]["First name"] == "'" + HYPERLINK
    assert moodle["s03"]["Email address"] == "'@SUM(A1)"
    assert moodle["s05"]["Email address"] == "dana@school.example"


def test_numbers_stay_numbers(exported):
    course, _ = exported
    files = _files(course)
    plain = {r["student_id"]: r for r in _records(files[f"{PS}-csv.csv"])}
    assert plain["s05"]["score"] == "-1.5" and float(plain["s05"]["percent"]) == pytest.approx(-9.4)
    assert float(plain["s01"]["score"]) == 16.0 and plain["s01"]["max_score"] == "16.0"
    canvas = _records(files[f"{PS}-canvas.csv"])
    column = f"{PS} (77)"
    assert float(canvas[0][column]) == 16.0  # the Points Possible row
    assert {r["SIS Login ID"]: r[column] for r in canvas[1:]}["s05"] == "-1.5"
    assert {r["ID number"]: r[PS] for r in _records(files[f"{PS}-moodle.csv"])}["s05"] == "-1.5"


def test_only_roster_students_are_exported_and_the_stranger_is_listed(exported):
    course, outputs = exported
    files = _files(course)
    ids = {
        "csv": [r["student_id"] for r in _records(files[f"{PS}-csv.csv"])],
        "canvas": [r["SIS Login ID"] for r in _records(files[f"{PS}-canvas.csv"])[1:]],
        "moodle": [r["ID number"] for r in _records(files[f"{PS}-moodle.csv"])],
    }
    for fmt in FORMATS:
        assert ids[fmt] == list(ROSTER), fmt
        assert STRANGER not in files[f"{PS}-{fmt}.csv"].read_text(encoding="utf-8-sig")
        notes = {r["student_id"]: r["note"] for r in _records(files[f"{PS}-{fmt}-notes.csv"])}
        assert notes[STRANGER].startswith("not on the course roster"), notes
        assert f"{STRANGER} is not in the" in outputs[fmt] and "not on the course roster" in outputs[fmt]
        assert "(students who need your attention)" in outputs[fmt]


def test_the_course_roster_is_safe_and_reads_back_exactly(exported):
    course, _ = exported
    rows = _rows(course.root / "roster.csv")
    assert all(not cell.startswith(TRIGGERS) for row in rows for cell in row)
    names = {s.student_id: (s.first_name, s.last_name, s.email) for s in read_roster(course.root / "roster.csv")}
    assert names["s01"] == (HYPERLINK, "Ames", "s01@school.example")
    assert names["s02"][:2] == ("+1", "-2+3") and names["s03"][2] == "@SUM(A1)"
    assert names["s04"] == ("Tab", "Return", "-s04@school.example")  # outer spaces, tabs and returns are trimmed


@pytest.mark.parametrize("text", ["=1", "+1", "-1", "@a", "\tx", "\rx", "'=1", "''+x", "'x", "x", "", "'", "-"])
def test_a_cell_reads_back_as_written(text):
    written = safe_cell(text)
    assert not written.startswith(TRIGGERS)
    assert read_cell(written) == text


def test_numbers_and_flags_are_not_text():
    import pandas as pd

    frame = pd.DataFrame({"name": ["-2+3", "ok"], "score": [-1.5, 2.0], "mixed": [-3, "-x"], "flag": [True, False]})
    safe = safe_frame(frame)
    assert safe["name"].tolist() == ["'-2+3", "ok"]
    assert safe["score"].tolist() == [-1.5, 2.0] and safe["mixed"].tolist() == [-3, "'-x"]
    assert safe["flag"].tolist() == [True, False]
    assert safe.to_csv(index=False).splitlines()[1] == "'-2+3,-1.5,-3,True"
