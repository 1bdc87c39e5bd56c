"""Scoring the discernment test: points per item, signal detection per student, pre→post per class.

Solid items are the signal: a hit is a solid item judged "well supported", a false alarm a
weak item judged "well supported" (Macmillan & Creelman, *Detection Theory*, 2005).

* ``H`` and ``F`` are those rates; ``H − F`` is discernment in plain shares.
* ``d′ = z(H) − z(F)`` (sensitivity) and ``c = −(z(H) + z(F)) / 2`` (bias: above 0 the student
  calls things weak, below 0 calls things well supported), with the log-linear correction
  (Hautus 1995: add 0.5 to each count and 1 to each number of items) so that 0 and 1 stay finite.
* A gain in accuracy on weak items can come from saying "weak" more often (a shift of ``c``)
  with no better discernment (Modirrousta-Galian & Higham 2023): :func:`bias_only` flags it.

Pure functions only: the widgets, the grader and the class report call them.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist, fmean, stdev
from typing import Any

from medialit.content.discernment_items import FORMS, SOLID, WEAK, Form, Item

JUDGEMENT_POINTS = 2  # per item, for judging it right: the judgement drives the score
REASON_POINTS = 1  # per item, for the reasons, only when the judgement is right
ITEM_POINTS = JUDGEMENT_POINTS + REASON_POINTS

# A change smaller than one answer can make on a 6 + 6 form is "no change". With the log-linear
# correction, one changed answer moves d′ by at least 0.37 (6.5/7 → 5.5/7 is the largest z step, the
# middle 3.5/7 → 4.5/7 the smallest) and c by at least half that.
SAME_D = 0.35  # |Δd′| below this: discernment did not change
SHIFT_C = 0.18  # Δc above this: the student said "weak" more often


@dataclass(frozen=True)
class ItemScore:
    """One item: the judgement's status and the points, out of ``ITEM_POINTS``."""

    item: str
    key: str
    judgement: str | None
    right_reasons: tuple[str, ...]
    wrong_reasons: tuple[str, ...]
    missed_reasons: tuple[str, ...]
    points: float

    @property
    def status(self) -> str:
        if self.judgement is None:
            return "missing"
        return "correct" if self.judgement == self.key else "wrong"


def score_item(item: Item, judgement: str | None, reasons: Iterable[str] = ()) -> ItemScore:
    """Points for one item: ``JUDGEMENT_POINTS`` for the judgement, then up to ``REASON_POINTS`` for reasons.

    Reason credit is (right reasons chosen − wrong reasons chosen) / right reasons, never below 0,
    and only counts when the judgement is right (a right reason for the wrong verdict earns nothing).
    """
    chosen = list(dict.fromkeys(reasons))
    right = tuple(r for r in chosen if r in item.reasons)
    wrong = tuple(r for r in chosen if r not in item.reasons)
    missed = tuple(r for r in item.reasons if r not in chosen)
    points = 0.0
    if judgement == item.key:
        share = max(0.0, (len(right) - len(wrong)) / len(item.reasons)) if item.reasons else 0.0
        points = JUDGEMENT_POINTS + REASON_POINTS * share
    return ItemScore(item.id, item.key, judgement, right, wrong, missed, round(points, 4))


@dataclass(frozen=True)
class Detection:
    """One student's signal-detection measures on one form."""

    hits: int
    solid: int  # solid items answered
    false_alarms: int
    weak: int  # weak items answered

    @property
    def hit_rate(self) -> float:
        return self.hits / self.solid if self.solid else math.nan

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.weak if self.weak else math.nan

    @property
    def weak_accuracy(self) -> float:
        """Share of weak items judged weak (correct rejections)."""
        return 1 - self.false_alarm_rate

    @property
    def discernment(self) -> float:
        """Hit rate on solid items minus false alarms on weak items (−1 to 1)."""
        return self.hit_rate - self.false_alarm_rate

    def _z(self) -> tuple[float, float]:
        z = NormalDist().inv_cdf
        return z((self.hits + 0.5) / (self.solid + 1)), z((self.false_alarms + 0.5) / (self.weak + 1))

    @property
    def d_prime(self) -> float:
        zh, zf = self._z()
        return zh - zf

    @property
    def c(self) -> float:
        zh, zf = self._z()
        return -(zh + zf) / 2

    def as_dict(self) -> dict[str, float | int]:
        return {
            "hits": self.hits,
            "solid": self.solid,
            "false_alarms": self.false_alarms,
            "weak": self.weak,
            "hit_rate": round(self.hit_rate, 4),
            "false_alarm_rate": round(self.false_alarm_rate, 4),
            "weak_accuracy": round(self.weak_accuracy, 4),
            "discernment": round(self.discernment, 4),
            "d_prime": round(self.d_prime, 4),
            "c": round(self.c, 4),
        }


