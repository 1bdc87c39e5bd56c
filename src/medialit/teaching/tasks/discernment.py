"""The discernment test: for each invented practice text, well supported or not, and why.

Saved as ``{"form": "A", "order": "<seed>", "items": {"a01": {"judgement": "solid", "reasons": ["named"]}, ...}}``.
Scoring is :mod:`medialit.teaching.discernment`; the items are :mod:`medialit.content.discernment_items`.
``form=""`` lets the student choose the form their teacher gave them (the class's pre- and
post-test); ``form="P"`` fixes it (self-study practice forms P and Q).

What a student sees needs no key: the texts come from ``seeds/discernment/`` and each student
sees them in an order of their own (:func:`medialit.teaching.discernment.shown_order`), from a seed
made from their id (:func:`student_id`) or, without one, drawn once and saved with the answers
(``order``), so a restart shows the same order. Only scoring and feedback read the key.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from typing import Any

from medialit.content.discernment_items import (
    ALL_FORMS,
    FORMS,
    SOLID,
    WEAK,
    Form,
    Paper,
    load_form,
    load_forms,
    load_papers,
    load_reasons,
)
from medialit.teaching.discernment import (
    ITEM_POINTS,
    ItemScore,
    TestScore,
    counterbalance,
    order_seed,
    plain_words,
    score_test,
    shown_order,
)
from medialit.teaching.tasks.base import Task
from medialit.teaching.tasks.markup import ICONS, badge, folded, mark

JUDGEMENTS = [("well supported", SOLID), ("not well supported", WEAK)]
WORDS = dict((v, k) for k, v in JUDGEMENTS)
PRE_TEST, POST_TEST = "pre-test", "post-test"  # the class's two tests, on different forms
STUDENT_ENV = ("MEDIALIT_STUDENT", "JUPYTERHUB_USER")  # who the student is, where the kit can know it
_SEED = re.compile(r"^[0-9a-f]{8,64}$")
CHOOSE = (
    "Choose your form first: your teacher tells you A or B. Working on your own, with no teacher? Use the "
    "self-study notebook discernment-check instead: it has practice forms of its own and explains every text."
)


def student_id() -> str:
    """The student's id where the kit can know it ('' otherwise).

    ``$MEDIALIT_STUDENT`` when a school's image sets it, else ``$JUPYTERHUB_USER``, which JupyterHub
    sets in each student's own server (the login nbgrader's exchange files their work under).
    """
    return next((os.environ[name].strip() for name in STUDENT_ENV if os.environ.get(name, "").strip()), "")


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


def points_line() -> str:
    """How the texts are scored, in one sentence (the notebooks say the same)."""
    return (
        "Each text counts equally: two thirds of its share for the judgement, one third for the reasons "
        "(given only when the judgement is right)"
    )


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
        if form and form not in ALL_FORMS:
            raise ValueError(f"there is no form {form!r}; use one of {', '.join(ALL_FORMS)}")
        self.fixed = form
        self.names = (form,) if form else FORMS
        self.papers: dict[str, Paper] = load_papers(names=self.names)
        self.reasons = load_reasons()
        self._forms: dict[str, Form] | None = None

    @property
    def forms(self) -> dict[str, Form]:
        """The forms with their keys (read on first use: scoring and feedback only, never to show the texts)."""
        if self._forms is None:
            self._forms = {self.fixed: load_form(self.fixed)} if self.fixed else load_forms()
        return self._forms

    def default_seed(self) -> str:
        """The seed of the order: from the student's id when known, else a new random one (to be saved)."""
        return order_seed(student_id())

    # ---------------------------------------------------------------- value

    def paper(self, value: dict[str, Any]) -> Paper | None:
        return self.papers.get(value["form"]) if value["form"] else None

    def form(self, value: dict[str, Any]) -> Form | None:
        return self.forms.get(value["form"]) if value["form"] else None

    def order(self, value: dict[str, Any]) -> list[str]:
        """The item ids of the chosen form in the order this student sees them (file order without a seed)."""
        paper = self.paper(value)
        if paper is None:
            return []
        seed = value.get("order") or ""
        return shown_order(paper.ids, seed, paper.name) if seed else paper.ids

    def entry(self, saved: dict[str, Any]) -> dict[str, Any]:
        """One item's saved answer: a judgement (or None) and the reasons ticked, in the reasons' order."""
        judgement = saved.get("judgement")
        chosen = saved.get("reasons") or []
        return {
            "judgement": judgement if judgement in (SOLID, WEAK) else None,
            "reasons": [r for r in self.reasons if isinstance(chosen, list) and r in chosen],
        }

    def saved_entries(self, value: Any) -> dict[str, dict[str, Any]]:
        """The usable item answers of a saved value (of any of this task's forms), checked."""
        if not isinstance(value, dict) or not isinstance(value.get("items", {}), dict):
            raise TypeError("expected {'form': ..., 'items': {...}}")
        form = value.get("form") or ""
        if self.fixed and form and form != self.fixed:
            raise ValueError(f"these answers are for form {form}, this test is form {self.fixed}")
        if form not in ("", *self.names):
            raise ValueError(f"unknown form {form!r} (this test has {', '.join(self.names)})")
        known = {i for p in self.papers.values() for i in p.ids}
        return {k: self.entry(v) for k, v in value.get("items", {}).items() if k in known and isinstance(v, dict)}

    def saved_seed(self, value: Any) -> str:
        """The order seed saved with an answer ('' when there is none or it is not one the kit makes)."""
        seed = value.get("order") if isinstance(value, dict) else None
        return seed if isinstance(seed, str) and _SEED.match(seed) else ""

    def normalise(self, value: Any, notes: list[str] | None = None) -> dict[str, Any]:
        entries = self.saved_entries(value)
        form = self.fixed or value.get("form") or None
        ids = self.papers[form].ids if form else ()
        return {
            "form": form,
            "order": self.saved_seed(value),
            "items": {i: entries.get(i, self.entry({})) for i in ids},
        }

    def blank(self) -> dict[str, Any]:
        ids = self.papers[self.fixed].ids if self.fixed else ()
        return {"form": self.fixed or None, "order": "", "items": {i: self.entry({}) for i in ids}}

    def gold_value(self) -> dict[str, Any]:
        """The key, in the shape of an answer (form A when the student chooses)."""
        form = self.forms[self.fixed or FORMS[0]]
        items = {i.id: {"judgement": i.key, "reasons": list(i.reasons)} for i in form.items}
        return {"form": form.name, "order": "", "items": items}

    # ---------------------------------------------------------------- scoring

    def test_score(self, value: dict[str, Any]) -> TestScore | None:
        form = self.form(value)
        return score_test(form, value["items"]) if form else None

    def score(self, value: dict[str, Any]) -> tuple[float, int]:
        result = self.test_score(value)
        total = ITEM_POINTS * len(self.papers[self.fixed or FORMS[0]].texts)
        return (result.points, result.max_points) if result else (0.0, total)

    def missing_positions(self, value: dict[str, Any]) -> list[int]:
        """The texts still lacking a judgement or a reason, by their number in this student's order."""
        return [
            n
            for n, i in enumerate(self.order(value), 1)
            if not value["items"][i]["judgement"] or not value["items"][i]["reasons"]
        ]

    def missing(self, value: dict[str, Any]) -> list[str]:
        if not self.paper(value):
            return ["your form (A or B)"]
        return [f"text {n}" for n in self.missing_positions(value)]

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
        paper = self.paper(value)
        if not paper:
            return f'<div class="medialit-warning">{html.escape(CHOOSE)}</div>'
        gaps = self.missing_positions(value)
        if not gaps:
            done = f"All {len(paper.texts)} texts judged, with reasons."
            return f'<div class="medialit-summary">{badge("done")} {done}</div>'
        return (
            f'<div class="medialit-warning">{len(gaps)} text{"s" if len(gaps) != 1 else ""} still need a '
            f"judgement and at least one reason: {', '.join(f'text {n}' for n in gaps)}</div>"
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

    def items_feedback(self, value: dict[str, Any]) -> list[tuple[str, int, str, str]]:
        """(item id, its number in this student's order, its headline, its feedback), in that order."""
        result, form = self.test_score(value), self.form(value)
        if result is None or form is None:
            return []
        scores = {s.item: s for s in result.items}
        return [
            (i, n, form.item(i).headline, self.item_html(form, scores[i])) for n, i in enumerate(self.order(value), 1)
        ]

    def detail_html(self, value: dict[str, Any]) -> str:
        return "".join(
            f"<p><b>Text {n}: {html.escape(headline)}</b><br>{markup}</p>"
            for _, n, headline, markup in self.items_feedback(value)
        )

    def summary_html(self, value: dict[str, Any]) -> str:
        result = self.test_score(value)
        if result is None:
            return f'<div class="medialit-warning">{html.escape(CHOOSE)}</div>'
        words = "".join(f"<li>{html.escape(line)}</li>" for line in plain_words(result.detection))
        share = result.points / result.max_points if result.max_points else 0.0
        return (
            f'<div class="medialit-summary"><b>Score on the texts: {share:.0%}</b> ({result.points:g} of '
            f"{result.max_points} marks, {ITEM_POINTS} per text), form {result.form}. {points_line()}; in a graded "
            f"test the part's points are this share of its total.<ul>{words}</ul></div>"
        )

    def feedback_html(self, value: dict[str, Any]) -> str:
        """The summary (a widget shows each item's feedback under the item)."""
        return self.summary_html(value)

    def report_html(self, value: dict[str, Any]) -> str:
        return self.summary_html(value) + self.detail_html(value)
