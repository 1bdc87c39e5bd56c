"""Lesson 07's views: how a student's labels agree with the key and the class, and the hard cases.

The numbers come from :mod:`medialit.teaching.agreement`; these classes only show them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as w

from medialit.content.article import Article
from medialit.content.class_counts import FILE_NAME, ClassCounts
from medialit.content.hard_cases import HardCase
from medialit.content.scheme import load_scheme
from medialit.grading.answers import AnswerStore
from medialit.teaching import agreement as ag
from medialit.teaching.scoring import score_choice
from medialit.widgets.base import STYLE, badge, plain, sentence_html, title_html
from medialit.widgets.note_box import NoteBox

# the parts of the Compare box, under its h3 title (title_html): h4, drawn as the h5 they were
PART = "<h4 style='font-size: 0.83em; margin: 1.67em 0;'>"
SHOWN_SPLITS = 3  # the sentences the class split on most


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _kappa(a: ag.Agreement) -> str:
    """Kappa with its sum, in the student's own numbers (the word, not the Greek letter: read by students)."""
    if a.kappa is None:
        return "Kappa cannot be worked out here: every answer used the same label, so chance agreement is 100%."
    return (
        f"<b>Kappa {a.kappa:.2f}</b> ({ag.kappa_words(a.kappa)}): you matched on {_pct(a.observed)}, chance alone "
        f"would give {_pct(a.chance)}, so kappa = ({_pct(a.observed)} − {_pct(a.chance)}) ÷ "
        f"(100% − {_pct(a.chance)}) = {a.kappa:.2f}."
    )


def class_mix(counts: ClassCounts, sentence: str, names: dict[str, str]) -> str:
    """ "Framing or interpretation 63% · Unsourced statement of fact 30%" (labels nobody chose left out)."""
    shares = sorted(counts.shares(sentence).items(), key=lambda kv: -kv[1])
    return " · ".join(f"{html.escape(names.get(k, k))} {_pct(v)}" for k, v in shares if v) or "no answers"


