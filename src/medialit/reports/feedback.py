"""Per-student feedback pages: one self-contained HTML file per student and assignment.

Pages go to ``COURSE/feedback/STUDENT/ASSIGNMENT/ASSIGNMENT.html``, the file nbgrader's
``release_feedback`` delivers (with the submission's ``timestamp.txt`` and
``submission_secret.txt``, copied beside it). They are built from the scored detail
the hidden tests recorded (``ASSIGNMENT.results.json``), the saved answers and the
gradebook, never from notebook cells: no hidden test, solution or traceback can appear.
"""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from medialit.grading.answers import submitted_answers
from medialit.grading.assignment_settings import settings_for
from medialit.grading.course import Course, CourseError
from medialit.grading.layout import TIMESTAMP
from medialit.grading.results import BLANK_SUBMISSION, Code, PartResult
from medialit.grading.status import FAILED, FLAGGED, MISSING, load_results
from medialit.reports.classdata import (
    NO_REASON,
    NO_SUBMISSION,
    NOT_AUTOGRADED,
    assignment_titles,
    course_article,
    grade_table,
    submission_folders,
)
from medialit.reports.page import page
from medialit.teaching.tasks.verification import FIELDS as PLAN_FIELDS

if TYPE_CHECKING:
    from nbgrader.api import Gradebook


@dataclass
class Cells:
    """A submission's gradebook entries: grades and teacher comments by cell name."""

    grades: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)


def write_feedback(course: Course, assignment: str, students: list[str] | None = None) -> list[Path]:
    """Write a feedback page for each student (default: everyone who submitted); return the pages.

    Raises CourseError for an unknown assignment or a student the course does not know.
    """
    table = grade_table(course, assignment).set_index("student_id", drop=False)
    if students is None:
        students = [s for s in table.index if table.at[s, "submitted"] or table.at[s, "reason"] != NO_SUBMISSION]
    unknown = [s for s in students if s not in table.index]
    if unknown:
        raise CourseError(
            f"No submission and no roster entry for {', '.join(unknown)} in {assignment}; "
            f"students known: {', '.join(table.index) or 'none'}"
        )
    title, headings = assignment_titles(course, assignment)
    with course.api().gradebook as gb:
        cells = {student: gradebook_cells(gb, assignment, student) for student in students}
    pages = []
    for student in students:
        body = student_page(course, assignment, table.loc[student], cells[student], title, headings)
        pages.append(_save(course, assignment, student, body))
    return pages


def _save(course: Course, assignment: str, student: str, page: str) -> Path:
    folder = course.feedback_dir(assignment, student)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}.html"
    path.write_text(page, encoding="utf-8")
    latest_first = submission_folders(course, assignment, student)[::-1]  # submitted/, then autograded/
    for name in (TIMESTAMP, "submission_secret.txt"):  # release_feedback needs both beside the page
        source = next((d / name for d in latest_first if (d / name).is_file()), None)
        if source is not None:
            shutil.copyfile(source, folder / name)
    return path


# ---------------------------------------------------------------- reading


def gradebook_cells(gb: Gradebook, assignment: str, student: str) -> Cells:
    """The student's grades (score, max, manual score) and teacher comments, by cell name."""
    from nbgrader.api import MissingEntry

    cells = Cells()
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return cells
    for notebook in submission.notebooks:
        for g in notebook.grades:
            cells.grades[g.name] = {
                "score": g.score,
                "max_score": g.max_score,
                "auto_score": g.auto_score,
                "manual_score": g.manual_score,
            }
        for c in notebook.comments:
            if c.manual_comment:
                cells.comments[c.name] = c.manual_comment
    return cells


