"""A student in lesson 01, in a real browser: label sentences, Check, restart, and with the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
import yaml
from playwright.sync_api import Locator, Page, expect

from medialit.content.scheme import load_scheme
from medialit.widgets.choices import BLANK

from .jlab import ROOT, UI_MS, LabServer, Shots, open_and_run, row, saved_answers, selected_label, squash, wait_saved

pytestmark = pytest.mark.browser

LESSON = "notebooks/01-anatomy.ipynb"
SEED = ROOT / "seeds" / "venezuela-prisoner-releases-2026-01-14.yaml"
TITLE = "Label each sentence"
FIRST_HALF = "Others may follow."  # p4s2: only in the first half of the seed article's labeler
SECOND_HALF = "Human-rights groups dispute that number."  # p6s2: only in the second half

# sentence -> (label chosen, expected outcome); the gold comes from the seed's annotation file
CHOICES = {"p4s1": ("unsourced", "correct"), "p3s1": ("vague", "alternative"), "p4s2": ("framing", "wrong")}


@cache
def gold() -> dict[str, dict[str, Any]]:
    """The seed article's sentences by id, as annotated in seeds/*.yaml."""
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    return {s["id"]: s for s in data["sentences"]}


def label_name(label_id: str) -> str:
    return load_scheme().label_names()[label_id]


def check_feedback(labeler: Locator, sid: str, chosen: str, outcome: str) -> None:
    """The row's feedback names the outcome, the best answer when wrong, and the annotation's rationale.

    A correct answer is one line whose rationale opens with a click on *why*; otherwise the rationale
    shows at once. The sentence is not repeated: its deciding words are marked where it stands.
    """
    s = gold()[sid]
    feedback = row(labeler, sid).locator(".medialit-fb")
    expect(feedback).to_contain_text(label_name(chosen), timeout=UI_MS)
    if outcome == "correct":
        assert chosen == s["label"]
        expect(feedback).to_contain_text("Correct.")
        why = feedback.locator(".medialit-why-text")
        expect(why).to_be_hidden()
        feedback.locator(".medialit-why-toggle").click()
        expect(why).to_be_visible()
        expect(why).to_have_text(squash(s["rationale"]))
    elif outcome == "alternative":
        assert chosen in s["also"]
        expect(feedback).to_contain_text("Acceptable alternative")
        expect(feedback).to_contain_text(f"Best answer: {label_name(s['label'])}.")
    else:
        assert chosen != s["label"] and chosen not in s["also"]
        expect(feedback).to_contain_text(f"Not quite. Best answer: {label_name(s['label'])}.")
    if outcome != "correct":
        expect(feedback.locator("details")).to_have_count(0)
        expect(feedback).to_contain_text(f"Why: {squash(s['rationale'])}")
    expect(feedback).not_to_contain_text(squash(s["text"]))
    marked = row(labeler, sid).locator(".medialit-sentence mark")
    expect(marked).to_have_text([squash(d) for d in s["decisive"]])


def test_lesson01_labels_feedback_and_restart(page: Page, lab: LabServer, notebook_copy: Callable[[str], str]) -> None:
    """Choose a correct, an acceptable and a wrong label; Check; restart and run all; the choices come back."""
    shot = Shots(page, "lesson01")
    nb = open_and_run(page, lab, notebook_copy(LESSON), shot)
    answers_file = nb.path.with_name("01-anatomy.answers.json")
    labeler = nb.widget(TITLE, FIRST_HALF)
    expect(labeler).to_be_visible(timeout=UI_MS)
    labeler.scroll_into_view_if_needed()
    shot("labeler-shown")

    assert selected_label(row(labeler, "p3s1").locator("select")) == BLANK  # the placeholder, not an empty box
    for sid, (label, _) in CHOICES.items():
        row(labeler, sid).locator("select").select_option(label=label_name(label))
    wait_saved(answers_file, "labels", {sid: label for sid, (label, _) in CHOICES.items()})
    shot("labels-chosen")

    labeler.get_by_role("button", name="Check", exact=True).click()
    for sid, (label, outcome) in CHOICES.items():
        check_feedback(labeler, sid, label, outcome)
    total = len(labeler.locator("select").all())
    points = sum({"correct": 1.0, "alternative": 0.5, "wrong": 0.0}[o] for _, o in CHOICES.values())
    expect(labeler.locator(".medialit-summary")).to_contain_text(
        f"Score: {points:g} / {total} — 1 correct, 1 acceptable alternative (half points), 1 not quite, "
        f"{total - len(CHOICES)} not answered."
    )
    row(labeler, "p3s1").scroll_into_view_if_needed()
    shot("feedback-page")
    viewport = page.viewport_size
    page.set_viewport_size({"width": 1200, "height": 2000})  # the whole widget on screen at once
    shot("feedback-widget", labeler, element=True)  # copied by hand to docs/images/lesson-01.png for the README
    if viewport:
        page.set_viewport_size(viewport)

    nb.restart_and_run_all()
    expect(nb.panel.get_by_text("Welcome back: 1 saved answer set restored")).to_be_attached(timeout=60_000)
    nb.wait_run_finished()
    labeler = nb.widget(TITLE, FIRST_HALF)
    expect(labeler).to_be_visible(timeout=UI_MS)
    expect(labeler.locator(".medialit-fb")).to_have_count(0)  # a new widget: no feedback until Check
    for sid, (label, _) in CHOICES.items():
        select = row(labeler, sid).locator("select")
        expect(select).to_have_value(label_name(label), timeout=UI_MS)
        assert selected_label(select) == label_name(label)
    assert selected_label(row(labeler, "h1").locator("select")) == BLANK  # untouched rows stay unanswered
    labeler.scroll_into_view_if_needed()
    shot("restored-after-restart")
    assert saved_answers(answers_file)["labels"] == {
        sid: CHOICES[sid][0] if sid in CHOICES else None for sid in saved_answers(answers_file)["labels"]
    }


