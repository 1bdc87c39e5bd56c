"""Answer widgets (ipywidgets 8, no custom JavaScript), each with a plain-Python API.

Every widget: ``.value`` (read or set), ``.check()`` (returns the feedback as text),
answers saved to an :class:`medialit.grading.answers.AnswerStore` on every change. A widget
is the view of a task model (:mod:`medialit.teaching.tasks`): it holds the controls and asks
its task for the score and the feedback; ``views`` says which widget shows which task.

May import: content, tasks, pure teaching and grading.answers (where answers are saved).
Never the lessons, the rest of grading, the reports or the CLI: the widgets are the view.
"""

from medialit.widgets.choices import ChoiceTable, Column, Row
from medialit.widgets.coverage import CoverageCheck, HeadlineVerdict
from medialit.widgets.highlighter import PhraseHighlighter
from medialit.widgets.labeler import ClaimChecker, HeadlineSupport, SentenceLabeler, SourceMapper, VoiceChooser
from medialit.widgets.note_box import NoteBox
from medialit.widgets.parts import PartSorter
from medialit.widgets.reliability import ReliabilityJudge
from medialit.widgets.rewrite_box import RewriteBox
from medialit.widgets.verification import VerificationLog

__all__ = [
    "ChoiceTable",
    "ClaimChecker",
    "Column",
    "CoverageCheck",
    "HeadlineSupport",
    "HeadlineVerdict",
    "NoteBox",
    "PartSorter",
    "PhraseHighlighter",
    "ReliabilityJudge",
    "RewriteBox",
    "Row",
    "SentenceLabeler",
    "SourceMapper",
    "VerificationLog",
    "VoiceChooser",
]
