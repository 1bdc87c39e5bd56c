"""What feedback pages, grade exports and class reports read about one assignment.

One table row per student (roster, gradebook score, grading status) so the three
outputs always agree on who was graded, who failed and why; plus the scored detail
the hidden tests recorded, the assignment's titles and the article it is about.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from medialit.grading.course import Course
from medialit.grading.results import Results
from medialit.grading.roster import COLUMNS
from medialit.grading.status import (
    FAILED,
    FLAGGED,
    GRADED,
    MISSING,
    NO_SUBMISSION,
    StudentStatus,
    load_results,
    load_status,
)

if TYPE_CHECKING:
    from medialit.content.article import Article
    from medialit.grading.lateness import Lateness

ROSTER_COLUMNS = COLUMNS  # the roster's columns, as medialit.grading.roster writes them
NOT_AUTOGRADED = "not autograded yet"
NO_REASON = "autograding failed and no reason was recorded"
TABLE_COLUMNS = [
    *ROSTER_COLUMNS,
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
    "submitted",
]


def roster_frame(course: Course) -> pd.DataFrame:
    """The course's roster (read and checked by :func:`medialit.grading.roster.read_roster`) as a frame."""
    return pd.DataFrame([asdict(s) for s in course.roster()], columns=list(ROSTER_COLUMNS), dtype=str)


def clean_reason(text: str, limit: int = 400) -> str:
    """A reason fit to show a student or export: no traceback, one paragraph, not too long."""
    text = re.split(r"Traceback \(most recent call last\)|\bTraceback\b", text or "")[0]
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def student_statuses(
    course: Course, assignment: str, scores: dict[str, dict] | None = None
) -> dict[str, StudentStatus]:
    """The recorded statuses, completed for every student the gradebook or submitted/ knows.

    A student without a recorded status (graded by nbgrader itself, e.g. from the Formgrader)
    is ``graded`` once autograded, ``flagged`` when the grader's results say why (a blank
    submission, no answers saved), else ``failed`` with the reason "not autograded yet".
    """
    scores = course.scores(assignment) if scores is None else scores
    statuses = load_status(course.root, assignment)
    for student, row in scores.items():
        if student not in statuses:
            statuses[student] = (
                _unrecorded(course, assignment, student)
                if row["autograded"]
                else StudentStatus(student, FAILED, NOT_AUTOGRADED)
            )
    return statuses


def _unrecorded(course: Course, assignment: str, student: str) -> StudentStatus:
    """An autograded student with no recorded status: flagged by the rule `medialit autograde` applies."""
    from medialit.grading.prepare import graded_notes

    notes, serious = graded_notes(course.autograded_dir(assignment, student), assignment)
    if serious:
        return StudentStatus(student, FLAGGED, "; ".join(notes), flags=serious)
    return StudentStatus(student, GRADED)


def assignment_max_score(course: Course, assignment: str) -> float | None:
    """The assignment's total points in the gradebook (None if it was never generated)."""
    from nbgrader.api import MissingEntry

    with course.api().gradebook as gb:
        try:
            return float(gb.find_assignment(assignment).max_score)
        except MissingEntry:
            return None


def grade_table(course: Course, assignment: str) -> pd.DataFrame:
    """One row per student (roster order, then the others by id): who they are, score and status.

    ``score`` is the gradebook's score when an autograded result exists (a failed regrade
    keeps the earlier result), else empty (NaN): a failed or missing submission is never
    a silent 0, and ``reason`` says why. A late penalty of the course's policy is already
    taken off; ``late`` is yes, no or empty (unknown) and ``late_note`` says how we know.
    """
    from medialit.grading.assignment_settings import settings_for
    from medialit.grading.lateness import Lateness, class_lateness

    course.require_assignment(assignment)
    settings = settings_for(course.root, assignment)
    scores = course.scores(assignment)
    statuses = student_statuses(course, assignment, scores)
    roster = roster_frame(course).set_index("student_id", drop=False)
    others = sorted((set(statuses) | set(scores)) - set(roster.index))
    total = assignment_max_score(course, assignment)
    late = class_lateness(course, assignment, sorted(set(statuses) | set(scores)), settings)
    rows = []
    for student in [*roster.index, *others]:
        who = roster.loc[student].to_dict() if student in roster.index else {"student_id": student}
        row = _grade_row(statuses.get(student), scores.get(student), total, late.get(student, Lateness()))
        rows.append({**who, **row})
    table = pd.DataFrame(rows).reindex(columns=TABLE_COLUMNS)
    table[ROSTER_COLUMNS] = table[ROSTER_COLUMNS].fillna("")
    from medialit.reports.override_view import apply_overrides  # the teacher's overrides, with their reasons

    return apply_overrides(course, assignment, table)


