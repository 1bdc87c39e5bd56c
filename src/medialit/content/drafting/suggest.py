"""Suggest one sentence's annotation fields from the lexicons, with the words that triggered each.

Rules, in the order a reader asks the scheme's questions:

- cue: a reporting phrase or verb of the lexicon (PARC-style attribution cues);
- source: the words that name who speaks (before the cue, up to a comma; or after "according to");
  anonymous if its head is a stand-in noun or a vague determiner ("officials", "some parents"),
  named if it holds a proper name or a document or body with "the" ("the library's budget report");
- loaded: evaluative words and causal connectives, in the source's voice when the sentence has one;
- hedges: hedge cues; vague quantities only before a number ("about $14,000");
- claims: numbers and dates, with the words after them.

The label is never guessed on its own: it is the scheme's decision order applied to these fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from medialit.content.drafting.attribution import (
    CLAUSE_END,
    cue_and_source,
    leadin,
    name_before,
    quote_left_open,
)
from medialit.content.drafting.attribution import find as _find
from medialit.content.drafting.attribution import find_all as _all
from medialit.content.drafting.judgement import judgements
from medialit.content.drafting.lexicon import lexicons
from medialit.content.scheme import load_scheme
from medialit.content.spans import occurs

NUMBER_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "hundred",
    "thousand",
    "million",
    "billion",
    "dozen",
    "dozens",
    "hundreds",
    "thousands",
    "millions",
    "half",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
]
NUMBER = re.compile(
    r"(?:[$€£]\s?)?\b\d[\d,]*(?:\.\d+)?\b(?:\s?%| percent| per cent)?|\b(?:" + "|".join(NUMBER_WORDS) + r")\b",
    re.I,
)
DATE = re.compile(r"\b(?:" + "|".join(MONTHS) + r")(?: \d{1,2})?(?:,? \d{4})?\b|\b(?:19|20)\d\d\b")
QUANTITY_HEDGES = {
    "about",
    "around",
    "approximately",
    "nearly",
    "almost",
    "roughly",
    "some",
    "more than",
    "fewer than",
    "up to",
    "as many as",
    "as few as",
    "close to",
}  # hedges only before a number
PRESSURE = re.compile(r"\b[Uu]nder(?: [\w-]+){0,2} [Pp]ressure\b")
BACKGROUND = re.compile(
    r"\b(since|has been|have been|had been|ago|last year|previously|was founded|in (?:19|20)\d\d)\b"
)
FUTURE = re.compile(r"\b(?:will|won't|is expected to|are expected to|plans? to|is set to|are set to|is due to)\b", re.I)
TAIL_STOP = {"for", "a", "an", "the", "to", "of", "in", "on", "at", "and", "by", "from", "with", "that"}


QUOTES = ('"', "“")
SUBORDINATE = re.compile(r"\b(?:when|whether|how|until|where)\s+(?:[\w'’-]+\s+){0,5}$", re.I)
EMBEDDED = re.compile(r"[“\"](?:[^”\"\s]+\s+){3,}[^”\"]*[”\"]")  # a quote of four words or more, no verb
CONNECTIVE = re.compile(r"(?:But|And|Yet|So|Still|Also|That|This)\b")  # a sentence that goes on from the last
DOCUMENT_VERBS = {"shows", "showed", "show", "suggests", "suggested", "found", "finds", "concluded", "concludes"}
PRONOUNS = {"he", "she", "him", "her"}
PANEL = re.compile(r"(?:a|an|the)\s+(?:group|panel|team|committee|council|board|delegation)\s+of\s+(.+)", re.I)


@dataclass
class Context:
    """What the sentences before said (PARC 3.0: an attribution can span sentences): the source of
    the sentence just before, the last person named as a source, and people named with a title."""

    last: dict[str, str] | None = None  # {"kind", "who"} of the previous sentence's source
    person: str = ""
    titled: dict[str, str] = field(default_factory=dict)  # "speaker" -> "Speaker Mike Johnson"
    quote_open: bool = False  # a quotation opened in an earlier sentence goes on
    analysis: tuple[int, str] = (-1, "")  # the paragraph an analysis lead-in opened, and the lead-in

    def refers_to(self, span: str) -> str:
        """The person named earlier that ``the speaker`` or ``she`` refers to, or ""."""
        low = re.sub(r"^(?:the|this|that)\s+", "", span.strip().lower())
        if low in self.titled and low != span.strip().lower():
            return self.titled[low]
        return self.person if low in PRONOUNS else ""

    def learn(self, text: str, source: dict[str, str], who: str) -> None:
        """Remember the titles named in ``text`` and the sentence's source for the next sentence."""
        for title, words in lexicons().titles.items():
            pattern = rf"(?<![\w.])(?i:{re.escape(title)})\.? ((?:[A-Z][\w'’.-]+ ){{0,2}}[A-Z][\w'’-]+)"
            for m in re.finditer(pattern, text):
                for word in words:
                    self.titled[word] = m.group(0)
                self.person = m.group(0)  # the last person named with a title: "he" may be them
        if source["kind"] == "none":
            self.last = None
            return
        self.last = {"kind": source["kind"], "who": who}
        if source["kind"] == "named" and any(w[:1].isupper() for w in who.split()[1:] or who.split()):
            self.person = who


