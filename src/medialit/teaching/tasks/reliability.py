"""Reliability judgement: "how solid is this claim?", scored for discernment, not scepticism."""

from __future__ import annotations

import html
from typing import Any

from medialit.content.article import Article
from medialit.teaching.scoring import SHAKY, SOLID, ReliabilityReport, score_reliability
from medialit.teaching.tasks.choices import ChoiceTableTask, Column, Row
from medialit.teaching.tasks.markup import sentence_html

GOLD = {"strong": SOLID, "weak": SHAKY}


class ReliabilityJudgeTask(ChoiceTableTask):
    """For each claim: solid or shaky on this article's evidence?

    The score is discernment (hit rate on shaky claims minus false alarms on solid
    ones), so calling everything shaky scores 0. Scepticism is reported apart.
    """

    def __init__(
        self,
        article: Article,
        *,
        key: str = "reliability",
        graded: bool = False,
        title: str = "How solid is each claim?",
    ):
        col = Column("judgement", [("solid: well supported", SOLID), ("shaky: weakly supported", SHAKY)])
        rows = []
        self.gold_support: dict[str, str] = {}
        for c in article.claims():
            s = article.sentence(c["sentence"])
            key_ = c["key"]
            self.gold_support[key_] = c["support"]
            why = ""
            if not graded:  # why it is solid or shaky: who vouches for it, how, and what would verify it
                verdict = "Solid" if c["support"] == "strong" else "Shaky"
                why = f"<b>{verdict}.</b> {html.escape(c['why'])} <i>To check it:</i> {html.escape(c['verify'])}"
            prompt = f"<b>“{html.escape(c['span'])}”</b> — {sentence_html(s.id, s.text, (c['span'],))}"
            rows.append(Row(key_, prompt, {"judgement": GOLD[c["support"]]}, explanation=why))
        super().__init__(
            rows,
            [col],
            key=key,
            graded=graded,
            title=title,
            noun="claim",
            instructions="On the evidence in this article alone, is each claim solid or shaky? "
            "Being suspicious of everything does not score: what counts is telling the two apart.",
        )

    def report(self, value: dict[str, Any]) -> ReliabilityReport:
        return score_reliability(self.gold_support, value)

    def result_data(self, value: dict[str, Any]) -> dict[str, Any]:
        r = self.report(value)
        data = super().result_data(value)
        data.update(
            kind="reliability",
            hit_rate=r.hit_rate,
            false_alarm_rate=r.false_alarm_rate,
            discernment=r.discernment,
            scepticism=r.scepticism,
            answered=r.answered,
            total=r.total,
        )
        return data

    def score(self, value: dict[str, Any]) -> tuple[float, int]:
        return self.report(value).credit * len(self.rows), len(self.rows)

    def summary_html(self, value: dict[str, Any]) -> str:
        r = self.report(value)
        return (
            '<div class="medialit-summary">'
            f"<b>Discernment: {r.discernment:+.2f}</b> (from −1 to +1). You called "
            f"{r.hit_rate:.0%} of the shaky claims shaky, and {r.false_alarm_rate:.0%} of the solid "
            "claims shaky too. 0 means no better than calling everything the same.<br>"
            f"<b>Scepticism: {r.scepticism:.0%}</b> of your answers said “shaky”. Scepticism on its "
            "own earns nothing: a good reader trusts solid claims and doubts shaky ones.</div>"
        )
