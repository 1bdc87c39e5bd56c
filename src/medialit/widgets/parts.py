"""Part sorter: which part of a news story (headline, lede, ...) is each sentence?"""

from __future__ import annotations

from typing import Any

from medialit.grading.answers import AnswerStore
from medialit.teaching.tasks.parts import PartSorterTask
from medialit.widgets.choices import ChoiceTable


class PartSorter(ChoiceTable):
    """For each sentence: its part of the story (arguments: see :class:`PartSorterTask`, plus ``store``)."""

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(PartSorterTask(*args, **kwargs), store)
