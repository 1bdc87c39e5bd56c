"""A student's first minutes with lesson 00 in the kit's JupyterLab (as `make lab` starts it).

- Opened fresh, the lesson shows no stale output (no "VBox(children=" text, no Ready box yet), its
  code is folded away, and opening it does not mark it changed.
- A cell run on its own moves nothing. After Run All, the student is back at the top and told so.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .jlab import UI_MS, WIDGET_TITLE, LabServer, Notebook, Shots

pytestmark = pytest.mark.browser

LESSON = "notebooks/00-start-here.ipynb"
SCROLL_TOP = """(panel) => {
  let node = panel.querySelector('.jp-Cell');
  while (node && !(node.scrollHeight > node.clientHeight && /auto|scroll/.test(getComputedStyle(node).overflowY))) {
    node = node.parentElement;
  }
  return node ? node.scrollTop : null;
}"""


def test_lesson_opens_clean_and_run_all_comes_back_to_the_top(
    page: Page, lab: LabServer, notebook_copy: Callable[[str], str]
) -> None:
    """Fresh: no raw widget text, folded code, not changed. One cell: nothing moves. Run All: back at the top."""
    shot = Shots(page, "lesson00-first-minutes")
    nb = Notebook(page, lab, notebook_copy(LESSON)).open()
    page.wait_for_timeout(1000)  # time for JupyterLab to write the kernel's metadata, if it were going to
    code_cells = nb.panel.locator(".jp-CodeCell")
    expect(code_cells).to_have_count(len(nb.cell_states()))
    expect(nb.panel.get_by_text("VBox(children=")).to_have_count(0)
    expect(nb.panel.locator(".jp-OutputArea-output")).to_have_count(0)
    expect(nb.panel.locator(".medialit-summary")).to_have_count(0)  # the Ready box comes only when run
    expect(code_cells.locator(".jp-InputPlaceholder")).to_have_count(code_cells.count())  # every input folded
    expect(page.locator(".lm-TabBar-tab.jp-mod-dirty")).to_have_count(0)
    shot("opened-fresh")

    # One cell at a time, as lesson 00 says: Shift+Enter on the title, then on the (folded) setup cell.
    setup = code_cells.first
    nb.panel.locator(".jp-MarkdownCell").first.click()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    ready = nb.panel.locator(".medialit-summary", has_text="Ready.")
    expect(ready).to_be_visible(timeout=UI_MS)
    deadline = 60
    while nb.cell_states()[0] != (1, "idle") and deadline:
        page.wait_for_timeout(250)
        deadline -= 1
    assert nb.cell_states()[0] == (1, "idle")
    page.wait_for_timeout(500)
    note = nb.panel.locator(".medialit-ran-all")
    expect(note).to_be_hidden()
    expect(setup.locator(".jp-InputPlaceholder")).to_be_visible()  # still folded
    shot("one-cell-run")

    # Run All: JupyterLab ends at the last cell; the lesson brings the student back and says so.
    nb.run_all()
    nb.wait_run_finished()
    expect(note).to_be_visible(timeout=UI_MS)
    expect(note).to_have_text("Every cell has run. You are back at the top: start reading here and work down.")
    expect(ready).to_be_in_viewport()
    expect(nb.panel.locator(".jp-MarkdownCell", has_text="Key points")).not_to_be_in_viewport()
    assert nb.panel.evaluate(SCROLL_TOP) == 0
    expect(nb.panel.get_by_text("VBox(children=")).to_have_count(0)
    expect(nb.panel.locator(f".widget-vbox {WIDGET_TITLE}", has_text="Label each sentence")).to_have_count(1)
    shot("after-run-all")
