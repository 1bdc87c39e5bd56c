"""Tasks built from an article's annotation: labels, sources, voices, claims, headline."""

from __future__ import annotations

import html

from medialit.content.article import Article
from medialit.content.scheme import load_scheme
from medialit.teaching.tasks.choices import ChoiceTableTask, Column, Row
from medialit.teaching.tasks.markup import sentence_html

NOBODY = "nobody (the writer)"


class SentenceLabelerTask(ChoiceTableTask):
    """A label per sentence; feedback gives the rationale with the deciding words marked."""

    def __init__(
        self,
        article: Article,
        ids: list[str] | None = None,
        *,
        key: str = "labels",
        graded: bool = False,
        title: str = "Label each sentence",
    ):
        scheme = load_scheme()
        column = Column("label", [(lab["name"], lab["id"]) for lab in scheme.labels])
        rows = []
        for sid in ids or article.ids:
            s = article.sentence(sid)
            explanation = marked = ""
            if not graded:  # the deciding words are marked in the sentence itself, not in a copy of it
                explanation, marked = html.escape(s.rationale), sentence_html(s.id, s.text, s.decisive)
            gold, also = {"label": s.label}, {"label": s.also}
            rows.append(Row(s.id, sentence_html(s.id, s.text), gold, also, explanation, marked=marked))
        super().__init__(
            rows,
            [column],
            key=key,
            graded=graded,
            title=title,
            noun="sentence",
            instructions="Choose the label that fits each sentence best, then press <b>Check</b>.",
        )


class SourceMapperTask(ChoiceTableTask):
    """For each sentence: who is the source, and what kind of source is it?"""

    def __init__(
        self,
        article: Article,
        ids: list[str] | None = None,
        *,
        key: str = "sources",
        graded: bool = False,
        title: str = "Who says so?",
    ):
        scheme = load_scheme()
        chosen = [article.sentence(i) for i in ids] if ids else list(article.sentences)
        # Words that only sound like a source ("For diplomats watching closely") are options too:
        # recognising that nobody is reported there is the point of the question.
        names = sorted(
            {s.source[k] for s in article.sentences for k in ("span", "sounds_like") if k in s.source}, key=str.lower
        )
        who = Column("who", [(n, n) for n in names] + [(NOBODY, NOBODY)], heading="Source")
        kinds = Column("kind", [(k["name"], k["id"]) for k in scheme.raw["source_kinds"]], heading="Kind of source")
        rows = []
        for s in chosen:
            gold_who = s.source.get("span", NOBODY)
            marked, _, explanation = ("", "", "") if graded else self._explain(s).partition("<br>")
            rows.append(
                Row(
                    s.id,
                    sentence_html(s.id, s.text),
                    {"who": gold_who, "kind": s.source["kind"]},
                    explanation=explanation,
                    marked=marked,
                )
            )
        super().__init__(
            rows,
            [who, kinds],
            key=key,
            graded=graded,
            title=title,
            noun="sentence",
            instructions="For each sentence, pick who the information comes from and what kind of "
            "source that is. If nobody is credited, pick <i>nobody (the writer)</i> and <i>No source</i>.",
        )

    @staticmethod
    def _explain(s) -> str:
        """The sentence with its source and cue marked, ``<br>``, and the reason (split apart in __init__)."""
        src = s.source
        cue = ", ".join(f"“{html.escape(c)}”" for c in s.cue) or "no reporting word"
        spans = tuple(x for x in (src.get("span"), src.get("relayed"), src.get("sounds_like"), *s.cue) if x)
        text = sentence_html(s.id, s.text, spans)
        if s.why_for("source"):
            return f"{text}<br>{html.escape(s.why_for('source'))}"
        if src["kind"] == "none" and src.get("sounds_like"):
            return (
                f"{text}<br>“{html.escape(src['sounds_like'])}” sounds like a source, but no reporting word "
                "links anyone to the claim: nobody is reported as saying or believing it. The writer speaks "
                "on their own authority."
            )
        if src["kind"] == "none":
            return f"{text}<br>No source is given ({cue}): the writer speaks on their own authority."
        extra = ""
        if src.get("relayed"):
            extra = f" It relays “{html.escape(src['relayed'])}”, who stay unnamed: second-hand."
        return f"{text}<br>Source: “{html.escape(src['span'])}”; reporting words: {cue}.{extra}"


