"""Answers persist: saved on every change, restored by a new widget (a kernel restart), never lost."""

from __future__ import annotations

import json

import pytest
from conftest import SEED_ID, SEEDS

from medialit.content.article import load_article
from medialit.grading.answers import AnswerFileError, AnswerStore, read_answers
from medialit.teaching.lesson import Lesson
from medialit.widgets import PhraseHighlighter, RewriteBox, SentenceLabeler, VerificationLog


@pytest.fixture(scope="module")
def article():
    return load_article(SEED_ID, SEEDS)


def test_saved_on_every_change_and_restored(tmp_path, article):
    store = AnswerStore("lesson", tmp_path)
    lab = SentenceLabeler(article, ["h1", "p1s1"], store=store)
    lab.set("h1", "framing")
    saved = json.loads((tmp_path / "lesson.answers.json").read_text(encoding="utf-8"))
    assert saved["answers"]["labels"] == {"h1": "framing", "p1s1": None}
    hl = PhraseHighlighter(article, ["p8s1"], store=store)
    hl.select("p8s1", "restraint")
    rb = RewriteBox(article, "p8s1", store=store)
    rb.value = "Washington has not said anything."
    # a kernel restart: a fresh store and fresh widgets read the file again
    store2 = AnswerStore("lesson", tmp_path)
    assert SentenceLabeler(article, ["h1", "p1s1"], store=store2).value == {"h1": "framing", "p1s1": None}
    assert PhraseHighlighter(article, ["p8s1"], store=store2).value == {"p8s1": ["restraint"]}
    assert RewriteBox(article, "p8s1", store=store2).value == "Washington has not said anything."


def test_lesson_restores_after_restart(tmp_path):
    lesson = Lesson("01-anatomy", folder=tmp_path)
    lesson.labeler(["h1"]).set("h1", "unsourced")
    again = Lesson("01-anatomy", folder=tmp_path)
    assert again.labeler(["h1"]).value == {"h1": "unsourced"}
    assert "Welcome back" in again._repr_html_()


def test_after_a_restart_the_feedback_area_says_how_to_get_feedback_back(tmp_path, article):
    """Feedback is not saved: a restored widget says so where the feedback goes, until Check or a change."""
    store = AnswerStore("lesson", tmp_path)
    first = SentenceLabeler(article, ["h1", "p1s1"], store=store)
    assert first.feedback_text == ""  # nothing saved yet: nothing to say
    first.set("h1", "framing")
    first.check()
    again = SentenceLabeler(article, ["h1", "p1s1"], store=AnswerStore("lesson", tmp_path))
    assert again.feedback_text == "✓ Your saved answers are back. Press Check to see feedback again."
    assert 'class="medialit-fb"' not in again.feedback.value  # a note about the answers, not feedback
    again.check()
    assert "Score:" in again.feedback_text
    third = SentenceLabeler(article, ["h1", "p1s1"], store=AnswerStore("lesson", tmp_path))
    third.set("p1s1", "named")  # a change: the note about the restored answers goes
    assert third.feedback_text == ""
    graded = SentenceLabeler(article, ["h1", "p1s1"], store=AnswerStore("lesson", tmp_path), graded=True)
    assert (
        graded.feedback_text == "✓ Your saved answers are back. Press Check completeness to see what is still missing."
    )
    rb = RewriteBox(article, "p8s1", store=store)
    rb.value = "Washington has not said anything."
    assert (
        "Press Check to see feedback again"
        in RewriteBox(article, "p8s1", store=AnswerStore("lesson", tmp_path)).feedback_text
    )


def test_missing_file_starts_fresh(tmp_path, article):
    store = AnswerStore("fresh", tmp_path)
    assert store.answers == {} and store.warning is None
    assert not store.path.exists()  # nothing is written until the student answers


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe\x00garbage", b'["a list"]', b'{"medialit_answers": 1, "answers": 3}'],
    ids=["bad-json", "not-utf8", "wrong-shape", "answers-not-mapping"],
)
def test_corrupt_file_is_moved_aside_never_overwritten(tmp_path, article, content):
    path = tmp_path / "lesson.answers.json"
    path.write_bytes(content)
    store = AnswerStore("lesson", tmp_path)
    kept = list(tmp_path.glob("lesson.answers.corrupt-*.json"))
    assert len(kept) == 1 and kept[0].read_bytes() == content
    assert store.warning and kept[0].name in store.warning
    lab = SentenceLabeler(article, ["h1"], store=store)
    assert lab.feedback_text == ""
    box = lab.widget
    assert any("could not be read" in getattr(c, "value", "") for c in box.children)
    lab.set("h1", "named")  # the student goes on; the corrupt copy stays as it was
    assert kept[0].read_bytes() == content
    assert read_answers(path)["labels"] == {"h1": "named"}


def test_two_corrupt_files_get_distinct_names(tmp_path):
    for _ in range(2):
        (tmp_path / "x.answers.json").write_text("oops", encoding="utf-8")
        AnswerStore("x", tmp_path)
    assert len(list(tmp_path.glob("x.answers.corrupt-*.json"))) == 2


def test_bad_values_are_ignored_with_a_visible_note(tmp_path, article):
    store = AnswerStore("lesson", tmp_path)
    store.set("labels", {"h1": "rumour", "p9s9": "named", "p1s1": "unsourced"})
    store.set("verification", "not a list")
    lab = SentenceLabeler(article, ["h1", "p1s1"], store=store)
    assert lab.value == {"h1": None, "p1s1": "unsourced"}
    assert any("p9s9" in n for n in lab.notes) and any("'rumour'" in n for n in lab.notes)
    log = VerificationLog(article, store=store)
    assert any("could not be restored" in n for n in log.notes)
    assert all(entry["claim"] is None for entry in log.value)


def test_read_answers_reasons(tmp_path):
    with pytest.raises(AnswerFileError, match="missing"):
        read_answers(tmp_path / "none.answers.json")
    big = tmp_path / "big.answers.json"
    big.write_bytes(b" " * 6_000_000)
    with pytest.raises(AnswerFileError, match="too large"):
        read_answers(big)
