"""Marking phrases: loaded language, hedges, sources, reporting words; scored by word overlap."""

from __future__ import annotations

import html
from typing import Any, NamedTuple

from medialit.content.article import Article, Sentence
from medialit.teaching.scoring import SpanReport, score_spans, token_indices, tokens
from medialit.teaching.tasks.base import Task
from medialit.teaching.tasks.markup import badge, folded, mark

FIELDS = {
    "loaded": ("loaded or evaluative phrases", lambda s: [x["span"] for x in s.loaded]),
    "hedges": ("hedges and vague quantities", lambda s: list(s.hedges)),
    "cue": ("reporting words", lambda s: list(s.cue)),
    "source": ("words naming a source", lambda s: [s.source[k] for k in ("span", "relayed") if k in s.source]),
}


class Wording(NamedTuple):
    """How a field's task and its feedback read, in words a student uses."""

    click: str  # the instruction above the sentences
    one: str  # one word of the answer key ("reporting word")
    many: str  # several ("reporting words")


WORDING = {
    "loaded": Wording(
        "Click each word of every loaded or evaluative phrase.",
        "word of a loaded or evaluative phrase",
        "words of loaded or evaluative phrases",
    ),
    "hedges": Wording(
        "Click each word of every hedge or vague quantity.",
        "word of a hedge or vague quantity",
        "words of hedges and vague quantities",
    ),
    "cue": Wording("Click every reporting word.", "reporting word", "reporting words"),
    "source": Wording("Click every word that names a source.", "word that names a source", "words that name a source"),
}


def words_summary(report: SpanReport, wording: Wording) -> str:
    """The score in plain words: how many words of the key you marked, and how many of yours are not in it.

    E.g. "You marked 2 of the 2 words that name a source in the answer key. 1 of the 3 words you
    marked is not in it."
    """
    found, key, mine = report.true_pos, report.gold, report.chosen
    if not key:
        first, it = "The answer key marks no words here.", "in the key"
    elif key == 1:
        first, it = f"You {'marked' if found else 'did not mark'} the one {wording.one} in the answer key.", "in it"
    else:
        first, it = f"You marked {found or 'none'} of the {key} {wording.many} in the answer key.", "in it"
    extra = mine - found
    if not mine:
        second = "You have not marked any words."
    elif mine == 1:
        second = f"The word you marked is {'not ' if extra else ''}{it}."
    elif not extra:
        second = f"{'Both' if mine == 2 else f'All {mine}'} words you marked are {it}."
    else:
        second = f"{extra} of the {mine} words you marked {'is' if extra == 1 else 'are'} not {it}."
    return f"{first} {second}"


