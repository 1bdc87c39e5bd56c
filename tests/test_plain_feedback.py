"""A student's first minutes: feedback in plain words, instructions that read naturally, no repeats.

- The highlighter scores in words a student understands ("You marked 2 of the 2 words that name a
  source"); precision, recall and F1 appear only in the lesson that teaches them (04).
- Its instructions read as sentences, whatever the field.
- A correct answer is one line, its *why* one click away; the deciding words are marked in the
  sentence itself, not in a copy of it; summaries leave out the "0 ..." counts.
- Lesson 06 asks for as many words per box as its check accepts, and says once, not under every
  plan, that re-reading the article is not lateral reading.
- Lesson prose uses the marks the widgets show (✓ ½ ✗ –), no emoji, and the one wording "half points".
"""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT

from medialit.widgets import PhraseHighlighter, SentenceLabeler, SourceMapper, VerificationLog
from medialit.widgets.base import MARKS, plain
from medialit.widgets.highlighter import FIELDS
from medialit.widgets.verification import LATERAL, MIN_WORDS

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
MEASURE_TERMS = ("F1", "Precision", "Recall", "precision", "recall")
EMOJI = re.compile("[\U0001f300-\U0001faff\u2705\u274c\u2b1b\u2b1c\u26a0\u2757\u2753\ufe0f]")
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def prose(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def code(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


# ---------------------------------------------------------------- the highlighter


def test_highlighter_scores_in_plain_words(article, store):
    hl = PhraseHighlighter(article, ["p7s2"], "source", store=store)  # lesson 00's try-out
    text = hl.check()
    assert "You marked none of the 2 words that name a source in the answer key." in text
    assert "You have not marked any words." in text
    hl.select("p7s2", "Foro Penal")
    assert "You marked 2 of the 2 words that name a source in the answer key. Both words you marked are in it." in (
        hl.check()
    )
    hl.select("p7s2", "rights")
    text = hl.check()
    assert "1 of the 3 words you marked is not in it." in text
    assert not any(term in text for term in MEASURE_TERMS), text


def test_highlighter_measures_only_when_asked(article, store):
    hl = PhraseHighlighter(article, ["p5s1", "p8s1"], "loaded", store=store, measures=True)
    hl.select("p5s1", "stunning political rupture")
    hl.select("p8s1", "Washington")
    text = hl.check()
    assert "You marked 3 of the 10 words of loaded or evaluative phrases in the answer key." in text
    assert "Precision 75%" in text and "Recall 30%" in text and "Overlap score (F1): 0.43." in text


def test_highlighter_with_nothing_in_the_key(article, store):
    hl = PhraseHighlighter(article, ["p4s2"], "source", store=store)  # "Others may follow.": nobody named
    hl.select("p4s2", "Others")
    assert "The answer key marks no words here. The word you marked is not in the key." in hl.check()


@pytest.mark.parametrize("field", list(FIELDS))
def test_highlighter_instructions_read_naturally(article, store, field):
    hl = PhraseHighlighter(article, ["p6s1"], field, store=store)
    instructions = plain(hl.widget.children[1].value)
    assert instructions.startswith("Click ") and instructions.endswith("Click a word again to unmark it.")
    assert "belongs to the" not in instructions and "naming a" not in instructions, instructions


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_precision_recall_and_f1_only_where_taught(path):
    """A lesson shows the measures in its highlighter feedback exactly when its prose teaches them."""
    teaches = any(term in prose(path) for term in ("Precision", "Recall", "(F1)"))
    highlighters = re.findall(r"\.highlighter\((.*?)\)\s*$", code(path), flags=re.M | re.S)
    assert all(("measures=True" in call) == teaches for call in highlighters), (path.name, highlighters)
    if path.name[:2] in {"00", "01", "02", "03"}:
        assert not teaches, f"{path.name} should speak in plain words, not precision, recall or F1"


# ---------------------------------------------------------------- choice tables


def test_correct_answers_fold_their_why(article, store):
    lab = SentenceLabeler(article, ["p6s1", "p4s2"], store=store)
    lab.set("p6s1", "named")  # correct
    lab.set("p4s2", "framing")  # wrong
    text = lab.check()
    right, wrong = lab.row_feedback["p6s1"].value, lab.row_feedback["p4s2"].value
    why = article.sentence("p6s1").rationale
    assert '<details class="medialit-why">' in right and "<summary>" in right
    assert right.index("Named-source claim") < right.index("</summary>") < right.index('class="medialit-why-text"')
    assert "Why:" not in right and "Why:" in wrong and "<details" not in wrong
    assert why in text  # the plain text (tests, logs) still has it
    # the sentence is not repeated in the feedback: its deciding words are marked where it stands
    assert article.sentence("p4s2").text not in plain(wrong)
    assert "<mark>may follow</mark>" in lab.prompts["p4s2"].value
    lab.set("p4s2", "speculation")  # a new answer: the old feedback and the marks go
    assert lab.row_feedback["p4s2"].value == "" and "<mark>" not in lab.prompts["p4s2"].value


def test_unanswered_rows_are_not_marked(article, store):
    lab = SentenceLabeler(article, ["p4s2", "p6s1"], store=store)
    lab.set("p6s1", "named")
    lab.check()
    assert "<mark>" not in lab.prompts["p4s2"].value  # marks would give the answer away
    assert "Score: 1 / 2 — 1 correct, 1 not answered." in plain(lab.feedback.value)  # no "0 ..." counts


def test_source_mapper_marks_the_sentence_once(article, store):
    sm = SourceMapper(article, ["p3s1"], store=store)
    sm.set("p3s1", "Bloomberg report", "who")
    sm.set("p3s1", "named", "kind")  # wrong: second-hand
    sm.check()
    assert "<mark>According to</mark>" in sm.prompts["p3s1"].value
    feedback = plain(sm.row_feedback["p3s1"].value)
    assert "Best answer: Second-hand" in feedback and "marks the first known freeing" not in feedback


def test_graded_tables_mark_nothing(article, store):
    lab = SentenceLabeler(article, ["p4s2"], store=store, graded=True)
    lab.set("p4s2", "framing")
    lab.check()
    assert "<mark>" not in lab.prompts["p4s2"].value and "<details" not in lab.row_feedback["p4s2"].value


# ---------------------------------------------------------------- lesson 06


def test_lesson06_word_rule_matches_its_check(article, store):
    said = re.search(r"at least (\w+) words per box", prose(ROOT / "notebooks" / "06-verify.ipynb"))
    assert said, "lesson 06 should say how many words each box needs"
    assert NUMBERS[said.group(1)] == MIN_WORDS
    log = VerificationLog(article, 1, store=store)
    words = ["Foro", "Penal", "prisoner", "count", "January"]
    log.value = [
        {"claim": "p6s1#1", **{k: " ".join(words[: MIN_WORDS - 1]) for k in ("search", "sources", "change_mind")}}
    ]
    assert len(log.problems()) == 3  # one word short in every box
    log.value = [{"claim": "p6s1#1", **{k: " ".join(words[:MIN_WORDS]) for k in ("search", "sources", "change_mind")}}]
    assert log.problems() == []


def test_lesson06_says_once_what_lateral_reading_is_not(article, store):
    log = VerificationLog(article, 3, store=store)
    plan = {
        "search": "Foro Penal count January 2026",
        "sources": "Foro Penal's own list",
        "change_mind": "a count far from 116",
    }
    log.value = [{"claim": c, **plan} for c in ("p6s1#1", "p7s2#1", "p3s1#1")]
    text = log.check()
    assert text.count(LATERAL) == 1 and text.count("One good check") == 3
    log.value = [{"claim": None, **plan}] * 3
    assert LATERAL not in log.check()  # nothing to say it about yet


# ---------------------------------------------------------------- lesson prose


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_prose_uses_the_widgets_marks_not_emoji(path):
    found = sorted(set(EMOJI.findall(prose(path))))
    assert not found, f"{path.name}: emoji {found}; the widgets show {' '.join(sorted(set(MARKS.values())))}"
    assert "half the points" not in prose(path), "the one wording is 'half points'"


def test_lesson00_lists_the_marks_the_widgets_show():
    text = prose(ROOT / "notebooks" / "00-start-here.ipynb")
    for kind, word in [("correct", "Correct"), ("alternative", "Acceptable alternative (half points)")]:
        assert f"{MARKS[kind]} **{word}" in text
    assert f"{MARKS['wrong']} **Not quite**" in text and f"{MARKS['missing']} **No answer yet**" in text
