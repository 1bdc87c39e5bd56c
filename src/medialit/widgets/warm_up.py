"""The warm-up: a few quick questions on earlier lessons' ideas, each with its own choices.

The questions, their keys and their feedback come from :mod:`medialit.teaching.retrieval`;
this is only their view: a choice table whose rows each carry their own options.
"""

from __future__ import annotations

import html

from medialit.grading.answers import AnswerStore
from medialit.teaching.retrieval import Question
from medialit.widgets.base import mark
from medialit.widgets.choices import ChoiceTable, Column, Row

TITLE = ""  # the lesson gives the warm-up its heading
INSTRUCTIONS = "Answer from memory, then press <b>Check</b>. Each question names the lesson to go back to."


def question_html(q: Question, marked: bool = False) -> str:
    """The question, where it comes from, and its sentence (with nearby sentences in grey)."""
    shown = sorted((q.sentence, *q.context), key=lambda s: s.position)
    lines = []
    for s in shown:
        spans = q.deciding if marked and s is q.sentence else []
        style = "" if s is q.sentence else ' style="color:#666"'
        lines.append(
            f'<span class="medialit-sentence"{style}><span class="medialit-id">[{html.escape(s.id)}]</span>'
            f"{mark(s.text, spans)}</span>"
        )
    where = ""
    if q.article.invented:
        where = "<i>From an invented practice story:</i><br>"
    return (
        f'<span class="medialit-from" style="color:#555;font-size:0.9em">From lesson {html.escape(q.idea_lesson[:2])}: '
        f"{html.escape(q.idea_name)}</span>"
        f"<br><b>{html.escape(q.text)}</b><br>{where}{' '.join(lines)}"
    )


class WarmUp(ChoiceTable):
    """Quick questions on earlier ideas. Saved as {question id: choice}, like any choice table."""

    def __init__(
        self,
        questions: list[Question],
        *,
        key: str = "warm-up",
        store: AnswerStore | None = None,
        graded: bool = False,
        title: str = TITLE,
    ):
        self.questions = questions
        rows = [
            Row(
                q.id,
                question_html(q),
                {"answer": q.gold},
                also={"answer": q.also},
                accept={"answer": q.accept},
                explanation="" if graded else html.escape(q.why),
                marked=question_html(q, marked=True),
                options={"answer": list(q.options)},
            )
            for q in questions
        ]
        super().__init__(
            rows,
            [Column("answer", [])],  # every row brings its own options
            key=key,
            store=store,
            graded=graded,
            title=title,
            instructions=INSTRUCTIONS,
            noun="question",
        )
