"""Phrase highlighter: click words to mark phrases (loaded language, hedges, sources, cues)."""

from __future__ import annotations

import html
from typing import Any, NamedTuple

import ipywidgets as w

from medialit.content.article import Article, Sentence
from medialit.grading.answers import AnswerStore
from medialit.teaching.scoring import SpanReport, score_spans, token_indices, tokens
from medialit.widgets.base import AnswerWidget, badge, folded, mark

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


class Piece(NamedTuple):
    """What one word button shows: the word with the punctuation stuck to it ("signal," "U.S.").

    ``word`` is the index of the word in :func:`medialit.teaching.scoring.tokens` (what is marked and
    saved: never the punctuation), or None for punctuation standing alone between spaces.
    """

    label: str
    word: int | None


def word_pieces(text: str) -> list[Piece]:
    """The sentence as word buttons, keeping every punctuation mark visible.

    Punctuation touching a word goes on that word's button (before it: an opening quote or
    bracket; after it: commas, full stops, closing quotes); between two words with no space
    it goes on the first ("U.S.-backed" shows "U.S.-" "backed"); standing alone it is a piece
    of its own.
    """
    spans = tokens(text)
    if not spans:
        return [Piece(text.strip(), None)] if text.strip() else []
    lead = [""] * len(spans)
    trail = [""] * len(spans)
    alone: dict[int, list[str]] = {}  # free-standing punctuation before word i (len(spans): after the last)
    for i in range(len(spans) + 1):
        start = spans[i - 1][1] if i else 0
        end = spans[i][0] if i < len(spans) else len(text)
        gap = text[start:end]
        if not gap.strip():
            continue
        if i == 0:
            chunks = gap.split()
            lead[0] = chunks.pop() if not gap[-1].isspace() else ""
            alone[0] = chunks
        elif i == len(spans):
            chunks = gap.split()
            trail[-1] = chunks.pop(0) if not gap[0].isspace() else ""
            alone[i] = chunks
        elif not any(c.isspace() for c in gap):
            trail[i - 1] = gap
        else:
            chunks = gap.split()
            if not gap[0].isspace():
                trail[i - 1] = chunks.pop(0)
            if chunks and not gap[-1].isspace():
                lead[i] = chunks.pop()
            alone[i] = chunks
    pieces: list[Piece] = []
    for i, (a, b) in enumerate(spans):
        pieces += [Piece(c, None) for c in alone.get(i, [])]
        pieces.append(Piece(lead[i] + text[a:b] + trail[i], i))
    pieces += [Piece(c, None) for c in alone.get(len(spans), [])]
    return pieces