@dataclass
class Suggestion:
    """The suggested fields of one sentence and, per field, why (the ``draft`` note)."""

    sentence: dict[str, Any]
    notes: dict[str, str] = field(default_factory=dict)


def _is_title(quoted: str) -> bool:
    """Whether quoted words are a title, not speech: every word capitalised but short function words
    ("A Most Violent Year", "Star Wars: Episode VII")."""
    words = re.findall(r"[\w'’-]+", quoted)
    small = {"a", "an", "the", "of", "in", "on", "and", "or", "for", "to", "at", "by", "with"}
    return 0 < len(words) <= 8 and all(w[:1].isupper() or w[:1].isdigit() or w in small for w in words)


def _opens_quote(text: str) -> bool:
    """The sentence opens with a quotation (not with a quoted title such as a film's)."""
    title = re.match(r"[“\"]([^”\"]+)[”\"]", text)
    return text.startswith(QUOTES) and not (title and _is_title(title.group(1)))


def _embedded(text: str) -> re.Match[str] | None:
    """The first quote of four words or more with no verb of saying that is not a title."""
    return next((m for m in EMBEDDED.finditer(text) if not _is_title(m.group(0).strip('“”"'))), None)


def _is_proper(word: str, first: bool) -> bool:
    bare = word.strip("'’\".,")
    if not bare[:1].isupper():
        return False
    if not first or (len(bare) > 1 and bare.isupper()):  # an acronym is a name even first ("WHO experts")
        return True
    lex = lexicons()
    return bare.lower() not in lex.vague_determiners | lex.vague_nouns | {"the", "his", "her", "their", "its"}


def _titled_name(span: str) -> str:
    """A formal title followed by a capitalised name in the span ("Rep. Mike Kelly"), or ""."""
    for title in lexicons().titles:
        m = re.search(rf"(?<![\w.])(?i:{re.escape(title)})\.? (?:[A-Z][\w'’.-]+ )*[A-Z][\w'’-]+", span)
        if m:
            return m.group(0)
    return ""


def _modifies(head: list[str], i: int, nouns: list[str]) -> bool:
    """Whether head[i] is one of the capitalised words just before a stand-in noun ("White House
    officials", "House Republican hardliners"): AP counts such sources as unnamed."""
    j = i
    while j + 1 < len(head) and head[j + 1][:1].isupper() and head[j + 1] not in nouns:
        j += 1
    return j + 1 < len(head) and head[j + 1] in nouns


