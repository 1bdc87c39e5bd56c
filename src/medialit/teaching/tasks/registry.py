"""The one list of task kinds: each kind's name, its task model, how it is built (with its defaults) and its view.

A notebook's ``lesson.labeler(["h1"])`` and the grader's plan entry ``labeler(["h1"])``
both build their task here: ``TASKS["labeler"](article, ["h1"], graded=...)``. Everything
else is derived from ``KINDS``: the ``Lesson`` methods of the graded kinds (their arguments,
defaults and help are the build function's, after the article), the plan's
``grading.plan.FACTORIES`` and the widgets' ``widgets.views.VIEWS`` (each kind names its
view, a widget class in ``medialit.widgets``, by its class name).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from medialit.content.article import Article
from medialit.teaching.tasks.base import Task
from medialit.teaching.tasks.choices import ChoiceTableTask, Column, Row
from medialit.teaching.tasks.coverage import CoverageCheckTask, HeadlineVerdictTask
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
from medialit.teaching.tasks.warm_up import WarmUpTask


def labeler(article: Article, ids: list[str] | None = None, key: str = "labels", **kw: Any) -> Task:
    """A label per sentence; feedback gives the rationale with the deciding words marked."""
    return SentenceLabelerTask(article, ids, key=key, **kw)


def part_sorter(article: Article, ids: list[str] | None = None, key: str = "parts", **kw: Any) -> Task:
    """Which part of the story (headline, lede, attribution, background, analysis) is each sentence?"""
    return PartSorterTask(article, ids, key=key, **kw)


def source_mapper(article: Article, ids: list[str] | None = None, key: str = "sources", **kw: Any) -> Task:
    """For each sentence: who is the source, and what kind of source is it?"""
    return SourceMapperTask(article, ids, key=key, **kw)


def highlighter(article: Article, ids: list[str], field: str = "loaded", key: str | None = None, **kw: Any) -> Task:
    """Mark the phrases of ``field`` ("loaded", ...) in each sentence: each word is a toggle button."""
    return PhraseHighlighterTask(article, ids, field, key=key or f"highlight-{field}", **kw)


def voice_chooser(article: Article, ids: list[str] | None = None, key: str = "voices", **kw: Any) -> Task:
    """For each loaded phrase: is it the writer's wording, or a source's?"""
    return VoiceChooserTask(article, ids, key=key, **kw)


def claim_checker(article: Article, key: str = "claims", **kw: Any) -> Task:
    """For each checkable claim: what kind of source vouches for it, and is it disputed?"""
    return ClaimCheckerTask(article, key=key, **kw)


def reliability(article: Article, key: str = "reliability", **kw: Any) -> Task:
    """For each claim: solid or shaky on this article's evidence?"""
    return ReliabilityJudgeTask(article, key=key, **kw)


def rewrite(article: Article, sentence_id: str, key: str | None = None, **kw: Any) -> Task:
    """Rewrite the sentence ``sentence_id`` as free text; Check runs the automatic pre-checks."""
    return RewriteBoxTask(article, sentence_id, key=key or f"rewrite-{sentence_id}", **kw)


def headline_support(article: Article, ids: list[str] | None = None, key: str = "headline", **kw: Any) -> Task:
    """Which body sentences support the headline's claim? (one yes/no per sentence)"""
    return HeadlineSupportTask(article, ids, key=key, **kw)


def verification_log(article: Article, entries: int = 3, key: str = "verification", **kw: Any) -> Task:
    """``entries`` plans, each: a claim from the article, where to search, which sources, what would change minds."""
    return VerificationLogTask(article, entries, key=key, **kw)


def note(article: Article, key: str, prompt: str, model: str = "", **kw: Any) -> Task:
    """A saved free-text answer to a reflection question; ``model`` (HTML) is shown on Check."""
    return NoteBoxTask(prompt, key=key, model=model, **kw)


def choice(article: Article, key: str, rows: list[Row], columns: list[Column], **kw: Any) -> Task:
    """A custom choice table (for questions not tied to one annotation field)."""
    return ChoiceTableTask(rows, columns, key=key, **kw)


def discernment_test(article: Article, form: str = "", key: str = "discernment", **kw: Any) -> Task:
    """The discernment test on invented practice texts (``form`` "A" or "B"; "" lets the student choose)."""
    return DiscernmentTestTask(form, key=key, **kw)


@dataclass(frozen=True)
class Kind:
    """One kind of task: ``lesson.NAME(...)``, its task model and the widget showing it.

    ``build(article, *args, graded=..., **kw)`` makes the task from the Lesson method's
    arguments; the Lesson method, the plan and the grader use it. ``build=None``: a kind the
    lesson builds itself from files the grader does not read (the warm-up, other reports),
    hand-written in ``Lesson`` and never graded.
    """

    name: str
    model: type[Task]
    view: str  # the class name of its widget in medialit.widgets (widgets.views)
    build: Callable[..., Task] | None = None


KINDS: tuple[Kind, ...] = (
    Kind("labeler", SentenceLabelerTask, "SentenceLabeler", labeler),
    Kind("part_sorter", PartSorterTask, "PartSorter", part_sorter),
    Kind("source_mapper", SourceMapperTask, "SourceMapper", source_mapper),
    Kind("highlighter", PhraseHighlighterTask, "PhraseHighlighter", highlighter),
    Kind("voice_chooser", VoiceChooserTask, "VoiceChooser", voice_chooser),
    Kind("claim_checker", ClaimCheckerTask, "ClaimChecker", claim_checker),
    Kind("reliability", ReliabilityJudgeTask, "ReliabilityJudge", reliability),
    Kind("rewrite", RewriteBoxTask, "RewriteBox", rewrite),
    Kind("headline_support", HeadlineSupportTask, "HeadlineSupport", headline_support),
    Kind("verification_log", VerificationLogTask, "VerificationLog", verification_log),
    Kind("note", NoteBoxTask, "NoteBox", note),
    Kind("choice", ChoiceTableTask, "ChoiceTable", choice),
    Kind("discernment_test", DiscernmentTestTask, "DiscernmentTest", discernment_test),
    Kind("warm_up", WarmUpTask, "WarmUp"),
    Kind("coverage_check", CoverageCheckTask, "CoverageCheck"),
    Kind("headline_verdict", HeadlineVerdictTask, "HeadlineVerdict"),
)

# the graded kinds' build functions, by name: what a plan's factory name may be
TASKS: dict[str, Callable[..., Task]] = {k.name: k.build for k in KINDS if k.build}


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
