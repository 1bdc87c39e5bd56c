"""Phrase highlighter: click words to mark phrases (loaded language, hedges, sources, cues).

The view of :class:`medialit.teaching.tasks.highlight.PhraseHighlighterTask`: a toggle button per word.
"""

from __future__ import annotations

import html
from typing import Any, NamedTuple

import ipywidgets as w
from ipywidgets.widgets.widget_bool import ToggleButtonStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from medialit.content.article import Sentence
from medialit.grading.answers import AnswerStore
from medialit.teaching.scoring import SpanReport, token_indices, tokens
from medialit.teaching.tasks.access import WORD_CLASS
from medialit.teaching.tasks.highlight import FIELDS, WORDING, PhraseHighlighterTask, Wording, words_summary
from medialit.widgets.base import AnswerWidget

__all__ = ["FIELDS", "WORDING", "Piece", "PhraseHighlighter", "Wording", "word_pieces", "words_summary"]


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
    from Python, as clicking its words would. Arguments: see :class:`PhraseHighlighterTask`,
    plus ``store``.
    """

    task: PhraseHighlighterTask

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(PhraseHighlighterTask(*args, **kwargs), store)

    def _view(self, task: PhraseHighlighterTask, store: AnswerStore | None) -> None:
        self._attach(task, store)
        self.buttons: dict[str, list[w.ToggleButton]] = {}
        self._rows: dict[str, list[w.Widget]] = {}  # buttons with the free-standing punctuation between them
        # one Layout and style model for every word (and every punctuation mark), not one each: a lesson
        # sent ~140 of each to the browser. Marking a word sets its own ``button_style``, not these.
        word_layout = w.Layout(width="auto", margin="1px", padding="0 4px", height="28px")
        word_style = ToggleButtonStyle()
        mark_layout, mark_style = w.Layout(margin="1px 3px"), HTMLStyle()
        self._row_layout = w.Layout(flex_flow="row wrap", align_items="center", width="100%")
        for s in self.sentences:
            row: list[w.ToggleButton] = []
            shown: list[w.Widget] = []
            for piece in word_pieces(s.text):
                if piece.word is None:  # punctuation standing alone (" — "): shown, not clickable
                    shown.append(w.HTML(html.escape(piece.label), layout=mark_layout, style=mark_style))
                    continue
                b = w.ToggleButton(
                    value=False,
                    description=piece.label,
                    layout=word_layout,
                    style=word_style,
                    tooltip="click to mark or unmark this word",
                )
                b.add_class(WORD_CLASS)  # aria-pressed, and marked in more than colour (teaching/tasks/access.py)
                b.observe(self._toggled, names="value")
                row.append(b)
                shown.append(b)
            self.buttons[s.id] = row
            self._rows[s.id] = shown
        self._restore()

    def _toggled(self, change: dict[str, Any]) -> None:
        change["owner"].button_style = "warning" if change["new"] else ""
        self._changed()

    # the task's parts, by their old names
    @property
    def article(self):
        return self.task.article

    @property
    def sentences(self) -> list[Sentence]:
        return self.task.sentences

    @property
    def gold(self) -> dict[str, list[str]]:
        return self.task.gold

    @property
    def field(self) -> str:
        return self.task.field

    @property
    def what(self) -> str:
        return self.task.what

    @property
    def wording(self) -> Wording:
        return self.task.wording

    @property
    def measures(self) -> bool:
        return self.task.measures

    # ---------------------------------------------------------------- value

    def phrases(self, sid: str) -> list[str]:
        return self.task.phrases(sid, {i for i, b in enumerate(self.buttons[sid]) if b.value})

    def get_value(self) -> dict[str, list[str]]:
        return {s.id: self.phrases(s.id) for s in self.sentences}

    def _apply(self, value: Any) -> None:
        for sid, words in self.task.marked(value, self.notes).items():
            for i, b in enumerate(self.buttons[sid]):
                b.value = i in words

    def select(self, sid: str, phrase: str) -> None:
        """Mark ``phrase`` in sentence ``sid`` (it must occur in the sentence)."""
        s = self.task.sentence(sid)
        if s is None:
            raise KeyError(f"{sid!r} is not one of this highlighter's sentences")
        words = token_indices(s.text, phrase)
        if not words:
            raise ValueError(f"{phrase!r} does not occur in {sid}")
        for i in words:
            self.buttons[sid][i].value = True

    def clear(self) -> None:
        self.value = {}

    def report(self) -> SpanReport:
        return self.task.report(self.get_value())

    def _controls(self) -> list[w.Widget]:
        parts: list[w.Widget] = [w.HTML(f"<p>{html.escape(self.wording.click)} Click a word again to unmark it.</p>")]
        for s in self.sentences:
            parts.append(w.HTML(f"<span class='medialit-id'>[{s.id}]</span>"))
            parts.append(w.HBox(self._rows[s.id], layout=self._row_layout))
        return parts
