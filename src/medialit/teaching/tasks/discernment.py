"""The discernment test: for each invented practice text, well supported or not, and why.

Saved as ``{"form": "A", "items": {"a01": {"judgement": "solid", "reasons": ["named"]}, ...}}``.
Scoring is :mod:`medialit.teaching.discernment`; the items are :mod:`medialit.content.discernment_items`.
``form=""`` lets the student choose the form their teacher gave them (the class's pre- and
post-test); ``form="A"`` fixes it (self-study).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from medialit.content.discernment_items import FORMS, SOLID, WEAK, Form, load_forms, load_reasons
from medialit.teaching.discernment import ITEM_POINTS, ItemScore, TestScore, counterbalance, plain_words, score_test
from medialit.teaching.tasks.base import Task
from medialit.teaching.tasks.markup import ICONS, badge, folded, mark

JUDGEMENTS = [("well supported", SOLID), ("not well supported", WEAK)]
WORDS = dict((v, k) for k, v in JUDGEMENTS)
PRE_TEST, POST_TEST = "pre-test", "post-test"  # the class's two tests, on different forms


def form_due(test: str, student: str, students: Iterable[str], pre_form: str = "") -> str:
    """The form ``student`` should answer on the class's ``test`` ('' for any other assignment).

    The class report's rule: on the post-test, the form the student did not take on the pre-test
    (``pre_form``); otherwise the counterbalanced plan over the class (``students``, with this one).
    """
    if test not in (PRE_TEST, POST_TEST):
        return ""
    if test == POST_TEST and pre_form in FORMS:
        return next(f for f in FORMS if f != pre_form)
    return counterbalance([*students, student])[student][(PRE_TEST, POST_TEST).index(test)]


class DiscernmentTestTask(Task):
    """Twelve short invented texts: judge each well supported or not, and tick the reasons why."""

    def __init__(
        self,
        form: str = "",
        *,
        key: str = "discernment",
        graded: bool = False,
        title: str = "Well supported or not?",
    ):
        super().__init__(key, graded=graded, title=title)
        self.forms: dict[str, Form] = load_forms()
        self.reasons = load_reasons()
        self.fixed = form
        if form and form not in self.forms:
            raise ValueError(f"there is no form {form!r}; use one of {', '.join(FORMS)}")

    # ---------------------------------------------------------------- value

    def form(self, value: dict[str, Any]) -> Form | None:
        return self.forms.get(value["form"]) if value["form"] else None

    def entry(self, saved: dict[str, Any]) -> dict[str, Any]:
        """One item's saved answer: a judgement (or None) and the reasons ticked, in the reasons' order."""
        judgement = saved.get("judgement")
        chosen = saved.get("reasons") or []
        return {
            "judgement": judgement if judgement in (SOLID, WEAK) else None,
            "reasons": [r for r in self.reasons if isinstance(chosen, list) and r in chosen],
        }

    def saved_entries(self, value: Any) -> dict[str, dict[str, Any]]:
        """The checked form's name and the usable item answers of a saved value (of any form)."""
        if not isinstance(value, dict) or not isinstance(value.get("items", {}), dict):
            raise TypeError("expected {'form': ..., 'items': {...}}")
        form = value.get("form") or ""
        if form not in ("", *FORMS):
            raise ValueError(f"unknown form {form!r}")
        if self.fixed and form and form != self.fixed:
            raise ValueError(f"these answers are for form {form}, this test is form {self.fixed}")
        known = {i.id for f in self.forms.values() for i in f.items}
        return {k: self.entry(v) for k, v in value.get("items", {}).items() if k in known and isinstance(v, dict)}

    def normalise(self, value: Any, notes: list[str] | None = None) -> dict[str, Any]:
        entries = self.saved_entries(value)
        form = self.fixed or value.get("form") or None
        items = self.forms[form].items if form else ()
        return {"form": form, "items": {i.id: entries.get(i.id, self.entry({})) for i in items}}

    def blank(self) -> dict[str, Any]:
        items = self.forms[self.fixed].items if self.fixed else ()
        return {"form": self.fixed or None, "items": {i.id: self.entry({}) for i in items}}

    def gold_value(self) -> dict[str, Any]:
        """The key, in the shape of an answer (form A when the student chooses)."""
        form = self.forms[self.fixed or FORMS[0]]
        items = {i.id: {"judgement": i.key, "reasons": list(i.reasons)} for i in form.items}
        return {"form": form.name, "items": items}

    # ---------------------------------------------------------------- scoring

    def test_score(self, value: dict[str, Any]) -> TestScore | None:
        form = self.form(value)
        return score_test(form, value["items"]) if form else None

    def score(self, value: dict[str, Any]) -> tuple[float, int]:
        result = self.test_score(value)
        total = ITEM_POINTS * len(self.forms[self.fixed or FORMS[0]].items)
        return (result.points, result.max_points) if result else (0.0, total)

    def missing(self, value: dict[str, Any]) -> list[str]:
        if not self.form(value):
            return ["your form (A or B)"]
        return [i for i, v in value["items"].items() if not v["judgement"] or not v["reasons"]]

    def complete(self, value: dict[str, Any]) -> bool:
        return not self.missing(value)

    def result_data(self, value: dict[str, Any]) -> dict[str, Any]:
        result = self.test_score(value)
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

    def completeness_html(self, value: dict[str, Any]) -> str:
        missing = self.missing(value)
        form = self.form(value)
        if not missing:
            count = len(form.items) if form else 0
            return f'<div class="medialit-summary">{badge("done")} All {count} texts judged, with reasons.</div>'
        if not form:
            return '<div class="medialit-warning">Choose your form first (your teacher tells you: A or B).</div>'
        return (
            f'<div class="medialit-warning">{len(missing)} text{"s" if len(missing) != 1 else ""} still need a '
            f"judgement and at least one reason: {', '.join(missing)}</div>"
        )

    def item_html(self, form: Form, score: ItemScore) -> str:
        item = form.item(score.item)
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

    def items_feedback(self, value: dict[str, Any]) -> list[tuple[str, str, str]]:
        """(item id, its headline, its feedback) for every item of the chosen form."""
        result, form = self.test_score(value), self.form(value)
        if result is None or form is None:
            return []
        return [(s.item, form.item(s.item).headline, self.item_html(form, s)) for s in result.items]

    def detail_html(self, value: dict[str, Any]) -> str:
        return "".join(
            f"<p><b>[{item}] {html.escape(headline)}</b><br>{markup}</p>"
            for item, headline, markup in self.items_feedback(value)
        )

    def summary_html(self, value: dict[str, Any]) -> str:
        result = self.test_score(value)
        if result is None:
            return '<div class="medialit-warning">Choose your form first.</div>'
        words = "".join(f"<li>{html.escape(line)}</li>" for line in plain_words(result.detection))
        share = result.points / result.max_points if result.max_points else 0.0
        return (
            f'<div class="medialit-summary"><b>Points on the texts: {result.points:g} of {result.max_points} '
            f"({share:.0%})</b>, form {result.form}; in a graded test the part's score is the same share of "
            f"its points.<ul>{words}</ul></div>"
        )

    def feedback_html(self, value: dict[str, Any]) -> str:
        """The summary (a widget shows each item's feedback under the item)."""
        return self.summary_html(value)

    def report_html(self, value: dict[str, Any]) -> str:
        return self.summary_html(value) + self.detail_html(value)
