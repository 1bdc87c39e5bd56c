"""Which widget shows which task: the view of each kind in ``teaching.tasks.registry.KINDS``, for ``Lesson``."""

from __future__ import annotations

from medialit.grading.answers import AnswerStore
from medialit.teaching.tasks.base import Task
from medialit.teaching.tasks.registry import KINDS
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

# every widget class that is the view of a task kind; the registry says which kind each shows
WIDGETS: dict[str, type[AnswerWidget]] = {
    cls.__name__: cls
    for cls in (
        ChoiceTable,
        SentenceLabeler,
        SourceMapper,
        VoiceChooser,
        ClaimChecker,
        HeadlineSupport,
        PartSorter,
        ReliabilityJudge,
        PhraseHighlighter,
        RewriteBox,
        NoteBox,
        VerificationLog,
        DiscernmentTest,
        CoverageCheck,
        HeadlineVerdict,
        WarmUp,
    )
}


def _views() -> dict[type[Task], type[AnswerWidget]]:
    unknown = [f"{k.name} ({k.view})" for k in KINDS if k.view not in WIDGETS]
    if unknown:
        raise ImportError(
            f"medialit.widgets.views: no widget class for the task kinds {', '.join(unknown)}; "
            "import the view here and add it to WIDGETS"
        )
    return {k.model: WIDGETS[k.view] for k in KINDS}


VIEWS: dict[type[Task], type[AnswerWidget]] = _views()  # each kind's model -> its widget (teaching.tasks.registry)


def view(task: Task, store: AnswerStore | None = None) -> AnswerWidget:
    """The widget showing ``task`` (the view of its class, or of the nearest class above it)."""
    cls = next((VIEWS[c] for c in type(task).__mro__ if c in VIEWS), None)
    if cls is None:
        raise TypeError(
            f"no widget shows a {type(task).__name__}; add its kind to medialit.teaching.tasks.registry.KINDS"
        )
    return cls.of(task, store)
