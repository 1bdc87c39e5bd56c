"""The widgets' plain-Python API: set values, press Check, read the feedback."""

from __future__ import annotations

import re

import pytest
from conftest import SEEDS

from medialit.widgets import (
    ClaimChecker,
    HeadlineSupport,
    NoteBox,
    PhraseHighlighter,
    ReliabilityJudge,
    RewriteBox,
    SentenceLabeler,
    SourceMapper,
    VerificationLog,
    VoiceChooser,
)
from medialit.widgets.base import plain, title_html


def test_labeler_feedback_correct_alternative_wrong(article, store):
    lab = SentenceLabeler(article, ["p6s1", "p3s1", "p4s2"], store=store)
    lab.set("p6s1", "named")  # gold
    lab.set("p3s1", "vague")  # accepted alternative
    lab.set("p4s2", "framing")  # wrong (gold: speculation)
    text = lab.check()
    assert "Named-source claim — Correct." in text
    assert "Anonymous or vague-source claim — Acceptable alternative" in text
    assert "Framing or interpretation — Not quite. Best answer: Speculation." in text
    assert article.sentence("p4s2").rationale in text
    assert "Score: 1.5 / 3" in text
    # the deciding words are highlighted in the sentence itself, which the feedback does not repeat
    assert "<mark>According to Bloomberg report</mark>" in lab.prompts["p3s1"].value
    assert "<mark>may follow</mark>" in lab.prompts["p4s2"].value
    assert "Others may follow" not in plain(lab.row_feedback["p4s2"].value)


def test_labeler_graded_checks_completeness_only(article, store):
    lab = SentenceLabeler(article, ["h1", "p4s2", "p6s1"], store=store, graded=True)
    lab.set("h1", "named")
    text = lab.check()
    assert "2 sentences still have no answer: p4s2, p6s1" in text
    assert "Correct" not in text and "Not quite" not in text and "rationale" not in text
    assert article.sentence("p4s2").rationale not in text
    lab.set("p4s2", "speculation")
    lab.set("p6s1", "named")
    assert "All 3 sentences answered" in lab.check()


def test_labeler_rejects_unknown_label(article, store):
    lab = SentenceLabeler(article, ["h1"], store=store)
    with pytest.raises(ValueError, match="not an option"):
        lab.set("h1", "rumour")


def test_changing_a_choice_clears_its_old_feedback(article, store):
    lab = SentenceLabeler(article, ["h1"], store=store)
    lab.set("h1", "named")
    lab.check()
    assert lab.row_feedback["h1"].value
    lab.set("h1", "unsourced")
    assert lab.row_feedback["h1"].value == ""


def test_source_mapper(article, store):
    sm = SourceMapper(article, ["p3s1", "p7s2", "p8s1"], store=store)
    sm.set("p3s1", "Bloomberg report", "who")
    sm.set("p3s1", "second-hand", "kind")
    sm.set("p7s2", "Foro Penal", "who")
    sm.set("p7s2", "anonymous", "kind")
    sm.set("p8s1", "nobody (the writer)", "who")
    sm.set("p8s1", "none", "kind")
    points, total = sm.score()
    assert (points, total) == (2.5, 3)
    text = sm.check()
    assert "people familiar with the case" in text and "second-hand" in text
    assert sm.value["p7s2"] == {"who": "Foro Penal", "kind": "anonymous"}


def test_voice_chooser_and_claims(article, store):
    vc = VoiceChooser(article, ["p5s1", "p8s1"], store=store)
    assert [r.key for r in vc.rows] == ["p5s1#1", "p5s1#2", "p8s1#1"]
    vc.set("p5s1#1", "source")
    vc.set("p5s1#2", "source")  # "stunning political rupture": the text does not decide, either voice is right
    vc.set("p8s1#1", "source")  # wrong: "restraint" is the writer's
    assert vc.score() == (2.0, 3)
    assert "No source is credited with these words" in vc.check()
    cc = ClaimChecker(article, store=store)
    cc.set("p6s1#1", "named", "source_kind")
    cc.set("p6s1#1", "disputed", "status")
    assert cc.score()[0] == 1.0
    assert "Foro Penal" in cc.check()  # the verify hint for the disputed 116 claim