class PhraseHighlighter(AnswerWidget):
    """Each word is a toggle button; consecutive marked words form a phrase.

    Saved as {sentence id: [phrase, ...]}. ``select(id, phrase)`` marks a phrase
    from Python, as clicking its words would.

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
        store: AnswerStore | None = None,
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
        super().__init__(key or f"highlight-{field}", store, graded, title or f"Mark the {self.what}")
        self.article = article
        self.sentences: list[Sentence] = [article.sentence(i) for i in ids]
        self.gold = {s.id: getter(s) for s in self.sentences}
        self.buttons: dict[str, list[w.ToggleButton]] = {}
        self._rows: dict[str, list[w.Widget]] = {}  # buttons with the free-standing punctuation between them
        for s in self.sentences:
            row: list[w.ToggleButton] = []
            shown: list[w.Widget] = []
            for piece in word_pieces(s.text):
                if piece.word is None:  # punctuation standing alone (" — "): shown, not clickable
                    shown.append(w.HTML(html.escape(piece.label), layout=w.Layout(margin="1px 3px")))
                    continue
                b = w.ToggleButton(
                    value=False,
                    description=piece.label,
                    layout=w.Layout(width="auto", margin="1px", padding="0 4px", height="28px"),
                    tooltip="click to mark or unmark this word",
                )
                b.observe(self._toggled, names="value")
                row.append(b)
                shown.append(b)
            self.buttons[s.id] = row
            self._rows[s.id] = shown
        self._restore()

    def _toggled(self, change: dict[str, Any]) -> None:
        change["owner"].button_style = "warning" if change["new"] else ""
        self._changed()

    # ---------------------------------------------------------------- value

    def phrases(self, sid: str) -> list[str]:
        s = next(x for x in self.sentences if x.id == sid)
        spans, run = [], []
        toks = tokens(s.text)
        for i, b in enumerate(self.buttons[sid] + [None]):
            if b is not None and b.value:
                run.append(i)
            elif run:
                spans.append(s.text[toks[run[0]][0] : toks[run[-1]][1]])
                run = []
        return spans

    def get_value(self) -> dict[str, list[str]]:
        return {s.id: self.phrases(s.id) for s in self.sentences}

    def _apply(self, value: Any) -> None:
        if not isinstance(value, dict):
            raise TypeError(f"expected a mapping of sentence ids to phrases, got {type(value).__name__}")
        unknown = [k for k in value if k not in self.buttons]
        if unknown:
            self.notes.append(f"Ignored saved phrases for unknown sentences: {', '.join(map(str, unknown))}.")
        for s in self.sentences:
            spans = value.get(s.id, [])
            if not isinstance(spans, list):
                raise TypeError(f"phrases for {s.id} must be a list")
            marked = set().union(*(token_indices(s.text, p) for p in spans if isinstance(p, str))) if spans else set()
            for i, b in enumerate(self.buttons[s.id]):
                b.value = i in marked

    def gold_value(self) -> dict[str, list[str]]:
        """The answer key in the same shape as ``value``."""
        return {sid: list(spans) for sid, spans in self.gold.items()}

    def select(self, sid: str, phrase: str) -> None:
        """Mark ``phrase`` in sentence ``sid`` (it must occur in the sentence)."""
        s = next((x for x in self.sentences if x.id == sid), None)
        if s is None:
            raise KeyError(f"{sid!r} is not one of this highlighter's sentences")
        words = token_indices(s.text, phrase)
        if not words:
            raise ValueError(f"{phrase!r} does not occur in {sid}")
        for i in words:
            self.buttons[sid][i].value = True

    def clear(self) -> None:
        self.value = {}

    # ---------------------------------------------------------------- scoring

    def report(self) -> SpanReport:
        return score_spans({s.id: s.text for s in self.sentences}, self.gold, self.get_value())

    def score(self) -> tuple[float, int]:
        return self.report().f1, 1

    def result_data(self) -> dict[str, Any]:
        r = self.report()
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

    def feedback_html(self) -> str:
        r = self.report()

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

    @property
    def complete(self) -> bool:
        """At least one phrase marked (a sentence may rightly have none)."""
        return any(self.get_value().values())

    def completeness_html(self) -> str:
        value = self.get_value()
        empty = [sid for sid, spans in value.items() if not spans]
        n = sum(len(v) for v in value.values())
        if not n:
            return '<div class="medialit-warning">Nothing marked yet: click the words of the phrases you find.</div>'
        msg = f"You marked {n} phrase{'s' if n != 1 else ''} in {len(value) - len(empty)} of {len(value)} sentences."
        if empty:
            msg += f" Nothing marked yet in: {', '.join(empty)} (fine if you found nothing there)."
        return f'<div class="medialit-summary">{badge("done")} {msg}</div>'

    def _controls(self) -> list[w.Widget]:
        parts: list[w.Widget] = [w.HTML(f"<p>{html.escape(self.wording.click)} Click a word again to unmark it.</p>")]
        for s in self.sentences:
            parts.append(w.HTML(f"<span class='medialit-id'>[{s.id}]</span>"))
            parts.append(
                w.HBox(self._rows[s.id], layout=w.Layout(flex_flow="row wrap", align_items="center", width="100%"))
            )
        return parts
