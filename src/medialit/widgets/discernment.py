"""The discernment test widget: for each invented practice text, well supported or not, and why.

Saved as ``{"form": "A", "items": {"a01": {"judgement": "solid", "reasons": ["named"]}, ...}}``.
Scoring is :mod:`medialit.teaching.discernment`; the items are :mod:`medialit.content.discernment_items`.
``form=""`` lets the student choose the form their teacher gave them (the class's pre- and
post-test); ``form="A"`` fixes it (self-study).
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from medialit.content.discernment_items import FORMS, Form, Item
from medialit.grading.answers import AnswerStore
from medialit.teaching.discernment import TestScore
from medialit.teaching.tasks.discernment import JUDGEMENTS, WORDS, DiscernmentTestTask
from medialit.widgets.base import STYLE, AnswerWidget, plain

__all__ = ["BLANK", "JUDGEMENTS", "PRACTICE", "WORDS", "DiscernmentTest"]

BLANK = "— choose —"
PRACTICE = "Practice text (invented: the places, people and figures are made up)"


class DiscernmentTest(AnswerWidget):
    """Twelve short invented texts: judge each well supported or not, and tick the reasons why."""

    task: DiscernmentTestTask

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(DiscernmentTestTask(*args, **kwargs), store)

    def _view(self, task: DiscernmentTestTask, store: AnswerStore | None) -> None:
        self._attach(task, store)
        self.forms: dict[str, Form] = task.forms
        self.reasons = task.reasons
        self.fixed = task.fixed
        form = task.fixed
        self.chooser = w.Dropdown(
            options=[(BLANK, ""), *((f"Form {f}", f) for f in FORMS)],
            value=form,
            description="Your form:",
            disabled=bool(form),
            style={"description_width": "initial"},
        )
        self.judgement: dict[str, w.Dropdown] = {}
        self.ticks: dict[str, dict[str, w.Checkbox]] = {}
        self.item_feedback: dict[str, w.HTML] = {}
        self.cards: dict[str, w.VBox] = {}
        for f in self.forms.values():
            for n, item in enumerate(f.items, 1):
                self._card(item, n, len(f.items))
        self.items_box = w.VBox(layout=w.Layout(width="100%"))
        self.chooser.observe(self._form_changed, names="value")
        self._show_form()
        self._restore()

    # ---------------------------------------------------------------- building

    def _card(self, item: Item, n: int, total: int) -> None:
        dd = w.Dropdown(
            options=[(BLANK, ""), *JUDGEMENTS],
            value="",
            description="This text is",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto", min_width="18em"),
        )
        dd.observe(self._changed, names="value")
        self.judgement[item.id] = dd
        self.ticks[item.id] = {}
        for reason in self.reasons.values():
            box = w.Checkbox(value=False, description=reason.text, indent=False, layout=w.Layout(width="auto"))
            box.observe(self._changed, names="value")
            self.ticks[item.id][reason.id] = box
        self.item_feedback[item.id] = w.HTML()
        text = (
            f'<div class="medialit-practice"><span class="medialit-id">[{item.id}] {n} of {total} · '
            f"{html.escape(PRACTICE)}</span><br><b>{html.escape(item.headline)}</b><br>{html.escape(item.text)}</div>"
        )
        self.cards[item.id] = w.VBox(
            [
                w.HTML(STYLE + text, layout=w.Layout(width="100%")),
                dd,
                w.HTML("<i>Why? Tick every reason that applies:</i>"),
                w.VBox(list(self.ticks[item.id].values())),
                self.item_feedback[item.id],
            ],
            layout=w.Layout(border_bottom="1px solid #ddd", padding="6px 0", width="100%"),
        )

    def _form_changed(self, *_: Any) -> None:
        self._show_form()
        self._changed()

    def _show_form(self) -> None:
        form = self.form
        self.items_box.children = [self.cards[i.id] for i in form.items] if form else []

    @property
    def form(self) -> Form | None:
        return self.forms.get(self.chooser.value) if self.chooser.value else None

    # ---------------------------------------------------------------- value

    def get_value(self) -> dict[str, Any]:
        form = self.form
        items = {}
        for item in form.items if form else ():
            items[item.id] = {
                "judgement": self.judgement[item.id].value or None,
                "reasons": [r for r, box in self.ticks[item.id].items() if box.value],
            }
        return {"form": self.chooser.value or None, "items": items}

    def _apply(self, value: Any) -> None:
        entries = self.task.saved_entries(value)  # every form's items: a student may switch forms
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
        for item, headline, markup in self.task.items_feedback(self.get_value()):
            self.item_feedback[item].value = STYLE + f'<div class="medialit-fb">{markup}</div>'
            detail.append(f"<p><b>[{item}] {html.escape(headline)}</b><br>{markup}</p>")
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
            "everything scores as badly as believing everything.</p>"
        )
        parts: list[w.Widget] = [w.HTML(intro)]
        if not self.fixed:
            parts.append(w.HTML("<p>First choose the form your teacher gave you:</p>"))
            parts.append(self.chooser)
        return [*parts, self.items_box]