def detection(keys: Mapping[str, str], judgements: Mapping[str, str | None]) -> Detection:
    """Hits and false alarms over the answered items (``keys``: item -> solid/weak)."""
    answered = {i: j for i, j in judgements.items() if i in keys and j in (SOLID, WEAK)}
    return Detection(
        hits=sum(1 for i, j in answered.items() if keys[i] == SOLID and j == SOLID),
        solid=sum(1 for i in answered if keys[i] == SOLID),
        false_alarms=sum(1 for i, j in answered.items() if keys[i] == WEAK and j == SOLID),
        weak=sum(1 for i in answered if keys[i] == WEAK),
    )


@dataclass(frozen=True)
class TestScore:
    """A student's whole test: the form, each item's score, the detection measures."""

    form: str
    items: tuple[ItemScore, ...]
    detection: Detection

    @property
    def points(self) -> float:
        return round(sum(i.points for i in self.items), 2)

    @property
    def max_points(self) -> int:
        return ITEM_POINTS * len(self.items)


def score_test(form: Form, answers: Mapping[str, Any]) -> TestScore:
    """Score saved answers ``{item: {"judgement": solid|weak, "reasons": [...]}}`` against ``form``."""
    items = []
    for item in form.items:
        entry = answers.get(item.id) or {}
        judgement = entry.get("judgement") if entry.get("judgement") in (SOLID, WEAK) else None
        items.append(score_item(item, judgement, entry.get("reasons") or ()))
    keys = {item.id: item.key for item in form.items}
    judged = {s.item: s.judgement for s in items}
    return TestScore(form.name, tuple(items), detection(keys, judged))


def max_d_prime(solid: int = 6, weak: int = 6) -> float:
    """The highest d′ a perfect answer sheet shows on ``solid`` + ``weak`` items (log-linear correction).

    For 6 + 6: 2 × z(6.5 / 7) ≈ 2.93.
    """
    return Detection(solid, solid, 0, weak).d_prime if solid and weak else math.nan


# --------------------------------------------------------------------------- the order a student sees


def order_seed(student: str = "") -> str:
    """A seed for the order of the texts: from the student's id when known (never the id itself), else random."""
    if student.strip():
        return hashlib.sha256(f"medialit-discernment-order:{student.strip()}".encode()).hexdigest()[:16]
    return secrets.token_hex(8)


def shown_order(ids: list[str], seed: str, form: str) -> list[str]:
    """The order a student with ``seed`` sees the texts ``ids`` of ``form`` in: a rotation of the file order,
    read forwards or backwards.

    The file order alternates (at most two of one kind in a row, first and last of different kinds:
    :mod:`medialit.content.discernment_items` checks it), so every one of these 2 × n orders does too,
    and no key is needed to make them: the student's install has none. Over the students, each
    position holds each text equally often, so the position says nothing about the key.
    """
    n = len(ids)
    if not n:
        return []
    variant = int(hashlib.sha256(f"{seed}:{form}".encode()).hexdigest(), 16) % (2 * n)
    turned = ids[variant % n :] + ids[: variant % n]
    return turned[::-1] if variant >= n else turned


def all_orders(ids: list[str]) -> list[list[str]]:
    """Every order :func:`shown_order` can give (for checks: each is equally likely)."""
    turns = [ids[r:] + ids[:r] for r in range(len(ids))]
    return turns + [t[::-1] for t in turns]


# --------------------------------------------------------------------------- plain words


def plain_words(d: Detection) -> list[str]:
    """A student's measures in plain words (for the self-study report and feedback pages)."""
    c = d.c + 0.0 if abs(d.c) >= 0.005 else 0.0  # never "-0.00"
    lean = (
        "you leaned towards calling texts weak"
        if d.c > SHIFT_C
        else "you leaned towards calling texts well supported"
        if d.c < -SHIFT_C
        else "you leaned neither way"
    )
    return [
        f"Well-supported texts you recognised (hit rate H): {d.hits} of {d.solid} ({d.hit_rate:.0%}).",
        f"Weak texts you took for well supported (false alarms F): {d.false_alarms} of {d.weak} "
        f"({d.false_alarm_rate:.0%}).",
        f"Discernment, H − F: {d.discernment:+.2f} (1 is perfect; 0 is no better than calling everything the same).",
        f"Sensitivity d′: {d.d_prime:.2f} (0 means no discernment; {max_d_prime(d.solid, d.weak):.2f} is the most "
        f"{d.solid} + {d.weak} texts can show).",
        f"Bias c: {c:+.2f}: {lean}. Doubting everything is a bias, not a skill.",
    ]


