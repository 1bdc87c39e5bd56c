"""Find a sentence's reporting word (cue) and the words that name who speaks (source).

PARC 3.0 (Pareti 2016) annotates an attribution as source + cue + content. Real news reports
need more than "the words before a verb of saying":

- a cue inside a quotation is the quoted speaker's, not the article's ("'...they said come back,'
  exclaimed Rep. X": the source is Rep. X);
- in a split quote the speaker follows the cue ('"...," since May, said one lawmaker');
- an agentless passive of telling has no source ("after being told votes were done"); one of
  reporting or believing has an unnamed one ("delays were reported", "it is said to"); with "by" the
  agent is the source ("expected by AAA");
- "what he described as historic" attributes a phrase, not the sentence;
- a participle after a comma ("..., saying it will help") has the sentence's subject as source;
- a pronoun at the end of a clause ("a win he claimed") is the speaker;
- a capitalised cue word is a noun or a name outside a headline ("Hopes that ...", "the State Department");
- "showed up" is not "showed", "called a meeting" is not "called", "found themselves" is not "found";
- a cue after "the", "a", "above" ... is an adjective or a noun ("above predicted strength", "a think tank");
- a cue inside a relative clause with its own subject ("territory that Ukraine still claims") is not the
  sentence's; an agent after "by" is the source ("Americans expected by AAA");
- "X did A, and told reporters ..." has X as the source of "told".
"""

from __future__ import annotations

import re

from medialit.content.drafting.lexicon import lexicons

CLAUSE_END = re.compile(r"[,;:]")
SOURCE_END = re.compile(r"[,;:—–]|\s--\s")  # a source never spans a dash
PASSIVE = re.compile(r"\b(?:being|been|be|is|are|was|were|get|gets|got)\s+$", re.I)
PARTIAL = re.compile(r"\bwhat\s+(?:[\w.'’-]+\s+){1,3}$", re.I)  # "what he described as ..."
ATTRIBUTIVE = re.compile(r"\b(?:the|a|an|above|below|than|of|its|their|his|her)\s+$", re.I)
QUANTIFIER = re.compile(r"\b(?:those|these|such|several|many|other|all)\s+$", re.I)  # "those states"; "several told"
# Cue words that are as often a noun or another verb: no cue before a preposition or a number
# ("has added about 80 jobs", "the only non-energy state among", "pledges for security")
NOUN_OR_VERB = {
    "add", "adds", "added", "state", "states", "report", "reports", "note", "notes", "claim", "claims",
    "view", "views", "estimate", "estimates", "demands", "pledges", "promises", "hopes", "fears", "doubts",
    "dispute", "disputes",
}  # fmt: skip
NOUN_AFTER = re.compile(r"\s+(?:among|of|for|to|in|on|at|from|with|along|about|over|under|by|\d)", re.I)
RELATIVE = re.compile(r"\b(?:that|which|whom)\s+(?:[A-Z][\w'’.-]*|he|she|they|it|we|I)\b")
PREPOSITION = re.compile(r"(?:in|on|at|to|during|by|after|before|from|with)\b", re.I)
IMPLICIT = {
    "credited",
    "reported",
    "rumored",
    "rumoured",
    "said",
    "believed",
    "alleged",
    "thought",
}  # "is said to": a source
NOT_SOURCES = {"it", "this", "that", "there", "who", "what", "which", "whom", "whose", "here"}
VERB_START = re.compile(
    r"\s(?:is|are|was|were|has|have|had|will|would|can|could|may|might|must|did|does|do|on|in|at|"
    r"recently|\w+ly|\w+ed)\b"
)