def source_kind(span: str, at_start: bool) -> tuple[str, str]:
    """``named`` or ``anonymous`` for a source span, and the words that decided it."""
    lex = lexicons()
    head = re.split(r"\b(?:in|at|of|from|for|with|close to|familiar with)\b", span)[0].split()
    words = span.split()
    titled = _titled_name(span)
    if titled:  # "a befuddled Rep. Mike Kelly": a title and a name, whatever comes before
        return "named", f"{titled!r} is a person named with a title"
    found_in = [w for w in words if w.lower().strip(".,") in lex.named_nouns]
    if head and head[0].lower() in {"a", "an"} and found_in and any(_is_proper(w, False) for w in head[1:]):
        return "named", f"{' '.join(head)!r}: a named {found_in[-1]!r} the reader can find"  # "a new Axios poll"
    panel = PANEL.match(span)
    if panel and any(_is_proper(w, False) for w in panel.group(1).split()):  # "A group of WHO experts"
        return "named", f"{span!r}: a panel of {panel.group(1)!r}, a body the reader can look up"
    if head and head[0].lower() in lex.vague_determiners:
        return "anonymous", f"{head[0]!r} does not say who"
    stand_ins = lex.vague_nouns | lex.groups
    nouns = [w for w in head if w.lower().strip("'’") in stand_ins or w.lower().rstrip("s") in stand_ins]
    # a capital at the start of the sentence is no name when a stand-in noun follows ("Consumer groups")
    proper = [
        w
        for i, w in enumerate(head)
        if _is_proper(w, i == 0 and at_start)
        and not (i == 0 and at_start and nouns and not w.isupper())
        and w not in nouns
        and not _modifies(head, i, nouns)
    ]
    if nouns and not proper:
        return "anonymous", f"{nouns[0]!r} stands in for someone the reader cannot look up"
    if proper:
        return "named", f"{proper[0]!r} is a name the reader can look up"
    if words[0].lower() in {"the", "his", "her", "their", "its"} or "'s" in span or "’s" in span:
        named = [w for w in words if w.lower().strip(".,") in lex.named_nouns]
        if named:
            return "named", f"{' '.join(words[:2])!r} ... {named[-1]!r}: a body or document the reader can find"
    return "anonymous", f"no name in {span!r}"


def _quantity(text: str, m: re.Match[str]) -> bool:
    return bool(re.match(r"\s*(?:[$€£]\s?)?(?:\d|(?:" + "|".join(NUMBER_WORDS) + r")\b)", text[m.end() :], re.I))


def _hedges(text: str, source_span: str) -> list[str]:
    lex = lexicons()
    src = _find(text, source_span) if source_span else None
    out = []
    for m in _all(text, lex.hedge_phrases) + _all(text, lex.hedge_words):
        word = m.group(0)
        if src and src.start() <= m.start() < src.end():
            continue
        if word.lower() in QUANTITY_HEDGES and not _quantity(text, m):
            continue
        if _capitalised_inside(text, m):
            continue  # "Mark May", "Ohio State or May": a name inside the sentence, not a hedge
        if word.lower() == "would" and re.search(r"\b(?:that|which|who)\s+$", text[: m.start()], re.I):
            continue  # "festivals that would follow": the future seen from the past, no guess
        if word.lower() in load_scheme().speculation_cues and SUBORDINATE.search(text[: m.start()]):
            continue  # "a timeline for when his country could join": no guess of the writer's
        if word not in out:
            out.append(word)
    return out


def _capitalised_inside(text: str, m: re.Match[str]) -> bool:
    """A match with a capital inside the sentence (not first, not after a colon or a quote mark): part of a name."""
    before, words = text[: m.start()], text.split()
    title_case = sum(w[:1].isupper() for w in words) >= 0.6 * len(words)  # a headline: "Library Will Finally Open"
    inside = bool(before.strip(" \"“'‘")) and not before.rstrip().endswith(":")
    return m.group(0)[:1].isupper() and inside and not title_case


