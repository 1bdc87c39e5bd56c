"""Note box: a saved free-text answer for reflection questions (not scored)."""

from __future__ import annotations

import html

import ipywidgets as w

from medialit.grading.answers import AnswerStore
from medialit.widgets.base import TextAnswer, badge


class NoteBox(TextAnswer):
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
        super().__init__(key, store, graded, title, "Type your answer here.", "5em")
        self.prompt = prompt
        self.model = model
        self.min_words = min_words
        self._restore()

    @property
    def complete(self) -> bool:
        return len(self.text.value.split()) >= self.min_words

    def completeness_html(self) -> str:
        words = len(self.text.value.split())
        if words < self.min_words:
            return f'<div class="medialit-warning">Write at least {self.min_words} words (now {words}).</div>'
        return f'<div class="medialit-summary">{badge("done")} Saved: {words} words.</div>'

    def feedback_html(self) -> str:
        out = self.completeness_html()
        if self.model and len(self.text.value.split()) >= self.min_words:
            out += f"<p><i>Compare with:</i> {self.model}</p>"
        return out

    def _controls(self) -> list[w.Widget]:
        return [w.HTML(f"<p>{html.escape(self.prompt)}</p>"), self.text]
