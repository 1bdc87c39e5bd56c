"""Rewrite box: the student rewrites a framed sentence neutrally; pre-checks comment on it."""

from __future__ import annotations

import html

import ipywidgets as w

from medialit.content.article import Article
from medialit.grading.answers import AnswerStore
from medialit.teaching.rewrite import rewrite_checks
from medialit.widgets.base import TextAnswer, badge, mark


class RewriteBox(TextAnswer):
    """Free text, saved as a string. Check runs the automatic pre-checks."""

    def __init__(
        self,
        article: Article,
        sentence_id: str,
        *,
        key: str | None = None,
        store: AnswerStore | None = None,
        graded: bool = False,
        title: str = "Rewrite it neutrally",
        model: str = "",
    ):
        placeholder = "Write your neutral version of the sentence here."
        super().__init__(key or f"rewrite-{sentence_id}", store, graded, title, placeholder, "6em")
        self.sentence = article.sentence(sentence_id)
        self.model = model  # a model rewrite, shown after the pre-checks (it must pass them: tests check it)
        self._restore()

    def checks(self):
        return rewrite_checks(self.sentence, self.text.value)

    def feedback_html(self) -> str:
        items = "".join(
            f"<li>{badge('correct' if c.passed else 'wrong')} <b>{html.escape(c.name)}</b>: "
            f"{'yes' if c.passed else 'not yet'}. {html.escape(c.detail)}</li>"
            for c in self.checks()
        )
        shown = self.model and self.text.value.strip()  # only once the student has written their own
        model = f"<p><i>Compare with one neutral version:</i> {html.escape(self.model)}</p>" if shown else ""
        return (
            f"<ul>{items}</ul><p><i>These are automatic pre-checks. Your teacher (or you, comparing "
            f"with a classmate) judges whether the rewrite is fair and neutral.</i></p>{model}"
        )

    @property
    def complete(self) -> bool:
        return bool(self.text.value.strip())

    def completeness_html(self) -> str:
        words = len(self.text.value.split())
        if not words:
            return '<div class="medialit-warning">The box is still empty.</div>'
        done = f"{badge('done')} Written: {words} words. Your teacher will grade it."
        return f'<div class="medialit-summary">{done}</div>'

    def _controls(self) -> list[w.Widget]:
        s = self.sentence
        loaded = [x["span"] for x in s.loaded if x["voice"] == "writer"]
        original = mark(s.text, loaded) if not self.graded else html.escape(s.text)
        return [
            w.HTML(f"<p><b>The original</b> <span class='medialit-id'>[{s.id}]</span>: {original}</p>"),
            w.HTML("<p>Keep the facts and who says them; replace judgement words with plain description.</p>"),
            self.text,
        ]
