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

from medialit.content.discernment_items import FORMS, SOLID, WEAK, Form, Item, load_forms, load_reasons
from medialit.grading.answers import AnswerStore
from medialit.teaching.discernment import ITEM_POINTS, ItemScore, TestScore, plain_words, score_test
from medialit.widgets.base import ICONS, STYLE, AnswerWidget, badge, folded, mark

BLANK = "— choose —"
JUDGEMENTS = [("well supported", SOLID), ("not well supported", WEAK)]
WORDS = dict((v, k) for k, v in JUDGEMENTS)
PRACTICE = "Practice text (invented: the places, people and figures are made up)"


class DiscernmentTest(AnswerWidget):
    """Twelve short invented texts: judge each well supported or not, and tick the reasons why."""

    def __init__(
        self,
        form: str = "",
        *,
        key: str = "discernment",
        store: AnswerStore | None = None,
        graded: bool = False,
        title: str = "Well supported or not?",
    ):
        super().__init__(key, store, graded, title)
        self.forms: dict[str, Form] = load_forms()
        self.reasons = load_reasons()
        self.fixed = form
        if form and form not in self.forms:
            raise ValueError(f"there is no form {form!r}; use one of {', '.join(FORMS)}")
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
        if not isinstance(value, dict) or not isinstance(value.get("items", {}), dict):
            raise TypeError("expected {'form': ..., 'items': {...}}")
        form = value.get("form") or ""
        if form not in ("", *FORMS):
            raise ValueError(f"unknown form {form!r}")
        if self.fixed and form and form != self.fixed:
            raise ValueError(f"these answers are for form {form}, this test is form {self.fixed}")
        if not self.fixed:
            self.chooser.value = form
        for item_id, entry in value.get("items", {}).items():
            if item_id not in self.judgement or not isinstance(entry, dict):
                continue
            judgement = entry.get("judgement")
            self.judgement[item_id].value = judgement if judgement in (SOLID, WEAK) else ""
            chosen = entry.get("reasons") or []
            for reason, box in self.ticks[item_id].items():
                box.value = isinstance(chosen, list) and reason in chosen
        self._show_form()

    def gold_value(self) -> dict[str, Any]:
        """The key, in the shape of ``value`` (form A when the student chooses)."""
        form = self.forms[self.fixed or FORMS[0]]
        items = {i.id: {"judgement": i.key, "reasons": list(i.reasons)} for i in form.items}
        return {"form": form.name, "items": items}

    def judge(self, item_id: str, judgement: str, reasons: list[str] | None = None) -> None:
        """Answer one item as clicks would (for tests and masters)."""
        self.judgement[item_id].value = judgement
        for reason, box in self.ticks[item_id].items():
            box.value = reason in (reasons or [])

    # ---------------------------------------------------------------- scoring

    def test_score(self) -> TestScore | None:
        form = self.form
        return score_test(form, self.get_value()["items"]) if form else None

    def score(self) -> tuple[float, int]:
        result = self.test_score()
        total = ITEM_POINTS * len(self.forms[self.fixed or FORMS[0]].items)
        return (result.points, result.max_points) if result else (0.0, total)

    def missing(self) -> list[str]:
        if not self.form:
            return ["your form (A or B)"]
        value = self.get_value()["items"]
        return [i for i, v in value.items() if not v["judgement"] or not v["reasons"]]

    @property
    def complete(self) -> bool:
        return not self.missing()

    def result_data(self) -> dict[str, Any]:
        result = self.test_score()
        if result is None:
            return {"kind": "discernment", "form": None}
        return {
            "kind": "discernment",
            "form": result.form,
            **result.detection.as_dict(),
            "items": {
                s.item: {"judgement": s.judgement, "key": s.key, "status": s.status, "points": s.points}
                for s in result.items
            },
        }

    # ---------------------------------------------------------------- feedback

    def completeness_html(self) -> str:
        missing = self.missing()
        if not missing:
            count = len(self.form.items) if self.form else 0
            return f'<div class="medialit-summary">{badge("done")} All {count} texts judged, with reasons.</div>'
        if not self.form:
            return '<div class="medialit-warning">Choose your form first (your teacher tells you: A or B).</div>'
        return (
            f'<div class="medialit-warning">{len(missing)} text{"s" if len(missing) != 1 else ""} still need a '
            f"judgement and at least one reason: {', '.join(missing)}</div>"
        )

    def _item_html(self, score: ItemScore) -> str:
        item = self.form.item(score.item) if self.form else None
        assert item is not None
        if score.status == "missing":
            return f"{ICONS['missing']} No judgement yet."
        verdict = f"<b>{WORDS[item.key]}</b>"
        head = f"{ICONS[score.status]} {'Right' if score.status == 'correct' else 'Not quite'}: this text is {verdict}."
        lines = []
        if score.right_reasons:
            lines.append("Good reasons: " + "; ".join(self.reasons[r].text for r in score.right_reasons) + ".")
        if score.missed_reasons:
            lines.append("Also: " + "; ".join(self.reasons[r].text for r in score.missed_reasons) + ".")
        if score.wrong_reasons:
            lines.append("Not a reason here: " + "; ".join(self.reasons[r].text for r in score.wrong_reasons) + ".")
        words = mark(f"{item.headline} — {item.text}", list(item.evidence.values()))
        why = f"{html.escape(item.why)}<br><span class='medialit-sentence'>{words}</span><br>{'<br>'.join(lines)}"
        points = f" ({score.points:g} of {ITEM_POINTS} points)"
        return folded(head + points, why) if score.status == "correct" else f"{head}{points}<br>{why}"

    def summary_html(self) -> str:
        result = self.test_score()
        if result is None:
            return '<div class="medialit-warning">Choose your form first.</div>'
        words = "".join(f"<li>{html.escape(line)}</li>" for line in plain_words(result.detection))
        return (
            f'<div class="medialit-summary"><b>Score: {result.points:g} / {result.max_points}</b> '
            f"(form {result.form}).<ul>{words}</ul></div>"
        )

    def feedback_html(self) -> str:
        result = self.test_score()
        detail = []
        for s in result.items if result else ():
            markup = self._item_html(s)
            self.item_feedback[s.item].value = STYLE + f'<div class="medialit-fb">{markup}</div>'
            item = self.form.item(s.item) if self.form else None
            detail.append(f"<p><b>[{s.item}] {html.escape(item.headline if item else '')}</b><br>{markup}</p>")
        self._last_detail = "".join(detail)
        return self.summary_html()

    def report_html(self) -> str:
        summary = self.feedback_html()
        return summary + getattr(self, "_last_detail", "")

    def check(self) -> str:
        if self.graded:
            for fb in self.item_feedback.values():
                fb.value = ""
            return super().check()
        from medialit.widgets.base import plain

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
