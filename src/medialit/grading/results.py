"""The one results model: what each graded part earned and why, written by the grader only.

``ASSIGNMENT.results.json`` in a student's autograded folder is written by the grading
process (never by the student's kernel) and read by the status table, feedback pages,
exports and the class report. A part that could not be scored carries an error
**code** (one of :class:`Code`), so no reader ever matches message wording.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

BLANK_SUBMISSION = "blank submission"  # the flag's first words: saved answers with no part answered
FORMAT = 2  # version of the results file; older files (written by kernels) are not trusted
WRITER = "medialit grader"


class Code(StrEnum):
    """Why a part could not be scored."""

    NOT_SUBMITTED = "not-submitted"  # neither an answers file nor a receipt: flagged, never a silent zero
    UNREADABLE = "unreadable"  # the saved answers exist but cannot be used
    WRONG_FORM = "wrong-form"  # the saved answer of this part has the wrong shape


@dataclass
class PartResult:
    """One scored part: points out of max, feedback HTML, notes, and plain data for reports."""

    key: str
    title: str
    points: float
    max_points: float
    code: str | None = None  # a Code when the part could not be scored
    message: str = ""  # the reason in words, for the teacher's status table and the feedback page
    html: str = ""  # the feedback shown to the student
    notes: list[str] = field(default_factory=list)  # problems met while reading the saved answer
    details: dict[str, Any] = field(default_factory=dict)  # kind, rows, columns, spans ... (class report)

    @property
    def scored(self) -> bool:
        return self.code is None

    @property
    def kind(self) -> str:
        return str(self.details.get("kind", ""))


@dataclass
class Results:
    """All scored parts of one submission."""

    assignment: str
    article: str
    parts: dict[str, PartResult] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)  # what the grader found that a teacher should look at
    source: str = ""  # where the scored answers came from: the answers file or the notebook's receipt

    @property
    def points(self) -> float:
        return round(sum(p.points for p in self.parts.values()), 2)

    def to_json(self) -> str:
        data = {"format": FORMAT, "writer": WRITER, "assignment": self.assignment, "article": self.article}
        data["parts"] = {key: asdict(part) for key, part in self.parts.items()}
        data["flags"] = self.flags
        data["source"] = self.source
        return json.dumps(data, ensure_ascii=False, indent=1)

    def write(self, path: Path) -> Path:
        """Write atomically (a reader never sees half a file)."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(self.to_json(), encoding="utf-8")
        os.replace(tmp, path)
        return path

    @classmethod
    def from_dict(cls, data: Any) -> Results | None:
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("parts"), dict):
            return None
        try:
            parts = {key: PartResult(**part) for key, part in data["parts"].items()}
        except TypeError:
            return None
        flags = [str(f) for f in data.get("flags", []) if isinstance(f, str)]
        source = str(data.get("source", ""))
        return cls(str(data.get("assignment", "")), str(data.get("article", "")), parts, flags, source)

    @classmethod
    def read(cls, path: Path) -> Results | None:
        """The results in ``path`` (None if absent, unreadable or not written by the grader)."""
        try:
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError, RecursionError):
            return None


def results_path(folder: Path, assignment: str) -> Path:
    """Where a graded submission's results are kept (its autograded folder)."""
    return Path(folder) / f"{assignment}.results.json"
