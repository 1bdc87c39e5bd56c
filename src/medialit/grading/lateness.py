"""Whether a submission was late, how we know, and what the course's late policy takes off.

Two sources, in order of trust:

1. The LMS's own marker (Canvas writes ``LATE`` in the file name). Canvas file names carry
   no submission time, so the marker says *that* it was late, not *by how much*.
2. nbgrader's exchange timestamp compared with the due date in ``assignments.yaml``.
   (An LMS download's timestamp is when the LMS built the zip, so it is never used.)

A policy that needs a time (per day, zero after a cutoff) is applied only when the time
is known; otherwise the note says so and the teacher applies it in the LMS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC

from medialit.grading.assignment_settings import AssignmentSettings, settings_for
from medialit.grading.collect import collect_record, collect_records
from medialit.grading.course import Course
from medialit.grading.layout import read_timestamp


@dataclass(frozen=True)
class Lateness:
    """One submission's lateness: ``late`` is None when nothing tells."""

    late: bool | None = None
    note: str = ""  # plain words: how we know, and the penalty (or why none was applied)
    days: int | None = None  # started days late, when the time is known
    penalty_percent: float = 0.0  # share of the maximum points taken off (0-100)

    @property
    def mark(self) -> str:
        return {True: "yes", False: "no"}.get(self.late, "")  # type: ignore[arg-type]


def class_lateness(
    course: Course, assignment: str, students: list[str], settings: AssignmentSettings | None = None
) -> dict[str, Lateness]:
    """The lateness of each of ``students``, with the settings and the collect records read once."""
    settings = settings or settings_for(course.root, assignment)
    records = collect_records(course.root, assignment)
    return {s: lateness(course, assignment, s, settings, records) for s in students}


def lateness(
    course: Course,
    assignment: str,
    student: str,
    settings: AssignmentSettings | None = None,
    records: dict | None = None,
) -> Lateness:
    """The lateness of ``student``'s current submission of ``assignment`` (see ``class_lateness`` for many)."""
    settings = settings or settings_for(course.root, assignment)
    record = collect_record(course, assignment, student, records) or {}
    via = str(record.get("via") or "")
    if record.get("late") is True:
        lms = via.title() or "the LMS"
        return Lateness(True, f"marked late by {lms}; {_untimed(settings)}")
    if via and via != "exchange":  # an LMS download: its timestamp is when the zip was built
        return Lateness(False if record.get("late") is False else None)
    if settings.due is None:
        return Lateness()
    stamp = read_timestamp(course.submission_dir(assignment, student))
    if stamp is None:
        return Lateness(None, "no submission time recorded, so lateness is unknown")
    seconds = (stamp.replace(tzinfo=UTC) - settings.due).total_seconds()
    if seconds <= 0:
        return Lateness(False)
    days = math.ceil(seconds / 86400)
    when = f"submitted {_duration(seconds)} after the due date"
    policy = settings.late_policy
    if policy.kind == "per_day":
        percent = min(100.0, policy.percent_per_day * days)
        return Lateness(True, f"{when}: {percent:g}% of the points taken off ({policy.describe()})", days, percent)
    if policy.kind == "zero_after" and policy.cutoff is not None:
        if stamp.replace(tzinfo=UTC) > policy.cutoff:
            return Lateness(True, f"{when}, after the cutoff: 0 points ({policy.describe()})", days, 100.0)
        return Lateness(True, f"{when}, before the cutoff: no penalty", days)
    return Lateness(True, f"{when}; no penalty (the course sets none)", days)


def apply_penalty(score: float | None, max_score: float | None, late: Lateness) -> float | None:
    """The score after the late penalty (never below 0); None stays None."""
    if score is None or not late.penalty_percent or not max_score:
        return score
    return round(max(0.0, score - max_score * late.penalty_percent / 100), 2)


def _untimed(settings: AssignmentSettings) -> str:
    if settings.late_policy.kind == "none":
        return "no penalty (the course sets none)"
    policy = settings.late_policy.describe()
    return f"the LMS gives no time, so no penalty was applied: apply your policy ({policy}) in the LMS"


def _duration(seconds: float) -> str:
    hours = seconds / 3600
    if hours < 1:
        return f"{max(1, round(seconds / 60))} min"
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.1f} days"
