"""Answers not printed under their questions (issue 24 C), in a real browser, in Lab and in the app.

Lesson 05's "What holds the headline up?" discusses the tracing question just above it. Its text must
not be on the page before the student has answered that question and pressed Check; then a "Show the
discussion" button appears with the feedback, and the discussion appears when it is pressed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from medialit.content.article import load_article

from .jlab import UI_MS, WIDGET_TITLE, LabServer, Shots, open_and_run, row
from .voila import AppServer, open_lesson

pytestmark = pytest.mark.browser

LESSON = "notebooks/05-headline.ipynb"
TITLE = "Which sentences support the headline?"
IDS = ["p1s1", "p2s2", "p4s3", "p5s1", "p7s1", "p8s1", "p8s2", "p8s3", "p9s1"]
REVEALED = "The rule is the same for every sentence"  # the discussion's own words, nowhere else on the page
SHOW = "Show the discussion"


def tracing(scope: Locator) -> Locator:
    page = scope.page
    title = page.locator(WIDGET_TITLE, has_text=re.compile(f"^{re.escape(TITLE)}$"))
    return scope.locator(".jp-OutputArea-output .widget-vbox").filter(has=title).first


def answer_and_reveal(page: Page, scope: Locator, shot: Shots) -> None:
    """Before: no discussion and no button; answer every row with the key, Check, Show: the discussion."""
    expect(page.get_by_text("Answer the question above and press").first).to_be_visible(timeout=UI_MS)
    assert REVEALED not in page.content(), "the discussion is on the page before the question is answered"
    expect(page.get_by_role("button", name=SHOW)).to_have_count(0)
    support = set(load_article("venezuela-prisoner-releases-2026-01-14").headline_claim["support"])
    box = tracing(scope)
    box.scroll_into_view_if_needed()
    box.get_by_role("button", name="Check", exact=True).click()  # nothing answered yet: still no discussion
    expect(box.locator(".medialit-summary").last).to_be_visible(timeout=UI_MS)
    expect(page.get_by_role("button", name=SHOW)).to_have_count(0)
    for sid in IDS:
        option = "supports the claim" if sid in support else "does not support it"
        row(box, sid).locator("select").select_option(label=option)
    box.get_by_role("button", name="Check", exact=True).click()
    show = page.get_by_role("button", name=SHOW)
    expect(show).to_be_visible(timeout=UI_MS)
    assert REVEALED not in page.content(), "the button alone must not put the discussion on the page"
    shot("answered")
    show.click()
    expect(page.get_by_text(REVEALED)).to_be_visible(timeout=UI_MS)
    expect(page.locator(".medialit-reveal mark", has_text="Privately")).to_be_visible()
    expect(show).to_have_count(0)
    shot("revealed")


def test_lesson05_discussion_after_answering_in_lab(
    page: Page, lab: LabServer, notebook_copy: Callable[[str], str]
) -> None:
    shot = Shots(page, "reveal-lab")
    nb = open_and_run(page, lab, notebook_copy(LESSON), shot)
    answer_and_reveal(page, nb.panel, shot)


def test_lesson05_discussion_after_answering_in_the_app(page: Page, app: AppServer) -> None:
    shot = Shots(page, "reveal-app")
    open_lesson(page, app, "05-headline.ipynb")
    answer_and_reveal(page, page.locator("body"), shot)
