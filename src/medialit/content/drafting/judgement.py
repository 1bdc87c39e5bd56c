"""Judgements in the writer's voice that no single listed word carries (issue 29, framing on real news).

- a comparative or superlative of a listed evaluative adjective ("the harshest criticism",
  "the most reluctant"), not only its base form;
- an article or "one" + an adjective of importance or obviousness + a noun ("a key consideration",
  "the obvious choice", "one major contribution", "ample reason"): the writer ranks on their own authority;
- a copula + a minimizer + an article ("is just a first step", "was merely a pause");
- the writer's reading declared plain: "it's becoming clear that ...".
"""

from __future__ import annotations

import re
from functools import cache

from medialit.content.drafting.lexicon import lexicons

NOT_NOUN = {"to", "of", "in", "on", "at", "for", "and", "or", "that", "than", "as", "with", "by", "from", "is", "was"}
MINIMIZER = re.compile(
    r"\b(?:is|are|was|were|be|been|remains?|remained)\s+(?:just|only|merely|simply)\s+(?:a|an|one)\b"
)


# The writer declares their own reading plain ("it's becoming clear that", "it is obvious that").
PLAIN = re.compile(
    r"\bit(?:’s|'s|\s+is|\s+was|\s+has\s+become|\s+had\s+become)\s+(?:becoming\s+|now\s+|increasingly\s+)?"
    r"(?:clear|obvious|evident|apparent|plain)\s+that\b",
    re.I,
)


def _inflected(word: str) -> set[str]:
    """Comparative and superlative forms of an adjective ("harsh" -> "harsher", "harshest")."""
    if " " in word or "-" in word or len(word) < 3:
        return set()
    if word.endswith("e"):
        return {word + "r", word + "st"}
    if word.endswith("y"):
        return {word[:-1] + "ier", word[:-1] + "iest"}
    forms = {word + "er", word + "est"}
    if re.search(r"[^aeiou][aeiou][bdgmnpt]$", word):  # "grim" -> "grimmest"
        forms |= {word + word[-1] + "er", word + word[-1] + "est"}
    return forms


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    lex = lexicons()
    base = [w for w in lex.evaluative if " " not in w]
    forms = sorted({f for w in base for f in _inflected(w)} - set(base), key=len, reverse=True)
    graded = re.compile(
        r"\b(?:(?:most|least|more|less)\s+(?:" + "|".join(map(re.escape, base)) + r")|"
        r"(?:" + "|".join(map(re.escape, forms)) + r"))\b",
        re.I,
    )
    adjectives = "|".join(map(re.escape, lex.judgement_adjectives))
    ranked = re.compile(
        rf"\b(?:(?:a|an|the|one)\s+(?:\w+ly\s+)?(?:{adjectives})|ample)\s+([a-z][\w-]*)",
        re.I,
    )
    return graded, ranked, MINIMIZER


def judgements(text: str) -> list[str]:
    """The spans of ``text`` that judge in the ways above, in text order."""
    graded, ranked, minimizer = _patterns()
    found = [(m.start(), m.group(0)) for m in graded.finditer(text)]
    found += [(m.start(), m.group(0)) for m in ranked.finditer(text) if m.group(1).lower() not in NOT_NOUN]
    found += [(m.start(), m.group(0)) for m in minimizer.finditer(text)]
    found += [(m.start(), m.group(0)) for m in PLAIN.finditer(text)]
    return [span for _, span in sorted(found)]
