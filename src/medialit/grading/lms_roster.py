"""Rosters straight from an LMS: Canvas's gradebook export and Moodle's participants download.

A teacher has these files without building anything by hand, so :func:`medialit.grading.roster.read_roster`
recognises them by their header and reads them here:

- **Canvas** (Grades > Export > Export Entire Gradebook): ``Student, ID, SIS User ID, SIS Login ID,
  [Integration ID,] Section, <assignments...>``, then a row ``Points Possible`` (and in newer
  exports a row of posting policies with no ID). ``Student`` is Canvas's sortable name
  ``Last, First``; ``ID`` is the Canvas user id, which names every file of a submissions download:
  it becomes the roster's ``lms_id``. Canvas's "Test Student" is left out.
- **Moodle** (Participants > select all > "Download table data as" CSV): ``First name, Last name,
  [ID number,] [Username,] Email address, Roles, Groups, Last access to course``. Only rows whose
  role is a student are read. Moodle's file names carry a participant id Moodle makes per
  assignment, so a Moodle roster has no ``lms_id``: downloads are matched by name.

The student id (a folder name in the course) is the SIS User ID / ID number when it is a safe id,
else the login or the email's part before ``@``, else the name (``sean.obrien``), made unique.
A note says how many ids came from where, and names the students without an email.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

CANVAS = "Canvas gradebook export"
MOODLE = "Moodle participants download"
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
STUDENT_ROLES = ("student", "learner")


def lms_format(header: list[str]) -> str:
    """Which LMS export a normalised header is ('' for the kit's own roster format)."""
    cols = set(header)
    if {"student", "id"} <= cols and cols & {"sis_user_id", "sis_login_id", "section"}:
        return CANVAS
    own = {"student_id", "student", "id", "login", "user", "lms_id", "canvas_id", "moodle_id", "sis_id", "user_id"}
    named = {"first_name", "email_address"} <= cols and cols & {"last_name", "surname"} and not cols & own
    if named and ("roles" in cols or "username" not in cols):  # Moodle's user-upload columns: a username, no roles
        return MOODLE
    return ""


def _slug(text: str) -> str:
    """ASCII letters and digits of a name, words joined by '.' (``O'Brien, Seán`` -> ``obrien.sean``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [re.sub(r"[^a-z0-9]", "", w) for w in re.split(r"[\s,.-]+", plain)]
    return ".".join(w for w in words if w)


def split_sortable(name: str) -> tuple[str, str]:
    """(first, last) from Canvas's ``Last, First`` (or ``First Last`` when there is no comma)."""
    name = " ".join(name.split())
    if "," in name:
        last, first = (part.strip() for part in name.split(",", 1))
        return first, last
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (name, "")


def _safe(value: str) -> str:
    value = value.strip()
    return value if SAFE_ID.match(value) else ""


def _cell(row: list[str], where: dict[str, int], col: str) -> str:
    i = where.get(col)
    return row[i].strip() if i is not None and i < len(row) else ""


def lms_students(
    path: Path, fmt: str, header: list[str], rows: list[tuple[int, list[str]]], notes: list[str]
) -> list[tuple[int, dict[str, str]]]:
    """Each student row of an LMS export as (line, roster values), with notes on what was read."""
    where: dict[str, int] = {}
    for i, h in enumerate(header):
        where.setdefault(h, i)
    out: list[tuple[int, dict[str, str]]] = []
    skipped: list[str] = []
    for line, row in rows:
        values, why = (_canvas_row if fmt == CANVAS else _moodle_row)(row, where)
        if why:
            skipped.append(f"line {line} ({why})")
        elif values:
            out.append((line, values))
    notes.append(f"{path}: read as a {fmt}: {len(out)} student(s)")
    if skipped:
        notes.append(f"{path}: left out {', '.join(skipped)}")
    _make_ids(path, out, notes, fmt)
    if fmt == MOODLE:
        notes.append(
            f"{path}: Moodle's downloads are matched to students by name (Moodle's file names carry a "
            "participant id made per assignment, so the roster has no lms_id)"
        )
    return out


def _canvas_row(row: list[str], where: dict[str, int]) -> tuple[dict[str, str] | None, str]:
    name, uid = _cell(row, where, "student"), _cell(row, where, "id")
    if not uid:  # the 'Points Possible' row, the posting-policy row
        return None, ""
    if name.lower() in {"student, test", "test student"}:
        return None, "Canvas's Test Student"
    first, last = split_sortable(name)
    login = _cell(row, where, "sis_login_id")
    sis = _cell(row, where, "sis_user_id")
    email = login if "@" in login else ""
    candidates = [("SIS User ID", _safe(sis)), ("SIS Login ID", _safe(login.split("@")[0]))]
    return {"first_name": first, "last_name": last, "email": email, "lms_id": uid, "_ids": candidates}, ""


def _moodle_row(row: list[str], where: dict[str, int]) -> tuple[dict[str, str] | None, str]:
    first, last = _cell(row, where, "first_name"), _cell(row, where, "last_name") or _cell(row, where, "surname")
    if not first and not last:
        return None, ""
    roles = _cell(row, where, "roles")
    if "roles" in where and roles and not any(r in roles.lower() for r in STUDENT_ROLES):
        return None, f"{first} {last}: role {roles}"
    email = _cell(row, where, "email_address")
    candidates = [
        ("ID number", _safe(_cell(row, where, "id_number"))),
        ("username", _safe(_cell(row, where, "username"))),
        ("email", _safe(email.split("@")[0]) if "@" in email else ""),
    ]
    return {"first_name": first, "last_name": last, "email": email, "lms_id": "", "_ids": candidates}, ""


def _make_ids(path: Path, students: list[tuple[int, dict]], notes: list[str], fmt: str) -> None:
    """Give every student a unique safe id from the first candidate that has one, else their name."""
    taken: set[str] = set()
    sources: dict[str, int] = {}
    no_email: list[str] = []
    for _line, values in students:
        source, sid = next(((src, v) for src, v in values.pop("_ids") if v and v not in taken), ("name", ""))
        if not sid:
            base = _slug(f"{values['first_name']} {values['last_name']}") or f"student{values['lms_id']}"
            sid, n = base, 2
            while sid in taken:
                sid, n = f"{base}{n}", n + 1
        taken.add(sid)
        values["student_id"] = sid
        sources[source] = sources.get(source, 0) + 1
        if not values["email"]:
            no_email.append(f"{values['first_name']} {values['last_name']} ({sid})".strip())
    notes.append(f"{path}: student ids from {', '.join(f'{src} ({n})' for src, n in sources.items())}")
    if no_email and fmt == MOODLE:  # Canvas grades are matched on the Canvas ID, so no email is needed
        notes.append(
            f"{path}: {len(no_email)} student(s) without an email: {', '.join(no_email)} "
            "(add one with `medialit roster add ID --email ...`, or "
            "export for Moodle with --match idnumber)"
        )