def test_headline_support(article, store):
    hs = HeadlineSupport(article, ["p8s3", "p9s1"], store=store)
    hs.set("p8s3", "yes")
    hs.set("p9s1", "yes")
    text = hs.check()
    assert "Score: 1 / 2" in text
    p9s1 = article.sentence("p9s1")
    assert "Timing only" in text and p9s1.why_for("headline") in text  # written for this question
    assert p9s1.rationale not in text  # not the label's rationale


def test_highlighter_found_missed_extra(article, store):
    hl = PhraseHighlighter(article, ["p5s1", "p8s1"], "loaded", store=store)
    hl.select("p5s1", "stunning political rupture")
    hl.select("p8s1", "Washington")
    assert hl.value == {"p5s1": ["stunning political rupture"], "p8s1": ["Washington"]}
    text = hl.check()
    assert "Found (1 of 3): “stunning political rupture” (p5s1)" in text
    assert "Missed: “deliberate effort to stabilize the country” (p5s1), “restraint” (p8s1)" in text
    assert "Marked but not in the answer key: “Washington” (p8s1)" in text
    # clicking a word button is the same as select()
    hl.buttons["p8s1"][-1].value = True  # "restraint"
    assert hl.value["p8s1"] == ["Washington", "restraint"]
    assert hl.buttons["p8s1"][-1].button_style == "warning"


def test_highlighter_partial_overlap_counts_as_found(article, store):
    hl = PhraseHighlighter(article, ["p2s2"], "loaded", store=store)
    hl.select("p2s2", "shaped more by pressure")  # 4 of 7 words
    r = hl.report()
    assert ("p2s2", "shaped more by pressure than by principle") in r.found
    assert 0 < r.f1 < 1


def test_highlighter_graded_and_bad_phrase(article, store):
    hl = PhraseHighlighter(article, ["p4s2", "p7s2"], "hedges", store=store, graded=True)
    hl.select("p4s2", "may")
    text = hl.check()
    assert "You marked 1 phrase in 1 of 2 sentences" in text and "Found" not in text
    with pytest.raises(ValueError, match="does not occur"):
        hl.select("p4s2", "might")


@pytest.mark.parametrize(
    ("answers", "discernment", "credit"),
    [
        ("all-shaky", 0.0, 0.0),
        ("all-solid", 0.0, 0.0),
        ("perfect", 1.0, 1.0),
        ("inverted", -1.0, 0.0),
        ("blank", 0.0, 0.0),
    ],
)
def test_reliability_scores_discernment_not_scepticism(article, store, answers, discernment, credit):
    rj = ReliabilityJudge(article, store=store)
    gold = {k: ("shaky" if v == "weak" else "solid") for k, v in rj.gold_support.items()}
    flip = {"shaky": "solid", "solid": "shaky"}
    value = {
        "all-shaky": dict.fromkeys(gold, "shaky"),
        "all-solid": dict.fromkeys(gold, "solid"),
        "perfect": gold,
        "inverted": {k: flip[v] for k, v in gold.items()},
        "blank": {},
    }[answers]
    rj.value = value
    report = rj.report()
    assert report.discernment == pytest.approx(discernment)
    assert report.credit == pytest.approx(credit)
    text = rj.check()
    assert "Discernment" in text and "Scepticism" in text
    if answers == "all-shaky":
        assert report.scepticism == 1.0 and rj.score()[0] == 0


