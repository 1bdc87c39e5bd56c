"""How far two readers agree: percentage agreement and Cohen's kappa, against the key and the class.

Percentage agreement is the share of sentences given the same label. Cohen's kappa (Cohen 1960)
corrects it for the agreement two readers would reach by chance, given how often each uses each
label::

    kappa = (observed - chance) / (1 - chance)

1 is full agreement, 0 is no better than chance, below 0 worse than chance. Worked example
(:data:`WORKED`): two readers label 10 sentences "sourced" or "not sourced"; each says
"sourced" 6 times; they agree on 8. By chance they would match on 0.6 x 0.6 + 0.4 x 0.4 = 52%,
so kappa = (0.80 - 0.52) / (1 - 0.52) = 0.58.

Against a class, the class file gives only counts per sentence (:mod:`medialit.content.class_counts`),
so agreement is with a classmate picked at random: on each sentence, the share of the class that
chose your label. Where the class split is measured the same way: the chance that two classmates
picked at random chose the same label (Fleiss 1971 averages it over sentences for the class's kappa).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from medialit.content.article import Article
from medialit.content.class_counts import ClassCounts, ClassFileError, find_class_file, read_class_file

# The worked example the lesson explains: (reader A, reader B) per sentence.
WORKED: tuple[tuple[str, str], ...] = (
    *[("sourced", "sourced")] * 5,
    *[("not sourced", "not sourced")] * 3,
    ("sourced", "not sourced"),
    ("not sourced", "sourced"),
)


@dataclass(frozen=True)
class Agreement:
    """Observed and chance agreement over ``items`` sentences, and kappa (None when chance is 100%)."""

    items: int
    observed: float
    chance: float

    @property
    def kappa(self) -> float | None:
        return None if self.chance >= 1 else (self.observed - self.chance) / (1 - self.chance)


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> Agreement:
    """Agreement of two readers over (label of A, label of B) pairs, with Cohen's kappa."""
    n = len(pairs)
    if not n:
        return Agreement(0, 0.0, 0.0)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first[k] * second[k] for k in first) / (n * n)
    return Agreement(n, observed, chance)


def answered(answers: Mapping[str, str | None], ids: Sequence[str]) -> list[str]:
    """The sentences of ``ids`` the student has labelled."""
    return [sid for sid in ids if answers.get(sid)]


@dataclass(frozen=True)
class KeyComparison:
    """A student's labels against the key: exact matches, matches with an accepted alternative, kappa."""

    answered: int
    same: int  # the key's label
    alternative: int  # a label the key accepts as an alternative
    kappa: Agreement  # against the key's label


def with_key(article: Article, answers: Mapping[str, str | None], ids: Sequence[str]) -> KeyComparison:
    done = answered(answers, ids)
    same = sum(answers[s] == article.sentence(s).label for s in done)
    alternative = sum(answers[s] in article.sentence(s).also for s in done)
    pairs = [(str(answers[s]), article.sentence(s).label) for s in done]
    return KeyComparison(len(done), same, alternative, cohen_kappa(pairs))


def key_spread(article: Article, ids: Sequence[str]) -> tuple[list[str], Agreement]:
    """Where the key accepts a second label, and how little two readers who give only accepted labels
    could agree: one always gives the key's label, the other its first alternative wherever there is one."""
    open_ids = [s for s in ids if article.sentence(s).also]
    pairs = [(article.sentence(s).label, (article.sentence(s).also or (article.sentence(s).label,))[0]) for s in ids]
    return open_ids, cohen_kappa(pairs)


def with_class(counts: ClassCounts, answers: Mapping[str, str | None], ids: Sequence[str]) -> Agreement:
    """Agreement with a classmate picked at random, over the labelled sentences the class file covers.

    Observed: the average share of the class that chose the student's label. Chance: how often the
    student's mix of labels would meet the class's mix of labels on these sentences.
    """
    done = [s for s in answered(answers, ids) if counts.answered(s)]
    if not done:
        return Agreement(0, 0.0, 0.0)
    observed = sum(counts.shares(s).get(str(answers[s]), 0.0) for s in done) / len(done)
    mine = Counter(str(answers[s]) for s in done)
    pooled: Counter[str] = Counter()
    for s in done:
        pooled.update({k: v / len(done) for k, v in counts.shares(s).items()})
    chance = sum(mine[k] / len(done) * pooled[k] for k in mine)
    return Agreement(len(done), observed, chance)


@dataclass(frozen=True)
class Split:
    """How the class answered one sentence."""

    sentence: str
    answers: int
    pair_agreement: float  # the chance that two classmates picked at random chose the same label
    top: str  # the label chosen most
    top_share: float


def class_splits(counts: ClassCounts, ids: Sequence[str] | None = None) -> list[Split]:
    """Per sentence, how far the class agreed with itself; the most split first."""
    out = []
    for sid in ids if ids is not None else list(counts.sentences):
        n = counts.answered(sid)
        if n < 2:
            continue
        row = counts.sentences[sid]
        pairs = sum(c * (c - 1) for c in row.values()) / (n * (n - 1))
        top = max(row, key=lambda k: (row[k], -list(row).index(k)))
        out.append(Split(sid, n, pairs, top, row[top] / n))
    return sorted(out, key=lambda x: (x.pair_agreement, x.top_share))


def disagreements(counts: ClassCounts, ids: Sequence[str] | None = None, most: int = 3) -> list[Split]:
    """Up to ``most`` sentences where the class disagreed, the most split first.

    A sentence everyone gave the same label is not a split, so fewer come back when the class agreed
    more often, and none when it was unanimous on every sentence.
    """
    return [x for x in class_splits(counts, ids) if x.top_share < 1][:most]


def class_kappa(counts: ClassCounts, ids: Sequence[str] | None = None) -> Agreement:
    """Fleiss' kappa of the class over ``ids``: how well classmates agreed with each other."""
    splits = class_splits(counts, ids)
    if not splits:
        return Agreement(0, 0.0, 0.0)
    observed = sum(x.pair_agreement for x in splits) / len(splits)
    total = sum(x.answers for x in splits)
    pooled: Counter[str] = Counter()
    for x in splits:
        pooled.update(counts.sentences[x.sentence])
    chance = sum((c / total) ** 2 for c in pooled.values())
    return Agreement(len(splits), observed, chance)


# Landis & Koch (1977): the usual names for ranges of kappa, which they themselves called arbitrary.
KAPPA_WORDS = ((0.8, "almost perfect"), (0.6, "substantial"), (0.4, "moderate"), (0.2, "fair"), (0.0, "slight"))


def kappa_words(kappa: float | None) -> str:
    """The usual name for a kappa ("moderate" ...), or a plain phrase when it cannot be computed."""
    if kappa is None:
        return "not measurable (only one label was used)"
    if kappa < 0:
        return "worse than chance"
    return next(name for bound, name in KAPPA_WORDS if round(kappa, 2) > bound or bound == 0.0)


def load_class(article: Article, folder: str | Path | None = None) -> tuple[ClassCounts | None, str]:
    """The class file a lesson should read, or None and why (a message for the student; '' when there is none)."""
    path = find_class_file(folder)
    if path is None:
        return None, ""
    try:
        counts = read_class_file(path)
    except ClassFileError as exc:
        return None, str(exc)
    if counts.article != article.id:
        return None, (
            f"{path.name} counts labels of another article ({counts.article}), not of this lesson's "
            f"({article.id}). Ask your teacher for the class file of an assignment on this article."
        )
    return counts, ""
