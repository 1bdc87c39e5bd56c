"""The kit teaches it right: every rule it states to students holds for its own keys and feedback.

Any rule the kit states (labels, decision order, pre-checks, "who says so") must hold for its
answer keys and model answers. These tests hold the seeds, the private keys in solutions/ and
the feedback the widgets build from them to those rules (issue 11, part A).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, SEED_ID, SEEDS, check_file

from medialit.content.article import from_file, load_article
from medialit.content.scheme import load_scheme
from medialit.teaching.analysis import sourcing_profile
from medialit.widgets import (
    ClaimChecker,
    HeadlineSupport,
    PartSorter,
    ReliabilityJudge,
    SentenceLabeler,
    SourceMapper,
    VoiceChooser,
)
from medialit.widgets.labeler import NOBODY

PRACTICE = "practice-millbrook-library-sundays"
KEYS = sorted(
    [
        *(p for p in SEEDS.glob("*.yaml") if not p.name.endswith(".coverage.yaml")),
        *(ROOT / "solutions").glob("*/*.key.yaml"),
    ]
)  # annotation keys; a coverage file (other reports of an article) is checked in test_coverage.py


@pytest.fixture(scope="module")
def article():
    return load_article(SEED_ID, SEEDS)


@pytest.fixture(scope="module")
def practice():
    return load_article(PRACTICE, SEEDS)


# --------------------------------------------------------------------------- the decision order


@pytest.mark.parametrize("path", KEYS, ids=[p.name for p in KEYS])
def test_every_key_passes_the_checker(path: Path):
    """The checker enforces the decision order, the reporting-word rule and consistent ratings."""
    assert check_file(path) == []


@pytest.mark.parametrize("path", KEYS, ids=[p.name for p in KEYS])
def test_every_primary_label_follows_the_decision_order(path: Path):
    scheme = load_scheme()
    for s in from_file(path).sentences:
        decided, reason = scheme.decided_label(s.source, s.cue, s.loaded, s.hedges)
        assert s.label == decided, f"{path.name} {s.id}: {reason}"


def test_a_headline_that_gives_a_cause_is_framing(article):
    """Lesson 05 teaches "Under US Pressure" as causal oversimplification: framing earns full points."""
    lab = SentenceLabeler(article, ["h1", "p8s3", "p9s1"])  # lesson 05, step 3
    lab.set("h1", "framing")
    assert lab.results()["h1"]["label"].status == "correct"
    assert "acceptable alternative" not in lab.check().split("[p8s3]")[0].lower()
    lab.set("h1", "unsourced")
    assert lab.results()["h1"]["label"].status == "alternative"
    transfer = from_file(ROOT / "solutions" / "ps5-transfer" / "water-prices.key.yaml")
    assert (transfer.headline.label, transfer.headline.also) == ("framing", ("unsourced",))


def test_the_checker_refuses_a_label_against_the_decision_order(seeds_copy):
    path = seeds_copy / f"{SEED_ID}.yaml"
    text = path.read_text(encoding="utf-8")
    head = "  - id: h1\n    part: headline\n    text: Venezuela Starts Freeing Prisoners Under US Pressure\n"
    head += "    label: framing\n    also: [unsourced]\n"
    assert text.count(head) == 1
    old_key = head.replace("label: framing\n    also: [unsourced]", "label: unsourced\n    also: [framing]")
    path.write_text(text.replace(head, old_key, 1), encoding="utf-8")  # the key as it was before issue 11
    [problem] = check_file(path)
    assert problem.where == "h1.label" and "decision order" in problem.message and "'framing'" in problem.message


def test_words_that_only_sound_like_a_source_are_not_one(seeds_copy):
    path = seeds_copy / f"{SEED_ID}.yaml"
    text = path.read_text(encoding="utf-8")
    old = "source: {kind: none, sounds_like: diplomats watching closely}"
    path.write_text(text.replace(old, "source: {kind: anonymous, span: diplomats watching closely}"), encoding="utf-8")
    [problem] = check_file(path)
    assert problem.where == "p2s2.cue" and "no reporting word" in problem.message


# --------------------------------------------------------------------------- p2s2: nobody is reported


def test_p2s2_has_no_source(article):
    s = article.sentence("p2s2")
    assert s.source == {"kind": "none", "sounds_like": "diplomats watching closely"} and not s.cue
    assert "vague" not in s.accepted  # lessons 02, 04 and 05: nobody is reported as saying anything


def test_source_widget_marks_nobody_right_for_p2s2(article):
    sm = SourceMapper(article, ["p2s2"])
    assert "diplomats watching closely" in [v for _, v in sm.columns[0].options]  # still offered, as the trap
    sm.set("p2s2", NOBODY, "who")
    sm.set("p2s2", "none", "kind")
    assert sm.score() == (1.0, 1)
    sm.set("p2s2", "diplomats watching closely", "who")
    sm.set("p2s2", "anonymous", "kind")
    assert sm.score() == (0.0, 1)
    assert "no reporting word" in sm.check()


def test_sourcing_chart_counts_only_reported_sources(article):
    profile = sourcing_profile(article)
    reported = [s for s in article.body if s.source["kind"] == "anonymous" and s.cue]
    assert profile.loc["Anonymous or vague", "sentences"] == len(reported) == 4
    assert "p2s2" not in {s.id for s in reported}


# --------------------------------------------------------------------------- the headline claim


def test_headline_claim_note_names_the_other_causal_statements(article):
    note = article.headline_claim["note"]
    assert "Everything else in the body is about timing" not in note
    assert "p2s2" in note and "p5s1" in note and "p9s1" in note


def test_trace_the_cause_explains_each_sentence_for_its_own_question(article):
    """Lesson 05's "Trace the cause" (and PS4's feedback): a why about the cause, never the label's rationale."""
    hs = HeadlineSupport(article)
    for row in hs.rows:
        s = article.sentence(row.key)
        assert s.why_for("headline"), f"{s.id} has no why for the headline question"
        assert s.rationale not in html.unescape(row.explanation), s.id
    p5s1 = next(r for r in hs.rows if r.key == "p5s1").explanation
    assert "different cause" in p5s1 and "stabilise" in p5s1
    p8s3 = next(r for r in hs.rows if r.key == "p8s3").explanation
    assert "whose pressure" in p8s3  # p8s3 says "sustained pressure", never US pressure


