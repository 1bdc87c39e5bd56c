"""The object a lesson or exercise notebook starts with: article, saved answers, widgets.

from medialit.teaching.lesson import Lesson
lesson = Lesson("01-anatomy", article="venezuela-prisoner-releases-2026-01-14")
lesson.show_article()
lesson.labeler(["h1", "p1s1"])

A graded kind's method (``lesson.labeler``, ``lesson.rewrite``, ...) is made from its entry in
``medialit.teaching.tasks.registry.KINDS``: the same arguments, defaults and help as the
kind's build function, after the article.
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from medialit.content.article import Article, load_article
from medialit.grading.answers import AnswerStore
from medialit.teaching.page import PAGE_EXTRAS
from medialit.teaching.tasks.base import Task
from medialit.teaching.tasks.markup import STYLE, badge, mark, plain
from medialit.teaching.tasks.registry import KINDS, Kind, TaskSpec


class RichHTML:
    """Minimal rich-display object (avoids importing IPython at module import)."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return plain(self.markup)


class Lesson:
    """One notebook's article, answer store and widget factory.

    ``graded=True`` (exercises) makes every Check button report completeness only.
    """

    def __init__(
        self,
        name: str,
        article: str | Path | Article = "venezuela-prisoner-releases-2026-01-14",
        *,
        graded: bool = False,
        folder: str | Path | None = None,
    ):
        self.name = name
        self.graded = graded
        self.article = article if isinstance(article, Article) else load_article(article)
        self.store = AnswerStore(name, folder)
        self._widgets: dict[str, Any] = {}

    def __repr__(self) -> str:
        saved = "answers restored" if self.store.answers else "no answers saved yet"
        return f"Lesson {self.name!r} on {self.article.id!r}: {saved} ({self.store.path.name})."

    def _repr_html_(self) -> str:
        """The Ready box, and what the page needs around it (see medialit.teaching.page)."""
        return self.ready_html() + PAGE_EXTRAS

    def ready_html(self) -> str:
        warning = ""
        if self.store.warning:
            warning = f'<div class="medialit-warning">{badge("warning")} {html.escape(self.store.warning)}</div>'
        done = len(self.store.answers)
        status = (
            f"Welcome back: {done} saved answer set{'s' if done != 1 else ''} restored from "
            f"<code>{html.escape(self.store.path.name)}</code>."
            if done
            else f"Your answers will be saved as you go in <code>{html.escape(self.store.path.name)}</code>."
        )
        return f'{STYLE}{warning}<div class="medialit-summary">{badge("done")} Ready. {status}</div>'

    # ------------------------------------------------------------------ reading

    def article_html(
        self, paragraphs: list[int] | None = None, ids: bool = False, marks: dict[str, list[str]] | None = None
    ) -> str:
        """The article as HTML: headline, byline, numbered paragraphs (optionally sentence ids)."""
        a = self.article
        marks = marks or {}
        out = [STYLE, f"<h3>{html.escape(a.title)}</h3>"]
        if paragraphs is None:
            note = " · <b>invented text for practice</b>" if a.invented else ""
            out.append(f"<p><i>{html.escape(a.byline)} · published {html.escape(a.published)}{note}</i></p>")
        for n, sentences in a.paragraphs().items():
            if paragraphs is not None and n not in paragraphs:
                continue
            body = " ".join(
                (f"<span class='medialit-id'>[{s.id}]</span>" if ids else "") + mark(s.text, marks.get(s.id, []))
                for s in sentences
            )
            out.append(f"<p><span class='medialit-id'>¶{n}</span> {body}</p>")
        return "".join(out)

    def show_article(self, paragraphs: list[int] | None = None, ids: bool = False) -> RichHTML:
        """Display the article (or some paragraphs), with paragraph numbers."""
        return RichHTML(self.article_html(paragraphs, ids))

    def show_sentences(self, ids: list[str], spans: str | None = None) -> RichHTML:
        """Display chosen sentences with their ids; ``spans`` marks a field ("cue", "hedges", ...)."""
        items = []
        for sid in ids:
            s = self.article.sentence(sid)
            marked: list[str] = []
            if spans == "loaded":
                marked = [x["span"] for x in s.loaded]
            elif spans == "claims":
                marked = [c["span"] for c in s.claims]
            elif spans == "source":
                marked = [s.source[k] for k in ("span", "relayed") if k in s.source]
            elif spans:
                marked = list(getattr(s, spans))
            items.append(f"<li><span class='medialit-id'>[{s.id}]</span>{mark(s.text, marked)}</li>")
        return RichHTML(STYLE + f"<ul>{''.join(items)}</ul>")

    def scheme(self) -> RichHTML:
        """The label scheme, with definitions, questions and examples."""
        from medialit.content.scheme import load_scheme

        return RichHTML(load_scheme().to_html())

    # ------------------------------------------------------------------ widgets

    def _task(self, factory: str, *args: Any, **kwargs: Any) -> Any:
        """The widget of a task from the registry (the grader builds the same task from the plan)."""
        return self._show(TaskSpec(factory, self.article, args, kwargs).build(self.graded))

    def _show(self, task: Task) -> Any:
        """The widget showing ``task``, its answer saved in this notebook's store."""
        from medialit.widgets.views import view

        widget = view(task, self.store)
        self._widgets[widget.key] = widget
        return widget

    def _make(self, key: str, factory: Any, *args: Any, **kwargs: Any) -> Any:
        """A widget with no task in the registry (the grader cannot score it)."""
        widget = factory(*args, key=key, store=self.store, graded=self.graded, **kwargs)
        self._widgets[key] = widget
        return widget

    def warm_up(self, key: str = "warm-up", **kw: Any):
        """Three quick questions on earlier lessons' ideas (seeds/retrieval/ARTICLE.yaml), with feedback.

        A warm-up file with mistakes shows what to fix instead of the questions; the lesson goes on.
        """
        from medialit.teaching.retrieval import RetrievalError, warm_up
        from medialit.teaching.tasks.warm_up import WarmUpTask

        try:
            questions = warm_up(self.name, self.article.id, self.article.path.parent)
        except RetrievalError as exc:
            fix = html.escape(str(exc)).replace(chr(10), "<br>")
            return RichHTML(
                f'{STYLE}<div class="medialit-warning">{badge("warning")} The warm-up could not be shown: '
                f"skip it and go on with the lesson. For your teacher: {fix}</div>"
            )
        return self._show(WarmUpTask(questions, key=key, graded=self.graded, **kw))

    def coverage(self) -> Any:
        """What other reports say about the article (its NAME.coverage.yaml in seeds/), or None."""
        from medialit.content.coverage import load_coverage

        if not hasattr(self, "_coverage"):
            self._coverage = load_coverage(self.article)
        return self._coverage

    def coverage_check(self, claims: list[str] | None = None, key: str = "coverage", **kw: Any):
        """Per claim, the article beside other reports: what do they do to it? (lateral reading)"""
        from medialit.teaching.tasks.coverage import CoverageCheckTask
        from medialit.widgets.coverage import no_coverage_html

        if self.coverage() is None:
            return RichHTML(no_coverage_html(self.article))
        return self._show(CoverageCheckTask(self.article, self.coverage(), claims, key=key, graded=self.graded, **kw))

    def headline_verdict(self, key: str = "verdict", **kw: Any):
        """The verdict on the headline's cause, on the article alone and with the other reports."""
        from medialit.teaching.tasks.coverage import HeadlineVerdictTask
        from medialit.widgets.coverage import no_coverage_html

        if self.coverage() is None or self.coverage().headline is None:
            return RichHTML(no_coverage_html(self.article))
        headline = self.coverage().headline
        return self._show(HeadlineVerdictTask(self.article, headline, key=key, graded=self.graded, **kw))

    def other_coverage(self) -> RichHTML:
        """What other reports say about the headline's cause, beside the article's words."""
        from medialit.widgets.coverage import compare_html, no_coverage_html

        head = self.coverage().headline if self.coverage() else None
        if head is None:
            return RichHTML(no_coverage_html(self.article))
        return RichHTML(STYLE + compare_html(self.article, head.sentences, head.words, head.others))

    def reveal(self, after: str, *parts: Any, label: str = "Show the discussion") -> Any:
        """A discussion shown only once the widget saved under ``after`` is answered and checked.

        ``parts``: Markdown text, or what the lesson displays (``self.show_sentences(...)``). Until
        then the discussion is not on the page, so it cannot give the answers away.
        """
        from medialit.widgets.reveal import Reveal

        if after not in self._widgets:
            raise KeyError(f"lesson.reveal: no widget saved under {after!r} yet; show that question first")
        return self._make(f"reveal-{after}", Reveal, self._widgets[after], *parts, label=label)

    def hard_cases(self) -> Any:
        """The article's sentences to label and hard cases to discuss (seeds/hard-cases/), for lesson 07."""
        from medialit.content.hard_cases import load_hard_cases

        return load_hard_cases(self.article)

    def agreement(self, ids: list[str] | None = None, labels: str = "labels", key: str = "agreement"):
        """Compare the labels saved under ``labels`` with the key and with the class file (lesson 07)."""
        from medialit.widgets.agreement import AgreementView

        return self._make(key, AgreementView, self.article, ids or list(self.hard_cases().label), labels=labels)

    def discussion(self) -> Any:
        """A note box for each hard case and the class's split; the key's answers and reason once answered (07)."""
        import ipywidgets as w

        from medialit.teaching.agreement import load_class
        from medialit.widgets.agreement import DiscussionBox

        counts, _ = load_class(self.article)
        cases = self.hard_cases().cases
        keys = [f"discuss-{c.sentence}{'-voice' if c.phrase else ''}" for c in cases]
        parts = []
        for k, case in zip(keys, cases, strict=True):
            box = self._make(k, DiscussionBox, self.article, case, counts)
            key = self.reveal(k, RichHTML(box.key_markup), label="Show what the key says")  # after answering
            parts += [box.widget, key.widget]
        return w.VBox(parts, layout=w.Layout(width="100%"))

    # ------------------------------------------------------------------ tables

    def table(self) -> Any:
        """The annotation as a pandas DataFrame, one row per sentence."""
        return self.article.to_frame()

    def sourcing_profile(self) -> Any:
        from medialit.teaching.analysis import sourcing_profile

        return sourcing_profile(self.article)


