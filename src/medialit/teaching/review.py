"""A teacher's review of a draft annotation: change or accept each suggestion, see problems live, save.

Only these calls clear a sentence's ``draft`` notes, and a notebook makes them only on a teacher's
click: :meth:`Review.set` (the teacher gave the field a value) and :meth:`Review.accept` (the teacher
accepted the suggestion as it is). Nothing here runs on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from medialit.content.annotation import Problem, draft_marks, validate_data
from medialit.content.scheme import load_scheme

PLACEHOLDER = "DRAFT"  # the drafter's stand-in text: a field that still holds it cannot be accepted
FIELDS = ("part", "label", "source", "cue", "loaded", "hedges", "claims", "decisive", "rationale")
HEADER = "# Annotation reviewed with notebooks/instructor-review-article.ipynb. Format: docs/annotation-format.md.\n"


class Review:
    """An annotation file under review, in memory until :meth:`save`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.data: dict[str, Any] = yaml.safe_load(self.path.read_text(encoding="utf-8"))

    @property
    def ids(self) -> list[str]:
        return [s["id"] for s in self.data["sentences"]]

    def sentence(self, sid: str) -> dict[str, Any]:
        """The sentence's fields, as in the file."""
        return next(s for s in self.data["sentences"] if s["id"] == sid)

    def notes(self, sid: str) -> dict[str, str]:
        """The draft notes still on a sentence: field -> the words that triggered the suggestion."""
        return dict(self.sentence(sid).get("draft") or {})

    def set(self, sid: str, field: str, value: Any) -> None:
        """The teacher gives ``field`` a value: it replaces the suggestion and clears its draft note
        (unless the value still holds the drafter's stand-in text)."""
        if field not in FIELDS and field not in ("also", "why"):
            raise ValueError(f"unknown field {field!r}; expected one of {', '.join(FIELDS)}")
        s = self.sentence(sid)
        s[field] = value
        if not self._placeholder(s, field):
            self._clear(s, [field])

    def accept(self, sid: str, fields: list[str] | None = None) -> list[str]:
        """The teacher accepts the suggestions of ``fields`` (all of the sentence's when None) as they are.

        A field that still holds the drafter's stand-in text (the rationale, a claim's why or verify)
        keeps its draft note: those are for the teacher to write. Returns the fields kept.
        """
        s = self.sentence(sid)
        wanted = list(s.get("draft") or {}) if fields is None else fields
        kept = [f for f in wanted if self._placeholder(s, f)]
        self._clear(s, [f for f in wanted if f not in kept])
        return kept

    @staticmethod
    def _placeholder(s: dict[str, Any], field: str) -> bool:
        if field == "rationale":
            return str(s.get("rationale", "")).startswith(PLACEHOLDER)
        if field == "claims":
            return any(
                str(c.get(k, "")).startswith(PLACEHOLDER) for c in s.get("claims", []) for k in ("why", "verify")
            )
        return False

    def accept_article(self, **values: Any) -> None:
        """The teacher confirms the article's details (provenance, published, invented, ...)."""
        meta = self.data["article"]
        meta.update(values)
        self._clear(meta, [f for f in meta.get("draft") or {} if not str(meta.get(f, "")).startswith(PLACEHOLDER)])

    @staticmethod
    def _clear(item: dict[str, Any], fields: list[str]) -> None:
        notes = item.get("draft") or {}
        for field in fields:
            notes.pop(field, None)
        if not notes:
            item.pop("draft", None)

    def decided_label(self, sid: str) -> tuple[str, str]:
        """The label the scheme's decision order gives the sentence's current fields, and why."""
        s = self.sentence(sid)
        return load_scheme().decided_label(s["source"], s["cue"], s["loaded"], s["hedges"])

    def problems(self) -> list[Problem]:
        """Every validation problem of the annotation as it stands (draft notes are not problems)."""
        return validate_data(self.data, "", self.path.name, self.path.parent)

    def drafts(self) -> dict[str, list[str]]:
        """Place -> fields still marked draft."""
        return draft_marks(self.data)

    def text(self) -> str:
        return HEADER + yaml.safe_dump(self.data, sort_keys=False, allow_unicode=True, width=100)

    def save(self, path: str | Path | None = None) -> Path:
        """Write the annotation (even with problems: the teacher may stop half-way); return the path."""
        target = Path(path) if path else self.path
        target.write_text(self.text(), encoding="utf-8")
        return target