# --------------------------------------------------------------------------- claims and ratings


def test_claims_resting_on_the_same_sources_are_rated_alike(article):
    """The pair the issue found: both rest on Bloomberg relaying unnamed people."""
    lede, first = article.sentence("p1s1").claims[0], article.sentence("p3s1").claims[0]
    assert lede["rests_on"] == first["rests_on"] == ["Bloomberg report", "people familiar with the case"]
    assert lede["support"] == first["support"] == "weak"


def test_the_checker_catches_inconsistent_ratings(seeds_copy):
    path = seeds_copy / f"{SEED_ID}.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("span: at least one U.S. citizen")
    weak = text.index("support: weak", at)
    path.write_text(text[:weak] + "support: strong" + text[weak + len("support: weak") :], encoding="utf-8")
    problems = check_file(path)
    assert sorted(p.where for p in problems) == ["p1s1.claims[0].support", "p3s1.claims[0].support"]
    assert all("rated differently" in p.message for p in problems)


def test_reliability_feedback_says_why(article):
    rj = ReliabilityJudge(article)
    claims = {c["key"]: c for c in article.claims()}
    for row in rj.rows:
        c = claims[row.key]
        verdict = "Solid." if c["support"] == "strong" else "Shaky."
        assert verdict in row.explanation and "To check it:" in row.explanation, row.key
        assert c["why"] in html.unescape(row.explanation), row.key


def test_new_arrests_are_an_event(article):
    arrests = next(c for c in article.claims() if c["span"].startswith("new arrests"))
    assert arrests["type"] == "event"


# --------------------------------------------------------------------------- whose words?


