"""The seed article loads into the model and pandas with every field."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT, SEED_ID, SEEDS

from medialit.content.article import list_articles, load_article
from medialit.content.scheme import load_scheme
from medialit.content.spans import occurs


def test_lists_the_seed_article():
    assert SEED_ID in list_articles(SEEDS)


def _body(article) -> str:
    """The article body rebuilt from its sentences."""
    return "\n\n".join(" ".join(s.text for s in para) for para in article.paragraphs().values())


def test_loader_round_trip_gives_back_the_article_text():
    article = load_article(SEED_ID, SEEDS)
    raw = (SEEDS / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    blocks = re.split(r"\n\s*\n", raw.strip())
    assert article.headline.text == blocks[0]
    assert _body(article) == "\n\n".join(blocks[2:])
    assert article.byline in blocks[1]


def test_every_sentence_covered_exactly_once():
    article = load_article(SEED_ID, SEEDS)
    assert len(article.ids) == len(set(article.ids))
    body = _body(article)
    for s in article.body:
        assert body.count(s.text) == 1, s.id
    assert sum(len(s.text) for s in article.body) <= len(body)


def test_only_scheme_labels_are_used():
    scheme = load_scheme()
    article = load_article(SEED_ID, SEEDS)
    for s in article.sentences:
        assert s.label in scheme.label_ids
        assert set(s.also) <= set(scheme.label_ids)
    # the seed article uses every label of the scheme at least once
    assert {s.label for s in article.sentences} == set(scheme.label_ids)


def test_every_span_occurs_in_its_sentence():
    article = load_article(SEED_ID, SEEDS)
    for s in article.sentences:
        spans = [
            *s.cue,
            *s.hedges,
            *s.decisive,
            *(x["span"] for x in s.loaded),
            *(c["span"] for c in s.claims),
        ]
        spans += [v for k, v in s.source.items() if k in {"span", "relayed"}]
        for span in spans:
            assert occurs(s.text, span), (s.id, span)


def test_frame_has_one_row_per_sentence_and_every_field():
    article = load_article(SEED_ID, SEEDS)
    frame = article.to_frame()
    assert list(frame["id"]) == article.ids
    assert frame.loc["h1", "paragraph"] == 0
    assert frame.loc["p8s3", "paragraph"] == 8 and frame.loc["p8s3", "sentence"] == 3
    assert list(frame["position"]) == list(range(len(frame)))
    for column in [
        "part",
        "text",
        "label",
        "also",
        "source_kind",
        "source",
        "relayed",
        "cue",
        "loaded",
        "loaded_voice",
        "hedges",
        "claims",
        "decisive",
        "rationale",
    ]:
        assert column in frame.columns
    assert frame.loc["p3s1", "source_kind"] == "second-hand"
    assert frame.loc["p3s1", "relayed"] == "people familiar with the case"
    assert "stunning political rupture" in frame.loc["p5s1", "loaded"]
    assert frame["rationale"].str.len().min() > 20


def test_headline_claim_points_at_real_sentences():
    article = load_article(SEED_ID, SEEDS)
    for sid in article.headline_claim["support"]:
        article.sentence(sid)
    assert occurs(article.headline.text, article.headline_claim["span"])


def test_import_is_light():
    code = (
        "import sys, medialit, medialit.content.article, medialit.content.annotation; "
        "heavy = {'jupyterlab', 'nbgrader', 'ipywidgets', 'pandas', 'matplotlib'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_seed_copy_is_verbatim():
    shared = ROOT.parent / "shared" / "seeds" / f"{SEED_ID}.txt"
    if shared.exists():
        assert shared.read_bytes() == (SEEDS / f"{SEED_ID}.txt").read_bytes()
