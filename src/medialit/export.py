"""Grade exports: a plain CSV, a Canvas gradebook import, a Moodle grade import.

A student whose submission failed (or who submitted nothing) gets an empty grade
cell, never a 0, and the reason travels with the export: in the ``status`` and
``reason`` columns (csv), the feedback column (moodle), or, since Canvas turns every
unknown column into a new assignment, in a notes file beside the Canvas import.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from medialit.classdata import grade_table
from medialit.course import Course
from medialit.status import FAILED, FLAGGED

CSV_COLUMNS = [
    "student_id",
    "first_name",
    "last_name",
    "email",
    "score",
    "max_score",
    "percent",
    "status",
    "reason",
    "needs_manual_grade",
]
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_POINTS_ROW = "    Points Possible"


def export_grades(course: Course, assignment: str, fmt: str, out: Path | None = None) -> Path:
    """Write the grades of ``assignment`` as ``fmt`` (csv, canvas or moodle); return the file.

    Default file: ``COURSE/exports/ASSIGNMENT-FMT.csv``. For canvas, the students whose
    grade needs attention are also listed in ``...-notes.csv`` beside it.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    table = grade_table(course, assignment)
    out = Path(out) if out else course.root / "exports" / f"{assignment}-{fmt}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    FORMATS[fmt](table, assignment).to_csv(out, index=False, encoding="utf-8")
    if fmt == "canvas":
        needs_attention(table).to_csv(out.with_name(f"{out.stem}-notes.csv"), index=False, encoding="utf-8")
    return out


def plain_csv(table: pd.DataFrame, assignment: str) -> pd.DataFrame:
    """Every column a teacher needs: who, score, percent, status, reason, manual grading pending."""
    return table[CSV_COLUMNS]


def _full_name(row: pd.Series) -> str:
    """Canvas's "Last, First" (or the student id when the roster has no name)."""
    parts = [p for p in (row["last_name"], row["first_name"]) if p]
    return ", ".join(parts) or row["student_id"]


def canvas_csv(table: pd.DataFrame, assignment: str) -> pd.DataFrame:
    """Canvas gradebook import: identity columns, one assignment column, a "Points Possible" row first."""
    rows = pd.DataFrame(
        {
            "Student": table.apply(_full_name, axis=1),
            "ID": table["lms_id"],
            "SIS User ID": "",
            "SIS Login ID": table["student_id"],
            "Section": "",
            assignment: table["score"],
        }
    )
    maximum = table["max_score"].dropna()
    points = {**dict.fromkeys(CANVAS_COLUMNS, ""), "Student": CANVAS_POINTS_ROW}
    points[assignment] = maximum.iloc[0] if len(maximum) else None
    return pd.concat([pd.DataFrame([points]), rows], ignore_index=True)


def _feedback(row: pd.Series) -> str:
    if row["status"] == FAILED:
        return f"{'Latest submission not graded' if pd.notna(row['score']) else 'Not graded'}: {row['reason']}"
    if row["status"] == FLAGGED:
        return f"Graded, under review: {row['reason']}"
    text = "Graded automatically."
    return text + " Parts graded by the teacher are still to come." if row["needs_manual_grade"] else text


def moodle_csv(table: pd.DataFrame, assignment: str) -> pd.DataFrame:
    """Moodle grade import: map "Email address" (or "ID number") to the user, the grade and feedback columns."""
    return pd.DataFrame(
        {
            "First name": table["first_name"],
            "Last name": table["last_name"],
            "ID number": table["student_id"],
            "Email address": table["email"],
            assignment: table["score"],
            f"Feedback: {assignment}": table.apply(_feedback, axis=1),
        }
    )


def needs_attention(table: pd.DataFrame) -> pd.DataFrame:
    """Students whose grade is missing, under review or still to be completed by hand, and why."""
    pending = table["needs_manual_grade"].astype(bool)
    rows = table[(table["status"] != "graded") | pending].copy()
    rows["note"] = rows.apply(_feedback, axis=1)
    return rows[["student_id", "first_name", "last_name", "status", "score", "note"]]


FORMATS: dict[str, Callable[[pd.DataFrame, str], pd.DataFrame]] = {
    "csv": plain_csv,
    "canvas": canvas_csv,
    "moodle": moodle_csv,
}