def test_stunning_political_rupture_is_right_either_way(article):
    vc = VoiceChooser(article, ["p5s1"])
    for voice in ("writer", "source"):
        vc.set("p5s1#2", voice)
        assert vc.results()["p5s1#2"]["voice"].status == "correct"
    feedback = vc.check()
    assert "indirect speech" in feedback and "either answer gets full points" in feedback
    cc = ClaimChecker(article)
    for kind, status in (("none", "asserted"), ("anonymous", "attributed")):
        cc.set("p5s1#1", kind, "source_kind")
        cc.set("p5s1#1", status, "status")
        assert {r.status for r in cc.results()["p5s1#1"].values()} == {"correct"}


def test_the_trap_in_p2s2_is_explained(article):
    vc = VoiceChooser(article, ["p2s2"])
    for row in vc.rows:
        assert "diplomats watching closely" in row.explanation and "reporting word" in row.explanation
    assert "false dilemma" in vc.rows[1].explanation


# --------------------------------------------------------------------------- feedback for the question asked


def test_part_feedback_fits_each_sentence(practice, article):
    """The board's vote names no source: its why must not say "who says so"."""
    sorter = PartSorter(practice)
    vote = next(r for r in sorter.rows if r.key == "p2s1").explanation
    assert "who says so" not in vote and "names no source" in vote
    for a in (practice, article):
        assert all(s.why_for("part") for s in a.sentences), a.id


def test_lesson_01_feedback_does_not_use_the_ap_rule_before_lesson_02(article):
    """Lesson 01 labels every sentence; the AP rule is taught in lesson 02."""
    for s in article.sentences:
        assert not re.search(r"\bAP\b", s.rationale), s.id


# --------------------------------------------------------------------------- what the lessons say


def _markdown(name: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _lesson_text(name: str) -> str:
    """What a lesson says: its text cells and the text of its code cells (notes, discussions)."""
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells)


def test_lesson_05_does_not_tell_students_to_trust_the_body():
    text = _lesson_text("05-headline")
    assert "trust the body" not in text
    assert "reason to check, not a verdict" in text and "p2s2" in text
    assert "sustained pressure" in text and "whose pressure" in text  # p8s3 never says US pressure
    assert "who** captured" in text  # what the article leaves out
    assert "false dilemma" in text


def test_causal_oversimplification_is_defined_as_semeval_does():
    for text in (_markdown("05-headline"), (ROOT / "docs" / "label-scheme.md").read_text(encoding="utf-8")):
        assert "single cause or reason when there are actually" in " ".join(text.split())


def test_the_reanalysis_is_cited_right():
    """Modirrousta-Galian & Higham (2023), not "Modic et al.", wherever the kit cites it."""
    roots = ["docs", "notebooks", "solutions", "seeds", "src/medialit/data"]
    files = [p for r in roots for p in (ROOT / r).rglob("*") if p.suffix in {".md", ".ipynb", ".yaml", ".txt"}]
    files.append(ROOT / "README.md")
    for path in files:
        assert not re.search(r"\bModic\b", path.read_text(encoding="utf-8")), path
    lesson = _markdown("03-numbers")
    teachers = re.compile(r"<details>\s*<summary>\s*For teachers.*?</details>", flags=re.S)
    assert "Modirrousta-Galian and Higham (2023)" in " ".join(teachers.findall(lesson))  # in a note for teachers
    assert "Modirrousta-Galian" not in teachers.sub(" ", lesson)  # not in the text a student must read
    assert "Modirrousta-Galian & Higham (2023)" in (ROOT / "docs" / "label-scheme.md").read_text(encoding="utf-8")


# ------------------------------------------------------------- issue 24 B: the key a journalist would sign


def test_last_week_is_rated_as_the_error_it_is(article):
    """p5s1: published Wednesday 14 January, so "last week" is 5-11 January; Maduro was captured on 3 January."""
    [claim] = article.sentence("p5s1").claims
    assert "last week" in claim["span"] and claim["support"] == "weak"
    assert "3 January" in claim["why"] and "5 to 11" in claim["why"] and "wrong" in claim["why"]
    assert "3 January" in claim["differs"] and "last week" in claim["differs"]
    assert "last week" not in claim["verify"]  # the check is of the date, not of the article's word for it


