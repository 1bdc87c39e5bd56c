"""The class roster: a CSV of students, checked and imported into the gradebook.

The file may come straight from a spreadsheet, so the reader is forgiving where it can be sure
and strict where a mistake would give a file to the wrong student:

- the separator is read from the header line: ``,`` or, as Excel saves "CSV" in many European
  locales, ``;`` (or a tab); a note says which was used;
- columns the kit does not use are ignored, with a note naming them;
- a line with more values than the header (an unquoted comma inside a name moves the email into
  the LMS-id column), a number in the email column, or an ``@`` in a name or an LMS id is refused
  as shifted columns, naming the file, the line and the fix (an email without ``@`` only gets a note);
- student ids and LMS ids must be unique (an LMS id is how downloads are matched to students);
- Canvas's gradebook export and Moodle's participants download are read as they come
  (``medialit.grading.lms_roster``): names split, ids made, the Canvas user id as ``lms_id``.

The kit's own copy (``COURSE/roster.csv``) is written spreadsheet-safe (``medialit.grading.spreadsheet``):
a name such as ``=HYPERLINK(...)`` gets a leading quote, which the reader takes off again.

Every problem is a RosterError whose message names the file, the line and what to do.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from medialit.grading.lms_roster import lms_format, lms_students
from medialit.grading.spreadsheet import read_cell, write_rows

COLUMNS = ["student_id", "first_name", "last_name", "email", "lms_id"]
ALIASES = {
    "student_id": {"student_id", "id", "student", "username", "login", "user"},
    "first_name": {"first_name", "first", "given_name", "firstname"},
    "last_name": {"last_name", "last", "family_name", "surname", "lastname"},
    "email": {"email", "email_address", "e-mail", "e_mail"},
    "lms_id": {"lms_id", "canvas_id", "moodle_id", "sis_id", "lms", "user_id", "id_number"},
}
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
SAVE_AS = "in Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'"


@dataclass(frozen=True)
class Student:
    student_id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_id: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.student_id


class RosterError(ValueError):
    """The roster CSV has problems; the message lists each with its file and line."""


def _norm(header: str) -> str:
    return re.sub(r"[\s-]+", "_", header.strip().lower())


def _read_text(path: Path) -> str:
    """The file's text, or a RosterError saying why it cannot be read and what to do."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise RosterError(f"{path}: file not found; check the path to the roster CSV") from None
    except IsADirectoryError:
        raise RosterError(f"{path}: is a folder; give the roster CSV file itself") from None
    except OSError as exc:
        raise RosterError(
            f"{path}: cannot be read ({exc.strerror or exc}); check the file and its permissions"
        ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterError(f"{path}: saved as UTF-16 ('Unicode text'); save it as CSV UTF-8 instead ({SAVE_AS})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise RosterError(
            f"{path}:{line}: not UTF-8 text (byte 0x{byte:02x}, probably an accented letter saved by a "
            f"spreadsheet as plain 'CSV'); save the roster as CSV UTF-8 and try again ({SAVE_AS})"
        ) from None


def _separator(header_line: str) -> str:
    """The separator of the header line: the one that splits it into the most known columns."""
    known = set().union(*ALIASES.values())

    def score(sep: str) -> tuple[int, int]:
        cells = [_norm(c) for c in next(csv.reader([header_line], delimiter=sep), [])]
        return sum(c in known for c in cells), len(cells)

    return max(SEPARATORS, key=lambda sep: (score(sep), sep == ","))


def _shape_problems(values: dict[str, str]) -> list[str]:
    """What in a row looks like a value in the wrong column (empty when all looks right)."""
    problems = []
    email = values.get("email", "")
    if email.isdigit():
        problems.append(f"the email column holds {email!r}, which looks like an id, not an email address")
    for col in ("first_name", "last_name", "lms_id"):
        if "@" in values.get(col, ""):
            problems.append(f"the {col} column holds {values[col]!r}, which looks like an email address")
    return problems


def read_roster(path: str | Path, notes: list[str] | None = None) -> list[Student]:
    """Read and check a roster CSV. Raises RosterError listing every problem with its file and line.

    ``notes``: if given, receives what was read in a way worth saying (the separator when it is
    not a comma, columns that were ignored).
    """
    path = Path(path)
    notes = notes if notes is not None else []
    sep, rows = _rows(path, _read_text(path), notes)
    header_line, raw_header = rows[0]
    fmt = lms_format([_norm(h) for h in raw_header])
    if fmt:
        read = lms_students(path, fmt, [_norm(h) for h in raw_header], rows[1:], notes)
    else:
        where = _columns(path, header_line, raw_header, notes)
        read = [(line, _values(path, line, row, raw_header, where, sep, notes)) for line, row in rows[1:]]
    problems: list[str] = []
    students: list[Student] = []
    seen: dict[str, int] = {}
    seen_lms: dict[str, int] = {}
    for line, got in read:
        values, problem = got if isinstance(got, tuple) else (got, "")
        if not problem:
            problem = _identity_problem(path, line, values, seen, seen_lms)
        if problem:
            problems.append(problem)
            continue
        seen[values["student_id"]] = line
        if values.get("lms_id"):
            seen_lms[values["lms_id"]] = line
        students.append(Student(**values))
    if problems:
        raise RosterError("\n".join(problems))
    return students


def _rows(path: Path, text: str, notes: list[str]) -> tuple[str, list[tuple[int, list[str]]]]:
    """The separator, and the non-blank rows with their line numbers (the header first)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise RosterError(f"{path}: the file is empty; it needs a header line such as {','.join(COLUMNS)}")
    sep = _separator(first)
    if sep != ",":
        notes.append(
            f"{path}: the columns are separated by {SEPARATORS[sep]} ({sep!r}"
            + (", as Excel saves 'CSV' in many European locales" if sep == ";" else "")
            + "); read it that way"
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise RosterError(
            f"{path}:{reader.line_num + 1}: cannot be read as CSV ({exc}); "
            "check that line for a stray double quote or an unusual character"
        ) from None
    rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise RosterError(f"{path}: the file has no values; it needs a header line such as {','.join(COLUMNS)}")
    return sep, rows


def _columns(path: Path, header_line: int, raw_header: list[str], notes: list[str]) -> dict[str, int]:
    """Where each of the kit's columns is in the header (the student id column is required)."""
    header = [_norm(h) for h in raw_header]
    where: dict[str, int] = {}
    for col, names in ALIASES.items():
        hits = [i for i, h in enumerate(header) if h in names]
        if hits:
            where[col] = hits[0]
    if "student_id" not in where:
        raise RosterError(
            f"{path}:{header_line}: no student id column; name one of the columns 'student_id' "
            f"(found: {', '.join(repr(h) for h in raw_header)}; the kit reads {', '.join(COLUMNS)})"
        )
    used = set(where.values())
    ignored = [raw_header[i].strip() for i in range(len(raw_header)) if i not in used and raw_header[i].strip()]
    if ignored:
        notes.append(
            f"{path}:{header_line}: ignored column(s) {', '.join(repr(c) for c in ignored)} "
            f"(the kit reads {', '.join(COLUMNS)})"
        )
    return where


def _values(
    path: Path, line: int, row: list[str], raw_header: list[str], where: dict[str, int], sep: str, notes: list[str]
) -> tuple[dict[str, str], str]:
    """One row's values by column, or the problem that makes the row unreadable."""
    width = len(raw_header)
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        shown = " | ".join(repr(cell) for cell in row)
        return {}, (
            f"{path}:{line}: {len(row)} values for {width} columns, so the columns are shifted: {shown}. "
            f"A {SEPARATORS[sep][:-1]} inside a value (such as a name 'Haddad, Jr.') starts a new column: "
            f'put that value in double quotes ("Haddad, Jr.") or remove the {SEPARATORS[sep][:-1]}'
        )
    values = {col: (read_cell(row[i].strip()) if i < len(row) else "") for col, i in where.items()}
    shape = _shape_problems(values)
    if shape:
        return {}, (
            f"{path}:{line}: {'; '.join(shape)}: the columns seem shifted (a value missing or extra on this "
            f"line); give every column its value in order ({', '.join(h.strip() for h in raw_header)}), "
            "leaving a cell empty when there is none"
        )
    if values.get("email") and "@" not in values["email"]:
        notes.append(f"{path}:{line}: the email {values['email']!r} has no '@'; kept as it is")
    return values, ""


def _identity_problem(
    path: Path, line: int, values: dict[str, str], seen: dict[str, int], seen_lms: dict[str, int]
) -> str:
    """What is wrong with a row's student id or LMS id ('' when nothing)."""
    sid = values["student_id"]
    if not sid:
        return f"{path}:{line}: the student id is empty; give every student an id"
    if not SAFE_ID.match(sid):
        return (
            f"{path}:{line}: student id {sid!r} has spaces or odd characters; "
            "use letters, digits, '.', '_' or '-' (it becomes a folder name)"
        )
    if sid in seen:
        return f"{path}:{line}: student id {sid!r} is also on line {seen[sid]}; ids must be unique"
    lms = values.get("lms_id", "")
    if lms and lms in seen_lms:
        return (
            f"{path}:{line}: LMS id {lms!r} is also on line {seen_lms[lms]}; each student has their own LMS id "
            "(downloads are matched by it): correct one of them or leave it empty"
        )
    return ""


def write_roster(path: Path, students: list[Student]) -> None:
    """Write ``students`` as a roster CSV, spreadsheet-safe (:func:`read_roster` reads the names back as given)."""
    rows = ([s.student_id, s.first_name, s.last_name, s.email, s.lms_id] for s in students)
    write_rows(path, COLUMNS, rows)
