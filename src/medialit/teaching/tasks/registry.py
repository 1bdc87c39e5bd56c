"""The plan's factory names, each a function building a task model.

A notebook's ``lesson.labeler(["h1"])`` and the grader's plan entry ``labeler(["h1"])``
both build their task here: ``TASKS["labeler"](article, ["h1"], graded=...)``. The
arguments are the Lesson method's (``medialit.teaching.lesson.Lesson``), after the article.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from medialit.content.article import Article
from medialit.teaching.tasks.base import Task
from medialit.teaching.tasks.choices import ChoiceTableTask, Column, Row
from medialit.teaching.tasks.discernment import DiscernmentTestTask
from medialit.teaching.tasks.highlight import PhraseHighlighterTask
from medialit.teaching.tasks.labels import (
    ClaimCheckerTask,
    HeadlineSupportTask,
    SentenceLabelerTask,
    SourceMapperTask,
    VoiceChooserTask,
)
from medialit.teaching.tasks.parts import PartSorterTask
from medialit.teaching.tasks.reliability import ReliabilityJudgeTask
from medialit.teaching.tasks.text import NoteBoxTask, RewriteBoxTask
from medialit.teaching.tasks.verification import VerificationLogTask


def labeler(article: Article, ids: list[str] | None = None, key: str = "labels", **kw: Any) -> Task:
    return SentenceLabelerTask(article, ids, key=key, **kw)


def part_sorter(article: Article, ids: list[str] | None = None, key: str = "parts", **kw: Any) -> Task:
    return PartSorterTask(article, ids, key=key, **kw)


def source_mapper(article: Article, ids: list[str] | None = None, key: str = "sources", **kw: Any) -> Task:
    return SourceMapperTask(article, ids, key=key, **kw)


def highlighter(article: Article, ids: list[str], field: str = "loaded", key: str | None = None, **kw: Any) -> Task:
    return PhraseHighlighterTask(article, ids, field, key=key or f"highlight-{field}", **kw)


def voice_chooser(article: Article, ids: list[str] | None = None, key: str = "voices", **kw: Any) -> Task:
    return VoiceChooserTask(article, ids, key=key, **kw)


def claim_checker(article: Article, key: str = "claims", **kw: Any) -> Task:
    return ClaimCheckerTask(article, key=key, **kw)


def reliability(article: Article, key: str = "reliability", **kw: Any) -> Task:
    return ReliabilityJudgeTask(article, key=key, **kw)


def rewrite(article: Article, sentence_id: str, key: str | None = None, **kw: Any) -> Task:
    return RewriteBoxTask(article, sentence_id, key=key or f"rewrite-{sentence_id}", **kw)


def headline_support(article: Article, ids: list[str] | None = None, key: str = "headline", **kw: Any) -> Task:
    return HeadlineSupportTask(article, ids, key=key, **kw)


def verification_log(article: Article, entries: int = 3, key: str = "verification", **kw: Any) -> Task:
    return VerificationLogTask(article, entries, key=key, **kw)


def note(article: Article, key: str, prompt: str, model: str = "", **kw: Any) -> Task:
    return NoteBoxTask(prompt, key=key, model=model, **kw)


def choice(article: Article, key: str, rows: list[Row], columns: list[Column], **kw: Any) -> Task:
    return ChoiceTableTask(rows, columns, key=key, **kw)


def discernment_test(article: Article, form: str = "", key: str = "discernment", **kw: Any) -> Task:
    return DiscernmentTestTask(form, key=key, **kw)


TASKS: dict[str, Callable[..., Task]] = {
    f.__name__: f
    for f in (
        labeler,
        part_sorter,
        source_mapper,
        highlighter,
        voice_chooser,
        claim_checker,
        reliability,
        rewrite,
        headline_support,
        verification_log,
        note,
        choice,
        discernment_test,
    )
}


@dataclass(frozen=True)
class TaskSpec:
    """One task as a notebook or a plan asks for it: the factory's name, the article and the arguments."""

    factory: str
    article: Article
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def build(self, graded: bool = False) -> Task:
        """The task (``graded``: without the explanations an exercise must not hold)."""
        if self.factory not in TASKS:
            raise KeyError(f"no task named {self.factory!r}; known: {', '.join(TASKS)}")
        return TASKS[self.factory](self.article, *self.args, graded=graded, **self.kwargs)
