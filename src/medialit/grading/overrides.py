"""A teacher's override of an autograded submission: new points, or a flag accepted, and why.

``medialit override`` writes the points into nbgrader's gradebook as manual scores
(``Grade.manual_score`` of the part's grade cell, which formgrader shows as the grader's score)
and the reason as a manual comment on the part's answer cell (``Comment.manual_comment``), so
formgrader shows both. Accepting a flag clears nbgrader's flag on the submission. The decision is
also kept, with its reason and date, in ``COURSE/overrides/ASSIGNMENT.json`` (one line per action,
never rewritten), which the grade table, exports and feedback pages read.

Autograde never writes a manual score (``merge``), so an override survives a re-autograde; the
list says when the automatic score under it, or the flag it accepted, has changed since.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from medialit.grading.course import Course, CourseError
from medialit.grading.records import read_rows, write_rows
from medialit.grading.status import FAILED, FLAGGED

MARK = "Score set by the teacher"  # first words of the gradebook comment an override writes
ACCEPTED = "Flag accepted by the teacher"
MAX_REASON = 1000
POINTS, ACCEPT, CLEAR = "points", "accept", "clear"


@dataclass
class Action:
    """One override action as recorded: who, what (points per cell, a flag accepted, or cleared), why, when."""

    student: str
    kind: str  # points | accept | clear
    reason: str
    at: str
    part: str = ""  # the part named (its key), '' for the whole assignment
    cells: dict[str, float] = field(default_factory=dict)  # grade cell -> points set
    before: float | None = None  # the score before (the gradebook's)
    after: float | None = None
    max_score: float | None = None
    auto: dict[str, float | None] = field(default_factory=dict)  # the automatic score under each cell then
    flag: str = ""  # the status reason the teacher saw (a flagged or failed submission's)


@dataclass
class Override:
    """What is in force for one student: the cells set by hand, the flag accepted, and every reason."""

    student: str
    actions: list[Action] = field(default_factory=list)

    @property
    def cells(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for action in self.actions:
            out.update(action.cells)
        return out

    @property
    def points(self) -> list[Action]:
        return [a for a in self.actions if a.kind == POINTS]

    @property
    def accepted(self) -> Action | None:
        return next((a for a in reversed(self.actions) if a.kind == ACCEPT), None)

    @property
    def last(self) -> Action:
        return self.actions[-1]

    def resolves(self, reason: str) -> bool:
        """True when this override settles a flagged submission whose reason is ``reason``.

        New points settle whatever the teacher saw; an accepted flag settles that same flag only
        (a new submission flagged for something else is shown flagged again).
        """
        if self.points:
            return True
        accepted = self.accepted
        return accepted is not None and " ".join(accepted.flag.split()) == " ".join((reason or "").split())


def settled(found: Override | None, status: str, reason: str) -> str:
    """What a flagged or failed submission the teacher settled shows instead ('' when not settled).

    Every table a teacher reads shows such a submission as graded, with this reason.
    """
    if found is None or status not in (FLAGGED, FAILED) or not found.resolves(reason):
        return ""
    what = MARK.lower() if found.points else ACCEPTED.lower()
    was = f" (was {status}: {reason})" if reason else ""
    return f"{what}: {found.last.reason}{was}"


def record_path(course: Course, assignment: str) -> Path:
    return course.root / "overrides" / f"{assignment}.json"


def read_actions(course: Course, assignment: str) -> list[Action]:
    """Every recorded action of ``assignment``, oldest first (none when nothing was overridden)."""
    return read_rows(
        record_path(course, assignment),
        "actions",
        Action,
        f"it holds the overrides of {assignment}. Put back a copy from .medialit-backups/ or your own backup, "
        "or delete it and set the overrides again",
    )


def active(course: Course, assignment: str) -> dict[str, Override]:
    """The overrides in force, by student (actions after the student's last clear)."""
    out: dict[str, Override] = {}
    for action in read_actions(course, assignment):
        if action.kind == CLEAR:
            out.pop(action.student, None)
            continue
        out.setdefault(action.student, Override(action.student)).actions.append(action)
    return out


def _append(course: Course, assignment: str, action: Action) -> Path:
    actions = [*read_actions(course, assignment), action]
    return write_rows(record_path(course, assignment), assignment, "actions", actions)


# ---------------------------------------------------------------- checking what the teacher typed


def clean_reason(reason: str | None, required: bool = True) -> str:
    """The reason as one tidy line; an empty one refused when ``required``."""
    text = " ".join((reason or "").split())
    if required and not text:
        raise CourseError(
            'give a reason with --reason "..." (for example --reason "answered on paper, checked by hand"): it is '
            "kept with the override and shown on the student's feedback page"
        )
    if len(text) > MAX_REASON:
        raise CourseError(f"the reason is {len(text)} characters long; keep it under {MAX_REASON}")
    return text


def find_student(course: Course, who: str) -> str:
    """The roster id for ``who`` (an id, or a full name in either order); a clear error otherwise."""
    roster = course.roster()
    ids = {s.student_id for s in roster}
    if who in ids:
        return who
    key = " ".join(who.lower().split())
    hits = [
        s.student_id
        for s in roster
        if key in {f"{s.first_name} {s.last_name}".lower(), f"{s.last_name} {s.first_name}".lower()}
    ]
    if len(hits) == 1:
        return hits[0]
    near = [s for s in roster if key and (key in s.name.lower() or key in s.student_id.lower())]
    hint = f" Did you mean: {', '.join(f'{s.name} ({s.student_id})' for s in near[:5])}?" if near else ""
    raise CourseError(
        f"no student {who!r} on the course roster ({course.root / 'roster.csv'}).{hint} Give the student's id as "
        "`medialit roster show` lists it"
    )


@dataclass
class Part:
    """One graded part of a submission in the gradebook."""

    key: str  # the part's key (labels), as the feedback page and the CLI name it
    cell: str  # its grade cell (labels-score, or a task cell)
    comment_cell: str  # where the reason goes (its answer cell, else the grade cell itself)
    max_score: float
    auto: float | None
    manual: float | None

    @property
    def score(self) -> float:
        value = self.manual if self.manual is not None else self.auto
        return float(value or 0.0)


def _parts(gb: Any, assignment: str, student: str) -> tuple[Any, list[Part]]:
    """The student's submitted notebook and its parts worth points (raises MissingEntry)."""
    submission = gb.find_submission(assignment, student)
    notebook = submission.notebooks[0]
    comments = {c.name for c in notebook.comments}
    parts = []
    for grade in notebook.grades:
        if not grade.max_score:
            continue
        key = grade.name.removesuffix("-score").removesuffix("-rubric")
        comment_cell = next((n for n in (f"{key}-answer", grade.name) if n in comments), "")
        parts.append(Part(key, grade.name, comment_cell, float(grade.max_score), grade.auto_score, grade.manual_score))
    return notebook, parts


def spread(parts: list[Part], total: float) -> dict[str, float]:
    """New points per part that add up to ``total``, each part moved in proportion to its room.

    Down: each part keeps the same share of its current points. Up: each part gains the same share
    of the points it still lacks. So a part the student had right stays right when the total rises.
    """
    now = sum(p.score for p in parts)
    top = sum(p.max_score for p in parts)
    if total <= now:
        share = total / now if now else 0.0
        new = {p.cell: p.score * share for p in parts}
    else:
        share = (total - now) / (top - now) if top > now else 0.0
        new = {p.cell: p.score + (p.max_score - p.score) * share for p in parts}
    new = {cell: round(value, 2) for cell, value in new.items()}
    biggest = max(parts, key=lambda p: p.max_score).cell
    new[biggest] = round(new[biggest] + total - sum(new.values()), 2)  # what rounding lost
    return new


# ---------------------------------------------------------------- writing


@dataclass
class Done:
    """What an override did, in words for the teacher."""

    student: str
    before: float | None
    after: float | None
    max_score: float | None
    lines: list[str] = field(default_factory=list)
    record: Path | None = None


def override(
    course: Course,
    assignment: str,
    who: str,
    *,
    points: float | None = None,
    part: str = "",
    accept_flag: bool = False,
    reason: str | None = None,
    flag: str = "",
    now: datetime | None = None,
) -> Done:
    """Set a student's points (the whole assignment, or one ``part``) and/or accept their flag, with a reason.

    ``flag`` is the status reason the teacher is settling (the grade table's), kept with the action.
    Raises CourseError, with what to do, for an unknown student, assignment or part, points out of range,
    an empty reason, or a student with no graded submission.
    """
    from nbgrader.api import Gradebook, MissingEntry

    course.require_assignment(assignment)
    student = find_student(course, who)
    text = clean_reason(reason)
    if points is None and not accept_flag:
        raise CourseError("say what to change: --points P (the new score) or --accept-flag (the score stands)")
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    with Gradebook(course.db_url, course.course_id) as gb:
        try:
            notebook, parts = _parts(gb, assignment, student)
        except (MissingEntry, IndexError):
            raise CourseError(
                f"{student} has no graded submission of {assignment}, so there is no score to change. If they "
                f"handed it in another way, collect it (medialit collect {assignment} ...) and run medialit autograde "
                f"{assignment} first; then override"
            ) from None
        before = round(sum(p.score for p in parts), 2)
        top = round(sum(p.max_score for p in parts), 2)
        action = Action(student, POINTS if points is not None else ACCEPT, text, stamp, part, before=before)
        action.max_score, action.flag = top, flag
        action.auto = {p.cell: p.auto for p in parts}
        done = Done(student, before, before, top)
        if points is not None:
            chosen = _choose(parts, part, assignment)
            limit = sum(p.max_score for p in chosen)
            if not 0 <= points <= limit:
                where = f"part {part!r}" if part else assignment
                raise CourseError(f"--points {points:g} is out of range: {where} is worth 0 to {limit:g} points")
            action.cells = spread(chosen, points)
            for grade in notebook.grades:
                if grade.name in action.cells:
                    grade.manual_score = action.cells[grade.name]
                    grade.needs_manual_grade = False  # as formgrader saves a grade
            done.after = round(before - sum(p.score for p in chosen) + points, 2)
            where = f"part {part}" if part else "the whole assignment"
            note = f"{MARK} ({stamp[:10]}): {where} {sum(p.score for p in chosen):g} -> {points:g}. Reason: {text}"
            _comment(notebook, (chosen[0].comment_cell or chosen[0].cell), note)
            done.lines.append(f"{assignment}: {before:g} -> {done.after:g} / {top:g} ({where} set to {points:g})")
        action.after = done.after
        if accept_flag or points is not None:
            if accept_flag:
                note = f"{ACCEPTED} ({stamp[:10]}): {text}"
                _comment(notebook, next((p.comment_cell for p in parts if p.comment_cell), parts[0].cell), note)
                if points is not None:
                    _append(course, assignment, Action(**{**asdict(action), "kind": ACCEPT, "cells": {}}))
            notebook.flagged = False
        gb.db.commit()
    done.record = _append(course, assignment, action)
    if accept_flag:
        done.lines.append(f"{assignment}: the flag is accepted; the score stands at {done.after:g} / {top:g}")
    return done


def _choose(parts: list[Part], part: str, assignment: str) -> list[Part]:
    if not part:
        return parts
    chosen = [p for p in parts if part in (p.key, p.cell)]
    if not chosen:
        raise CourseError(
            f"{assignment} has no part {part!r}; its parts are: "
            + ", ".join(f"{p.key} ({p.max_score:g} points)" for p in parts)
        )
    return chosen


def _comment(notebook: Any, cell: str, note: str) -> None:
    """Add ``note`` to the manual comment of ``cell`` (a grader's own comment is kept above it)."""
    for comment in notebook.comments:
        if comment.name == cell:
            kept = [line for line in (comment.manual_comment or "").splitlines() if line.strip()]
            comment.manual_comment = "\n".join([*kept, note])
            return


def clear(course: Course, assignment: str, who: str, reason: str | None = None) -> Done:
    """Undo a student's override: the manual scores and comments it wrote are removed; the record keeps it."""
    from nbgrader.api import Gradebook, MissingEntry

    course.require_assignment(assignment)
    student = find_student(course, who)
    current = active(course, assignment).get(student)
    if current is None:
        raise CourseError(f"{student} has no override of {assignment} to clear (see: medialit overrides {assignment})")
    text = clean_reason(reason, required=False)
    cells, after = current.cells, None
    with Gradebook(course.db_url, course.course_id) as gb:
        try:
            notebook = _parts(gb, assignment, student)[0]
        except (MissingEntry, IndexError):
            notebook = None
        if notebook is not None:
            for grade in notebook.grades:
                if grade.name in cells and grade.manual_score == cells[grade.name]:
                    grade.manual_score = None  # a score a grader changed since is theirs: kept
                    grade.needs_manual_grade = grade.auto_score is None
            for comment in notebook.comments:
                kept = [x for x in (comment.manual_comment or "").splitlines() if not x.startswith((MARK, ACCEPTED))]
                comment.manual_comment = "\n".join(kept) or None
            gb.db.commit()
            after = round(sum(p.score for p in _parts(gb, assignment, student)[1]), 2)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    action = Action(student, CLEAR, text, stamp, before=current.last.after, after=after)
    done = Done(student, current.last.after, after, current.last.max_score, record=_append(course, assignment, action))
    done.lines.append(f"{assignment}: override cleared; the automatic score counts again ({num(after)})")
    return done


# ---------------------------------------------------------------- reading for the list and the tables


@dataclass
class Check:
    """How an override stands now against the gradebook."""

    manual: dict[str, float | None]  # each overridden cell's manual score now
    auto: dict[str, float | None]  # each overridden cell's automatic score now
    pending: bool  # another part still waits for the teacher's grading


def check(course: Course, assignment: str, students: list[str]) -> dict[str, Check]:
    """The gradebook's values under the overrides of ``students`` (one read)."""
    from nbgrader.api import Gradebook, MissingEntry

    out: dict[str, Check] = {}
    current = active(course, assignment)
    with Gradebook(course.db_url, course.course_id) as gb:
        for student in students:
            try:
                _, parts = _parts(gb, assignment, student)
            except (MissingEntry, IndexError):
                continue
            cells = current[student].cells if student in current else {}
            out[student] = Check(
                {p.cell: p.manual for p in parts if p.cell in cells},
                {p.cell: p.auto for p in parts if p.cell in cells},
                any(p.auto is None and p.manual is None for p in parts if p.cell not in cells),
            )
    return out


def warnings(override_: Override, now: Check | None) -> list[str]:
    """What changed under an override since it was set (a grader in formgrader, a new autograde)."""
    if now is None:
        return ["the submission is no longer in the gradebook"]
    said = []
    for cell, points in override_.cells.items():
        manual = now.manual.get(cell)
        if manual != points:
            said.append(
                f"{cell} is now {'unset' if manual is None else f'{manual:g}'} in the gradebook (changed since)"
            )
    first = {}
    for action in override_.actions:
        for cell, value in action.auto.items():
            first.setdefault(cell, value)
    for cell, value in now.auto.items():
        if cell in first and first[cell] != value:
            said.append(
                f"autograded again since: {cell}'s automatic score is now {value if value is None else f'{value:g}'} "
                "(the override still counts; look again if the submission changed)"
            )
    return said


def describe(override_: Override) -> str:
    """One line for the teacher: what was set, when, and why."""
    said = []
    for action in override_.points:
        where = f"part {action.part}" if action.part else "score"
        said.append(
            f"{where} set on {action.at[:10]}: {num(action.before)} -> {num(action.after)} / "
            f"{num(action.max_score)}; reason: {action.reason}"
        )
    accepted = override_.accepted
    if accepted is not None:
        said.append(f"flag accepted on {accepted.at[:10]}: {accepted.reason}")
    return "; ".join(said)


def num(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"