# A cue inside a non-restrictive relative clause ("good news for Ana, who joined the 4 million expected by AAA")
# reports something about the clause's noun, not the sentence's claim.
TRAILING_TAG = re.compile(r"\w+(?:\s+[\w.-]+){0,2}\.?[”\"]?$")  # "said Monday." at the sentence's end
APPOSITIVE = re.compile(r"\w,\s+$")  # ", described as X,": a participle after a comma, a side description
NONRESTRICTIVE = re.compile(r",\s+(?:who|which)\s+[^,;:—]*$")
# Belief cues that need an unnamed group as subject (PARC 3.0 counts beliefs as attributions):
# "forecasters see smooth sailing", "Social conservatives see a winning issue"; "she saw the ship" is a sight.
SEE = re.compile(r"\b(?:see|sees)\b")
# An attitude held by an experiencer after "to": "is puzzling to some observers", "was clear to analysts".
EXPERIENCER = re.compile(
    r"\b(?:is|are|was|were|remains?|seems?|seemed)\s+(?:puzzling|troubling|worrying|concerning|surprising|"
    r"baffling|alarming|encouraging|disappointing|frustrating|confusing|reassuring|clear|obvious|unclear)\s+to\b"
)


def _stand_in(source: str) -> bool:
    """Whether a source's last word is a stand-in for unnamed people ("some observers", "conservatives")."""
    words = source.lower().split()
    stand_ins = lexicons().vague_nouns | lexicons().groups
    return bool(words) and (words[-1] in stand_ins or words[-1].rstrip("s") in stand_ins)


def find(text: str, phrase: str, start: int = 0) -> re.Match[str] | None:
    """A whole-word, case-insensitive match of ``phrase`` in ``text``."""
    return re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", re.I).search(text, start)


def find_all(text: str, phrases: tuple[str, ...] | frozenset[str]) -> list[re.Match[str]]:
    """Every non-overlapping match of the phrases, longer phrases first, in text order."""
    taken: list[re.Match[str]] = []
    for phrase in sorted(phrases, key=lambda p: -len(p)):
        pos = 0
        while (m := find(text, phrase, pos)) is not None:
            if not any(m.start() < t.end() and t.start() < m.end() for t in taken):
                taken.append(m)
            pos = m.end()
    return sorted(taken, key=lambda m: m.start())


def clean(span: str) -> str:
    """A span without surrounding punctuation and a leading conjunction."""
    span = span.strip().strip(',;:."“”').strip()
    span = re.sub(r"^(and|but|yet|so|while|as|however|meanwhile)\s+", "", span, flags=re.I)
    return span.strip()


def leadin(text: str) -> str:
    """The analysis lead-in the sentence opens with ("Why it matters:"), or ""."""
    for phrase in lexicons().leadins:
        m = re.match(re.escape(phrase) + r"\s*:", text, re.I)
        if m:
            return text[: m.end() - 1].rstrip()
    return ""


def quoted_spans(text: str, was_open: bool = False) -> list[tuple[int, int]]:
    """The character ranges inside quotation marks. When a quote is open from the sentence before
    (``was_open``), the first closing mark closes it (the range starts at 0); an opening mark never
    closed runs to the end of the sentence."""
    spans: list[tuple[int, int]] = []
    opened: int | None = 0 if was_open else None
    for i, ch in enumerate(text):
        if ch == "“" or (ch == '"' and opened is None):
            opened = i if opened is None else opened
        elif ch in '”"':
            spans.append((opened if opened is not None else 0, i))
            opened = None
    if opened is not None:
        spans.append((opened, len(text)))
    return spans


def quote_left_open(text: str, was_open: bool) -> bool:
    """Whether a quotation is still open at the end of the sentence (it continues in the next one)."""
    spans = quoted_spans(text, was_open)
    return bool(spans) and spans[-1][1] == len(text)


def belief(text: str) -> list[re.Match[str]]:
    """'are (increasingly) confident', 'remain convinced': an attitude held, a belief cue (PARC 3.0)."""
    adjectives = "|".join(sorted(lexicons().belief_adjectives, key=len, reverse=True))
    pattern = rf"\b(?:is|are|was|were|remain|remains|remained|feel|feels|felt)(?: \w+ly)?,? (?:{adjectives})\b"
    return list(re.finditer(pattern, text, re.I))


