"""Which widget shows which task: the view of each task model, for ``Lesson`` to build."""

from __future__ import annotations

from medialit.grading.answers import AnswerStore
from medialit.teaching.tasks.base import Task
from medialit.teaching.tasks.choices import ChoiceTableTask
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
from medialit.widgets.base import AnswerWidget
from medialit.widgets.choices import ChoiceTable
from medialit.widgets.coverage import CoverageCheck, HeadlineVerdict
from medialit.widgets.discernment import DiscernmentTest
from medialit.widgets.highlighter import PhraseHighlighter
from medialit.widgets.labeler import ClaimChecker, HeadlineSupport, SentenceLabeler, SourceMapper, VoiceChooser
from medialit.widgets.note_box import NoteBox
from medialit.widgets.parts import PartSorter
from medialit.widgets.reliability import ReliabilityJudge
from medialit.widgets.rewrite_box import RewriteBox
from medialit.widgets.verification import VerificationLog
from medialit.widgets.warm_up import WarmUp

VIEWS: dict[type[Task], type[AnswerWidget]] = {
    ChoiceTableTask: ChoiceTable,
    SentenceLabelerTask: SentenceLabeler,
    SourceMapperTask: SourceMapper,
    VoiceChooserTask: VoiceChooser,
    ClaimCheckerTask: ClaimChecker,
    HeadlineSupportTask: HeadlineSupport,
    PartSorterTask: PartSorter,
    ReliabilityJudgeTask: ReliabilityJudge,
    PhraseHighlighterTask: PhraseHighlighter,
    RewriteBoxTask: RewriteBox,
    NoteBoxTask: NoteBox,
    VerificationLogTask: VerificationLog,
    DiscernmentTestTask: DiscernmentTest,
    CoverageCheckTask: CoverageCheck,
    HeadlineVerdictTask: HeadlineVerdict,
    WarmUpTask: WarmUp,
}


def view(task: Task, store: AnswerStore | None = None) -> AnswerWidget:
    """The widget showing ``task`` (the view of its class, or of the nearest class above it)."""
    cls = next((VIEWS[c] for c in type(task).__mro__ if c in VIEWS), None)
    if cls is None:
        raise TypeError(f"no widget shows a {type(task).__name__}; add one to medialit.widgets.views.VIEWS")
    return cls.of(task, store)
