"""Rewrite box: the student rewrites a framed sentence neutrally; pre-checks comment on it."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from medialit.content.article import Sentence
from medialit.grading.answers import AnswerStore
from medialit.teaching.rewrite import Check
from medialit.teaching.tasks.text import RewriteBoxTask
from medialit.widgets.base import TextAnswer, mark


class RewriteBox(TextAnswer):
    """Free text, saved as a string. Check runs the automatic pre-checks (see :class:`RewriteBoxTask`)."""

    task: RewriteBoxTask

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(RewriteBoxTask(*args, **kwargs), store)

    def _view(self, task: RewriteBoxTask, store: AnswerStore | None) -> None:
        self._text_box(task, store, "Write your neutral version of the sentence here.", "6em")

    @property
    def sentence(self) -> Sentence:
        return self.task.sentence

    @property
    def model(self) -> str:
        return self.task.model

    def checks(self) -> list[Check]:
        return self.task.checks(self.text.value)

    def _controls(self) -> list[w.Widget]:
        s = self.sentence
        loaded = [x["span"] for x in s.loaded if x["voice"] == "writer"]
        original = mark(s.text, loaded) if not self.graded else html.escape(s.text)
        return [
            w.HTML(f"<p><b>The original</b> <span class='medialit-id'>[{s.id}]</span>: {original}</p>"),
            w.HTML("<p>Keep the facts and who says them; replace judgement words with plain description.</p>"),
            self.text,
        ]
