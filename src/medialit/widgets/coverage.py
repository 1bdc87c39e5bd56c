"""Better coverage: the article's words beside what other reports say, and a question per claim.

The views of :mod:`medialit.teaching.tasks.coverage` (rows, passages and links as HTML; keys and
whys from the article's coverage file, :mod:`medialit.content.coverage`).
"""

from __future__ import annotations

import html
from typing import Any

from medialit.content.article import Article
from medialit.content.coverage import coverage_path
from medialit.grading.answers import AnswerStore
from medialit.teaching.tasks.coverage import (
    LINKS,
    CoverageCheckTask,
    HeadlineVerdictTask,
    compare_html,
    passage_html,
    when,
)
from medialit.widgets.base import STYLE
from medialit.widgets.choices import ChoiceTable

__all__ = ["LINKS", "CoverageCheck", "HeadlineVerdict", "compare_html", "no_coverage_html", "passage_html", "when"]


def no_coverage_html(article: Article) -> str:
    name = coverage_path(article.path).name
    return (
        f'{STYLE}<div class="medialit-todo">The kit has no other coverage of this article yet (an instructor can '
        f"add it in <code>seeds/{html.escape(name)}</code>; see docs/coverage-format.md). Carry out your "
        "verification plan in a web browser instead, and compare what you find there with the article.</div>"
    )


class CoverageCheck(ChoiceTable):
    """For each claim: what do the other reports do to it? (arguments: see :class:`CoverageCheckTask`)"""

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(CoverageCheckTask(*args, **kwargs), store)


class HeadlineVerdict(ChoiceTable):
    """The verdict on the headline's cause, on the article alone and with the other reports."""

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(HeadlineVerdictTask(*args, **kwargs), store)