def name_before(text: str, end: int) -> str:
    """The last person's name (two or more capitalised words, with a title) before ``end``, or ""."""
    names = re.findall(r"(?:(?:[A-Z][a-z]*\.?\s)?[A-Z][\w'’-]+\s[A-Z][\w'’-]+)", text[:end])
    return names[-1] if names else ""


def subject(text: str) -> str:
    """The sentence's subject, roughly: the words before its first verb or adverb, up to eight ("")."""
    verb = VERB_START.search(text)
    words = text[: verb.start()].split() if verb else []
    return clean(" ".join(words)) if 0 < len(words) <= 8 else ""


def _names_a_thing(before: str, after: str) -> bool:
    """'a segment called "Final Verdict"': a common noun, then "called" and a name, is naming, not reporting."""
    noun = re.search(r"\b([a-z][\w-]*)\s+$", before)
    stand_ins = lexicons().vague_nouns | lexicons().groups
    named = re.match(r"\s+[\"“]?[A-Z]", after)
    return bool(noun and named and noun.group(1) not in stand_ins and noun.group(1).rstrip("s") not in stand_ins)


def _usable(text: str, m: re.Match[str], headline: bool) -> bool:
    """Whether this match of a cue word is the article's reporting word here."""
    word, before, after = m.group(0), text[: m.start()], text[m.end() :]
    if word.lower() == "according to":
        return True
    if not headline and word[:1].isupper():  # "Hopes that ...", "the State Department": a noun, not a verb
        return False
    if word.lower() in {"show", "shows", "showed"} and re.match(r"\s+up\b", after):
        return False
    if word.lower() in {"call", "calls", "called"} and re.match(r"\s+an?\s", after):  # "called a meeting"
        return False
    if word.lower() in {"call", "calls", "called"} and _names_a_thing(before, after):  # 'a segment called "X"'
        return False
    if word.lower() in {"find", "finds", "found"} and re.match(r"\s+(?:them|him|her|it)sel(?:f|ves)\b", after):
        return False  # "found themselves at odds"
    if ATTRIBUTIVE.search(before):  # "above predicted strength", "a think tank": an adjective or a noun
        return False
    if word.lower() in NOUN_OR_VERB and re.match(r"\s+[a-z][\w-]*\s*(?:[.,;:—]|$)", after):
        return False  # "a company or state enterprise.": a noun before its head noun, no report
    if word.lower() in NOUN_OR_VERB and (NOUN_AFTER.match(after) or QUANTIFIER.search(before)):
        return False  # "has added about 80 jobs", "the only non-energy state among", "those states"
    return not PARTIAL.search(before)


def _source_after_passive(text: str, m: re.Match[str]) -> str | None:
    """For a passive cue: the agent after "by" ("" if none), or None if the cue is not passive."""
    if not PASSIVE.search(text[: m.start()]) or m.group(0).lower().endswith("ing"):
        return None  # "is recommending": the progressive, active
    agent = re.match(r"\s+by\s+([^,;:.—]+)", text[m.end() :])
    return _noun_phrase(agent.group(1)) if agent else ""


def _noun_phrase(words: str) -> str:
    """The words up to the first preposition, verb particle or conjunction ("the board to use it" -> "the board")."""
    return clean(re.split(r"\s(?:to|that|as|for|in|on|at|from|with|and|who|which)\s", f" {words} ")[0])


