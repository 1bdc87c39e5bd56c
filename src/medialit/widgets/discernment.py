"""The discernment test widget: for each invented practice text, well supported or not, and why.

Saved as ``{"form": "A", "order": "<seed>", "items": {"a01": {"judgement": "solid", "reasons": ["named"]}, ...}}``.
Scoring is :mod:`medialit.teaching.discernment`; the texts are :mod:`medialit.content.discernment_items`.
``form=""`` lets the student choose the form their teacher gave them (the class's pre- and
post-test); ``form="P"`` fixes it (self-study).

The texts are shown without their ids, in this student's own order (``order``: a seed from the
student's id, or drawn once and saved with the answers, so a restart shows the same order). Showing
them needs no key; Check's feedback does (it is not shown in graded tests).
"""

from __future__ import annotations

import html
import os
from typing import Any

import ipywidgets as w

from medialit.content.discernment_items import FORMS, Paper, Text
from medialit.grading.answers import AnswerStore
from medialit.teaching.discernment import TestScore
from medialit.teaching.tasks.discernment import (
    CHOOSE,
    JUDGEMENTS,
    WORDS,
    DiscernmentTestTask,
    points_line,
    student_id,
)
from medialit.widgets.base import STYLE, AnswerWidget, plain

__all__ = ["BLANK", "JUDGEMENTS", "PRACTICE", "WORDS", "DiscernmentTest"]

BLANK = "— choose —"
PRACTICE = "Practice text (invented: the places, people and figures are made up)"
GRADING_ENV = "NBGRADER_EXECUTION"  # set while nbgrader runs a notebook (validate, autograde)


