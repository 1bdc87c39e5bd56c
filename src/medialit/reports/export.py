"""Grade exports: a plain CSV, a Canvas gradebook import, a Moodle grade import.

A student whose submission failed (or who submitted nothing) gets an empty grade
cell, never a 0, and the reason travels with the export: in the ``status`` and
``reason`` columns (csv), the feedback column (moodle), or, since Canvas turns every
unknown column into a new assignment, in a notes file beside the Canvas import.

Each import file is written so the LMS takes it without editing: Canvas's column is
``Title (assignment id)`` so it updates the existing assignment; Moodle gets no row it
cannot match (a blank e-mail would be read as the previous row's student). Only students
on the course roster are exported: a student id that reached the gradebook any other way
(a folder planted in the exchange) is left out. Rows left out are named in the warnings
and the notes file, and the import steps are returned. Every file is spreadsheet-safe
(:mod:`medialit.grading.spreadsheet`): a name such as ``=HYPERLINK(...)`` is text, not a formula.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from medialit.grading.assignment_settings import settings_for
from medialit.grading.course import Course
from medialit.grading.spreadsheet import write_frame
from medialit.grading.status import FAILED, FLAGGED, MISSING
from medialit.reports.classdata import grade_table, roster_frame


@dataclass
class Export:
    """A written grade export: the file, the notes beside it, what the teacher must know, how to import."""

    path: Path
    header: str  # the grade column's header
    notes: Path | None = None
    warnings: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)


CSV_COLUMNS = [
    "student_id",
    "first_name",
    "last_name",
    "email",
    "score",
    "max_score",
    "percent",
    "status",
    "late",
    "late_note",
    "late_penalty",
    "reason",
    "override",
    "needs_manual_grade",
]
LATE_NOTE = "Submitted late (as the LMS marked it)."
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_POINTS_ROW = "    Points Possible"
NOT_ON_ROSTER = (
    "not on the course roster ({roster}), so not exported: if they are in your class, add them to the roster "
    "and export again; if not, their submission did not come from your class"
)


def export_grades(
    course: Course,
    assignment: str,
    fmt: str,
    out: Path | None = None,
    *,
    lms_name: str | None = None,
    lms_id: str | None = None,
    bom: bool = False,
    match: str = "email",
) -> Export:
    """Write the grades of ``assignment`` as ``fmt`` (csv, canvas or moodle).

    Default file: ``COURSE/exports/ASSIGNMENT-FMT.csv``. ``lms_name``/``lms_id`` (else the
    course's ``assignments.yaml``) name the LMS assignment; ``bom`` writes a UTF-8 byte-order
    mark so Excel reads accented names. ``match`` (moodle): the column Moodle identifies students by,
    ``email`` or ``idnumber`` (the student id as Moodle's ID number). For canvas and moodle, the students whose grade
    needs attention or who were left out are listed in ``...-notes.csv`` beside it (for csv,
    when a student was left out: one who is not on the roster).
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    settings = settings_for(course.root, assignment)
    lms_name = (lms_name if lms_name is not None else settings.lms_name).strip() or assignment
    lms_id = str(lms_id if lms_id is not None else settings.lms_id).strip()
    if lms_id and not lms_id.isdigit():
        raise ValueError(f"--lms-id {lms_id!r} is not a number; use the digits in the LMS assignment's address")
    table = grade_table(course, assignment)
    out = Path(out) if out else course.exports_dir / f"{assignment}-{fmt}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    header = lms_name if fmt != "canvas" or not lms_id else f"{lms_name} ({lms_id})"
    if fmt == "csv":
        header = "score"
    result = Export(out, header)
    on_roster = table["student_id"].isin(set(roster_frame(course)["student_id"]))
    if match not in MATCHES:
        raise ValueError(f"--match {match!r}: choose {' or '.join(MATCHES)}")
    rows, left_out = _importable(table[on_roster], fmt if (fmt, match) != ("moodle", "idnumber") else "csv")
    strangers = table[~on_roster].assign(why=NOT_ON_ROSTER.format(roster=course.root / "roster.csv"))
    left_out = pd.concat([left_out, strangers])
    write_frame(FORMATS[fmt](rows, header), out, bom=bom)
    if fmt != "csv" or len(left_out):
        notes = needs_attention(table, dict(zip(left_out["student_id"], left_out["why"], strict=True)))
        result.notes = out.with_name(f"{out.stem}-notes.csv")
        write_frame(notes, result.notes, bom=bom)
    for _, row in left_out.iterrows():
        result.warnings.append(f"{row['student_id']} is not in the {FILE_NAMES[fmt]} file: {row['why']}")
    if fmt == "canvas" and not lms_id:
        result.warnings.append(
            f"No Canvas assignment id: Canvas will update an assignment titled exactly {lms_name!r}, or create a "
            "new one. Give --lms-id (the number after /assignments/ in the assignment's address)."
        )
    maximum = table["max_score"].dropna()
    result.steps = import_steps(fmt, result, assignment, match, float(maximum.iloc[0]) if len(maximum) else None)
    return result


def _importable(table: pd.DataFrame, fmt: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows the LMS can match, and the others with why (an LMS aborts or misfiles on them)."""
    key, why = {
        "canvas": ("lms_id", "no lms_id in the roster (Canvas matches students by it); add it and export again"),
        "moodle": ("email", "no email in the roster (Moodle matches students by it); add it and export again"),
    }.get(fmt, ("", ""))
    if not key:
        return table, table.iloc[0:0].assign(why="")
    blank = table[key].astype(str).str.strip() == ""
    return table[~blank], table[blank].assign(why=why)


def _points(maximum: float | None) -> str:
    return "" if maximum is None else f"{maximum:g}"


def import_steps(
    fmt: str, export: Export, assignment: str, match: str = "email", maximum: float | None = None
) -> list[str]:
    """The few clicks that bring this file into the LMS (with the points the assignment must be out of)."""
    name = export.path.name
    points = _points(maximum)
    if fmt == "canvas":
        return [
            *(
                [
                    f"The assignment is out of {points} points: set Points in Canvas's assignment to {points} "
                    "(the file's 'Points Possible' row says so too)."
                ]
                if points
                else []
            ),
            "In Canvas: Grades > Import (top right).",
            f"Choose {name} and press Upload Data.",
            f"Check that the column {export.header!r} is matched to your existing assignment "
            "(not 'new assignment'), then Save Changes.",
            f"Students in {export.notes.name if export.notes else 'the notes file'} need your attention (not graded, "
            "under review, late, or not in the file).",
        ]
    if fmt == "moodle":
        column = "Email address" if match == "email" else "ID number"
        return [
            *(
                [
                    f"The assignment is out of {points} points: set its Maximum grade in Moodle to {points} (Moodle's "
                    "default is 100, and imported grades are not rescaled)."
                ]
                if points
                else []
            ),
            "In Moodle: the course's Grades > Import > CSV file.",
            f"Upload {name}; encoding UTF-8, separator comma; press Upload grades.",
            f"Identify user: map from {column!r} to {column!r}"
            + ("." if match == "email" else " (the students' ID number in Moodle must be their id here)."),
            f"Grade item mappings: map {export.header!r} to your assignment and 'Feedback: {export.header}' to its "
            "feedback; then Upload grades.",
        ]
    return [f"{name} is a plain table for your records or any other LMS (one row per student, {assignment})."]


def plain_csv(table: pd.DataFrame, header: str) -> pd.DataFrame:
    """Every column a teacher needs: who, score, percent, status, lateness, reason, manual grading pending."""
    return table[CSV_COLUMNS]


def _full_name(row: pd.Series) -> str:
    """Canvas's "Last, First" (or the student id when the roster has no name)."""
    parts = [p for p in (row["last_name"], row["first_name"]) if p]
    return ", ".join(parts) or row["student_id"]


def canvas_csv(table: pd.DataFrame, assignment: str) -> pd.DataFrame:
    """Canvas gradebook import: identity columns, one assignment column, a "Points Possible" row first.

    ``assignment`` is the column header: ``Title (id)`` matches Canvas's assignment by its id.
    """
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
    late = f" {LATE_NOTE}" if row.get("late") == "yes" else ""
    if row["status"] in (FAILED, MISSING):
        return f"{'Latest submission not graded' if pd.notna(row['score']) else 'Not graded'}: {row['reason']}{late}"
    if row["status"] == FLAGGED:
        return f"Graded, under review: {row['reason']}{late}"
    text = "Graded automatically."
    text = text + " Parts graded by the teacher are still to come." if row["needs_manual_grade"] else text
    if row.get("override"):
        text = f"Graded. Your teacher's override: {row['override']}."
    return text + late


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


def needs_attention(table: pd.DataFrame, left_out: dict[str, str] | None = None) -> pd.DataFrame:
    """Students whose grade is missing, under review, late, pending hand grading or not in the file, and why."""
    left_out = left_out or {}
    pending = table["needs_manual_grade"].astype(bool)
    outside = table["student_id"].isin(list(left_out))
    overridden = table["override"].fillna("").astype(str) != "" if "override" in table else False
    rows = table[(table["status"] != "graded") | pending | (table["late"] == "yes") | outside | overridden].copy()
    rows["note"] = [
        (f"{left_out[row['student_id']]}. " if row["student_id"] in left_out else "") + _feedback(row)
        for _, row in rows.iterrows()
    ]
    return rows[NOTES_COLUMNS]


NOTES_COLUMNS = ["student_id", "first_name", "last_name", "status", "late", "score", "note"]
MATCHES = ("email", "idnumber")
FILE_NAMES = {"csv": "CSV", "canvas": "Canvas", "moodle": "Moodle"}
FORMATS: dict[str, Callable[[pd.DataFrame, str], pd.DataFrame]] = {
    "csv": plain_csv,
    "canvas": canvas_csv,
    "moodle": moodle_csv,
}