def test_no_note_leans_on_last_week(article):
    """p9s1's timing must not rest on p5s1's wrong date, and the lessons' models must not repeat it."""
    [timing] = article.sentence("p9s1").claims
    for text in (timing["why"], timing["differs"]):
        assert "last week" not in text or "wrong" in text, text
    assert "3 January" in _lesson_text("03-numbers") and "wrong" in _lesson_text("03-numbers")
    rewrite = next(
        c.source
        for c in nbformat.read(ROOT / "notebooks" / "04-framing.ipynb", as_version=4).cells
        if c.cell_type == "code" and '"p5s1"' in c.source and "rewrite" in c.source
    )
    assert "last week" not in rewrite and "3 January" in rewrite


def test_declined_to_comment_is_a_weak_claim_with_no_source(article):
    """p8s2: the writer's unsourced account, which other coverage contradicts: a claim, in analysis."""
    s = article.sentence("p8s2")
    [claim] = s.claims
    assert claim["span"] == "has declined to comment publicly" and claim["support"] == "weak"
    assert claim["source_kind"] == "none" and claim["status"] == "asserted" and s.source["kind"] == "none"
    assert s.part == "analysis" and "attributed report" not in s.why_for("part").lower()
    assert "contradict" in claim["why"] and "contradicts" in s.rationale


def test_lesson_06_shows_every_sentence_with_a_claim_in_step_1(article):
    """Step 1 says it shows the sentences with checkable numbers, dates and events: all of them."""
    nb = nbformat.read(ROOT / "notebooks" / "06-verify.ipynb", as_version=4)
    step1 = next(c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("lesson.show_sentences"))
    shown = set(re.findall(r'"(p\d+s\d+)"', step1))
    assert {c["sentence"] for c in article.claims()} <= shown
    assert {"p8s2", "p4s1"} <= shown


def test_every_unsourced_checkable_statement_has_a_claim(article):
    """p4s1 is labelled unsourced because it states a checkable fact: the key names the claim."""
    assert [c["span"] for c in article.sentence("p4s1").claims] == ["has already left the country"]


def test_speculation_is_accepted_only_where_there_is_a_guess(article):
    """The decision order's third question needs a speculation cue: no cue, no speculation as an alternative."""
    cues = load_scheme().speculation_cues
    for s in article.sentences:
        if "speculation" in s.also:
            assert any(set(h.lower().split()) & cues for h in s.hedges), s.id
    assert "speculation" not in article.sentence("p4s3").also


def test_traced_claims_say_what_the_cited_report_said(article):
    """p7s2: Bloomberg's 'counted two other U.S. citizens arrested'; p6s1: AP's 'acting President'."""
    [detained] = article.sentence("p7s2").claims
    assert "counted two other U.S. citizens arrested" in detained["why"]
    assert "acting President" in article.sentence("p6s1").why_for("source")


def test_the_headline_rule_is_one_rule(article):
    """Lesson 05 traces a cause credited to someone; a missing "US" weakens support, it does not remove it."""
    support = set(article.headline_claim["support"])
    for s in article.sentences:
        why = s.why.get("headline", "")
        assert "does not mention the United States" not in why, s.id
    assert support == {"p8s3"} and "United States" not in article.sentence("p8s3").text
    text = _lesson_text("05-headline")
    assert "does not mention the United States" not in text and "The rule is the same for every sentence" in text


def test_the_warm_up_check_options_do_not_look_like_the_right_move():
    """A wrong option must not be the tracing that the why recommends (issue 24, B8)."""
    import yaml

    data = yaml.safe_load((SEEDS / "retrieval" / f"{SEED_ID}.yaml").read_text(encoding="utf-8"))
    [item] = [q for qs in data["lessons"].values() for q in qs if q["id"] == "check-harbor-p4s1"]
    assert not any("own website" in w or "list" in w for w in item["wrong"])
    assert "list" in item["why"] and "independent" in item["why"]


def test_the_ps4_rubric_calls_a_claims_own_source_tracing():
    nb = nbformat.read(ROOT / "solutions" / "ps4-headline" / "ps4-headline.ipynb", as_version=4)
    rubric = next(c.source for c in nb.cells if c.source.startswith("### Rubric for Part B"))
    assert "is tracing" in rubric and "not independent" in rubric
    assert "is lateral reading" not in rubric