class DiscernmentTest(AnswerWidget):
    """Twelve short invented texts: judge each well supported or not, and tick the reasons why."""

    task: DiscernmentTestTask

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(DiscernmentTestTask(*args, **kwargs), store)

    def _view(self, task: DiscernmentTestTask, store: AnswerStore | None) -> None:
        self._attach(task, store)
        self.papers: dict[str, Paper] = task.papers
        self.reasons = task.reasons
        self.fixed = task.fixed
        self.seed = ""
        self.chooser = w.Dropdown(
            options=[(BLANK, ""), *((f"Form {f}", f) for f in FORMS)]
            if not self.fixed
            else [(f"Form {self.fixed}", self.fixed)],
            value=self.fixed,
            description="Your form:",
            disabled=bool(self.fixed),
            style={"description_width": "initial"},
        )
        self.judgement: dict[str, w.Dropdown] = {}
        self.ticks: dict[str, dict[str, w.Checkbox]] = {}
        self.item_feedback: dict[str, w.HTML] = {}
        self.heading: dict[str, w.HTML] = {}
        self.cards: dict[str, w.VBox] = {}
        for paper in self.papers.values():
            for text in paper.texts:
                self._card(text)
        self.items_box = w.VBox(layout=w.Layout(width="100%"))
        self.chooser.observe(self._form_changed, names="value")
        self._restore()
        if not self.seed:  # no saved order: the student's own (from their id), or a new one, saved at once
            self.seed = task.default_seed()
            unsaved = self.store is not None and self.store.get(self.key) is None
            if unsaved and not student_id() and not os.environ.get(GRADING_ENV):  # never while nbgrader runs it
                self._save()
        self._show_form()

    # ---------------------------------------------------------------- building

    def _card(self, text: Text) -> None:
        dd = w.Dropdown(
            options=[(BLANK, ""), *JUDGEMENTS],
            value="",
            description="This text is",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto", min_width="18em"),
        )
        dd.observe(self._changed, names="value")
        self.judgement[text.id] = dd
        self.ticks[text.id] = {}
        for reason in self.reasons.values():
            box = w.Checkbox(value=False, description=reason.text, indent=False, layout=w.Layout(width="auto"))
            box.observe(self._changed, names="value")
            self.ticks[text.id][reason.id] = box
        self.item_feedback[text.id] = w.HTML()
        self.heading[text.id] = w.HTML(layout=w.Layout(width="100%"))
        self._texts = {**getattr(self, "_texts", {}), text.id: text}
        self.cards[text.id] = w.VBox(
            [
                self.heading[text.id],
                dd,
                w.HTML("<i>Why? Tick every reason that applies:</i>"),
                w.VBox(list(self.ticks[text.id].values())),
                self.item_feedback[text.id],
            ],
            layout=w.Layout(border_bottom="1px solid #ddd", padding="6px 0", width="100%"),
        )

    def _form_changed(self, *_: Any) -> None:
        self._show_form()
        self._changed()

    @property
    def order(self) -> list[str]:
        """The chosen form's item ids in the order this student sees them."""
        return self.task.order({"form": self.chooser.value or None, "order": self.seed})

    def _show_form(self) -> None:
        order = self.order
        for n, item_id in enumerate(order, 1):
            text = self._texts[item_id]
            self.heading[item_id].value = (
                f'{STYLE}<div class="medialit-practice"><span class="medialit-id">Text {n} of {len(order)} · '
                f"{html.escape(PRACTICE)}</span><br><b>{html.escape(text.headline)}</b><br>"
                f"{html.escape(text.text)}</div>"
            )
        self.items_box.children = [self.cards[i] for i in order]

    @property
    def paper(self) -> Paper | None:
        return self.papers.get(self.chooser.value) if self.chooser.value else None

    # ---------------------------------------------------------------- value

    def get_value(self) -> dict[str, Any]:
        paper = self.paper
        items = {}
        for item_id in paper.ids if paper else ():
            items[item_id] = {
                "judgement": self.judgement[item_id].value or None,
                "reasons": [r for r, box in self.ticks[item_id].items() if box.value],
            }
        return {"form": self.chooser.value or None, "order": self.seed, "items": items}

    def _apply(self, value: Any) -> None:
        entries = self.task.saved_entries(value)  # every form's items: a student may switch forms
        self.seed = self.task.saved_seed(value) or self.seed
        if not self.fixed:
            self.chooser.value = value.get("form") or ""
        for item_id, entry in entries.items():
            self.judgement[item_id].value = entry["judgement"] or ""
            for reason, box in self.ticks[item_id].items():
                box.value = reason in entry["reasons"]
        self._show_form()

    def judge(self, item_id: str, judgement: str, reasons: list[str] | None = None) -> None:
        """Answer one item as clicks would (for tests and masters)."""
        self.judgement[item_id].value = judgement
        for reason, box in self.ticks[item_id].items():
            box.value = reason in (reasons or [])

    # ---------------------------------------------------------------- scoring

    def test_score(self) -> TestScore | None:
        return self.task.test_score(self.get_value())

    def missing(self) -> list[str]:
        return self.task.missing(self.get_value())

    # ---------------------------------------------------------------- feedback

    def feedback_html(self) -> str:
        """The summary; each item's feedback goes under the item."""
        detail = []
        for item, n, headline, markup in self.task.items_feedback(self.get_value()):
            self.item_feedback[item].value = STYLE + f'<div class="medialit-fb">{markup}</div>'
            detail.append(f"<p><b>Text {n}: {html.escape(headline)}</b><br>{markup}</p>")
        self._last_detail = "".join(detail)
        return self.task.summary_html(self.get_value())

    def report_html(self) -> str:
        summary = self.feedback_html()
        return summary + getattr(self, "_last_detail", "")

    def check(self) -> str:
        if self.graded:
            for fb in self.item_feedback.values():
                fb.value = ""
            return super().check()
        summary = super().check()
        return f"{plain(getattr(self, '_last_detail', ''))}\n{summary}"

    def _controls(self) -> list[w.Widget]:
        intro = (
            "<p>Each text below is an <b>invented practice text</b>, not real news. For each one, say whether "
            "it is <b>well supported</b> (you could trust it as it stands) or <b>not well supported</b>, then "
            "tick the reasons that show it. Some texts are well supported and some are not: doubting "
            f"everything scores as badly as believing everything. {html.escape(points_line())}.</p>"
        )
        parts: list[w.Widget] = [w.HTML(intro)]
        if not self.fixed:
            parts.append(w.HTML(f"<p>{html.escape(CHOOSE)}</p>"))
            parts.append(self.chooser)
        return [*parts, self.items_box]
