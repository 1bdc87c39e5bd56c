"""The warm-up: a few quick questions on earlier lessons' ideas, each with its own choices.

The questions, their keys and their feedback come from :mod:`medialit.teaching.retrieval`; the
task is a choice table whose rows each carry their own options.
"""

from __future__ import annotations

import html

from medialit.teaching.retrieval import Question
from medialit.teaching.tasks.choices import ChoiceTableTask, Column, Row
from medialit.teaching.tasks.markup import mark

TITLE = ""  # the lesson gives the warm-up its heading
INSTRUCTIONS = "Answer from memory, then press <b>Check</b>."


def question_html(q: Question) -> str:
    """The lesson the question comes from, and the question."""
    where = "<br><i>From an invented practice story:</i>" if q.article.invented else ""
    return (
        f'<span class="medialit-from" style="color:#555;font-size:0.9em">From lesson {html.escape(q.idea_lesson[:2])}: '
        f"{html.escape(q.idea_name)}</span><br><b>{html.escape(q.text)}</b>{where}"
    )


def sentences_html(q: Question, marked: bool = False) -> str:
    """The question's sentence, with nearby sentences in grey; ``marked``: its deciding words marked."""
    out = []
    for s in sorted((q.sentence, *q.context), key=lambda s: s.position):
        spans = q.deciding if marked and s is q.sentence else []
        style = "" if s is q.sentence else ' style="color:#666"'
        out.append(
            f'<span class="medialit-sentence"{style}><span class="medialit-id">[{html.escape(s.id)}]</span>'
            f"{mark(s.text, spans)}</span>"
        )
    return " ".join(out)


class WarmUpTask(ChoiceTableTask):
    """Quick questions on earlier ideas. Saved as {question id: choice}, like any choice table."""

    def __init__(
        self,
        questions: list[Question],
        *,
        key: str = "warm-up",
        graded: bool = False,
        title: str = TITLE,
    ):
        self.questions = questions
        rows = [
            Row(
                q.id,
                sentences_html(q),
                {"answer": q.gold},
                also={"answer": q.also},
                accept={"answer": q.accept},
                explanation="" if graded else html.escape(q.why),
                marked=sentences_html(q, marked=True),
                options={"answer": list(q.options)},
            )
            for q in questions
        ]
        super().__init__(
            rows,
            [Column("answer", [])],  # every row brings its own options
            key=key,
            graded=graded,
            title=title,
            instructions=INSTRUCTIONS,
            noun="question",
        )