class PhraseHighlighterTask(Task):
    """Marked phrases per sentence, saved as {sentence id: [phrase, ...]}.

    Feedback gives the score in plain words (how many words of the key you marked, how many of
    yours are not in it). ``measures=True`` adds precision, recall and the overlap score (F1),
    for a lesson that teaches them.
    """

    def __init__(
        self,
        article: Article,
        ids: list[str],
        field: str = "loaded",
        *,
        key: str | None = None,
        graded: bool = False,
        title: str = "",
        measures: bool = False,
    ):
        if field not in FIELDS:
            raise ValueError(f"field must be one of {', '.join(FIELDS)}, not {field!r}")
        self.what, getter = FIELDS[field]
        self.field = field
        self.wording = WORDING[field]
        self.measures = measures
        super().__init__(key or f"highlight-{field}", graded=graded, title=title or f"Mark the {self.what}")
        self.article = article
        self.sentences: list[Sentence] = [article.sentence(i) for i in ids]
        self.gold = {s.id: getter(s) for s in self.sentences}

    # ---------------------------------------------------------------- value

    def sentence(self, sid: str) -> Sentence | None:
        return next((x for x in self.sentences if x.id == sid), None)

    def marked(self, value: Any, notes: list[str] | None = None) -> dict[str, set[int]]:
        """The words each sentence's saved phrases cover (word indices, as in ``tokens``)."""
        notes = [] if notes is None else notes
        if not isinstance(value, dict):
            raise TypeError(f"expected a mapping of sentence ids to phrases, got {type(value).__name__}")
        unknown = [k for k in value if self.sentence(k) is None]
        if unknown:
            notes.append(f"Ignored saved phrases for unknown sentences: {', '.join(map(str, unknown))}.")
        out = {}
        for s in self.sentences:
            spans = value.get(s.id, [])
            if not isinstance(spans, list):
                raise TypeError(f"phrases for {s.id} must be a list")
            out[s.id] = set().union(*(token_indices(s.text, p) for p in spans if isinstance(p, str)))
        return out

    def phrases(self, sid: str, words: set[int]) -> list[str]:
        """Runs of consecutive marked words of sentence ``sid``, as phrases."""
        s = self.sentence(sid)
        assert s is not None
        toks = tokens(s.text)
        spans, run = [], []
        for i in range(len(toks) + 1):
            if i in words:
                run.append(i)
            elif run:
                spans.append(s.text[toks[run[0]][0] : toks[run[-1]][1]])
                run = []
        return spans

    def normalise(self, value: Any, notes: list[str] | None = None) -> dict[str, list[str]]:
        return {sid: self.phrases(sid, words) for sid, words in self.marked(value, notes).items()}

    def blank(self) -> dict[str, list[str]]:
        return {s.id: [] for s in self.sentences}

    def gold_value(self) -> dict[str, list[str]]:
        """The answer key in the same shape as an answer."""
        return {sid: list(spans) for sid, spans in self.gold.items()}

    # ---------------------------------------------------------------- scoring

    def report(self, value: dict[str, list[str]]) -> SpanReport:
        return score_spans({s.id: s.text for s in self.sentences}, self.gold, value)

    def score(self, value: dict[str, list[str]]) -> tuple[float, int]:
        return self.report(value).f1, 1

    def result_data(self, value: dict[str, list[str]]) -> dict[str, Any]:
        r = self.report(value)
        return {
            "kind": "spans",
            "field": self.field,
            "found": r.found,
            "missed": r.missed,
            "extra": r.extra,
            "precision": r.precision,
            "recall": r.recall,
            "f1": r.f1,
        }

    def feedback_html(self, value: dict[str, list[str]]) -> str:
        r = self.report(value)

        def listing(items: list[tuple[str, str]]) -> str:
            return ", ".join(f"“{html.escape(p)}” ({sid})" for sid, p in items) or "none"

        measures = ""
        if self.measures:  # the terms of lesson 04, where precision and recall are taught
            measures = (
                f"<br>Precision {r.precision:.0%}: how much of what you marked is in the key. "
                f"Recall {r.recall:.0%}: how much of the key you marked. Overlap score (F1): {r.f1:.2f}."
            )
        texts = "".join(
            f"<li><span class='medialit-id'>[{s.id}]</span>{mark(s.text, self.gold[s.id])}</li>"
            for s in self.sentences
            if self.gold[s.id]
        )
        key = ""
        if texts:  # the sentences are on screen already, as word buttons: the key in them opens on a click
            key = folded(f"The {self.what} in the answer key, marked in their sentences.", f"<ul>{texts}</ul>", "show")
        return (
            f"<b>Found ({len(r.found)} of {len(r.found) + len(r.missed)}):</b> {listing(r.found)}<br>"
            f"<b>Missed:</b> {listing(r.missed)}<br>"
            f"<b>Marked but not in the answer key:</b> {listing(r.extra)}<br>"
            f"<div class='medialit-summary'>{html.escape(words_summary(r, self.wording))}{measures}</div>{key}"
        )

    def complete(self, value: dict[str, list[str]]) -> bool:
        """At least one phrase marked (a sentence may rightly have none)."""
        return any(value.values())

    def completeness_html(self, value: dict[str, list[str]]) -> str:
        empty = [sid for sid, spans in value.items() if not spans]
        n = sum(len(v) for v in value.values())
        if not n:
            return '<div class="medialit-warning">Nothing marked yet: click the words of the phrases you find.</div>'
        msg = f"You marked {n} phrase{'s' if n != 1 else ''} in {len(value) - len(empty)} of {len(value)} sentences."
        if empty:
            msg += f" Nothing marked yet in: {', '.join(empty)} (fine if you found nothing there)."
        return f'<div class="medialit-summary">{badge("done")} {msg}</div>'
