"""Reliability judgement: "how solid is this claim?", scored for discernment, not scepticism."""

from __future__ import annotations

from typing import Any

from medialit.grading.answers import AnswerStore
from medialit.teaching.scoring import ReliabilityReport
from medialit.teaching.tasks.reliability import GOLD, ReliabilityJudgeTask
from medialit.widgets.choices import ChoiceTable

__all__ = ["GOLD", "ReliabilityJudge"]


class ReliabilityJudge(ChoiceTable):
    """For each claim: solid or shaky on this article's evidence? (see :class:`ReliabilityJudgeTask`)"""

    task: ReliabilityJudgeTask

    def __init__(self, *args: Any, store: AnswerStore | None = None, **kwargs: Any):
        self._view(ReliabilityJudgeTask(*args, **kwargs), store)

    @property
    def gold_support(self) -> dict[str, str]:
        return self.task.gold_support

    def report(self) -> ReliabilityReport:
        return self.task.report(self.get_value())
