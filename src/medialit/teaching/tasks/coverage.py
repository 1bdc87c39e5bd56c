"""Better coverage: the article's words beside what other reports say, and a question per claim.

The choices and their scoring are :mod:`medialit.teaching.lateral`; keys and whys come from
the article's coverage file (:mod:`medialit.content.coverage`).
"""

from __future__ import annotations

import html
from datetime import date

from medialit.content.article import Article
from medialit.content.coverage import Coverage, HeadlineCoverage, Passage
from medialit.teaching.lateral import COMPARISONS, DOES, STAGES, VERDICTS, comparison_key, verdict_key
from medialit.teaching.tasks.choices import ChoiceTableTask, Column, Row
from medialit.teaching.tasks.markup import mark, sentence_html

LINKS = "<style>a.medialit-report {color: #1a5fa8; text-decoration: underline;}</style>"  # visibly links


def when(iso: str) -> str:
    """'2026-01-13' -> '13 Jan 2026'."""
    d = date.fromisoformat(iso)
    return f"{d.day} {d:%b %Y}"


def passage_html(p: Passage, decisive: tuple[str, ...] = (), why_does: bool = False) -> str:
    """One report's passage: outlet, date and link, who speaks, the quote (deciding words marked)."""
    r = p.report
    attrs = f'class="medialit-report" href="{html.escape(r.url)}" target="_blank" rel="noopener"'
    link = f"<a {attrs}>{html.escape(r.outlet)}</a>"
    found = f" (on the site, search for: <i>{html.escape(r.search)}</i>)" if r.search else ""
    out = f"{link}, {when(r.date)}{found} · {html.escape(p.who)}: "
    if p.quote:
        out += f"“{mark(p.quote, decisive)}”"
    if p.says:
        out += f"{' (' if p.quote else ''}{html.escape(p.says)}{')' if p.quote else ''}"
    if why_does:
        out += f" <i>→ {DOES[p.does]}</i>"
    return f"<li>{out}</li>"


def compare_html(
    article: Article, sentences: tuple[str, ...], words: tuple[str, ...], others: tuple[Passage, ...], **kw: object
) -> str:
    """The article's sentences, its words marked, beside the other reports' passages."""
    said = "".join(f"<li>{sentence_html(sid, article.sentence(sid).text, words)}</li>" for sid in sentences)
    passages = "".join(passage_html(p, **kw) for p in others)  # type: ignore[arg-type]
    head = f"<b>The article ({html.escape(when(article.published))}):</b><ul>{said}</ul>" if sentences else ""
    return f"{LINKS}{head}<b>Other reports</b> (open a name to read the report):<ul>{passages}</ul>"


class CoverageCheckTask(ChoiceTableTask):
    """For each claim: what do the other reports do to it? Confirm, add, contradict, or disputed."""

    def __init__(
        self,
        article: Article,
        coverage: Coverage,
        claims: list[str] | None = None,
        *,
        key: str = "coverage",
        graded: bool = False,
        title: str = "What do other reports say?",
    ):
        col = Column("does", [(label, value) for label, value in COMPARISONS], "The other reports:")
        rows = []
        for claim in [coverage.claim(c) for c in claims] if claims else coverage.claims:
            gold, also, accept = comparison_key(claim)
            prompt = compare_html(article, claim.sentences, claim.words, claim.others)
            marked = compare_html(article, claim.sentences, claim.words, claim.others, decisive=claim.decisive)
            rows.append(
                Row(
                    claim.id,
                    prompt,
                    {"does": gold},
                    also={"does": also},
                    accept={"does": accept},
                    explanation="" if graded else html.escape(claim.why),
                    marked=marked,
                )
            )
        super().__init__(
            rows,
            [col],
            key=key,
            graded=graded,
            title=title,
            noun="claim",
            instructions="For each claim, read what the article says, then what other reports of the same "
            "story say. What do the other reports do to the article's words?",
        )


class HeadlineVerdictTask(ChoiceTableTask):
    """The verdict on the headline's cause: on the article alone, then with the other reports."""

    def __init__(
        self,
        article: Article,
        headline: HeadlineCoverage,
        *,
        key: str = "verdict",
        graded: bool = False,
        title: str = "Your verdict on the headline's cause",
    ):
        col = Column("verdict", [(label, value) for label, value in VERDICTS], "Verdict:")
        gold = verdict_key(headline)
        whys = {"before": headline.before.why, "after": headline.after.why}
        rows = [
            Row(
                stage,
                f"<b>{html.escape(STAGES[stage])}</b>",
                {"verdict": gold[stage]},
                explanation="" if graded else html.escape(whys[stage]),
            )
            for stage in ("before", "after")
        ]
        cause = html.escape(article.headline_claim.get("span", "")) if article.headline_claim else ""
        super().__init__(
            rows,
            [col],
            key=key,
            graded=graded,
            title=title,
            noun="verdict",
            instructions=f"The headline gives a cause: “<b>{cause}</b>”.<br>"
            + compare_html(article, headline.sentences, headline.words, headline.others)
            + "Give your verdict on the cause twice: first on the article alone, as in lesson 05, "
            "then with what the other reports say.",
        )