def test_rewrite_box_prechecks(article, store):
    rb = RewriteBox(article, "p5s1", store=store)
    assert "✗ written: not yet." in rb.check()
    rb.value = (
        "Officials in Caracas say the releases are part of a deliberate effort to stabilize the "
        "country after last week’s capture of President Nicolás Maduro."
    )
    text = rb.check()
    assert "✓ loaded words gone: yes." in text and "✓ attribution kept: yes." in text
    assert "✓ meaning kept: yes." in text
    rb.value = "The country got a lot calmer after a stunning political rupture."
    text = rb.check()
    assert "✗ loaded words gone: not yet." in text and "✗ attribution kept: not yet." in text
    assert "✗ meaning kept: not yet." in text


def test_rewrite_box_graded_shows_no_prechecks(article, store):
    rb = RewriteBox(article, "p8s1", store=store, graded=True)
    rb.value = "Washington has not commented."
    text = rb.check()
    assert "Written: 4 words" in text and "loaded" not in text


def test_verification_log(article, store):
    log = VerificationLog(article, 3, store=store)
    assert "Plan 1: choose a claim." in log.check()
    plan = {
        "search": "Foro Penal list of political prisoners released January 2026",
        "sources": "Foro Penal's own statements and Reuters coverage of the releases",
        "change_mind": "If Foro Penal's count is close to 116 I would trust the figure more",
    }
    log.value = [{"claim": "p6s1#1", **plan}, {"claim": "p7s2#1", **plan}, {"claim": "p6s1#1", **plan}]
    text = log.check()
    assert "Choose a different claim for each plan." in text
    log.value = [{"claim": "p6s1#1", **plan}, {"claim": "p7s2#1", **plan}, {"claim": "p3s1#1", **plan}]
    text = log.check()
    assert "All 3 plans are complete." in text and "One good check" in text


def test_note_box(store):
    note = NoteBox("What did you notice?", key="notice", store=store, model="Compare with this.")
    assert "Write at least 5 words" in note.check()
    note.value = "The headline says more than the body shows."
    assert "Saved: 8 words" in note.check() and "Compare with" in note.check()


def test_a_widget_title_is_an_h3_drawn_as_an_h4(article, store):
    """Under a lesson's "##" section the title is the next level (axe's heading-order), the old h4's size."""
    for widget in (SentenceLabeler(article, ["p6s1"], store=store), SourceMapper(article, ["p6s1"], store=store)):
        title = widget.widget.children[0].value
        assert re.fullmatch(r'<h3 class="medialit-title" style="font-size: 1em; margin: 1.33em 0;">[^<]+</h3>', title)
    assert title_html("Why <this>?").endswith(">Why &lt;this&gt;?</h3>")


def test_check_before_answering_reveals_no_key(article, store):
    lab = SentenceLabeler(article, ["p4s2", "p8s3"], store=store)
    text = lab.check()
    assert "No answer yet" in text
    for sid in ("p4s2", "p8s3"):
        assert article.sentence(sid).rationale not in text


def test_split_cue_matches_whole_words_only(article):
    from medialit.content.spans import span_parts

    text = article.sentence("p8s3").text
    (a, b), (c, d) = span_parts(text, "view ... as")
    assert text[a:b] == "view" and text[c:d] == "as" and text[c - 1] == " "


# ---------------------------------------------------------------------- marks without an emoji font

EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u26ff\u2705\u274c\u274e\u2b1b\u2b1c\u2b50\ufe0f]")
BADGE = re.compile(r'<span class="medialit-mark medialit-mark-(\w+)"[^>]*>([^<]*)</span>')


