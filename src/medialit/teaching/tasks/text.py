"""Free-text tasks: a neutral rewrite (with automatic pre-checks) and a reflection note."""

from __future__ import annotations

import html

from medialit.content.article import Article
from medialit.teaching.rewrite import Check, rewrite_checks
from medialit.teaching.tasks.base import TextTask
from medialit.teaching.tasks.markup import badge


class RewriteBoxTask(TextTask):
    """Rewrite a framed sentence neutrally. Check runs the automatic pre-checks; the teacher grades it."""

    kind = "RewriteBox"

    def __init__(
        self,
        article: Article,
        sentence_id: str,
        *,
        key: str | None = None,
        graded: bool = False,
        title: str = "Rewrite it neutrally",
        model: str = "",
    ):
        super().__init__(key or f"rewrite-{sentence_id}", graded=graded, title=title)
        self.sentence = article.sentence(sentence_id)
        self.model = model  # a model rewrite, shown after the pre-checks (it must pass them: tests check it)

    def checks(self, value: str) -> list[Check]:
        return rewrite_checks(self.sentence, value)

    def feedback_html(self, value: str) -> str:
        items = "".join(
            f"<li>{badge('correct' if c.passed else 'wrong')} <b>{html.escape(c.name)}</b>: "
            f"{'yes' if c.passed else 'not yet'}. {html.escape(c.detail)}</li>"
            for c in self.checks(value)
        )
        shown = self.model and value.strip()  # only once the student has written their own
        model = f"<p><i>Compare with one neutral version:</i> {html.escape(self.model)}</p>" if shown else ""
        return (
            f"<ul>{items}</ul><p><i>These are automatic pre-checks. Your teacher (or you, comparing "
            f"with a classmate) judges whether the rewrite is fair and neutral.</i></p>{model}"
        )

    def complete(self, value: str) -> bool:
        return bool(value.strip())

    def completeness_html(self, value: str) -> str:
        words = len(value.split())
        if not words:
            return '<div class="medialit-warning">The box is still empty.</div>'
        done = f"{badge('done')} Written: {words} words. Your teacher will grade it."
        return f'<div class="medialit-summary">{done}</div>'


class NoteBoxTask(TextTask):
    """A question and a free-text answer (not scored). ``model`` (HTML) is shown on Check."""

    kind = "NoteBox"

    def __init__(
        self,
        prompt: str,
        *,
        key: str,
        graded: bool = False,
        model: str = "",
        min_words: int = 5,
        title: str = "",
    ):
        super().__init__(key, graded=graded, title=title)
        self.prompt = prompt
        self.model = model
        self.min_words = min_words

    def complete(self, value: str) -> bool:
        return len(value.split()) >= self.min_words

    def completeness_html(self, value: str) -> str:
        words = len(value.split())
        if words < self.min_words:
            return f'<div class="medialit-warning">Write at least {self.min_words} words (now {words}).</div>'
        return f'<div class="medialit-summary">{badge("done")} Saved: {words} words.</div>'

    def feedback_html(self, value: str) -> str:
        out = self.completeness_html(value)
        if self.model and len(value.split()) >= self.min_words:
            out += f"<p><i>Compare with:</i> {self.model}</p>"
        return out