PURPOSE = {"aimed at", "designed to", "intended to"}
FUNDING = re.compile(
    r"\s+(?:(?:many|several|a|an|the|generous|private|public)\s+)*(?:donations?|grants?|gifts?|funding|funds)\b"
)
NOT_NOUN = {"is", "are", "was", "were", "be", "been", "being", "also", "and", "but", "or", "not", "partly", "largely"}


def _stated_purpose(text: str, m: re.Match[str]) -> bool:
    """A purpose told of a thing ("programs aimed at literacy", a reduced relative clause after a noun) or
    money as the means ("started in 2007 thanks to many donations"): a fact, no motive or cause the writer gives."""
    word = m.group(0).lower()
    before = re.search(r"\b([a-z][\w-]*)\s+$", text[: m.start()])
    if word in PURPOSE and before and before.group(1) not in NOT_NOUN and not before.group(1).endswith("ly"):
        return True
    return word == "thanks to" and bool(FUNDING.match(text[m.end() :]))


def _loaded(text: str) -> list[str]:
    lex = lexicons()
    found = [leadin(text)] if leadin(text) else []
    found += [m.group(0) for m in PRESSURE.finditer(text)]
    for m in _all(text, lex.causal):
        if _stated_purpose(text, m):
            continue
        rest = CLAUSE_END.split(text[m.end() :], maxsplit=1)[0].split()[:3]
        found.append(" ".join([m.group(0), *rest]).rstrip(".,;"))
    neutral = [(m.start(), m.end()) for m in _all(text, lex.neutral_terms)]  # "at highest risk": a term of art
    words = [m for m in _all(text, lex.evaluative) + _all(text, lex.predicates) if not _capitalised_inside(text, m)]
    found += [m.group(0) for m in words if not any(a <= m.start() < b for a, b in neutral)]  # not "Heritage Fair"
    found += judgements(text)  # "the harshest", "a key consideration", "is just a first step"
    out: list[str] = []
    for span in found:
        if not any(span in o or o in span for o in out):
            out.append(span)
    return out


def _claims(text: str) -> list[tuple[str, str]]:
    """(span, type) for each number or date: the number with a hedge before it and up to three words after."""
    out: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in (("date", DATE), ("number", NUMBER)):
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            start, end = m.start(), m.end()
            if kind == "number":
                before = re.search(
                    r"(?:at least|more than|about|around|nearly|almost|some|up to|roughly) $", text[:start], re.I
                )
                start = before.start() if before else start
                rest = re.match(r"(?:[ -][\w’'-]+){0,3}", text[end:])
                tail = rest.group(0) if rest else ""
                tail = CLAUSE_END.split(tail)[0]
                while tail and tail.split()[-1].lower() in TAIL_STOP:  # "19 days for a" -> "19 days"
                    tail = tail[: tail.rstrip().rfind(" ")] if " " in tail.strip() else ""
                end += len(tail.rstrip("."))
            span = text[start:end].strip(" .,;")
            if not span or len(span) < 2 and not span.isdigit():
                continue
            if not occurs(text, span):
                continue
            taken.append((start, end))
            out.append((span, kind))
    return out


def _first_words(text: str) -> str:
    chunk = CLAUSE_END.split(text, maxsplit=1)[0].split()[:8]
    return " ".join(chunk).rstrip(".,;:!?")