def saved_answers(course: Course, assignment: str, student: str) -> tuple[dict[str, Any], str]:
    """The student's saved answers as the grader read them, and why there are none ('' when there are).

    The grader's rule and the grader's copies (``answers.submitted_answers``): the answers file
    (the graded folder's copy, else the submitted one) or the submitted notebook's receipt, the newer.
    """
    name = f"{assignment}.answers.json"
    folders = submission_folders(course, assignment, student)
    path = next((folder / name for folder in folders if (folder / name).exists()), folders[-1] / name)
    saved = submitted_answers(path, course.submission_dir(assignment, student) / f"{assignment}.ipynb")
    return saved.answers or {}, saved.problem


# ---------------------------------------------------------------- page


def student_page(
    course: Course, assignment: str, row: pd.Series, cells: Cells, title: str, headings: dict[str, str]
) -> str:
    """The whole feedback page of one student."""
    student = row["student_id"]
    name = f"{row['first_name']} {row['last_name']}".strip()
    who = f"{html.escape(name)} ({html.escape(student)})" if name else html.escape(student)
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="meta">Feedback for {who} · assignment <code>{html.escape(assignment)}</code></p>',
        _score_html(row),
        _status_html(row, assignment, headings, _no_answers(course, assignment, student)),
        *_override_html(course, assignment, student, headings),
    ]
    if row.get("late") == "yes":
        penalty = float(row.get("late_penalty") or 0)
        taken = f" The late policy took off {penalty:g}% of the points; the score above includes it." if penalty else ""
        policy = settings_for(course.root, assignment).late_policy
        if not penalty and policy.kind != "none":  # the LMS gave no time: the teacher applies the policy there
            taken = (
                f" The late policy ({html.escape(policy.describe())}) is applied in the course's LMS, not here: "
                "the score the LMS shows may be lower than the one above."
            )
        parts.append(f'<p class="late"><b>Submitted late.</b>{taken}</p>')
    if pd.notna(row["score"]):  # graded, flagged, or failed with the earlier result kept
        parts.append(_parts_html(course, assignment, student, cells, headings))
        from medialit.reports.regrade_form import answers_section, regrade_section  # how to ask for a regrade

        parts += [answers_section(course, assignment, student), regrade_section(assignment, student, headings)]
    return page(f"{title}: {student}", "".join(parts))


def _override_html(course: Course, assignment: str, student: str, headings: dict[str, str]) -> list[str]:
    """The teacher's override of this submission, with the teacher's reason (escaped: it is typed text)."""
    from medialit.grading.overrides import active
    from medialit.reports.override_view import student_text

    return [
        f'<p class="override"><b>{html.escape(what)}</b> Why: {html.escape(why)}</p>'
        for what, why in student_text(active(course, assignment).get(student), headings)
    ]


def _points(value: float | None) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):g}"


def _score_html(row: pd.Series) -> str:
    if pd.isna(row["score"]):
        return f"<p><b>Score: not graded</b> (out of {_points(row['max_score'])} points)</p>"
    text = f"<p><b>Score: {_points(row['score'])} / {_points(row['max_score'])}</b>"
    if row["status"] in (FAILED, MISSING):
        text += " (from your earlier submission, which still counts)"
    elif row["needs_manual_grade"]:
        text += " (your teacher has not yet graded every part; the score may go up)"
    return text + "</p>"


def _no_answers(course: Course, assignment: str, student: str) -> bool:
    """True when the grader found no saved answers at all (neither the answers file nor the receipt)."""
    data = load_results(course.root, assignment, student)
    return bool(data and any(p.code == Code.NOT_SUBMITTED for p in data.parts.values()))


