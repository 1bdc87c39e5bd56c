"""What a teacher sets by hand in the gradebook, snapshotted before students' code runs and compared after.

Autograde never writes these: manual scores, extra credit, manual comments and extensions.
With ``--execute`` students' code runs while the run lasts; a value that changed meanwhile
was written by somebody else (a grader in formgrader, or something that got past the
sandbox). The merge does not take it on trust: the student is flagged and not merged.
"""

from __future__ import annotations

from typing import Any

from medialit.grading.course import Course

Key = tuple[str, str, str, str, str]  # (assignment, student, notebook, cell, what)
EMPTY = (None, "")  # an unset value: a row created later with nothing set by hand is no change

_GRADES = """
SELECT a.name, sa.student_id, n.name, c.name, g.manual_score, g.extra_credit
FROM grade g
JOIN submitted_notebook sn ON g.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id
JOIN assignment a ON sa.assignment_id = a.id
JOIN notebook n ON sn.notebook_id = n.id
JOIN base_cell c ON g.cell_id = c.id
"""
_COMMENTS = """
SELECT a.name, sa.student_id, n.name, c.name, m.manual_comment
FROM comment m
JOIN submitted_notebook sn ON m.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id
JOIN assignment a ON sa.assignment_id = a.id
JOIN notebook n ON sn.notebook_id = n.id
JOIN base_cell c ON m.cell_id = c.id
"""
_EXTENSIONS = """
SELECT a.name, sa.student_id, sa.extension
FROM submitted_assignment sa JOIN assignment a ON sa.assignment_id = a.id
"""


def snapshot(course: Course, student: str | None = None, assignment: str | None = None) -> dict[Key, Any]:
    """Every value set by hand in the course gradebook (of one student's assignment, if given)."""
    from sqlalchemy import create_engine, text

    where, params = "", {}
    if student is not None:
        where, params = (
            " WHERE sa.student_id = :student AND a.name = :assignment",
            {
                "student": student,
                "assignment": assignment,
            },
        )
    found: dict[Key, Any] = {}
    engine = create_engine(course.db_url)
    try:
        with engine.connect() as conn:
            for a, s, nb, cell, score, extra in conn.execute(text(_GRADES + where), params):
                found[(a, s, nb, cell, "manual score")] = score
                found[(a, s, nb, cell, "extra credit")] = extra
            for a, s, nb, cell, comment in conn.execute(text(_COMMENTS + where), params):
                found[(a, s, nb, cell, "manual comment")] = comment
            for a, s, extension in conn.execute(text(_EXTENSIONS + where), params):
                found[(a, s, "", "", "extension")] = None if extension is None else str(extension)
    finally:
        engine.dispose()
    return {key: value for key, value in found.items() if value not in EMPTY}


def changes(before: dict[Key, Any], after: dict[Key, Any], student: str | None = None) -> list[str]:
    """Each value that differs, as '[STUDENT: ]ASSIGNMENT/NOTEBOOK cell CELL: WHAT OLD -> NEW' (only ``student``'s)."""
    said = []
    for key in sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)):
        assignment, who, notebook, cell, what = key
        if student is not None and who != student:
            continue
        place = f"{assignment}/{notebook} cell {cell}" if cell else assignment
        owner = "" if student is not None else f"{who}: "
        said.append(f"{owner}{place}: {what} {_show(before.get(key))} -> {_show(after.get(key))}")
    return said


def _show(value: Any) -> str:
    if value in EMPTY:
        return "unset"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if isinstance(value, str) else str(value)