MOUSE_GUARD = """() => {
    window.__mouseDowns = 0;
    for (const kind of ['mousedown', 'pointerdown']) {
        document.addEventListener(kind, () => { window.__mouseDowns += 1; }, true);
    }
}"""


def focus_by_tab(page: Page, target: Locator, limit: int, backwards: bool = False) -> int:
    """Press Tab (or Shift+Tab) until ``target`` has the keyboard focus; return how many presses it took."""
    key = "Shift+Tab" if backwards else "Tab"
    for n in range(1, limit + 1):
        page.keyboard.press(key)
        if target.evaluate("el => el === document.activeElement"):
            return n
    raise AssertionError(f"{target} never got the focus in {limit} presses of {key}")


def test_lesson01_keyboard_only(page: Page, lab: LabServer, notebook_copy: Callable[[str], str]) -> None:
    """After Run All, label one sentence and press Check with the keyboard alone (no mouse clicks)."""
    shot = Shots(page, "keyboard")
    nb = open_and_run(page, lab, notebook_copy(LESSON), shot)
    answers_file = nb.path.with_name("01-anatomy.answers.json")
    labeler = nb.widget(TITLE, SECOND_HALF)
    expect(labeler).to_be_visible(timeout=UI_MS)
    sid, label = "p6s2", gold()["p6s2"]["label"]
    select = row(labeler, sid).locator("select")
    options = [squash(o) for o in select.locator("option").all_text_contents()]
    steps = options.index(label_name(label))  # options[0] is "— choose —"

    page.evaluate(MOUSE_GUARD)
    page.keyboard.press("Escape")  # close whatever the Run menu left open; focus stays in the page
    focus_by_tab(page, select, limit=400)
    shot("select-focused")
    # One keyboard way to answer: open the list with Space, move with the arrows, pick with Enter.
    # (Arrow keys on the closed drop-down change the answer too and stay in the widget: test_student_traps.)
    page.keyboard.press("Space")
    page.keyboard.press("Home")
    for _ in range(steps):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(select).to_have_value(label_name(label), timeout=UI_MS)
    wait_saved(answers_file, "labels-2", {sid: label})
    shot("label-chosen")

    check = labeler.get_by_role("button", name="Check", exact=True)
    focus_by_tab(page, check, limit=40)
    page.keyboard.press("Enter")
    feedback = row(labeler, sid).locator(".medialit-fb")
    expect(feedback).to_contain_text(f"{label_name(label)} — Correct.", timeout=UI_MS)
    why = feedback.locator(".medialit-why-text")
    expect(why).to_be_hidden()  # a correct answer: one line, its why one key press away
    focus_by_tab(page, feedback.locator("summary"), limit=40, backwards=True)
    page.keyboard.press("Enter")
    expect(why).to_be_visible()
    expect(why).to_have_text(squash(gold()[sid]["rationale"]))
    shot("feedback")
    assert saved_answers(answers_file)["labels-2"][sid] == label
    assert page.evaluate("window.__mouseDowns") == 0, "the mouse was used after Run All"