def _status_html(
    row: pd.Series, assignment: str, headings: dict[str, str] | None = None, no_answers: bool = False
) -> str:
    reason = html.escape(student_reason(row["reason"], headings or {}) or "no reason was recorded")
    if row["status"] in (FAILED, MISSING):
        what, todo = _failed_what_todo(row["reason"], reason, assignment)
        if pd.notna(row["score"]):
            return (
                f'<div class="status-failed"><b>Your latest submission was not graded.</b> {what}<br>'
                f"<b>What to do:</b> {todo}<br>Your earlier submission was graded and still counts; "
                "the feedback below is about that one.</div>"
            )
        return (
            f'<div class="status-failed"><b>Not graded.</b> {what}<br><b>What to do:</b> {todo}<br>'
            "This is not a zero: your teacher sees this problem too.</div>"
        )
    if row["status"] == FLAGGED:
        todo = ""
        if no_answers or BLANK_SUBMISSION in str(row["reason"]):
            todo = (
                f"<br><b>What to do:</b> if you did answer, your answers were not in what you submitted. Open "
                f"<code>{assignment}.ipynb</code> beside <code>{assignment}.answers.json</code>, run the last cell "
                "(Submission receipt), save the notebook (Ctrl+S) and submit it again, or submit "
                f"<code>{assignment}.answers.json</code> too."
            )
        return (
            f'<div class="status-flagged"><b>Graded, under review.</b> Your teacher is checking this submission: '
            f"{reason}. The score may change.{todo}</div>"
        )
    return '<div class="status-graded"><b>Graded.</b> Each part below explains what was expected and why.</div>'


# A failure the student can put right by submitting again: their notebook or answers file could not be used.
STUDENT_FILE_PROBLEM = re.compile(
    r"\.ipynb is |not a valid notebook|not a readable notebook|not valid JSON|answers file|answers unusable|0 bytes",
    re.I,
)


def _failed_what_todo(raw: str, reason: str, assignment: str) -> tuple[str, str]:
    """What went wrong and what the student can do, in words that agree with each other.

    ``raw`` is the teacher's reason (to decide), ``reason`` its student wording (HTML-escaped, to show).
    """
    if raw == NO_SUBMISSION:
        return (
            "We have no submission from you for this assignment.",
            "If you did submit it, tell your teacher when and how; otherwise submit it now, if it is not too late.",
        )
    if raw == NOT_AUTOGRADED:
        return "Your submission has not been graded yet.", "Nothing: your teacher will grade it."
    what = f"Your submission could not be graded automatically: {reason}."
    if raw and raw != NO_REASON and STUDENT_FILE_PROBLEM.search(raw):
        return what, (
            f"Your answers are saved on your computer in <code>{assignment}.answers.json</code>, beside your "
            f"notebook, each time you change one. Open <code>{assignment}.ipynb</code>, run all cells, press "
            f"<b>Validate</b>, and submit the notebook <i>together with</i> <code>{assignment}.answers.json</code> "
            "again. If the notebook does not open, ask your teacher for a fresh copy: opened beside that file, it "
            "brings your answers back."
        )
    return what, "Nothing for now. Your teacher will tell you if you need to submit again."


# ---------------------------------------------------------------- student wording of a teacher's reason

# clauses meant for the teacher only (what to do next, what the grader kept): left off student pages
TEACHER_ONLY = [
    re.compile(p, re.I)
    for p in (
        r"^ask for (it|them|the files?|a new file) again",
        r"^the earlier result is kept",
        r"^run autograde again",
        r"^collect again",
    )
]
# the grader's notes in brackets: what it repaired or used instead
TEACHER_NOTES = re.compile(r"\s*\((?:restored|put back|the master's version is used|run autograde again)[^)]*\)", re.I)
STUDENT_PHRASES = [
    ("test cell was deleted", "a locked grading cell was deleted"),
    ("test cell was edited", "a locked grading cell was changed"),
    ("read-only cell was deleted", "a locked cell was deleted"),
    ("read-only cell was edited", "a locked cell was changed"),
    ("answer cell was deleted", "the answer cell was deleted"),
    ("cell duplicated", "a locked cell was copied"),
    ("nbgrader metadata was stripped from", "the grading marks were removed from"),
    ("cells were reordered", "cells were moved out of their order"),
    ("graded again from the released notebook with the saved answers", "your saved answers were graded instead"),
    ("graded from the released notebook with the saved answers", "your saved answers were graded instead"),
    ("no usable answers file either", "no usable answers file came with it either"),
    ("answers file unusable", "your answers file could not be read"),
    ("answers unusable", "your answers file could not be read"),
    ("; run autograde again for this student", ""),
]
GRADE_ID = re.compile(r"\b([a-z][a-z0-9]*(?:-[a-z0-9]+)*?)-(score|answer|rubric|complete|show)\b")
STRUCTURE_IDS = {"intro", "setup", "article-intro", "article", "scheme", "done"}


