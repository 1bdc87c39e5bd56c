"""Part sorting: which part of a news story (headline, lede, ...) is each sentence?"""

from __future__ import annotations

import html

from medialit.content.article import Article
from medialit.content.scheme import load_scheme
from medialit.teaching.tasks.choices import ChoiceTableTask, Column, Row
from medialit.teaching.tasks.markup import sentence_html


class PartSorterTask(ChoiceTableTask):
    """For each sentence: its part of the story (the annotation's ``part`` field).

    Feedback names the best part and says why: the annotation's ``why.part`` for the
    sentence when it has one, else the scheme's definition of the part.
    """

    def __init__(
        self,
        article: Article,
        ids: list[str] | None = None,
        *,
        key: str = "parts",
        graded: bool = False,
        title: str = "Which part of the story is it?",
    ):
        parts = load_scheme().raw["parts"]
        definitions = {p["id"]: (p["name"], p["definition"]) for p in parts}
        column = Column("part", [(p["name"], p["id"]) for p in parts])
        rows = []
        for sid in ids or article.ids:
            s = article.sentence(sid)
            explanation = ""
            if not graded:
                name, definition = definitions[s.part]  # the sentence's own why, else the part's definition
                explanation = f"<b>{html.escape(name)}</b>: {html.escape(s.why_for('part') or definition)}"
            rows.append(Row(s.id, sentence_html(s.id, s.text), {"part": s.part}, explanation=explanation))
        names = ", ".join(f"<i>{html.escape(p['name'])}</i>" for p in parts)
        super().__init__(
            rows,
            [column],
            key=key,
            graded=graded,
            title=title,
            noun="sentence",
            instructions=f"Choose the part of the story each sentence belongs to ({names}), then press <b>Check</b>.",
        )