def _grade_row(
    status: StudentStatus | None, score: dict[str, Any] | None, total: float | None, late: Lateness
) -> dict[str, Any]:
    from medialit.grading.lateness import apply_penalty

    if status is None:
        status = StudentStatus("", MISSING, NO_SUBMISSION)
    maximum = total if total is not None else (score or {}).get("max_score")
    scored = bool(score and score.get("autograded"))
    value = apply_penalty(round(float(score["score"]), 2), maximum, late) if scored else None
    reason = clean_reason(status.reason)
    if status.status == FAILED:
        reason = reason or NO_REASON
    elif not scored:
        reason = reason or "no score in the gradebook yet"
    return {
        "score": value,
        "max_score": maximum,
        "percent": round(100 * value / maximum, 1) if value is not None and maximum else None,
        "status": status.status,
        "late": late.mark,
        "late_note": late.note,
        "late_penalty": late.penalty_percent,
        "reason": reason,
        "needs_manual_grade": bool(scored and score.get("needs_manual_grade")),
        "submitted": score is not None,
    }


def class_results(course: Course, assignment: str, students: list[str]) -> dict[str, Results]:
    """The scored detail the grader recorded (results.json) for each of ``students`` that has one."""
    out = {}
    for student in students:
        data = load_results(course.root, assignment, student)
        if data is not None:
            out[student] = data
    return out


def course_article(course: Course, assignment: str, article_id: str) -> Article | None:
    """The annotated article an assignment is about: a seed article, or the private key of a practice text."""
    from medialit.content.article import from_file, load_article
    from medialit.content.keys import find_key

    seeds = course.seeds
    try:
        return load_article(article_id, folder=seeds if seeds.is_dir() else None)
    except (FileNotFoundError, ValueError):
        pass
    try:
        return from_file(find_key(assignment, f"{article_id}.key.yaml", start=course.root))
    except (FileNotFoundError, ValueError):
        return None


def _notebook(course: Course, assignment: str) -> Any:
    """The released student version (public text only), else the master; None if unreadable."""
    import nbformat

    for path in (course.released_notebook(assignment), course.source_dir(assignment) / f"{assignment}.ipynb"):
        try:
            return nbformat.read(path, as_version=4)
        except (OSError, ValueError):
            continue
    return None


def _heading(markdown: str, level: int) -> str:
    """The first heading of ``level`` in a markdown text, without a trailing "(10 points, ...)"."""
    match = re.search(rf"^{'#' * level}\s+(.+)$", markdown, flags=re.M)
    return re.sub(r"\s*\([^)]*\)\s*$", "", match.group(1)).strip() if match else ""


def assignment_titles(course: Course, assignment: str) -> tuple[str, dict[str, str]]:
    """The assignment's title and each answer widget's part heading (from the markdown only).

    Part headings are keyed by widget: the heading above the cell ``KEY-answer``
    (e.g. ``{"rewrite": "Part C — Rewrite it neutrally"}``).
    """
    nb = _notebook(course, assignment)
    if nb is None:
        return assignment, {}
    title, parts, current = "", {}, ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            title = title or _heading(cell.source, 1)
            current = _heading(cell.source, 2) or current
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("-answer") and current:
            parts[grade_id.removesuffix("-answer")] = current
    return title or assignment, parts


def submission_folders(course: Course, assignment: str, student: str) -> list[Path]:
    """The folders that may hold a student's files for an assignment: autograded, then submitted."""
    return [course.autograded_dir(assignment, student), course.submission_dir(assignment, student)]
