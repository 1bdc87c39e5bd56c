"""The overview across assignments: each roster student's points and status in every assignment
collected so far, and who still owes what (``medialit overview``).

Written spreadsheet-safe (:mod:`medialit.grading.spreadsheet`) to ``COURSE/exports/overview.csv``
(one row per student: a points and a status column per assignment, the total) and
``COURSE/exports/owes.csv`` (one row per student and assignment with nothing graded: missing or
failed). Scores are the grade table's (:func:`medialit.reports.classdata.grade_table`), late
penalties included.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from medialit.grading.course import Course
from medialit.grading.spreadsheet import write_frame
from medialit.grading.status import FAILED, MISSING
from medialit.reports.classdata import grade_table, roster_frame


@dataclass
class Overview:
    table: pd.DataFrame  # one row per roster student
    owes: pd.DataFrame  # student, name, assignment, status, reason
    assignments: list[str]


def started(course: Course) -> list[str]:
    """The course's assignments with a submission or a grade so far (in the course's order)."""
    return [a for a in course.assignments() if course.submitted_students(a) or course.scores(a)]


def display_name(row: pd.Series) -> str:
    """'First Last (id)', or the id alone when the roster has no name."""
    name = f"{row['first_name']} {row['last_name']}".strip()
    return f"{name} ({row['student_id']})" if name else row["student_id"]


def build_overview(course: Course, assignments: list[str] | None = None) -> Overview:
    assignments = assignments if assignments is not None else started(course)
    roster = roster_frame(course)
    table = pd.DataFrame({"student": roster.apply(display_name, axis=1), "student_id": roster["student_id"]})
    owes = []
    total = pd.Series(0.0, index=table.index)
    out_of = 0.0
    for assignment in assignments:
        grades = grade_table(course, assignment).set_index("student_id")
        grades = grades.reindex(roster["student_id"])
        status = grades["status"].fillna(MISSING)
        late = grades["late"].fillna("").eq("yes")
        table[f"{assignment} points"] = grades["score"].to_numpy()
        table[f"{assignment} status"] = (status + late.map({True: ", late", False: ""})).to_numpy()
        total += pd.to_numeric(grades["score"], errors="coerce").fillna(0).to_numpy()
        maximum = pd.to_numeric(grades["max_score"], errors="coerce").dropna()
        out_of += float(maximum.iloc[0]) if len(maximum) else 0.0
        for i, (sid, st) in enumerate(status.items()):
            if st in (MISSING, FAILED):
                reason = grades.at[sid, "reason"] if pd.notna(grades.at[sid, "reason"]) else ""
                owes.append([table.at[i, "student"], sid, assignment, st, reason])
    table["total"] = total.round(2)
    table["out of"] = out_of
    columns = ["student", "student_id", "assignment", "status", "reason"]
    return Overview(table, pd.DataFrame(owes, columns=columns), assignments)


def write_overview(course: Course, out: Path | None = None) -> tuple[Overview, Path, Path]:
    """Build the overview and write overview.csv and owes.csv (in ``out``, default COURSE/exports)."""
    view = build_overview(course)
    folder = Path(out) if out else course.exports_dir
    folder.mkdir(parents=True, exist_ok=True)
    write_frame(view.table, folder / "overview.csv")
    write_frame(view.owes, folder / "owes.csv")
    return view, folder / "overview.csv", folder / "owes.csv"
