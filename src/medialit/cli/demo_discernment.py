"""The demo's pre-test and post-test answers: simulated students who improve, and some who only shift bias.

Each profile has a fixed number of hits (solid texts called well supported, of 6) and false
alarms (weak texts called well supported, of 6) before and after; the texts they get wrong are the
hardest for them (each text has a fixed difficulty, and each student a little noise of their own),
so the class report's item analysis has something to show. Each student saves the order seed the
widget would (from their id). The "sceptic" students only say "weak" more often after the lessons:
their d′ stays the same, so the class report must flag their "gain" as a shift in bias.
Synthetic data checks the arithmetic of the report, not real learning.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from medialit.content.discernment_items import SOLID, WEAK, Item, load_forms, load_reasons
from medialit.teaching.discernment import counterbalance, order_seed

PREPOST = ("pre-test", "post-test")
# profile -> ((hits, false alarms) before, (hits, false alarms) after), each of 6
COUNTS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "expert": ((5, 1), (6, 0)),
    "good": ((5, 2), (6, 1)),
    "partial": ((4, 3), (5, 2)),
    "careless": ((4, 4), (4, 3)),
    "sceptic": ((5, 3), (3, 1)),  # d′ unchanged, c up: a "gain" that is only a shift in bias
    "tampered": ((5, 2), (6, 1)),
}
REASON_SKILL = {"expert": 1.0, "good": 0.8, "partial": 0.5, "careless": 0.2, "sceptic": 0.5, "tampered": 0.8}


def prepost_answers(assignment: str, student: str, profile: str, roster: list[str], rng: random.Random) -> dict:
    """The saved answers of ``student`` for the pre-test or post-test, on the form counterbalancing gives them."""
    form = load_forms()[counterbalance(roster)[student][PREPOST.index(assignment)]]
    reasons = list(load_reasons())
    hits, false_alarms = COUNTS.get(profile, COUNTS["partial"])[PREPOST.index(assignment)]
    if profile != "sceptic":  # some spread; the sceptics stay exact so that their flag is certain
        hits = min(6, max(0, hits + rng.choice((-1, 0, 0, 1))))
        false_alarms = min(6, max(0, false_alarms + rng.choice((-1, 0, 0, 1))))
    solid = _hardest_first([i for i in form.items if i.key == SOLID], rng)
    weak = _hardest_first([i for i in form.items if i.key == WEAK], rng)
    called_solid = {i.id for i in solid[len(solid) - hits :]} | {i.id for i in weak[:false_alarms]}
    skill = REASON_SKILL.get(profile, 0.5)
    items: dict[str, Any] = {}
    for item in form.items:
        judgement = SOLID if item.id in called_solid else WEAK
        chosen = [r for r in item.reasons if rng.random() < skill] or [rng.choice(reasons)]
        items[item.id] = {"judgement": judgement, "reasons": chosen}
    return {"discernment": {"form": form.name, "order": order_seed(student), "items": items}}


def _hardest_first(items: list[Item], rng: random.Random) -> list[Item]:
    """``items``, the hardest for this student first: a fixed difficulty per text plus the student's noise."""

    def difficulty(item: Item) -> float:
        return int(hashlib.sha256(item.id.encode()).hexdigest()[:8], 16) / 16**8 + rng.gauss(0, 0.35)

    return sorted(items, key=difficulty, reverse=True)


def prepost_line(course: Any) -> str:
    """One line for the demo's output: the class's change in discernment, and that it is synthetic."""
    from medialit.reports.discernment_report import changes

    found, summary = changes(course)
    if summary is None:
        return ""
    flagged = sum(change.bias_only for change in found)
    return (
        f"pre-test → post-test: Δd′ = {summary.d_prime.mean:+.2f} over {summary.d_prime.n} students; "
        f"{flagged} flagged as only a shift in bias. The class is synthetic: this checks the arithmetic, "
        "not real learning."
    )
