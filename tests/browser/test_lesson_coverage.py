"""A student in lesson 06, in a real browser: compare the article with other reports, Check, revise the verdict."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from medialit.teaching.lateral import COMPARISONS, VERDICTS

from .jlab import UI_MS, LabServer, Shots, open_and_run, wait_saved

pytestmark = pytest.mark.browser

LESSON = "notebooks/06-verify.ipynb"
LABEL = {value: label for label, value in COMPARISONS}
VERDICT = {value: label for label, value in VERDICTS}
CHOSEN = {"us-citizen": "confirms", "comment": "confirms"}  # the key; a trap (the key is contradicts)


def test_lesson06_better_coverage(page: Page, lab: LabServer, notebook_copy: Callable[[str], str]) -> None:
    """Run All, answer two claims, Check: the feedback quotes the deciding words; then the verdict, before and after."""
    shot = Shots(page, "lesson06")
    nb = open_and_run(page, lab, notebook_copy(LESSON), shot)
    answers_file = nb.path.with_name("06-verify.answers.json")

    check = nb.widget("What do other reports say?")
    check.scroll_into_view_if_needed()
    expect(check).to_contain_text("didn’t immediately respond to requests for comment", timeout=UI_MS)
    link = check.locator('a[href^="https://www.boston25news.com/"]').first
    expect(link).to_have_attribute("target", "_blank")
    rows = check.locator(".widget-vbox")
    citizen = rows.filter(has_text="at least one U.S. citizen").first
    comment = rows.filter(has_text="has declined to comment publicly").first
    citizen.locator("select").select_option(label=LABEL["confirms"])
    comment.locator("select").select_option(label=LABEL["confirms"])
    wait_saved(answers_file, "coverage", {**dict.fromkeys(["count", "capture"]), **CHOSEN})
    check.get_by_role("button", name="Check", exact=True).click()
    expect(comment.locator(".medialit-fb")).to_contain_text("Not quite.", timeout=UI_MS)
    expect(comment.locator(".medialit-fb")).to_contain_text(LABEL["contradicts"])
    expect(comment.locator(".medialit-fb")).to_contain_text("not answering by press time is not declining")
    expect(comment.locator("mark", has_text="didn’t immediately respond")).to_be_visible()
    expect(citizen.locator(".medialit-fb")).to_contain_text("Correct.")
    expect(check.locator(".medialit-summary").last).to_contain_text("Score: 1 / 4")
    shot("coverage-checked", check)

    verdict = nb.widget("Your verdict on the headline's cause")
    verdict.scroll_into_view_if_needed()
    expect(verdict).to_contain_text("unilateral gesture")
    selects = verdict.locator("select")
    selects.nth(0).select_option(label=VERDICT["possible"])
    selects.nth(1).select_option(label=VERDICT["disputed"])
    wait_saved(answers_file, "verdict", {"before": "possible", "after": "disputed"})
    verdict.get_by_role("button", name="Check", exact=True).click()
    expect(verdict.locator(".medialit-summary").last).to_contain_text("Score: 2 / 2", timeout=UI_MS)
    shot("verdict-checked", verdict)