def _kind_method(kind: Kind) -> Callable[..., Any]:
    """``Lesson.NAME``: the widget of the kind's task, with the arguments and help of its build function."""
    assert kind.build is not None
    built = inspect.signature(kind.build)
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD), *list(built.parameters.values())[1:]]
    signature = built.replace(parameters=params, return_annotation=inspect.Signature.empty)

    def method(self: Lesson, *args: Any, **kwargs: Any) -> Any:
        try:
            signature.bind(self, *args, **kwargs)
        except TypeError as exc:
            raise TypeError(f"lesson.{kind.name}{_shown(signature)}: {exc}") from None
        return self._task(kind.name, *args, **kwargs)

    method.__name__ = kind.name
    method.__qualname__ = f"Lesson.{kind.name}"
    method.__module__ = __name__
    method.__doc__ = kind.build.__doc__
    method.__signature__ = signature  # type: ignore[attr-defined]  (what help() and Tab completion show)
    return method


def _shown(signature: inspect.Signature) -> str:
    """The call as a teacher writes it: no ``self``."""
    return str(signature.replace(parameters=list(signature.parameters.values())[1:]))


for _kind in KINDS:
    if _kind.build is not None:
        if _kind.name in vars(Lesson):
            raise TypeError(f"Lesson.{_kind.name} is written by hand and made from the registry's kind; keep one")
        setattr(Lesson, _kind.name, _kind_method(_kind))
