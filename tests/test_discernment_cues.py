"""The discernment test cannot be passed without discernment (issue 24 A).

Surface strategies (position, a named person, quotation marks, length, digits, hedging words,
"sources say", the words of the reason boxes, ...) are played against each of the class's forms:
each must score d′ within ±0.5 (the kit's own d′, log-linear correction) while the key scores the
maximum, and forms A and B must look alike to every strategy. Each student sees an order of their own.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from medialit.content.discernment_items import FORMS, PRACTICE, load_forms, load_paper, load_reasons, longest_run
from medialit.teaching.discernment import Detection, all_orders, max_d_prime, order_seed, shown_order
from medialit.teaching.discernment_cues import LIMIT, STOP, d_primes, parallel_problems, problems, strategies, words

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CLASS = load_forms(SEEDS)
PRACTICE_FORMS = load_forms(SEEDS, names=PRACTICE)
ALL = {**CLASS, **PRACTICE_FORMS}
PAIRS = {"A": "B", "B": "A", "P": "Q", "Q": "P"}  # parallel forms
REASONS = load_reasons(SEEDS)


def test_the_maximum_d_prime_is_computed_not_remembered():
    from statistics import NormalDist

    assert max_d_prime(6, 6) == pytest.approx(2 * NormalDist().inv_cdf(6.5 / 7))
    assert max_d_prime(6, 6) == pytest.approx(2.93, abs=0.005)
    assert max_d_prime(6, 6) == Detection(6, 6, 0, 6).d_prime


@pytest.mark.parametrize("name", [*FORMS, *PRACTICE])
def test_no_surface_strategy_passes_a_form(name):
    """The class's forms A and B, and the self-study practice forms P and Q."""
    other = ALL[PAIRS[name]]
    assert problems(ALL[name], REASONS, other) == []
    found = d_primes(ALL[name], REASONS, other)
    assert found["the key"] == pytest.approx(max_d_prime(6, 6))
    assert len(found) == len(strategies(REASONS)) + 4 + 1 >= 30  # every surface rule, 4 position rules, the key
    assert all(abs(v) <= LIMIT for k, v in found.items() if k != "the key")


def test_the_strategies_can_fail_a_form():
    """The check is not toothless: the forms as they were before (key by file order, cues aligned) fail it."""
    import yaml

    from medialit.content.discernment_items import Form, Item

    old = yaml.safe_load((ROOT / "tests" / "data" / "discernment-form-a-2026-12.yaml").read_text(encoding="utf-8"))
    items = tuple(Item(e["id"], e["headline"], e["text"], e["key"], (), {}, "") for e in old["items"])
    found = problems(Form("A", "old", items), REASONS)
    assert any("position: the file order's first half" in p for p in found)
    assert any("longer than the form's median" in p for p in found)
    assert any("mentions a document" in p for p in found)


def test_parallel_forms_look_alike_to_every_strategy():
    assert parallel_problems(CLASS["A"], CLASS["B"], REASONS) == []
    assert parallel_problems(PRACTICE_FORMS["P"], PRACTICE_FORMS["Q"], REASONS) == []


def test_the_reason_boxes_quote_no_words_of_the_texts():
    texts = [f"{t.headline} {t.text}" for name in (*FORMS, *PRACTICE) for t in load_paper(name, SEEDS).texts]
    for reason in REASONS.values():
        assert not re.search('["“”]', reason.text), reason.id
        mine = re.findall(r"[a-z']+", reason.text.lower())
        pairs = {" ".join(mine[i : i + 2]) for i in range(len(mine) - 1)}
        for text in texts:
            flat = " ".join(re.findall(r"[a-z']+", text.lower()))
            shared = {p for p in pairs if f" {p} " in f" {flat} " and set(p.split()) - STOP}
            assert not shared, (reason.id, shared, text[:60])
    for form in ALL.values():  # and no box shares a content word with the texts more on one side than the other
        assert abs(d_primes(form, REASONS)["the reason box whose words it shares"]) <= LIMIT
    assert words("Experts say thousands") == {"experts", "say", "thousands"}


def test_the_counter_cue_items_break_the_named_source_rule():
    """Named sources that are weak, unnamed ones that are solid, and a precise text with no source at all."""
    for form in ALL.values():
        reasons = Counter(r for i in form.items for r in i.reasons)
        assert reasons["stake"] and reasons["outside_field"] and reasons["confirmed"] and reasons["no_source"]
        named = next(s for s in strategies(REASONS) if s.name == "a named person says it")
        weak_named = [i.id for i in form.items if not i.solid and named.says_solid(i, form)]
        solid_unnamed = [i.id for i in form.items if i.solid and not named.says_solid(i, form)]
        assert len(weak_named) >= 2 and len(solid_unnamed) >= 2, (weak_named, solid_unnamed)


# ------------------------------------------------------------------ the order a student sees


@pytest.mark.parametrize("name", [*FORMS, *PRACTICE])
def test_every_order_a_student_can_see_alternates_and_hides_the_key_in_no_position(name):
    form = ALL[name]
    keys = {i.id: i.key for i in form.items}
    orders = all_orders(form.ids)
    assert len({tuple(o) for o in orders}) == 24
    for order in orders:
        assert sorted(order) == sorted(form.ids)
        assert longest_run([keys[i] for i in order]) <= 2
    for position in range(12):  # each position is solid in exactly half the orders
        assert sum(keys[o[position]] == "solid" for o in orders) == 12


def test_each_student_has_a_stable_order_of_their_own():
    ids = CLASS["A"].ids
    seeds = {s: order_seed(s) for s in ("alice", "bob", "chen", "dara", "eli", "fay")}
    assert seeds["alice"] == order_seed("alice") == order_seed(" alice ")  # stable, from the id
    assert "alice" not in seeds["alice"]  # the id itself is not saved
    orders = {s: tuple(shown_order(ids, seed, "A")) for s, seed in seeds.items()}
    assert len(set(orders.values())) >= 4  # students differ
    assert orders["alice"] == tuple(shown_order(ids, seeds["alice"], "A"))  # the same after a restart
    assert order_seed("") != order_seed("")  # no id: a fresh seed, which the widget saves
    seen = Counter(shown_order(ids, order_seed(f"s{n}"), "A")[0] for n in range(600))
    assert set(seen) == set(ids)  # over a class, every text comes first for someone
    turn = {
        f: [all_orders(CLASS[f].ids).index(shown_order(CLASS[f].ids, order_seed(f"s{n}"), f)) for n in range(40)]
        for f in FORMS
    }
    assert turn["A"] != turn["B"]  # a student's orders of the two forms are drawn apart
