"""The warm-up: a few quick questions on earlier lessons' ideas, each with its own choices.

The questions, their keys and their feedback come from :mod:`medialit.teaching.retrieval`;
this is only their view: a choice table whose rows each carry their own options. Each row shows
its question above its sentence, apart from it, so that the reading-load estimate counts the
question as words to read and the sentence as part of the choice, as for every choice table.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from medialit.grading.answers import AnswerStore
from medialit.teaching.retrieval import Question
from medialit.widgets.base import mark
from medialit.widgets.choices import ChoiceTable, Column, Row

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
        self.headers = {q.id: w.HTML(question_html(q), layout=w.Layout(width="100%")) for q in questions}
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
            store=store,
            graded=graded,
            title=title,
            instructions=INSTRUCTIONS,
            noun="question",
        )

    def _controls(self) -> list[Any]:
        """The choice table's rows, each headed by its question."""
        parts = super()._controls()
        for box in parts:
            children = tuple(getattr(box, "children", ()))
            for key, prompt in self.prompts.items():
                if prompt in children:
                    box.children = (self.headers[key], *children)
        return parts