# ------------------------------------------------------------- issue 24 C: answers not printed under their questions


def _html_text(box) -> str:
    """Every HTML string a widget tree puts on the page."""
    import ipywidgets as w

    out = [box.value] if isinstance(box, w.HTML) else []
    return " ".join(out + [_html_text(c) for c in getattr(box, "children", ())])


def test_a_discussion_is_off_the_page_until_its_question_is_answered_and_checked(tmp_path, monkeypatch):
    from medialit.teaching.lesson import Lesson

    monkeypatch.setenv("MEDIALIT_ANSWERS_DIR", str(tmp_path))
    lesson = Lesson("05-headline")
    hs = lesson.headline_support(["p1s1", "p8s3"])
    reveal = lesson.reveal("headline", "Only **p8s3** holds it up:", lesson.show_sentences(["p8s3"], spans="decisive"))
    assert "holds it up" not in _html_text(reveal.widget) and reveal.button.layout.display == "none"
    assert reveal.check() == ""  # Show is not on offer yet
    hs.set("p1s1", "no")
    hs.check()  # half answered: still nothing
    assert reveal.button.layout.display == "none" and not reveal.shown
    hs.set("p8s3", "no")  # answered (wrongly: the discussion is for right and wrong answers alike)
    assert reveal.button.layout.display == "none"  # answered, but not checked yet
    hs.check()
    assert reveal.button.layout.display is None and "holds it up" not in _html_text(reveal.widget)
    text = reveal.check()
    assert "Only p8s3 holds it up" in text and "<strong>p8s3</strong>" in reveal.body.value
    assert "<mark>Privately</mark>" in reveal.body.value and reveal.button.layout.display == "none"
    # after a restart the saved, complete answer counts as answered
    again = Lesson("05-headline")
    again.headline_support(["p1s1", "p8s3"])
    assert again.reveal("headline", "x").available


def test_the_lessons_keep_their_discussions_until_answered():
    """Lesson 05's tracing, lesson 06's verdict and lesson 07's hard cases: the discussion waits for the answer."""
    l05, l06 = _markdown("05-headline"), _markdown("06-verify")
    tracing = l05[l05.index("## Step 2") : l05.index("## The AP rule")]
    assert "p8s3" not in tracing and "only **one sentence**" not in tracing
    assert 'lesson.reveal("headline"' in _lesson_text("05-headline")
    assert "a shaky claim held up" not in l06 and 'lesson.reveal("verdict"' in _lesson_text("06-verify")


def test_lesson_07_shows_the_key_only_after_the_student_has_answered(article, tmp_path, monkeypatch):
    from medialit.teaching.lesson import Lesson

    monkeypatch.setenv("MEDIALIT_ANSWERS_DIR", str(tmp_path))
    lesson = Lesson("07-agreement")
    page = lesson.discussion()
    rationale = html.escape(article.sentence("p8s2").rationale)
    assert "also accepted" not in _html_text(page) and rationale not in _html_text(page)
    box, reveal = lesson._widgets["discuss-p8s2"], lesson._widgets["reveal-discuss-p8s2"]
    box.text.value = "The State Department is what the sentence is about, not who says it."
    box.check()
    reveal.check()
    assert rationale in _html_text(page) and "also accepted" in _html_text(page)
    assert "also accepted" not in _html_text(lesson._widgets["reveal-discuss-h1"].widget)  # h1 not answered yet


def test_lesson_markdown_for_a_discussion():
    from medialit.widgets.reveal import markdown_html

    out = markdown_html('Some **bold** and *it*.\n\n- one\n  more\n- two `x`\n\n1. first\n2. second "q"')
    assert out == (
        "<p>Some <strong>bold</strong> and <em>it</em>.</p><ul><li>one more</li><li>two <code>x</code></li></ul>"
        '<ol><li>first</li><li>second "q"</li></ol>'
    )
    assert markdown_html("<b>not html</b>") == "<p>&lt;b&gt;not html&lt;/b&gt;</p>"