def _place(key: str, headings: dict[str, str]) -> str:
    """A part's heading in quotes, for a widget key or a grade id; '' when it names no part."""
    match = GRADE_ID.fullmatch(key)
    key = match.group(1) if match else key
    heading = headings.get(key)
    if heading:
        return f"“{heading}”"
    if re.fullmatch(r"part-[a-z]", key):
        return f"Part {key[-1].upper()}"
    return ""


def student_reason(reason: str, headings: dict[str, str]) -> str:
    """A teacher's reason reworded for the student's page.

    No internal ids (``labels-score``: the part's heading instead), no notes meant for the
    teacher ("ask for it again", "the earlier result is kept", what the grader restored).
    """
    clauses = []
    for clause in (c.strip() for c in (reason or "").split(";")):
        if not clause or any(p.search(clause) for p in TEACHER_ONLY):
            continue
        clause = TEACHER_NOTES.sub("", clause)
        for old, new in STUDENT_PHRASES:
            clause = clause.replace(old, new)
        clause = re.sub(r"^(the grading marks were removed from \d+ cell\(s\)): .*$", r"\1", clause)
        prefix = re.match(r"^(error in )?([a-z][a-z0-9-]*): ", clause)
        if prefix and (
            prefix.group(2) in headings or prefix.group(2) in STRUCTURE_IDS or GRADE_ID.fullmatch(prefix.group(2))
        ):
            where = _place(prefix.group(2), headings) or "your notebook"
            clause = f"{'an error ' if prefix.group(1) else ''}in {where}: {clause[prefix.end() :]}"
        listed = re.search(r"0 points for ([a-z0-9, -]+)$", clause)
        if listed:
            keys = [k.strip() for k in listed.group(1).split(",")]
            if all(k in headings for k in keys):
                clause = clause[: listed.start(1)] + ", ".join(_place(k, headings) for k in keys)
        clause = GRADE_ID.sub(lambda m: _place(m.group(0), headings) or "a cell of your notebook", clause)
        if clause and clause not in clauses:
            clauses.append(clause)
    return "; ".join(clauses)


def _parts_html(course: Course, assignment: str, student: str, cells: Cells, headings: dict[str, str]) -> str:
    data = load_results(course.root, assignment, student)
    results = data.parts if data else {}
    answers, problem = saved_answers(course, assignment, student)
    # the gradebook decides which parts exist (a part recorded in results.json but not graded is not shown)
    auto = [n.removesuffix("-score") for n, g in cells.grades.items() if g["auto_score"] is not None and g["max_score"]]
    sections = [
        _auto_part(key, results.get(key), cells, headings, _why_unscored(key, answers, problem))
        for key in auto or results
    ]
    manual = [n for n, g in cells.grades.items() if g["auto_score"] is None and g["max_score"]]
    if manual:
        article = course_article(course, assignment, data.article) if data and data.article else None
        sections += [_manual_part(name, answers, cells, headings, article) for name in manual]
    if not sections:
        sections.append("<p>No detailed feedback was recorded for this submission; ask your teacher.</p>")
    return "".join(sections)


def _section(heading: str, points: str, body: str) -> str:
    return f'<section><h2>{html.escape(heading)} <span class="points">{points}</span></h2>{body}</section>'


# a widget's own summary counts its raw points ("Score: 15 / 19"); the part's heading shows the points it is worth
RAW_SCORE = re.compile(r"<b>Score: [^<]*</b>\s*—\s*")


