"""The class roster: a CSV of students, checked and imported into the gradebook."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ["student_id", "first_name", "last_name", "email", "lms_id"]
ALIASES = {
    "student_id": {"student_id", "id", "student", "username", "login", "user"},
    "first_name": {"first_name", "first", "given_name", "firstname"},
    "last_name": {"last_name", "last", "family_name", "surname", "lastname"},
    "email": {"email", "email_address", "e-mail"},
    "lms_id": {"lms_id", "canvas_id", "moodle_id", "sis_id", "lms", "user_id", "id_number"},
}
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


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
    """The roster CSV has problems; the message lists each with its line."""


def _norm(header: str) -> str:
    return re.sub(r"[\s-]+", "_", header.strip().lower())


def read_roster(path: str | Path) -> list[Student]:
    """Read and check a roster CSV. Raises RosterError listing every problem with its line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise RosterError(f"{path}: not UTF-8 text; save the roster as 'CSV UTF-8' and try again") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise RosterError(f"{path}: the file is empty; it needs a header line such as {','.join(COLUMNS)}")
    header = [_norm(h) for h in rows[0]]
    where = {}
    for col, names in ALIASES.items():
        hits = [i for i, h in enumerate(header) if h in names]
        if hits:
            where[col] = hits[0]
    if "student_id" not in where:
        raise RosterError(
            f"{path}:1: no student id column; name one of the columns 'student_id' (found: {', '.join(rows[0])})"
        )
    problems, students, seen = [], [], {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {col: (row[i].strip() if i < len(row) else "") for col, i in where.items()}
        sid = values["student_id"]
        if not sid:
            problems.append(f"{path}:{line}: the student id is empty")
            continue
        if not SAFE_ID.match(sid):
            problems.append(
                f"{path}:{line}: student id {sid!r} has spaces or odd characters; "
                "use letters, digits, '.', '_' or '-' (it becomes a folder name)"
            )
            continue
        if sid in seen:
            problems.append(f"{path}:{line}: student id {sid!r} is also on line {seen[sid]}; ids must be unique")
            continue
        seen[sid] = line
        students.append(Student(**values))
    if problems:
        raise RosterError("\n".join(problems))
    return students


def write_roster(path: Path, students: list[Student]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for s in students:
            writer.writerow([s.student_id, s.first_name, s.last_name, s.email, s.lms_id])
