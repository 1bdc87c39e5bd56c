"""Verification log: a structured plan to check claims by lateral reading (SIFT)."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from medialit.grading.answers import AnswerStore
from medialit.teaching.tasks.verification import FIELDS, LATERAL, MIN_WORDS, Plan, VerificationLogTask
from medialit.widgets.base import AnswerWidget

__all__ = ["FIELDS", "LATERAL", "MIN_WORDS", "VerificationLog"]


class VerificationLog(AnswerWidget):
    """``entries`` plans, each: a claim from the article plus three text answers.

    Saved as a list of {"claim": key, "search": ..., "sources": ..., "change_mind": ...}.
    Arguments: see :class:`VerificationLogTask`, plus ``store``.
    """

    task: VerificationLogTask

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(VerificationLogTask(*args, **kwargs), store)

    def _view(self, task: VerificationLogTask, store: AnswerStore | None) -> None:
        self._attach(task, store)
        options = [("— choose a claim —", "")] + [(f"{c['span']} [{c['sentence']}]", k) for k, c in self.claims.items()]
        self.entries: list[dict[str, w.Widget]] = []
        for _ in range(self.task.entries):
            entry: dict[str, w.Widget] = {"claim": w.Dropdown(options=options, value="", layout=w.Layout(width="100%"))}
            for name, _label, hint in FIELDS:
                entry[name] = w.Textarea(placeholder=hint, layout=w.Layout(width="100%", height="3.5em"))
            for widget in entry.values():
                widget.observe(self._changed, names="value")
            self.entries.append(entry)
        self._restore()

    @property
    def claims(self) -> dict[str, dict[str, Any]]:
        return self.task.claims

    def get_value(self) -> list[Plan]:
        return [{k: (v.value or None) if k == "claim" else v.value for k, v in e.items()} for e in self.entries]

    def _show(self, clean: list[Plan], saved: list[Any]) -> None:
        for entry, plan in zip(self.entries, clean[: len(saved)], strict=False):  # plans not saved stay as they are
            for name, widget in entry.items():
                widget.value = plan[name] or ""

    def problems(self) -> list[str]:
        """What is missing or too short, plan by plan."""
        return self.task.problems(self.get_value())

    def _controls(self) -> list[w.Widget]:
        parts: list[w.Widget] = []
        for n, e in enumerate(self.entries, start=1):
            parts.append(w.HTML(f"<b>Plan {n}</b>"))
            parts.append(e["claim"])
            for name, label, _ in FIELDS:
                parts += [w.HTML(label), e[name]]
        return parts
