"""Changing a course's roster after ``course init``: import again, add a late enrollee, drop a student.

The course's ``roster.csv`` (:mod:`medialit.grading.roster`) is rewritten and the gradebook updated.
A student already on the roster keeps their student id when a new export names them again (matched
by student id, then LMS id, email, or first and last name), so their folders and grades stay theirs.
Dropping takes a student off the roster only: their grades stay in the gradebook, and the exports,
which hold roster students only, leave them out.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from medialit.grading.roster import COLUMNS, Student, read_roster, write_roster


def _same(a: Student, b: Student) -> bool:
    if a.student_id == b.student_id:
        return True
    if a.lms_id and a.lms_id == b.lms_id:
        return True
    if a.lms_id and b.lms_id:  # two different LMS ids are two students, whatever their names
        return False
    if a.email and a.email.lower() == b.email.lower():
        return True
    if a.email and b.email:
        return False
    return bool(a.first_name and a.last_name) and (a.first_name, a.last_name) == (b.first_name, b.last_name)


def merge(current: list[Student], incoming: list[Student]) -> tuple[list[Student], list[Student], list[str]]:
    """The roster with ``incoming`` merged in, the students added, and what changed for students kept.

    A student already on the roster keeps their id; their empty fields are filled and changed
    ones (a corrected name, a new email) taken from ``incoming``.
    """
    roster = list(current)
    added: list[Student] = []
    changed: list[str] = []
    for new in incoming:
        i = next((i for i, old in enumerate(roster) if _same(old, new)), None)
        if i is None:
            if any(s.student_id == new.student_id for s in roster):
                new = replace(new, student_id=_free_id(new.student_id, roster))
            roster.append(new)
            added.append(new)
            continue
        old = roster[i]
        fields = {c: getattr(new, c) for c in COLUMNS[1:] if getattr(new, c) and getattr(new, c) != getattr(old, c)}
        if fields:
            roster[i] = replace(old, **fields)
            said = ", ".join(f"{c} {getattr(old, c) or '(empty)'!r} -> {v!r}" for c, v in fields.items())
            changed.append(f"{old.student_id}: {said}")
    return roster, added, changed


def _free_id(sid: str, roster: list[Student]) -> str:
    taken = {s.student_id for s in roster}
    n = 2
    while f"{sid}{n}" in taken:
        n += 1
    return f"{sid}{n}"


def load(course_root: Path) -> list[Student]:
    path = course_root / "roster.csv"
    return read_roster(path) if path.exists() and path.stat().st_size else []


def save(course_root: Path, roster: list[Student]) -> None:
    write_roster(course_root / "roster.csv", roster)


def drop(roster: list[Student], student_id: str) -> tuple[list[Student], Student]:
    """The roster without ``student_id`` and the student dropped (ValueError naming the ids if unknown)."""
    hit = next((s for s in roster if s.student_id == student_id), None)
    if hit is None:
        close = [s.student_id for s in roster if student_id.lower() in f"{s.student_id} {s.name}".lower()]
        hint = f"; did you mean {', '.join(close)}?" if close else "; `medialit roster show` lists the ids"
        raise ValueError(f"no student {student_id!r} on the roster{hint}")
    return [s for s in roster if s is not hit], hit
