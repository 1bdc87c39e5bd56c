"""Per-assignment settings of a course: its name and id in the LMS, due date and late policy.

They live in ``COURSE/assignments.yaml``, which a teacher may edit by hand::

    ps1-sources:
      lms_name: Problem Set 1        # the assignment's title in the LMS
      lms_id: 123456                 # Canvas: the number in the assignment's address
      due: 2026-01-21 23:59 +01:00   # with the time zone
      late_policy: 10% per day       # none | N% per day | zero after 2026-01-25 23:59 +01:00

Every field is optional. A mistake is reported with the file, the assignment, the field
and how to write it; nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

FILE = "assignments.yaml"
FIELDS = ("lms_name", "lms_id", "due", "late_policy")
TIME_HELP = "write it like 2026-01-21 23:59 +01:00 (date, time, time zone)"
POLICY_HELP = "write none, '10% per day' or 'zero after 2026-01-25 23:59 +01:00'"


class SettingsError(ValueError):
    """A malformed assignments.yaml: the message names the file, the place and the fix."""


@dataclass(frozen=True)
class LatePolicy:
    """What a late submission loses: nothing, a share of the points per started day, or all after a cutoff."""

    kind: str = "none"  # none | per_day | zero_after
    percent_per_day: float = 0.0
    cutoff: datetime | None = None

    def describe(self) -> str:
        if self.kind == "per_day":
            return f"{self.percent_per_day:g}% of the points per started day late"
        if self.kind == "zero_after" and self.cutoff is not None:
            return f"0 points if submitted after {self.cutoff:%Y-%m-%d %H:%M %z}"
        return "no penalty (late work is only flagged)"


@dataclass(frozen=True)
class AssignmentSettings:
    """One assignment's settings; empty values when not set."""

    lms_name: str = ""
    lms_id: str = ""
    due: datetime | None = None
    late_policy: LatePolicy = field(default_factory=LatePolicy)


def settings_path(course_root: Path) -> Path:
    return Path(course_root) / FILE


def load_settings(course_root: Path) -> dict[str, AssignmentSettings]:
    """Every assignment's settings in ``COURSE/assignments.yaml`` (none when the file is absent)."""
    path = settings_path(course_root)
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot be read ({exc}); save it as UTF-8 text") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        fix = "compare it with the example in the instructor guide"
        raise SettingsError(f"{path}{line}: not valid YAML; {fix}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected one block per assignment ('ps1-sources:' then its settings)")
    return {str(name): _assignment(path, str(name), block) for name, block in data.items()}


def settings_for(course_root: Path, assignment: str) -> AssignmentSettings:
    return load_settings(course_root).get(assignment, AssignmentSettings())


def save_settings(course_root: Path, assignment: str, **values: Any) -> Path:
    """Set fields of one assignment (None leaves a field as it is); the file keeps the other assignments."""
    path = settings_path(course_root)
    load_settings(course_root)  # never overwrite a file that does not read
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}
    block = dict(data.get(assignment) or {})
    for key, value in values.items():
        if key not in FIELDS:
            raise SettingsError(f"unknown setting {key!r}; known: {', '.join(FIELDS)}")
        if value is not None:
            block[key] = value
    data[assignment] = block
    _assignment(path, assignment, block)  # refuse to write what would not read back
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("# medialit: per-assignment settings (see the instructor guide)\n" + text, encoding="utf-8")
    tmp.replace(path)
    return path


def _assignment(path: Path, name: str, block: Any) -> AssignmentSettings:
    where = f"{path}, assignment {name!r}"
    if block is None:
        return AssignmentSettings()
    if not isinstance(block, dict):
        raise SettingsError(f"{where}: expected fields under it ({', '.join(FIELDS)})")
    unknown = sorted(set(map(str, block)) - set(FIELDS))
    if unknown:
        raise SettingsError(f"{where}: unknown field {', '.join(unknown)}; the fields are {', '.join(FIELDS)}")
    lms_id = block.get("lms_id")
    lms_id = "" if lms_id is None else str(lms_id).strip()
    if lms_id and not lms_id.isdigit():
        raise SettingsError(f"{where}, lms_id: {lms_id!r} is not a number; use the digits from the LMS address")
    due = _time(block.get("due"), f"{where}, due")
    policy = _policy(block.get("late_policy"), f"{where}, late_policy")
    return AssignmentSettings(str(block.get("lms_name") or "").strip(), lms_id, due, policy)


def _time(value: Any, where: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = re.sub(r"\s+", " ", str(value).strip())
        moment = None
        for fmt in ("%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S%z"):
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                raise SettingsError(f"{where}: {value!r} is not a date and time; {TIME_HELP}") from None
    if moment.tzinfo is None:
        raise SettingsError(f"{where}: {value!r} has no time zone; {TIME_HELP}")
    return moment


def _policy(value: Any, where: str) -> LatePolicy:
    if value is None or str(value).strip().lower() in {"", "none"}:
        return LatePolicy()
    text = str(value).strip()
    per_day = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%\s*per\s*day", text, flags=re.I)
    if per_day:
        percent = float(per_day.group(1))
        if not 0 < percent <= 100:
            raise SettingsError(f"{where}: {text!r}: the percentage must be above 0 and at most 100")
        return LatePolicy("per_day", percent)
    zero = re.fullmatch(r"zero\s+after\s+(.+)", text, flags=re.I)
    if zero:
        return LatePolicy("zero_after", cutoff=_time(zero.group(1), where))
    raise SettingsError(f"{where}: {text!r} is not a late policy; {POLICY_HELP}")