def _marked_outputs(article, store) -> list[str]:
    """HTML of every kind of mark the widgets and lessons show."""
    from medialit.teaching.lesson import Lesson

    out = []
    lab = SentenceLabeler(article, ["p6s1", "p3s1", "p4s2", "p8s3"], store=store)
    lab.set("p6s1", "named")  # correct
    lab.set("p3s1", "vague")  # alternative
    lab.set("p4s2", "framing")  # wrong; p8s3 missing
    lab.check()
    out += [lab.feedback.value, *(fb.value for fb in lab.row_feedback.values())]
    graded = SentenceLabeler(article, ["h1"], store=None, graded=True)
    graded.set("h1", "named")
    graded.check()
    out.append(graded.feedback.value)
    rb = RewriteBox(article, "p5s1", store=store)
    rb.value = "The country got a lot calmer after a stunning political rupture."
    rb.check()
    out.append(rb.feedback.value)
    note = NoteBox("What did you notice?", key="notice", store=store)
    note.value = "The headline says more than the body shows."
    note.check()
    out.append(note.feedback.value)
    hl = PhraseHighlighter(article, ["p8s1"], store=None, graded=True)
    hl.select("p8s1", "restraint")
    hl.check()
    out.append(hl.feedback.value)
    out.append(Lesson("marks", article, folder=store.path.parent)._repr_html_())
    return out


def test_marks_need_no_emoji_font(article, store):
    """Every mark is a styled span around a plain character (✓ ½ ✗ – !), and words stand beside it."""
    from medialit.widgets.base import MARKS, STYLE

    assert not any(EMOJI.search(m) for m in MARKS.values())
    assert ".medialit-mark-correct" in STYLE and ".medialit-mark-wrong" in STYLE
    outputs = _marked_outputs(article, store)
    seen = set()
    for markup in outputs:
        assert not EMOJI.search(markup), EMOJI.search(markup)
        for found in BADGE.finditer(markup):
            kind, char = found.groups()
            assert char == MARKS[kind]
            seen.add(kind)
            after = plain(markup[found.end() : found.end() + 300])
            assert re.match(r"\s*\S*\s*[A-Za-z]{2,}", after), f"no word beside the {kind} mark: {after[:60]!r}"
    assert seen >= {"correct", "alternative", "wrong", "missing", "done"}


def test_one_wording_for_half_points(article, store):
    lab = SentenceLabeler(article, ["p3s1"], store=store)
    lab.set("p3s1", "vague")
    text = lab.check()
    assert "Acceptable alternative (half points)." in text and "1 acceptable alternative (half points)" in text
    assert "part of the points" not in text


# ---------------------------------------------------------------------- word buttons keep punctuation


def test_word_buttons_show_punctuation(article):
    from medialit.content.article import load_article as load
    from medialit.teaching.scoring import tokens
    from medialit.widgets.highlighter import word_pieces

    hl = PhraseHighlighter(article, ["p2s2", "p8s2"], store=None)
    labels = [b.description for b in hl.buttons["p2s2"]]
    assert labels[labels.index("signal,") : labels.index("signal,") + 5] == [
        "signal,",
        "cautious,",
        "incomplete,",
        "and",
        "shaped",
    ]
    assert labels[-1] == "principle."
    assert "U.S." in [b.description for b in hl.buttons["p8s2"]]
    hl.buttons["p2s2"][labels.index("cautious,")].value = True
    hl.buttons["p2s2"][labels.index("incomplete,")].value = True
    assert hl.value["p2s2"] == ["cautious, incomplete"]  # the marks cover words; the comma between comes along
    practice = load("practice-millbrook-library-sundays", SEEDS)
    for s in [*article.sentences, *practice.sentences]:
        pieces = word_pieces(s.text)
        assert "".join(p.label for p in pieces) == "".join(s.text.split()), s.id  # every character shown once
        assert [p.word for p in pieces if p.word is not None] == list(range(len(tokens(s.text))))


@pytest.mark.parametrize(
    "text, labels",
    [
        (
            "“Quoted,” she said — and (left) U.S.-backed.",
            ["“Quoted,”", "she", "said", "—", "and", "(left)", "U.S.-", "backed."],
        ),
        ("— hi —", ["—", "hi", "—"]),
        ("...", ["..."]),
    ],
)
def test_word_pieces_edge_cases(text, labels):
    from medialit.widgets.highlighter import word_pieces

    assert [p.label for p in word_pieces(text)] == labels