def suggest(
    sid: str, text: str, *, paragraph: int, context: Context | None = None, new_line: bool = True
) -> Suggestion:
    """The draft annotation of one sentence."""
    scheme = load_scheme()
    lex = lexicons()
    notes: dict[str, str] = {}
    is_headline = sid == "h1"
    ctx = context if context is not None else Context()
    if text.startswith(QUOTES):  # a new paragraph of a long quote opens with a quotation mark again
        ctx.quote_open = False
    cue_m, source_span = cue_and_source(text, headline=is_headline, quote_open=ctx.quote_open)
    in_quote = ctx.quote_open
    ctx.quote_open = quote_left_open(text, in_quote)
    carried = ""
    who = source_span
    if cue_m and source_span:
        opens = re.search(r"(?:^|:\s+)" + re.escape(source_span), text)  # the clause starts after a lead-in
        kind, why_kind = source_kind(source_span, at_start=bool(opens and opens.start() <= len(leadin(text)) + 1))
        earlier = ctx.refers_to(source_span) if kind == "anonymous" or source_span.lower() in PRONOUNS else ""
        if source_span.lower() in PRONOUNS and name_before(text, cue_m.start()):
            earlier = name_before(text, cue_m.start())  # "Speaker Mike Johnson ... a win he claimed"
        if earlier:
            kind, why_kind, who = "named", f"it refers back to {earlier!r}, named earlier in the article", earlier
        elif source_span.lower() == "it":
            if ctx.last:  # "It says ...": the body the sentence before reported
                kind, who = ctx.last["kind"], ctx.last["who"]
                why_kind = f"'it' refers back to {who!r}, the source of the sentence before"
            else:
                cue_m, source_span, who = None, "", ""
        thing = kind == "anonymous" and why_kind.startswith("no name")
        if cue_m and cue_m.group(0).lower() in DOCUMENT_VERBS and thing:
            cue_m, source_span, who = None, "", ""  # "The standoff shows ...": a thing, not a source, shows it
    if cue_m and source_span:
        source = {"kind": kind, "span": source_span}
        cue = [cue_m.group(0)]
        notes["cue"] = f"{cue[0]!r} is a reporting word ({lex.provenance['cue']})"
        notes["source"] = f"{source_span!r} stands next to the reporting word; {kind}: {why_kind}"
    elif not is_headline and ctx.last and (_opens_quote(text) or in_quote or _embedded(text)):
        embedded = _embedded(text)
        carried = text[0] if text.startswith(QUOTES) else embedded.group(0)[0] if embedded else _first_words(text)
        who = ctx.last["who"]
        source, cue = {"kind": ctx.last["kind"], "span": carried}, [carried]
        how = "a quote that follows" if text.startswith(QUOTES) else "the quotation goes on from"
        notes["cue"] = (
            f"{carried!r}: {how} {who!r}'s words in the sentence before "
            "(the speaker is carried across sentences, as PARC 3.0 allows)"
        )
        notes["source"] = (
            f"carried from the sentence before: {who!r} ({ctx.last['kind']}); the span is where the quote "
            "goes on, because the name is not in this sentence"
        )
    else:
        source, cue = {"kind": "none"}, []
        notes["cue"] = "no reporting word of the lexicon found"
        notes["source"] = "no reporting word, so no source"
    if not is_headline:
        ctx.learn(text, source, who)
    voice = "source" if cue else "writer"
    loaded = [{"span": s, "voice": voice} for s in _loaded(text)]
    notes["loaded"] = (
        f"{', '.join(repr(x['span']) for x in loaded)}: evaluative or causal words ({lex.provenance['loaded']}); "
        f"voice {voice!r} because {'the sentence reports a source' if cue else 'nobody is reported'}"
        if loaded
        else "no evaluative or causal word of the lexicon found"
    )
    if leadin(text) and not is_headline:
        ctx.analysis = (paragraph, leadin(text))
    elif new_line:  # a new line or bullet ends the lead-in's reach
        ctx.analysis = (-1, "")
    elif not cue and not loaded and ctx.analysis[0] == paragraph and CONNECTIVE.match(text):  # goes on
        loaded = [{"span": _first_words(text) or text, "voice": "writer"}]
        notes["loaded"] = (
            f"{loaded[0]['span']!r}: the sentence goes on with the writer's analysis that "
            f"{ctx.analysis[1]!r} opened earlier in the paragraph; nobody is reported"
        )
    hedges = _hedges(text, source_span)
    notes["hedges"] = (
        f"{', '.join(map(repr, hedges))}: hedge cues ({lex.provenance['hedges']})" if hedges else "no hedge cue found"
    )
    notes["speculation"] = _speculation(text, hedges)
    label, reason = scheme.decided_label(source, cue, loaded, hedges)
    claims = [] if is_headline else [_claim(span, kind, source) for span, kind in _claims(text)]
    notes["claims"] = (
        f"{', '.join(repr(c['span']) for c in claims)}: numbers and dates; "
        "who vouches, status and support follow the source"
        if claims
        else "no number or date found"
    )
    part = _part(sid, paragraph, label, text)
    notes["part"] = {
        "headline": "the first line is the headline",
        "lede": "the first paragraph is the lede",
        "analysis": f"a {label} sentence reads as the writer's own analysis",
        "background": f"{BACKGROUND.search(text).group(0)!r} points to the past" if BACKGROUND.search(text) else "",
        "attribution": "a detail of the report",
    }[part]
    decisive = (
        [_first_words(text.lstrip("".join(QUOTES))) or text]
        if carried and label in ("named", "vague")
        else _decisive(text, label, source_span, cue, loaded, hedges, claims)
    )
    notes["label"] = f"the decision order on the suggested fields: {reason}; decisive words {decisive[0]!r}"
    sentence: dict[str, Any] = {
        "id": sid,
        "part": part,
        "text": text,
        "label": label,
        "also": [],
        "source": source,
        "cue": cue,
        "loaded": loaded,
        "hedges": hedges,
        "claims": claims,
        "decisive": decisive,
        "rationale": f"DRAFT, for the teacher to rewrite: suggested {label} because {reason}.",
    }
    notes["rationale"] = "written by the drafter; rewrite it in words a student reads as feedback"
    return Suggestion(sentence, notes)


