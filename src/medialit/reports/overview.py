"""The overview across assignments: each roster student's points and status in every assignment
collected so far, and who still owes what (``medialit overview``).

Written spreadsheet-safe (:mod:`medialit.grading.spreadsheet`) to ``COURSE/exports/overview.csv``
(one row per student: a points and a status column per assignment, the total) and
``COURSE/exports/owes.csv`` (one row per student and assignment with nothing graded: missing or
failed). Scores are the grade table's (:func:`medialit.reports.classdata.grade_table`), late
penalties included. The same table, and the list, on a page to read: ``COURSE/reports/overview.html``.
Assignments come in the course's sequence: the pre-test, the problem sets, the post-test.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from medialit.grading.course import Course
from medialit.grading.spreadsheet import write_frame
from medialit.grading.status import FAILED, MISSING
from medialit.reports.classdata import grade_table, roster_frame
from medialit.reports.page import page
from medialit.teaching.tasks.discernment import POST_TEST, PRE_TEST


@dataclass
class Overview:
    table: pd.DataFrame  # one row per roster student
    owes: pd.DataFrame  # student, name, assignment, status, reason
    assignments: list[str]


def in_sequence(assignments: list[str]) -> list[str]:
    """The order a course is taught in: the pre-test first, the post-test last, the problem sets between."""
    return sorted(assignments, key=lambda a: (a != PRE_TEST, a == POST_TEST, a))


def started(course: Course) -> list[str]:
    """The course's assignments with a submission or a grade so far (in the course's sequence)."""
    return [a for a in in_sequence(course.assignments()) if course.submitted_students(a) or course.scores(a)]


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
    """Build the overview and write overview.csv and owes.csv (in ``out``, default COURSE/exports), and its page."""
    view = build_overview(course)
    folder = Path(out) if out else course.exports_dir
    folder.mkdir(parents=True, exist_ok=True)
    write_frame(view.table, folder / "overview.csv")
    write_frame(view.owes, folder / "owes.csv")
    html_path = page_path(course)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(overview_html(view), encoding="utf-8")
    return view, folder / "overview.csv", folder / "owes.csv"


def page_path(course: Course) -> Path:
    """Where the overview's page is written (beside the class reports)."""
    return course.root / "reports" / "overview.html"


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    return html.escape(f"{value:g}" if isinstance(value, float) else str(value))


def overview_html(view: Overview) -> str:
    """The overview as a page: one row per student, each assignment's points and status, the total; who owes what."""
    shown = view.table.drop(columns="student_id")
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    rows = []
    for record in shown.itertuples(index=False):
        cells = []
        for column, value in zip(shown.columns, record, strict=True):
            text = _cell(value)
            attention = column.endswith(" status") and str(value).startswith(("missing", "failed", "flagged"))
            cells.append(f'<td class="attention">{text}</td>' if attention else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    owes = "".join(
        f"<li>{html.escape(student)}: "
        + ", ".join(f"{html.escape(r.assignment)} ({html.escape(r.status)})" for r in group.itertuples())
        + "</li>"
        for student, group in view.owes.groupby("student", sort=False)
    )
    owed = (
        f"<h2>Who still owes what</h2><ul>{owes}</ul>"
        if owes
        else "<p>Everyone on the roster has a graded submission for each of these assignments.</p>"
    )
    style = "<style>td.attention {background: #fdf6ec; font-weight: bold;}</style>"
    return page(
        "Overview across assignments",
        f"{style}<h1>Overview across assignments</h1>"
        f'<p class="note">Points after any late penalty; <i>missing</i>: nothing submitted, <i>failed</i>: '
        "nothing could be graded, <i>flagged</i>: scored, under review. The same table: "
        "<code>exports/overview.csv</code>; the list: <code>exports/owes.csv</code>.</p>"
        f"{table}{owed}",
    )
