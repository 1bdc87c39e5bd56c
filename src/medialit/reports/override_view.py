"""The teacher's overrides as the grade table shows them (``medialit.grading.overrides``).

The score already holds them (the gradebook's manual scores); here the row says so: an
``override`` column with what was set, when and why, a flagged or failed submission the
teacher settled shown as graded with the teacher's reason, and "parts still to grade" only
for parts the override did not set.
"""

from __future__ import annotations

import pandas as pd

from medialit.grading import overrides
from medialit.grading.course import Course
from medialit.grading.status import GRADED


def apply_overrides(course: Course, assignment: str, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (the grade table) with the overrides in force written into its rows."""
    table["override"] = ""
    current = overrides.active(course, assignment)
    if not current:
        return table
    checks = overrides.check(course, assignment, list(current))
    for index, row in table.iterrows():
        found = current.get(row["student_id"])
        if found is None or pd.isna(row["score"]):
            continue
        table.at[index, "override"] = overrides.describe(found)
        if settled := overrides.settled(found, row["status"], row["reason"]):
            table.at[index, "status"] = GRADED
            table.at[index, "reason"] = settled
        check = checks.get(row["student_id"])
        if check is not None:
            table.at[index, "needs_manual_grade"] = check.pending
    return table


def student_text(found: overrides.Override | None, headings: dict[str, str]) -> list[tuple[str, str]]:
    """What the student's page says about an override: (what happened, why) pairs, in plain text."""
    if found is None:
        return []
    said = []
    for action in found.points:
        where = f" for “{headings.get(action.part, action.part)}”" if action.part else ""
        said.append(
            (
                f"Your teacher changed your score{where}: {overrides.num(action.before)} → "
                f"{overrides.num(action.after)} out of {overrides.num(action.max_score)}.",
                action.reason,
            )
        )
    if found.accepted is not None and not found.points:
        said.append(("Your teacher checked this submission and accepted it as it is.", found.accepted.reason))
    return said