def _speculation(text: str, hedges: list[str]) -> str:
    """Why the sentence is or is not a guess: modal hedges (the scheme's cues) and future markers."""
    modal = [h for h in hedges if set(h.lower().split()) & load_scheme().speculation_cues]
    future = [m.group(0) for m in FUTURE.finditer(text)]
    if modal:
        return f"{', '.join(map(repr, modal))}: a modal hedge, a guess about what may happen or be true"
    if future:
        return (
            f"{', '.join(map(repr, future))}: the future, but stated as certain (a plan or schedule), not a guess; "
            "check whether anyone is credited with it"
        )
    return "no modal hedge and no future marker"


def _claim(span: str, kind: str, source: dict[str, str]) -> dict[str, Any]:
    who = source.get("span", "the writer")
    named = source["kind"] in ("named", "second-hand")
    return {
        "span": span,
        "type": kind,
        "vouched_by": who,
        "source_kind": source["kind"],
        "status": "attributed" if source["kind"] != "none" else "asserted",
        "support": "strong" if named else "weak",
        "rests_on": [who],
        "why": f"DRAFT: {who} {'is named and vouches for it' if named else 'vouches for it; nobody you can look up'}.",
        "verify": f"DRAFT: say where a reader could check {span!r}.",
    }


def _part(sid: str, paragraph: int, label: str, text: str) -> str:
    if sid == "h1":
        return "headline"
    if paragraph == 1:
        return "lede"
    if label in ("framing", "speculation"):
        return "analysis"
    if label == "unsourced" and BACKGROUND.search(text):
        return "background"
    return "attribution"


def _decisive(
    text: str,
    label: str,
    source: str,
    cue: list[str],
    loaded: list[dict[str, str]],
    hedges: list[str],
    claims: list[dict[str, Any]],
) -> list[str]:
    if label in ("named", "vague"):
        a, b = _find(text, source), _find(text, cue[0])
        if a and b and 0 <= b.start() - a.end() <= 2:
            return [text[a.start() : b.end()]]
        if a and b and 0 <= a.start() - b.end() <= 2:
            return [text[b.start() : a.end()]]
        return [cue[0]]
    if label == "framing":
        return [next(x["span"] for x in loaded if x["voice"] == "writer")]
    if label == "speculation":
        spec = load_scheme().speculation_cues
        return [next(h for h in hedges if set(h.lower().split()) & spec)]
    if claims:
        return [claims[0]["span"]]
    return [_first_words(text) or text]
