"""Lesson 07's numbers: Cohen's kappa on a textbook example, agreement with the key and with a class
from counts alone, where the class split, and hard cases that the key itself leaves open."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT, SEED_ID

from medialit.content.class_counts import ClassCounts
from medialit.content.hard_cases import HardCasesError, check, hard_cases_path, load_hard_cases
from medialit.content.scheme import load_scheme
from medialit.grading.answers import AnswerStore
from medialit.teaching import agreement as ag
from medialit.widgets.agreement import AgreementView, DiscussionBox, intro_html

LABELS = tuple(load_scheme().label_ids)


def test_kappa_on_a_textbook_example():
    """50 cases, yes/yes 20, yes/no 5, no/yes 10, no/no 15: observed 0.70, chance 0.5 x 0.6 + 0.5 x 0.4 = 0.50,
    kappa = (0.70 - 0.50) / (1 - 0.50) = 0.40 (the example of Wikipedia's article on Cohen's kappa)."""
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    a = ag.cohen_kappa(pairs)
    assert (a.items, a.observed, a.chance) == (50, pytest.approx(0.70), pytest.approx(0.50))
    assert a.kappa == pytest.approx(0.40)
    assert ag.cohen_kappa([("x", "x")] * 4).kappa is None  # one label only: chance is 100%
    assert ag.cohen_kappa([("a", "b"), ("b", "a")]).kappa == pytest.approx(-1.0)
    lazy = [("fact", "fact")] * 7 + [("fact", "opinion")] * 3  # always "fact": 70% agreement, kappa 0
    assert ag.cohen_kappa(lazy).observed == pytest.approx(0.7) and ag.cohen_kappa(lazy).kappa == pytest.approx(0.0)


def test_the_worked_example_the_lesson_states():
    """Lesson 07 states the worked example's numbers: they are the function's."""
    a = ag.cohen_kappa(ag.WORKED)
    assert (a.items, round(a.observed, 2), round(a.chance, 2), round(a.kappa, 2)) == (10, 0.8, 0.52, 0.58)
    assert sum(x == "sourced" for x, _ in ag.WORKED) == 6 and sum(y == "sourced" for _, y in ag.WORKED) == 6
    text = " ".join(c.source for c in nbformat.read(ROOT / "notebooks" / "07-agreement.ipynb", as_version=4).cells)
    text = " ".join(text.split())
    for said in ("8 of the 10", "52% in all", "80% − 52% = 28", "100% − 52% = 48", "28 ÷ 48 = 0.58"):
        assert said in text, said


def test_kappa_words():
    assert ag.kappa_words(0.85) == "almost perfect" and ag.kappa_words(0.61) == "substantial"
    assert ag.kappa_words(0.58) == "moderate" and ag.kappa_words(0.3) == "fair"
    assert ag.kappa_words(0.1) == "slight" and ag.kappa_words(-0.2) == "worse than chance"


def test_self_study_compares_with_the_key_and_its_alternatives(article):
    ids = ["h1", "p3s1", "p4s2", "p7s2"]
    answers = {"h1": "unsourced", "p3s1": "named", "p4s2": "framing", "p7s2": None}
    k = ag.with_key(article, answers, ids)
    assert (k.answered, k.same, k.alternative) == (3, 1, 1)  # p3s1 same; h1 an alternative; p4s2 wrong
    assert k.kappa.observed == pytest.approx(1 / 3)
    open_ids, spread = ag.key_spread(article, ids)
    assert open_ids == ["h1", "p3s1"]  # the key accepts a second label there
    assert spread.observed == pytest.approx(0.5)  # two readers of accepted labels can differ on both
    out = AgreementView(article, ids, store=None).html(answers, None)  # no class file: self-study
    assert "There is no class file" in out and "What the key itself allows" in out
    assert "On 2 of these 4 sentences the key accepts a second label" in re.sub("<[^>]+>", "", out)


def _counts(rows: dict[str, dict[str, int]], students: int = 20) -> ClassCounts:
    full = {sid: {k: row.get(k, 0) for k in LABELS} for sid, row in rows.items()}
    return ClassCounts("ps1-sources", SEED_ID, students, LABELS, full)


def test_agreement_with_the_class_from_counts_alone():
    counts = _counts({"h1": {"framing": 15, "unsourced": 5}, "p4s2": {"speculation": 20}})
    c = ag.with_class(counts, {"h1": "framing", "p4s2": "speculation"}, ["h1", "p4s2"])
    assert c.items == 2 and c.observed == pytest.approx((0.75 + 1.0) / 2)
    # chance: the student's mix (framing 1/2, speculation 1/2) against the class's (framing 0.375, ...)
    assert c.chance == pytest.approx(0.5 * 0.375 + 0.5 * 0.5)
    assert c.kappa == pytest.approx((0.875 - 0.4375) / (1 - 0.4375))
    # a class that agrees with itself perfectly: Fleiss' kappa 1
    assert ag.class_kappa(_counts({"a": {"named": 20}, "b": {"vague": 20}})).kappa == pytest.approx(1.0)


def test_where_the_class_split_most():
    counts = _counts(
        {
            "p4s2": {"speculation": 20},
            "h1": {"framing": 10, "unsourced": 10},
            "p8s2": {"framing": 8, "unsourced": 6, "named": 6},
        }
    )
    splits = ag.class_splits(counts)
    assert [x.sentence for x in splits] == ["p8s2", "h1", "p4s2"]
    assert splits[-1].pair_agreement == pytest.approx(1.0)
    assert splits[1].pair_agreement == pytest.approx(2 * 10 * 9 / (20 * 19))
    assert (splits[0].top, splits[0].top_share) == ("framing", pytest.approx(0.4))


def test_the_class_view_names_the_splits_and_no_one(article, tmp_path):
    store = AnswerStore("07-agreement", tmp_path)
    store.set("labels", {"h1": "framing", "p8s2": "named"})
    counts = _counts({"h1": {"framing": 12, "unsourced": 8}, "p8s2": {"framing": 7, "unsourced": 7, "named": 6}})
    view = AgreementView(article, ["h1", "p8s2"], store=store)
    out = re.sub(r"<[^>]+>", " ", view.html(view.answers(), counts))
    out = " ".join(out.split())
    assert "labels of 20 students in ps1-sources" in out
    assert "a classmate picked at random chose your label 45% of the time" in out  # (60% + 30%) / 2
    assert "Where the class split most" in out and out.index("[p8s2]") < out.rindex("[h1]")
    assert (
        "Unsourced statement of fact 35% · Framing or interpretation 35% · Named-source claim 30%" in out
    )  # ties: scheme order


def test_a_unanimous_sentence_is_not_a_split(article):
    """Two sentences split, two unanimous: the view lists the two splits only and says the class agreed on
    the rest; a unanimous p4s2 would have been third of the "top three"."""
    rows = {
        "h1": {"framing": 10, "unsourced": 10},
        "p8s2": {"framing": 8, "unsourced": 6, "named": 6},
        "p4s2": {"speculation": 20},
        "p7s2": {"named": 20},
    }
    counts = _counts(rows)
    assert [x.sentence for x in ag.class_splits(counts)][:3] == ["p8s2", "h1", "p4s2"]  # p4s2: no split
    assert [x.sentence for x in ag.disagreements(counts)] == ["p8s2", "h1"]
    view = AgreementView(article, ["h1", "p8s2"], store=None)
    out = " ".join(re.sub(r"<[^>]+>", " ", view.html({"h1": "framing"}, counts)).split())
    assert "Where the class split most" in out and "[p8s2]" in out and "[h1]" in out
    assert "[p4s2]" not in out and "[p7s2]" not in out
    assert "on the other 2 sentences in the class file, everyone chose the same label" in out

    unanimous = _counts({"h1": {"framing": 20}, "p4s2": {"speculation": 20}})
    assert ag.disagreements(unanimous) == []
    out = " ".join(re.sub(r"<[^>]+>", " ", view.html({"h1": "framing"}, unanimous)).split())
    assert "Where the class split most" not in out and "[h1]" not in out.split("Where the class split")[-1]
    assert "Nowhere: the class agreed on every sentence." in out


def test_hard_cases_are_open_by_the_key(article):
    cases = load_hard_cases(article)
    assert cases.article == SEED_ID and {"h1", "p8s2", "p5s1"} <= {c.sentence for c in cases.cases}
    voice = next(c for c in cases.cases if c.phrase)
    assert (voice.sentence, voice.phrase) == ("p5s1", "stunning political rupture")
    for case in cases.cases:  # the lesson says the key leaves each one open: it does
        s = article.sentence(case.sentence)
        if case.phrase:
            item = next(x for x in s.loaded if x["span"] == case.phrase)
            assert item["accept"] and item["voice"] not in item["accept"]
        else:
            assert s.also, case.sentence
        intro = intro_html(article, case, None)
        assert "also accepted" in intro or "full points to both answers" in intro
    box = DiscussionBox(article, cases.cases[0], None, key="d")
    box.text.value = "The cause decides it, because nobody is reported as saying it."
    assert "Compare with:" in box.check()


def test_the_hard_cases_checker_refuses_a_case_the_key_decides(article):
    data = {
        "schema": "medialit-hard-cases/1",
        "article": SEED_ID,
        "label": ["h1", "p7s2", "nope"],
        "cases": [
            {"sentence": "p7s2", "question": "Why is this one so hard to label?", "model": "It is not hard at all."},
            {"sentence": "p5s1", "phrase": "deliberate effort to stabilize the country", "question": "x", "model": "y"},
        ],
    }
    problems = "\n".join(check(data, article))
    assert "'nope' is not a sentence" in problems
    assert "p7s2: the key accepts only 'named', so it is not a hard case" in problems
    assert "should also be in 'label'" in problems  # p5s1 is not labelled
    assert "the key gives one voice for 'deliberate effort to stabilize the country'" in problems
    assert "question: should be a few sentences" in problems


def test_a_missing_hard_cases_file_says_where(article, tmp_path):
    from dataclasses import replace

    moved = replace(article, path=tmp_path / f"{SEED_ID}.yaml")
    with pytest.raises(HardCasesError, match=re.escape(str(hard_cases_path(moved))) + ": not found"):
        load_hard_cases(moved)


def test_check_annotations_checks_the_hard_cases(seeds_copy, capsys):
    from medialit.cli.main import main

    assert main(["check-annotations", str(seeds_copy)]) == 0
    assert "10 sentences to label, 3 hard cases" in capsys.readouterr().out
    path = seeds_copy / "hard-cases" / f"{SEED_ID}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("sentence: p8s2", "sentence: p7s2"), encoding="utf-8")
    assert main(["check-annotations", str(seeds_copy)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: cases[2]: p7s2: the key accepts only 'named'" in err
