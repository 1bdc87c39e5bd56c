"""Lateral reading checked: what other coverage does to a claim, and the verdict on the headline.

The answer keys come from the article's coverage file (medialit.content.coverage); this module
names the choices a student is offered and scores an answer against the key, in any process
(no widgets). The kit's words for the choices are generic: nothing here is about one article.
"""

from __future__ import annotations

from collections.abc import Mapping

from medialit.content.coverage import Claim, HeadlineCoverage
from medialit.teaching.scoring import ChoiceResult, score_choice

# (label, value) pairs, in the order a student sees them; values are content.coverage.ANSWERS
COMPARISONS = [
    ("they confirm it", "confirms"),
    ("they add what the article leaves out: a name, a number, a fact", "adds"),
    ("they contradict it", "contradicts"),
    ("they disagree with each other: it is disputed", "disputed"),
]
# values are content.coverage.VERDICTS
VERDICTS = [
    ("shown: sources in a position to know establish it", "shown"),
    ("possible, not shown: the support is weak", "possible"),
    ("disputed: sources in a position to know disagree", "disputed"),
    ("ruled out: the sources show it was not the cause", "ruled_out"),
]
# what one passage does, as the feedback says it
DOES = {
    "confirms": "confirms it",
    "adds": "adds to it",
    "contradicts": "contradicts it",
    "says_less": "says less than the article",
}
STAGES = {"before": "On the article alone (lesson 05)", "after": "With the other reports"}


def comparison_key(claim: Claim) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(answer, half-credit answers, full-credit answers) for "what do the other reports do?"."""
    return claim.answer, claim.also, claim.accept


def score_comparison(claim: Claim, answer: str | None) -> ChoiceResult:
    gold, also, accept = comparison_key(claim)
    return score_choice(answer, gold, also, accept)


def verdict_key(headline: HeadlineCoverage) -> dict[str, str]:
    """The verdict on the headline's cause before and after reading laterally."""
    return {"before": headline.before.answer, "after": headline.after.answer}


def score_verdicts(headline: HeadlineCoverage, answers: Mapping[str, str | None]) -> dict[str, ChoiceResult]:
    return {stage: score_choice(answers.get(stage), gold) for stage, gold in verdict_key(headline).items()}