class VoiceChooserTask(ChoiceTableTask):
    """For each loaded phrase: is it the writer's wording, or a source's?"""

    def __init__(
        self,
        article: Article,
        ids: list[str] | None = None,
        *,
        key: str = "voices",
        graded: bool = False,
        title: str = "Whose words are these?",
    ):
        scheme = load_scheme()
        col = Column("voice", [(v["name"], v["id"]) for v in scheme.raw["voices"]])
        rows = []
        for sid in ids or article.ids:
            s = article.sentence(sid)
            for n, item in enumerate(s.loaded, start=1):
                prompt = f"<b>“{html.escape(item['span'])}”</b> in {sentence_html(s.id, s.text, (item['span'],))}"
                why = ""
                if not graded:
                    src = s.source.get("span")
                    why = html.escape(
                        item.get("why")
                        or (
                            f"Reported as the words or view of “{src}”."
                            if item["voice"] == "source" and src
                            else "No source is credited with these words: the writer chose them."
                        )
                    )
                accept = {"voice": tuple(item.get("accept", ()))}
                rows.append(Row(f"{s.id}#{n}", prompt, {"voice": item["voice"]}, explanation=why, accept=accept))
        super().__init__(
            rows,
            [col],
            key=key,
            graded=graded,
            title=title,
            noun="phrase",
            instructions="Each highlighted phrase is loaded. Who is speaking: the writer, or a source "
            "the writer reports?",
        )


class ClaimCheckerTask(ChoiceTableTask):
    """For each checkable claim: what kind of source vouches for it, and is it disputed?

    ``types`` (e.g. ``["number", "date"]``) keeps only claims of those types; by default, all.
    """

    def __init__(
        self,
        article: Article,
        *,
        key: str = "claims",
        graded: bool = False,
        title: str = "Who vouches for each claim?",
        types: list[str] | None = None,
    ):
        scheme = load_scheme()
        kinds = Column(
            "source_kind", [(k["name"], k["id"]) for k in scheme.raw["source_kinds"]], heading="Vouched for by"
        )
        status = Column("status", [(k["name"], k["id"]) for k in scheme.raw["claim_status"]], heading="Status")
        rows = []
        claims = [c for c in article.claims() if types is None or c["type"] in types]
        for n, c in enumerate(claims, start=1):
            s = article.sentence(c["sentence"])
            prompt = f"<b>Claim {n}:</b> “{html.escape(c['span'])}” — {sentence_html(s.id, s.text, (c['span'],))}"
            why = ""
            if not graded:
                why = f"Vouched for by {html.escape(c['vouched_by'])}. To check it: {html.escape(c['verify'])}"
            accept = {col: tuple(values) for col, values in c.get("accept", {}).items()}
            gold = {"source_kind": c["source_kind"], "status": c["status"]}
            rows.append(Row(c["key"], prompt, gold, explanation=why, accept=accept))
        super().__init__(
            rows,
            [kinds, status],
            key=key,
            graded=graded,
            title=title,
            noun="claim",
            instructions="For each claim, say what kind of source stands behind it, and whether the "
            "article reports it as asserted, attributed, disputed or confirmed.",
        )


class HeadlineSupportTask(ChoiceTableTask):
    """Which body sentences support the headline's claim? (one yes/no per sentence)"""

    def __init__(
        self,
        article: Article,
        ids: list[str] | None = None,
        *,
        key: str = "headline",
        graded: bool = False,
        title: str = "Which sentences support the headline?",
    ):
        claim = article.headline_claim
        if not claim:
            raise ValueError(f"{article.id} has no headline_claim in its annotation")
        support = set(claim["support"])
        col = Column("supports", [("supports the claim", "yes"), ("does not support it", "no")])
        rows = []
        for sid in ids or [s.id for s in article.body]:
            s = article.sentence(sid)
            why = ""
            if not graded:  # the sentence's own answer to this question; never its label's rationale
                why = html.escape(
                    s.why_for("headline")
                    or (claim["note"] if sid in support else f"Not evidence for “{claim['span']}”.")
                )
            rows.append(
                Row(s.id, sentence_html(s.id, s.text), {"supports": "yes" if sid in support else "no"}, explanation=why)
            )
        span = html.escape(claim["span"])
        super().__init__(
            rows,
            [col],
            key=key,
            graded=graded,
            title=title,
            noun="sentence",
            instructions=f"The headline says “<b>{span}</b>”. For each sentence, does it give evidence "
            "for that claim? Timing alone (“after”) is not evidence of a cause.",
        )
