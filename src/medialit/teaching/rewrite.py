"""Automatic pre-checks for a neutral rewrite of a framed sentence.

They help the student and the human grader; they do not replace the grader. Each
check says what it looked for, using the sentence's gold annotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medialit.content.article import Sentence

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "than",
        "then",
        "more",
        "most",
        "very",
        "both",
        "which",
        "who",
        "whom",
        "what",
        "when",
        "while",
        "also",
        "there",
        "their",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "not",
        "no",
        "yet",
        "so",
        "such",
        "into",
        "about",
        "after",
        "before",
        "over",
        "under",
        "since",
    ]
)
REPORTING = re.compile(
    r"\b(say|says|said|saying|claim|claims|claimed|according to|report|reports|reported|"
    r"told|tells|state|states|stated|confirm|confirms|confirmed|dispute|disputes|disputed|"
    r"view|views|viewed|see|sees|saw|think|thinks|thought|believe|believes|argue|argues|argued|"
    r"describe|describes|described)\b",
    re.IGNORECASE,
)
WORDS = re.compile(r"[\w’'-]+")


def content_words(text: str) -> list[str]:
    """Lower-cased words of ``text`` that carry meaning (no stopwords)."""
    return [w for w in (x.lower().strip("’'-") for x in WORDS.findall(text)) if w and w not in STOPWORDS]


IRREGULAR = {"said": "say", "told": "tell", "freed": "free", "taken": "take", "took": "take"}
SUFFIXES = ("ing", "ed", "es", "s")


def word_stem(word: str) -> str:
    """A rough stem, so that a rewrite is not faulted for grammar or spelling variants.

    Straight and curly apostrophes count as the same, possessives are dropped, British
    "-ise" matches American "-ize", and one common ending is cut: "captured", "capture"
    and "captures" all give "captur"; "week's" and "week’s" give "week".
    """
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = IRREGULAR.get(word, word)
    word = re.sub(r"is(e|ed|es|ing|ation)$", r"iz\1", word) if len(word) > 6 else word
    if not word.endswith("ss"):
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def _kept(words: list[str], text: str) -> float:
    """The share of ``words`` that ``text`` still contains, compared by :func:`word_stem`."""
    have = {word_stem(w) for w in content_words(text)}
    return sum(word_stem(w) in have for w in words) / len(words) if words else 1.0


@dataclass(frozen=True)
class Check:
    """One pre-check: its name, whether it passed, and why."""

    name: str
    passed: bool
    detail: str


def rewrite_checks(sentence: Sentence, rewrite: str) -> list[Check]:
    """Pre-check a neutral rewrite: loaded words gone, attribution kept, meaning kept.

    Only the writer's own loaded phrases must go; a source's words stay, attributed.
    """
    text = rewrite.strip()
    if not text:
        return [Check("written", False, "Write your neutral version in the box first.")]
    checks: list[Check] = []
    if " ".join(text.split()) == " ".join(sentence.text.split()):
        checks.append(Check("changed", False, "This is the original sentence; change the loaded words."))

    framing = [item for item in sentence.loaded if item["voice"] == "writer"]
    lingering = []
    for item in framing:
        words = content_words(item["span"])
        if item["span"].lower() in text.lower() or (words and _kept(words, text) >= 2 / 3):
            lingering.append(item["span"])
    if lingering:
        detail = (
            "Still there, in full or in part: "
            + "; ".join(f"“{s}”" for s in lingering)
            + ". Replace them with plain words."
        )
    else:
        gone = "; ".join(f"“{x['span']}”" for x in framing) or "the writer used no loaded phrase here"
        detail = f"The loaded wording is gone ({gone})."
    checks.append(Check("loaded words gone", not lingering, detail))

    source = sentence.source.get("span")
    seeming = sentence.source.get("sounds_like")
    if seeming:
        # The original only sounds sourced ("For diplomats watching closely, ..."): nobody is
        # reported as saying anything, so a rewrite must not invent a reporting word, for them
        # or for anyone else ("observers see", "analysts believe").
        invented = REPORTING.search(text)
        detail = (
            f"Your version has a reporting word, “{invented.group(0)}”. In the original nobody is reported "
            f"as saying this: “{seeming}” comes with no reporting word. If yours credits the judgement to "
            "someone (“observers see”, “diplomats say”), take it out: don't make it look sourced."
            if invented
            else f"The original only sounds sourced (“{seeming}”, with no reporting word), and your "
            "version does not invent a source for it."
        )
        checks.append(Check("attribution kept", not invented, detail))
    elif source:
        who = _kept(content_words(source), text) >= 0.5
        cue = bool(REPORTING.search(text)) or any(
            part.lower() in text.lower() for c in sentence.cue for part in c.split(" ... ")
        )
        ok = who and cue
        detail = (
            f"You kept who says it (“{source}”) and a reporting word."
            if ok
            else f"Keep who says it (“{source}”) and a reporting word such as “say”."
            if not who
            else "Keep a reporting word (says, claims, according to) so it stays attributed."
        )
        checks.append(Check("attribution kept", ok, detail))
    else:
        checks.append(Check("attribution kept", True, "The original names no source, so there is none to keep."))

    loaded_words = {w for item in framing for w in content_words(item["span"])}
    core = [w for w in content_words(sentence.text) if w not in loaded_words]
    numbers = re.findall(r"\d+", sentence.text)
    missing_numbers = [n for n in numbers if n not in text]
    share = _kept(core, text)
    ok = share >= 0.5 and not missing_numbers
    if missing_numbers:
        detail = "Keep the numbers and dates: " + ", ".join(missing_numbers) + "."
    elif ok:
        detail = f"You kept {share:.0%} of the sentence's other key words, so the facts are still there."
    else:
        detail = (
            f"Only {share:.0%} of the sentence's other key words are still there; "
            "keep the facts, change only the framing."
        )
    checks.append(Check("meaning kept", ok, detail))
    return checks