def one_scale(part_html: str) -> str:
    """A part's feedback with the widget's raw score taken out: the page shows one scale, the part's points."""
    return RAW_SCORE.sub("<b>Your answers:</b> ", part_html)


def _why_unscored(key: str, answers: dict[str, Any], problem: str) -> str:
    """Why a part has no recorded detail: the answers file's problem, or this answer's."""
    if problem:
        return problem
    if key not in answers:
        return "no answer was saved for this part"
    return "your saved answer for this part could not be scored; ask your teacher"


def _auto_part(key: str, part: PartResult | None, cells: Cells, headings: dict[str, str], unscored: str) -> str:
    grade = cells.grades.get(f"{key}-score", {})
    maximum = grade.get("max_score") or (part.max_points if part else None)
    score = grade.get("score") if grade.get("score") is not None else (part.points if part else 0)
    heading = headings.get(key) or (part.title if part else "") or key
    if part is not None and not part.scored:
        part, unscored = None, part.message.rstrip(".")
    if part is None:
        why = html.escape(student_reason(unscored, headings) or "no answer was saved")
        body = f'<div class="medialit-warning">No detailed feedback for this part: {why}.</div>'
    else:
        body = f'<div class="medialit-fb">{one_scale(part.html)}</div>'
    comment = _teacher_comment(cells.comments.get(f"{key}-answer") or cells.comments.get(f"{key}-score"))
    if comment:
        body += f"<p><b>Your teacher's comment:</b> {html.escape(comment)}</p>"
    return _section(heading, f"{_points(score)} / {_points(maximum)}", body)


def _manual_part(name: str, answers: dict[str, Any], cells: Cells, headings: dict[str, str], article: Any) -> str:
    key = name.removesuffix("-rubric")
    grade = cells.grades[name]
    heading = headings.get(key) or f"Graded by your teacher: {key}"
    body = "<p><b>Your answer, as saved:</b></p>" + _answer_html(answers.get(key), article)
    if grade["manual_score"] is None:
        points = f"– / {_points(grade['max_score'])}"
        body += "<p><i>Your teacher has not graded this part yet.</i></p>"
    else:
        points = f"{_points(grade['score'])} / {_points(grade['max_score'])}"
    comment = _teacher_comment(cells.comments.get(name))
    if comment:
        body += f"<p><b>Your teacher's comment:</b> {html.escape(comment)}</p>"
    return _section(heading, points, body)


def _teacher_comment(text: str | None) -> str:
    """A grader's comment on a part, without the lines an override wrote (the page shows those at the top)."""
    from medialit.grading.overrides import ACCEPTED, MARK

    return "\n".join(x for x in (text or "").splitlines() if not x.startswith((MARK, ACCEPTED))).strip()


def _answer_html(value: Any, article: Any) -> str:
    """A saved free-text answer: text, or a list of plans (each a mapping of fields)."""
    if not value:
        return '<div class="medialit-warning">No answer was saved.</div>'
    if isinstance(value, str):
        return f"<blockquote>{html.escape(value)}</blockquote>"
    if not isinstance(value, list):
        return f"<blockquote>{html.escape(str(value))}</blockquote>"
    claims = {c["key"]: c for c in article.claims()} if article is not None else {}
    items = []
    for entry in value:
        if not isinstance(entry, dict):
            continue
        claim = claims.get(entry.get("claim"))
        lines = [f"<b>Claim:</b> “{html.escape(claim['span'])}” [{html.escape(claim['sentence'])}]"] if claim else []
        if not claim and entry.get("claim"):
            lines.append(f"<b>Claim:</b> {html.escape(str(entry['claim']))}")
        lines += [f"<b>{html.escape(label)}</b> {html.escape(str(entry.get(k) or '–'))}" for k, label, _ in PLAN_FIELDS]
        items.append("<li>" + "<br>".join(lines) + "</li>")
    return f"<ol>{''.join(items)}</ol>"
