"""The scoring module shared by lessons and graded exercises."""

from __future__ import annotations

import pytest
from conftest import SEED_ID, SEEDS

from medialit.content.article import load_article
from medialit.teaching.scoring import score_choice, score_reliability, score_spans


def test_score_choice():
    assert score_choice("a", "a", ["b"]).credit == 1.0
    assert score_choice("b", "a", ["b"]).credit == 0.5
    assert score_choice("c", "a", ["b"]).status == "wrong"
    assert score_choice(None, "a").status == "missing"


def test_gold_labels_get_full_marks_and_accepted_alternatives_half():
    article = load_article(SEED_ID, SEEDS)
    credit = lambda answers: sum(  # noqa: E731
        score_choice(answers[s.id], s.label, s.also).credit for s in article.sentences
    )
    assert credit({s.id: s.label for s in article.sentences}) == len(article.sentences)
    alt = {s.id: (s.also[0] if s.also else "none") for s in article.sentences}
    expected = 0.5 * sum(bool(s.also) for s in article.sentences)
    assert credit(alt) == pytest.approx(expected)


def test_score_spans_token_overlap():
    texts = {"s": "Washington has responded with great restraint today."}
    report = score_spans(texts, {"s": ["great restraint"]}, {"s": ["restraint today"]})
    assert report.true_pos == 1 and report.chosen == 2 and report.gold == 2
    assert report.f1 == pytest.approx(0.5)
    assert report.found == [("s", "great restraint")]
    assert report.extra == []
    none = score_spans(texts, {"s": []}, {"s": []})
    assert none.f1 == 1.0  # nothing to find and nothing marked


def test_reliability_blank_is_zero():
    r = score_reliability({"a": "weak", "b": "strong"}, {})
    assert r.discernment == 0 and r.credit == 0 and r.answered == 0
