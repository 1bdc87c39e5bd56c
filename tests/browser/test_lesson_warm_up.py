"""A student opens lesson 04 in a real browser: the warm-up comes first, scores, explains and saves."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from medialit.teaching.retrieval import warm_up

from .jlab import ROOT, UI_MS, LabServer, Shots, open_and_run, squash, wait_saved

pytestmark = pytest.mark.browser

LESSON = "notebooks/04-framing.ipynb"
ARTICLE = "venezuela-prisoner-releases-2026-01-14"


def question_row(box: Locator, question: str) -> Locator:
    """The row (prompt, drop-down, feedback) of the warm-up question whose text is ``question``."""
    return box.locator(".widget-vbox").filter(has=box.page.locator("b", has_text=question)).first


def test_lesson04_warm_up(page: Page, lab: LabServer, notebook_copy: Callable[[str], str]) -> None:
    """One right, one wrong, one left blank: Check shows why, quoting the sentence, and the choices are saved."""
    right, wrong, blank = warm_up("04-framing", ARTICLE, ROOT / "seeds")
    shot = Shots(page, "warm-up")
    nb = open_and_run(page, lab, notebook_copy(LESSON), shot)
    answers_file = nb.path.with_name("04-framing.answers.json")
    box = (
        nb.panel.locator(".jp-OutputArea-output .widget-vbox")
        .filter(has=page.locator("p", has_text="Answer from memory"))
        .first
    )
    expect(box).to_be_visible(timeout=UI_MS)
    expect(nb.panel.locator(".jp-OutputArea-output .widget-vbox").first).to_contain_text("Answer from memory")
    shot("warm-up-shown", box)

    rows = {q.id: question_row(box, q.text) for q in (right, wrong, blank)}
    for q in (right, wrong, blank):  # each question offers its own options, and names its lesson
        options = [squash(o) for o in rows[q.id].locator("select option").all_text_contents()]
        assert options[1:] == [label for label, _ in q.options], q.id
        expect(rows[q.id]).to_contain_text(f"From lesson {q.idea_lesson[:2]}")
    wrong_value = next(v for _, v in wrong.options if v != wrong.gold)
    rows[right.id].locator("select").select_option(label=right.label_of(right.gold))
    rows[wrong.id].locator("select").select_option(label=wrong.label_of(wrong_value))
    wait_saved(answers_file, "warm-up", {right.id: right.gold, wrong.id: wrong_value})

    box.get_by_role("button", name="Check", exact=True).click()
    good = rows[right.id].locator(".medialit-fb")
    expect(good).to_contain_text(f"{right.label_of(right.gold)} — Correct.", timeout=UI_MS)
    expect(good.locator(".medialit-why-text")).to_be_hidden()  # right: one line, the why on a click
    good.locator(".medialit-why-toggle").click()
    expect(good.locator(".medialit-why-text")).to_have_text(squash(right.why))
    bad = rows[wrong.id].locator(".medialit-fb")
    expect(bad).to_contain_text(f"Not quite. Best answer: {wrong.label_of(wrong.gold)}.")
    expect(bad).to_contain_text(f"Why: {squash(wrong.why)}")
    expect(rows[wrong.id].locator(".medialit-sentence mark")).to_have_text(wrong.deciding)
    expect(rows[blank.id].locator(".medialit-fb")).to_contain_text("No answer yet.")
    expect(box.locator(".medialit-summary")).to_contain_text("Score: 1 / 3 — 1 correct, 1 not quite, 1 not answered.")
    shot("warm-up-checked", box, element=True)
