"""The warm-up: a few quick questions on earlier lessons' ideas, each with its own choices.

The view of :class:`medialit.teaching.tasks.warm_up.WarmUpTask`: a choice table whose rows each
carry their own options. Each row shows its question above its sentence, apart from it, so that
the reading-load estimate counts the question as words to read and the sentence as part of the
choice, as for every choice table.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from medialit.grading.answers import AnswerStore
from medialit.teaching.retrieval import Question
from medialit.teaching.tasks.warm_up import INSTRUCTIONS, TITLE, WarmUpTask, question_html, sentences_html
from medialit.widgets.choices import ChoiceTable

__all__ = ["INSTRUCTIONS", "TITLE", "WarmUp", "question_html", "sentences_html"]


class WarmUp(ChoiceTable):
    """Quick questions on earlier ideas. Saved as {question id: choice}, like any choice table."""

    task: WarmUpTask

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(WarmUpTask(*args, **kwargs), store)

    def _view(self, task: WarmUpTask, store: AnswerStore | None) -> None:
        self.headers = {q.id: w.HTML(question_html(q), layout=w.Layout(width="100%")) for q in task.questions}
        super()._view(task, store)

    @property
    def questions(self) -> list[Question]:
        return self.task.questions

    def _controls(self) -> list[Any]:
        """The choice table's rows, each headed by its question."""
        parts = super()._controls()
        for box in parts:
            children = tuple(getattr(box, "children", ()))
            for key, prompt in self.prompts.items():
                if prompt in children:
                    box.children = (self.headers[key], *children)
        return parts
