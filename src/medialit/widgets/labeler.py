"""Widgets built from an article's annotation: labels, sources, voices, claims, headline.

Each is a :class:`ChoiceTable` showing its task from :mod:`medialit.teaching.tasks.labels`
(same arguments, plus ``store``).
"""

from __future__ import annotations

from typing import Any

from medialit.grading.answers import AnswerStore
from medialit.teaching.tasks.labels import (
    NOBODY,
    ClaimCheckerTask,
    HeadlineSupportTask,
    SentenceLabelerTask,
    SourceMapperTask,
    VoiceChooserTask,
)
from medialit.widgets.choices import ChoiceTable

__all__ = ["NOBODY", "ClaimChecker", "HeadlineSupport", "SentenceLabeler", "SourceMapper", "VoiceChooser"]


class SentenceLabeler(ChoiceTable):
    """A label per sentence; feedback gives the rationale with the deciding words marked."""

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(SentenceLabelerTask(*args, **kwargs), store)


class SourceMapper(ChoiceTable):
    """For each sentence: who is the source, and what kind of source is it?"""

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(SourceMapperTask(*args, **kwargs), store)


class VoiceChooser(ChoiceTable):
    """For each loaded phrase: is it the writer's wording, or a source's?"""

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(VoiceChooserTask(*args, **kwargs), store)


class ClaimChecker(ChoiceTable):
    """For each checkable claim: what kind of source vouches for it, and is it disputed?"""

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(ClaimCheckerTask(*args, **kwargs), store)


class HeadlineSupport(ChoiceTable):
    """Which body sentences support the headline's claim? (one yes/no per sentence)"""

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(HeadlineSupportTask(*args, **kwargs), store)
