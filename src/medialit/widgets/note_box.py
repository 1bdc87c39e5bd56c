"""Note box: a saved free-text answer for reflection questions (not scored)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from medialit.answers import AnswerStore
from medialit.widgets.base import AnswerWidget


class NoteBox(AnswerWidget):
    """A question and a text box; the answer is saved like any other. ``model`` is shown on Check."""

    def __init__(
        self,
        prompt: str,
        *,
        key: str,
        store: AnswerStore | None = None,
        graded: bool = False,
        model: str = "",
        min_words: int = 5,
        title: str = "",
    ):
        super().__init__(key, store, graded, title)
        self.prompt = prompt
        self.model = model
        self.min_words = min_words
        self.text = w.Textarea(placeholder="Type your answer here.", layout=w.Layout(width="100%", height="5em"))
        self.text.observe(self._changed, names="value")
        self._restore()

    def get_value(self) -> str:
        return self.text.value

    def _apply(self, value: Any) -> None:
        if not isinstance(value, str):
            raise TypeError(f"expected text, got {type(value).__name__}")
        self.text.value = value

    @property
    def complete(self) -> bool:
        return len(self.text.value.split()) >= self.min_words

    def completeness_html(self) -> str:
        words = len(self.text.value.split())
        if words < self.min_words:
            return f'<div class="medialit-warning">Write at least {self.min_words} words (now {words}).</div>'
        return f'<div class="medialit-summary">✅ Saved: {words} words.</div>'

    def feedback_html(self) -> str:
        out = self.completeness_html()
        if self.model and len(self.text.value.split()) >= self.min_words:
            out += f"<p><i>Compare with:</i> {self.model}</p>"
        return out

    def _controls(self) -> list[w.Widget]:
        return [w.HTML(f"<p>{html.escape(self.prompt)}</p>"), self.text]
