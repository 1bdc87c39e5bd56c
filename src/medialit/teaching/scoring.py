"""Scoring shared by the lessons' feedback and the graded exercises' hidden tests.

- choices: exact match = full credit, an accepted alternative = partial credit;
- highlights: token overlap between the student's spans and the gold spans;
- reliability: discernment (telling solid from shaky) separately from scepticism.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from medialit.content.spans import span_parts

ALTERNATIVE_CREDIT = 0.5
FOUND_OVERLAP = 0.5  # share of a gold span's words a student must mark to have "found" it

WORD = re.compile(r"\w+(?:[’'\-.]\w+)*")


# --------------------------------------------------------------------------- choices


@dataclass(frozen=True)
class ChoiceResult:
    """How one choice was scored."""

    status: str  # "correct", "alternative", "wrong" or "missing"
    credit: float
    answer: str | None
    gold: str


def score_choice(answer: str | None, gold: str, also: Iterable[str] = (), accept: Iterable[str] = ()) -> ChoiceResult:
    """Full credit for the gold answer, partial for an accepted alternative.

    ``accept`` lists answers worth full credit too: for an item the text itself does not
    decide (the annotation's ``accept``), either reading is right.
    """
    if answer in (None, ""):
        return ChoiceResult("missing", 0.0, None, gold)
    if answer == gold or answer in set(accept):
        return ChoiceResult("correct", 1.0, answer, gold)
    if answer in set(also):
        return ChoiceResult("alternative", ALTERNATIVE_CREDIT, answer, gold)
    return ChoiceResult("wrong", 0.0, answer, gold)


# --------------------------------------------------------------------------- spans


def tokens(text: str) -> list[tuple[int, int]]:
    """Character ranges of the words of ``text``."""
    return [m.span() for m in WORD.finditer(text)]


def token_indices(text: str, span: str) -> set[int]:
    """Indices of the words of ``text`` covered by ``span`` (empty if it does not occur)."""
    parts = span_parts(text, span) or []
    return {i for i, (a, b) in enumerate(tokens(text)) for s, e in parts if a < e and b > s}


@dataclass
class SpanReport:
    """Found, missed and extra phrases, and token-overlap precision, recall and F1."""

    found: list[tuple[str, str]] = field(default_factory=list)  # (sentence id, gold span)
    missed: list[tuple[str, str]] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)  # (sentence id, student span)
    true_pos: int = 0
    chosen: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.true_pos / self.chosen if self.chosen else 0.0

    @property
    def recall(self) -> float:
        return self.true_pos / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        if not self.gold and not self.chosen:
            return 1.0
        return 2 * p * r / (p + r) if p + r else 0.0


def score_spans(
    texts: Mapping[str, str],
    gold: Mapping[str, Sequence[str]],
    chosen: Mapping[str, Sequence[str]],
) -> SpanReport:
    """Compare the student's phrases with the gold phrases, sentence by sentence.

    ``texts`` maps sentence id to text; ``gold`` and ``chosen`` map sentence id to
    spans. A gold phrase counts as found when at least half its words are marked.
    """
    report = SpanReport()
    for sid, text in texts.items():
        gold_spans = [s for s in gold.get(sid, []) if span_parts(text, s)]
        mine = [s for s in chosen.get(sid, []) if span_parts(text, s)]
        gold_tok = set().union(*(token_indices(text, s) for s in gold_spans)) if gold_spans else set()
        mine_tok = set().union(*(token_indices(text, s) for s in mine)) if mine else set()
        report.true_pos += len(gold_tok & mine_tok)
        report.chosen += len(mine_tok)
        report.gold += len(gold_tok)
        for span in gold_spans:
            words = token_indices(text, span)
            hit = len(words & mine_tok) / len(words) if words else 0.0
            (report.found if hit >= FOUND_OVERLAP else report.missed).append((sid, span))
        for span in mine:
            if not token_indices(text, span) & gold_tok:
                report.extra.append((sid, span))
    return report


# --------------------------------------------------------------------------- reliability


@dataclass(frozen=True)
class ReliabilityReport:
    """Discernment (telling shaky from solid claims) reported apart from scepticism.

    ``hit_rate``: share of weakly supported claims the student called shaky.
    ``false_alarm_rate``: share of well-supported claims the student called shaky.
    ``discernment`` = hit rate - false-alarm rate (from -1 to 1; 0 = no better than
    calling everything the same). ``scepticism``: share of all answered claims called
    shaky. Marking everything shaky gives discernment 0, whatever the scepticism.
    """

    hit_rate: float
    false_alarm_rate: float
    scepticism: float
    answered: int
    total: int

    @property
    def discernment(self) -> float:
        return self.hit_rate - self.false_alarm_rate

    @property
    def credit(self) -> float:
        """Fraction of the points: the discernment, never below zero."""
        return max(0.0, self.discernment)


SHAKY, SOLID = "shaky", "solid"


def score_reliability(gold: Mapping[str, str], answers: Mapping[str, str | None]) -> ReliabilityReport:
    """Score "how solid is this?" judgements. ``gold`` maps item to "weak"/"strong".

    Unanswered items count as neither hit nor false alarm, so a blank scores 0.
    """
    weak = [k for k, v in gold.items() if v == "weak"]
    strong = [k for k, v in gold.items() if v == "strong"]
    said = {k: answers.get(k) for k in gold if answers.get(k) in (SHAKY, SOLID)}
    hits = sum(said.get(k) == SHAKY for k in weak)
    false_alarms = sum(said.get(k) == SHAKY for k in strong)
    shaky = sum(v == SHAKY for v in said.values())
    return ReliabilityReport(
        hit_rate=hits / len(weak) if weak else 0.0,
        false_alarm_rate=false_alarms / len(strong) if strong else 0.0,
        scepticism=shaky / len(said) if said else 0.0,
        answered=len(said),
        total=len(gold),
    )