def _source_before(text: str, m: re.Match[str]) -> str:
    before = text[: m.start()]
    chunk = clean(SOURCE_END.split(before)[-1])
    quote_ended = re.search(r"[,.!?]['’]?[\"”]\s*$", before)
    split_quote = text.lstrip()[:1] in "\"“'" and before.rstrip().endswith(",")
    if quote_ended or split_quote:  # '"...," said Rep. Ana Ruiz' or '"..." since May, said one lawmaker'
        chunk = ""
    elif m.group(0).lower().endswith("ing") and before.rstrip().endswith(","):  # "X did Y, saying ..."
        chunk = subject(text) or chunk
    elif not chunk and SOURCE_END.search(before):  # "X, a ... group, says": the words before the first comma
        chunk = clean(SOURCE_END.split(before)[0])
    words = chunk.split()
    if len(words) > 1 and words[-1].lower() in {"he", "she", "they"}:  # "a win he claimed"
        chunk = words[-1]
    if chunk.lower() in {"and", "but", "then", "also", "and also"} or re.fullmatch(r"(?:and|but)\b.*", chunk):
        chunk = subject(text)  # "X likened A to B, and told reporters ...": the subject of both verbs
    chunk = re.sub(r"(?:\s+(?:has|have|had|is|are|was|were|will|would|did|do|does|also|recently))+$", "", chunk)
    if not chunk:  # "..., said Mayor Ruiz."
        chunk = clean(SOURCE_END.split(text[m.end() :], maxsplit=1)[0])
    closing = max(before.rfind("”"), before.rfind('"'))
    if (
        split_quote and (not chunk or PREPOSITION.match(chunk)) and closing >= 0
    ):  # '"...," Ana Ruiz, a director, said in'
        chunk = clean(SOURCE_END.split(before[closing + 1 :].strip(), maxsplit=1)[0])
    return chunk


def cue_and_source(text: str, *, headline: bool = False, quote_open: bool = False) -> tuple[re.Match[str] | None, str]:
    """The first reporting word outside quotation marks that has a source, and that source's words
    (``quote_open``: a quotation opened in an earlier sentence is still open)."""
    lex = lexicons()
    quoted = quoted_spans(text, quote_open)
    lead = leadin(text)
    matches = find_all(text, lex.cue_phrases) + find_all(text, lex.cue_verbs) + belief(text)
    matches += list(SEE.finditer(text)) + list(EXPERIENCER.finditer(text))
    tag = [
        m
        for m in matches
        if TRAILING_TAG.match(text[m.start() :]) and re.search(r",\s+(?:\S+\s+){1,4}$", text[: m.start()])
    ]
    matches = tag[-1:] + [m for m in matches if m not in tag[-1:]]  # ", he said.": the tag governs the sentence
    for m in matches:
        if any(a < m.start() < b for a, b in quoted) or not _usable(text, m, headline):
            continue
        if m.re is EXPERIENCER:  # "is puzzling to some observers": the source follows "to"
            source = _noun_phrase(re.split(r"[,;:.—]", text[m.end() :], maxsplit=1)[0])
            if _stand_in(source) or source[:1].isupper():
                return m, source
            continue
        if m.group(0).lower() == "according to":
            source = clean(CLAUSE_END.split(text[m.end() :], maxsplit=1)[0])
        else:
            by = re.match(r"\s+by\s+([^,;:.—]+)", text[m.end() :])  # "Americans expected by AAA": the agent
            agent = _noun_phrase(by.group(1)) if by else _source_after_passive(text, m)
            source = _source_before(text, m) if agent is None else agent
            if agent == "" and m.group(0).lower() in IMPLICIT:  # "Delays were reported": someone, unnamed
                source = text[PASSIVE.search(text[: m.start()]).start() : m.end()]
            if RELATIVE.search(source):  # "territory that Ukraine still claims": the cue of a relative clause
                continue
        if APPOSITIVE.search(text[: m.start()]) and re.match(r"ed\s+as\b", text[m.end() - 2 :]):
            continue  # "the suspect, described as a white male, had ...": a side description, no report
        if NONRESTRICTIVE.search(text[: m.start()]):  # "..., who joined those expected by AAA": a side remark
            continue
        if m.re is SEE and not _stand_in(source):  # "forecasters see": a belief; "she saw" a sight
            continue
        low = source.lower()
        it_says = low == "it" and re.search(r"\bit\s+$", text[: m.start()], re.I)  # "It says ...": the body before
        if source and len(source.split()) <= 10 and (low not in NOT_SOURCES or it_says) and source != lead:
            return m, source
    return None, ""