# --------------------------------------------------------------------------- pre → post


@dataclass(frozen=True)
class Change:
    """One student's pre→post change."""

    pre: Detection
    post: Detection

    @property
    def d_prime(self) -> float:
        return self.post.d_prime - self.pre.d_prime

    @property
    def c(self) -> float:
        return self.post.c - self.pre.c

    @property
    def weak_accuracy(self) -> float:
        return self.post.weak_accuracy - self.pre.weak_accuracy

    @property
    def bias_only(self) -> bool:
        return bias_only(self.weak_accuracy, self.d_prime, self.c)


def bias_only(weak_accuracy_change: float, d_prime_change: float, c_change: float) -> bool:
    """A "gain" that is only a shift in bias: more weak items caught, d′ unchanged, c up.

    Thresholds: :data:`SAME_D` for "d′ unchanged" and :data:`SHIFT_C` for "c up" (see their comments).
    """
    return weak_accuracy_change > 0 and abs(d_prime_change) < SAME_D and c_change > SHIFT_C


@dataclass(frozen=True)
class Mean:
    """A class mean with its 95% interval (normal approximation; None when fewer than 2 values)."""

    mean: float
    low: float | None
    high: float | None
    n: int


def mean_interval(values: Iterable[float]) -> Mean:
    data = [v for v in values if not math.isnan(v)]
    if not data:
        return Mean(math.nan, None, None, 0)
    m = fmean(data)
    if len(data) < 2:
        return Mean(m, None, None, 1)
    half = NormalDist().inv_cdf(0.975) * stdev(data) / math.sqrt(len(data))
    return Mean(m, m - half, m + half, len(data))


@dataclass(frozen=True)
class ClassChange:
    """The class's pre→post change over the students who took both, on different forms."""

    d_prime: Mean
    c: Mean
    weak_accuracy: Mean
    discernment_pre: float  # mean H − F
    discernment_post: float
    effect_size: float  # mean Δd′ / SD of pre d′ (Cohen's d against the pre-test spread)

    @property
    def bias_only(self) -> bool:
        return bias_only(self.weak_accuracy.mean, self.d_prime.mean, self.c.mean)

    @property
    def percent_gain(self) -> float:
        """Relative change of mean discernment (H − F), in percent, as Guess et al. (2020) report it."""
        if not self.discernment_pre or math.isnan(self.discernment_pre):
            return math.nan
        return 100 * (self.discernment_post - self.discernment_pre) / abs(self.discernment_pre)


def class_change(changes: Iterable[Change]) -> ClassChange:
    rows = list(changes)
    pre_d = [r.pre.d_prime for r in rows]
    spread = stdev(pre_d) if len(pre_d) > 1 else math.nan
    mean_d = mean_interval(r.d_prime for r in rows)
    return ClassChange(
        d_prime=mean_d,
        c=mean_interval(r.c for r in rows),
        weak_accuracy=mean_interval(r.weak_accuracy for r in rows),
        discernment_pre=fmean(r.pre.discernment for r in rows) if rows else math.nan,
        discernment_post=fmean(r.post.discernment for r in rows) if rows else math.nan,
        effect_size=mean_d.mean / spread if spread and not math.isnan(spread) else math.nan,
    )


# --------------------------------------------------------------------------- counterbalancing


def _rank_key(student: str) -> str:
    return hashlib.sha256(student.strip().encode("utf-8")).hexdigest()


def counterbalance(students: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Each student's (pre-test form, post-test form): A then B for half the roster, B then A for the rest.

    Deterministic and balanced (the two groups differ by at most one): students are ordered by a
    hash of their id (not by name or roster order, which often follow ability or friendships) and
    alternate. Pre and post always differ.
    """
    ordered = sorted(dict.fromkeys(s for s in students if s.strip()), key=_rank_key)
    a, b = FORMS
    return {s: (a, b) if n % 2 == 0 else (b, a) for n, s in enumerate(ordered)}
