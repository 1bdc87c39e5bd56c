"""Answer widgets (ipywidgets 8, no custom JavaScript), each with a plain-Python API.

Every widget: ``.value`` (read or set), ``.check()`` (returns the feedback as text),
answers saved to an :class:`medialit.grading.answers.AnswerStore` on every change.
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
