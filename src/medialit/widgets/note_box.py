"""Note box: a saved free-text answer for reflection questions (not scored)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from medialit.grading.answers import AnswerStore
from medialit.teaching.tasks.text import NoteBoxTask
from medialit.widgets.base import TextAnswer


class NoteBox(TextAnswer):
    """A question and a text box; the answer is saved like any other. ``model`` is shown on Check."""

    task: NoteBoxTask

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(NoteBoxTask(*args, **kwargs), store)

    def _view(self, task: NoteBoxTask, store: AnswerStore | None) -> None:
        self._text_box(task, store, "Type your answer here.", "5em")

    @property
    def prompt(self) -> str:
        return self.task.prompt

    @property
    def model(self) -> str:
        return self.task.model

    @property
    def min_words(self) -> int:
        return self.task.min_words

    def _controls(self) -> list[w.Widget]:
        return [w.HTML(f"<p>{html.escape(self.prompt)}</p>"), self.text]