class AgreementView:
    """A button that compares the labels saved under ``labels`` with the key, and with the class file if any."""

    def __init__(
        self,
        article: Article,
        ids: Sequence[str],
        *,
        key: str = "agreement",
        store: AnswerStore | None = None,
        graded: bool = False,
        labels: str = "labels",
        title: str = "How far do you agree?",
    ):
        self.article = article
        self.ids = list(ids)
        self.key = key
        self.store = store
        self.labels = labels
        self.title = title
        self.names = load_scheme().label_names()
        self.button = w.Button(description="Compare", button_style="primary", tooltip="Compare your labels")
        self.button.on_click(lambda _: self.check())
        self.output = w.HTML(layout=w.Layout(width="100%"))
        self.widget = w.VBox(
            [
                w.HTML(title_html(title)),
                w.HTML("<p>Press <b>Compare</b> after you have labelled the sentences above.</p>"),
                self.button,
                self.output,
            ],
            layout=w.Layout(width="100%"),
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def answers(self) -> dict[str, Any]:
        saved = self.store.get(self.labels) if self.store is not None else None
        return saved if isinstance(saved, dict) else {}

    def check(self) -> str:
        """Show the comparison and return it as plain text."""
        counts, problem = ag.load_class(self.article)
        markup = self.html(self.answers(), counts, problem)
        self.output.value = STYLE + f'<div class="medialit-fb">{markup}</div>'
        return plain(markup)

    def html(self, answers: dict[str, Any], counts: ClassCounts | None, problem: str = "") -> str:
        done = ag.answered(answers, self.ids)
        if not done:
            return f'<div class="medialit-todo">{badge("missing")} Label at least one sentence above first.</div>'
        return self._key_html(answers) + (self._class_html(answers, counts) if counts else self._alone_html(problem))

    def _key_html(self, answers: dict[str, Any]) -> str:
        k = ag.with_key(self.article, answers, self.ids)
        rows = []
        for sid in self.ids:
            s = self.article.sentence(sid)
            mine = answers.get(sid)
            status = score_choice(mine, s.label, s.also).status
            key = html.escape(self.names[s.label]) + "".join(
                f" (or {html.escape(self.names[x])}, half points)" for x in s.also
            )
            rows.append(
                f"<tr><td><span class='medialit-id'>[{sid}]</span></td>"
                f"<td>{badge(status)} {html.escape(self.names.get(mine, '—') if mine else '—')}</td><td>{key}</td></tr>"
            )
        also = f", and a label the key accepts as an alternative on {k.alternative} more" if k.alternative else ""
        return (
            f"{PART}You and the key</h4>"
            f"<p>You labelled {k.answered} of {len(self.ids)} sentences. You chose the key's label on {k.same} "
            f"({_pct(k.same / k.answered)}){also}.</p><p>{_kappa(k.kappa)}</p>"
            f"<table><tr><th>sentence</th><th>you</th><th>the key</th></tr>{''.join(rows)}</table>"
        )

    def _alone_html(self, problem: str) -> str:
        open_ids, spread = ag.key_spread(self.article, self.ids)
        why = (
            f'<div class="medialit-warning">{badge("warning")} {html.escape(problem)}</div>'
            if problem
            else f"<p>There is no class file (<code>{FILE_NAME}</code>) in this lesson's folder, so you compare "
            "with the key alone.</p>"
        )
        if not open_ids:
            return why
        listed = ", ".join(f"<span class='medialit-id'>{s}</span>" for s in open_ids)
        return (
            f"{PART}What the key itself allows</h4>{why}"
            f"<p>On {len(open_ids)} of these {len(self.ids)} sentences the key accepts a second label: {listed}. "
            f"Two careful readers who chose only labels the key accepts could still differ on all {len(open_ids)}: "
            f"they would agree on {_pct(spread.observed)}, kappa {spread.kappa:.2f} ({ag.kappa_words(spread.kappa)}). "
            "A low kappa does not always mean someone misread: it also shows where the text does not decide.</p>"
        )

    def _class_html(self, answers: dict[str, Any], counts: ClassCounts) -> str:
        c = ag.with_class(counts, answers, self.ids)
        own = ag.class_kappa(counts, self.ids)
        where = f" (written {html.escape(counts.written)})" if counts.written else ""
        head = (
            f"{PART}You and your class</h4><p>The class file counts the labels of {counts.students} students in "
            f"{html.escape(counts.assignment)}{where}: no names, only how many chose each label.</p>"
        )
        if not c.items:
            return head + "<p>It has no counts for the sentences you labelled.</p>"
        mine = (
            f"<p>On the {c.items} sentences you labelled, a classmate picked at random chose your label "
            f"{_pct(c.observed)} of the time. {_kappa(c)}</p>"
        )
        them = (
            f"<p>Your classmates among themselves: two picked at random chose the same label {_pct(own.observed)} "
            f"of the time on these sentences; kappa {own.kappa:.2f} ({ag.kappa_words(own.kappa)}).</p>"
            if own.kappa is not None
            else ""
        )
        return head + mine + them + self._splits_html(counts)

    def _splits_html(self, counts: ClassCounts) -> str:
        """The sentences the class split on most; none when everyone chose the same label on each."""
        ids = [sid for sid in counts.sentences if sid in self.article.ids]
        counted = ag.class_splits(counts, ids)
        splits = ag.disagreements(counts, ids, SHOWN_SPLITS)
        if not counted:
            return ""
        if not splits:
            return (
                f"{PART}Where the class split</h4><p>Nowhere: the class agreed on every sentence. On each sentence "
                "in the class file, everyone chose the same label.</p>"
            )
        items = "".join(
            f"<li><span class='medialit-id'>[{x.sentence}]</span> {class_mix(counts, x.sentence, self.names)} "
            f"(two classmates agree {_pct(x.pair_agreement)} of the time)<br><i>"
            f"{html.escape(self.article.sentence(x.sentence).text)}</i></li>"
            for x in splits
        )
        rest = len(counted) - sum(x.top_share < 1 for x in counted)
        others = "the other sentence" if rest == 1 else f"the other {rest} sentences"
        agreed = (
            f"<p>The class split on no other sentence: on {others} in the class file, everyone chose the "
            "same label.</p>"
            if len(splits) < SHOWN_SPLITS and rest
            else ""
        )
        return f"{PART}Where the class split most</h4><ol>{items}</ol>{agreed}"


class DiscussionBox(NoteBox):
    """One hard case: the sentence, what the key says and why, how the class split, and a note box."""

    def __init__(
        self,
        article: Article,
        case: HardCase,
        counts: ClassCounts | None = None,
        *,
        key: str,
        store: AnswerStore | None = None,
        graded: bool = False,
    ):
        self.intro = intro_html(article, case, counts, key=False)  # the key: after answering (lesson.discussion)
        self.key_markup = key_html(article, case)
        super().__init__(case.question, key=key, store=store, graded=graded, model=html.escape(case.model))

    def _controls(self) -> list[w.Widget]:
        return [w.HTML(STYLE + self.intro), *super()._controls()]


def key_html(article: Article, case: HardCase) -> str:
    """What the key says about the case, from the annotation: its answers and the reason."""
    s = article.sentence(case.sentence)
    if case.phrase:
        item = next(x for x in s.loaded if x["span"] == case.phrase)
        voices = {v["id"]: v["name"] for v in load_scheme().raw["voices"]}
        either = " and ".join(f"<b>{html.escape(voices.get(v, v))}</b>" for v in (item["voice"], *item["accept"]))
        key = f"The key gives full points to both answers, {either}. "
        key += html.escape(" ".join(item.get("why", "").split()))
    else:
        names = load_scheme().label_names()
        also = " or ".join(f"<b>{html.escape(names[x])}</b>" for x in s.also)
        key = f"The key: <b>{html.escape(names[s.label])}</b>; also accepted, for half points: {also}. "
        key += html.escape(s.rationale)
    return f"<p>{key}</p>"


def intro_html(article: Article, case: HardCase, counts: ClassCounts | None, *, key: bool = True) -> str:
    """The case: the question, the sentence, what the key says (unless ``key`` is False), the class's split."""
    s = article.sentence(case.sentence)
    names = load_scheme().label_names()
    if case.phrase:
        head = f"Whose words are “{html.escape(case.phrase)}”?"
        spans: tuple[str, ...] = (case.phrase,)
    else:
        head = f"Which label for {case.sentence}?"
        spans = s.decisive
    split = ""
    if counts is not None and counts.answered(s.id):
        n = counts.answered(s.id)
        split = f"<p>How your class labelled {s.id} ({n} answers): {class_mix(counts, s.id, names)}.</p>"
    sentence = f"<p>{sentence_html(s.id, s.text, spans)}</p>"
    return f"<h4>{head}</h4>{sentence}{key_html(article, case) if key else ''}{split}"
