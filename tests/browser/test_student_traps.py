"""What tripped a student in the Lab (issue 26 §1-5), in the student's JupyterLab as `make lab` starts it.

- A completeness line follows the answers: it never says "nothing answered" under a widget that
  is complete, nor "complete" once an answer is taken back.
- No normal step adds a cell: Run All, answering with the keyboard (arrows, Enter, Space, B and
  A, which are notebook shortcuts elsewhere), Check, Save and Validate leave the cell count alone.
- Keys pressed on a drop-down stay in it: an arrow key changes the answer, not the cell.
- Validate is offered on exercises only; for an incomplete exercise it reads as a to-do list.
- The instructor notebooks are not in the student's file browser; idle kernels are culled.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from .jlab import UI_MS, LabServer, Notebook, Shots, open_and_run, row, saved_answers

pytestmark = pytest.mark.browser

PS = "ps1-sources"
EXERCISE = f"exercises/{PS}/{PS}.ipynb"
LESSON = "notebooks/01-anatomy.ipynb"
CELL_COUNT = """(path) => {
  for (const w of window.jupyterapp.shell.widgets('main')) {
    if (w.context && w.context.path === path) {
      return [w.content.widgets.length, w.content.activeCellIndex];
    }
  }
  return null;
}"""


def line(nb: Notebook, part: str) -> Locator:
    """The status line a completeness cell shows for ``part``."""
    found = nb.panel.locator(".jp-OutputArea-output .medialit-todo, .jp-OutputArea-output .medialit-summary")
    return found.filter(has_text=re.compile(rf"^\W*{re.escape(part)}:"))


def cells(nb: Notebook) -> tuple[int, int]:
    """(number of cells, index of the active cell) in JupyterLab's notebook model."""
    count, active = nb.page.evaluate(CELL_COUNT, nb.relpath)
    return count, active


def answer_sources(widget: Locator, ids: list[str]) -> None:
    """Pick the first real option of both drop-downs of each row (who, what kind)."""
    for sid in ids:
        for select in row(widget, sid).locator("select").all():
            select.select_option(index=1)


def test_completeness_line_follows_the_answers(page: Page, lab: LabServer, notebook_copy: Callable[[str], str]):
    shot = Shots(page, "student-traps-completeness")
    nb = open_and_run(page, lab, notebook_copy(EXERCISE), shot)
    expect(line(nb, "Part B")).to_have_text(re.compile("Part B: nothing answered yet"), timeout=UI_MS)
    widget = nb.widget("Who says so?")
    ids = widget.locator(".medialit-id").evaluate_all("els => els.map(e => e.textContent.slice(1, -1))")
    assert len(ids) == 10, ids
    answer_sources(widget, ids[:2])
    expect(line(nb, "Part B")).to_have_text(re.compile("Part B: 8 sentences"), timeout=UI_MS)
    widget.get_by_role("button", name="Check completeness").click()
    expect(widget.locator(".medialit-fb")).to_contain_text("8 sentences still have no answer", timeout=UI_MS)
    answer_sources(widget, ids[2:])
    # both the widget's own Check completeness feedback and the completeness cell's line follow at once
    expect(widget.locator(".medialit-fb")).to_contain_text("All 10 sentences answered", timeout=UI_MS)
    expect(line(nb, "Part B")).to_have_text(re.compile(r"Part B: complete\.$"), timeout=UI_MS)
    shot("complete", line(nb, "Part B"))
    row(widget, ids[0]).locator("select").first.select_option(index=0)  # an answer taken back
    expect(line(nb, "Part B")).to_have_text(re.compile(rf"Part B: 1 sentence still has no answer: {ids[0]}"))
    expect(widget.locator(".medialit-fb")).to_contain_text(f"1 sentence still has no answer: {ids[0]}")
    # the saved notebook carries the line as it is now, not as Run All left it
    nb.save()
    saved = nb.path.read_text(encoding="utf-8")
    assert f"1 sentence still has no answer: {ids[0]}" in saved
    assert "<b>Part B</b>: nothing answered yet" not in saved


def test_keys_stay_in_a_drop_down_and_no_step_adds_a_cell(
    page: Page, lab: LabServer, notebook_copy: Callable[[str], str]
):
    shot = Shots(page, "student-traps-keys")
    nb = open_and_run(page, lab, notebook_copy(EXERCISE), shot)
    count, _ = cells(nb)
    widget = nb.widget("Label each sentence")
    select = row(widget, "p1s1").locator("select").first
    select.focus()
    active = cells(nb)[1]
    ring = select.evaluate("s => getComputedStyle(s).outlineWidth + ' ' + getComputedStyle(s).outlineStyle")
    assert ring == "3px solid", f"the focused drop-down's ring is {ring!r}"
    shot("focus-ring", select)
    before = select.evaluate("s => s.selectedIndex")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(select).to_be_focused()
    after = select.evaluate("s => s.selectedIndex")
    assert after == before + 2, f"arrow keys moved the answer from {before} to {after}"
    assert cells(nb) == (count, active), "an arrow key on a drop-down moved to another cell"
    assert saved_answers(nb.path.with_name(f"{PS}.answers.json")).get("labels"), "the new answer is saved"
    for key in ("Enter", "b", "a", "Space", "Shift+Enter"):  # notebook shortcuts elsewhere: none adds a cell here
        select.focus()
        page.keyboard.press(key)
        page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    assert cells(nb)[0] == count, "a key pressed in a widget added a cell"
    # Check, then the Done? steps: the receipt is already there (nothing to run), save and Validate
    button = widget.get_by_role("button", name="Check completeness")
    button.focus()
    page.keyboard.press("Enter")  # Enter on a button presses it
    expect(widget.locator(".medialit-fb")).to_contain_text("still have no answer", timeout=UI_MS)
    done = nb.panel.locator(".jp-MarkdownOutput", has_text="Done?")
    expect(done).not_to_contain_text("Run the cell below")
    expect(nb.panel.locator(".medialit-summary", has_text="Submission receipt")).to_be_visible()
    nb.save()
    nb.panel.locator(".validate-button").click()
    dialog = page.locator(".jp-Dialog", has_text="Validation Results")
    expect(dialog).to_be_visible(timeout=120_000)
    shot("validate-to-do", dialog)
    dialog.locator(".jp-mod-accept").click()
    assert cells(nb)[0] == count, "a normal step added a cell"


def test_validate_only_on_exercises_and_as_a_to_do_list(
    page: Page, lab: LabServer, notebook_copy: Callable[[str], str]
):
    shot = Shots(page, "student-traps-validate")
    lesson = Notebook(page, lab, notebook_copy(LESSON)).open()
    expect(lesson.panel.locator(".jp-Toolbar .jp-ToolbarButtonComponent").first).to_be_visible()
    expect(lesson.panel.locator(".validate-button")).to_be_hidden()  # nbgrader adds it; the kit's style hides it
    shot("lesson-toolbar", lesson.panel.locator(".jp-NotebookPanel-toolbar"), element=True)
    nb = Notebook(page, lab, notebook_copy(EXERCISE)).open()  # before Run All too
    expect(nb.panel.locator(".validate-button")).to_be_visible()
    nb.run_all()
    nb.wait_run_finished()
    nb.save()
    nb.panel.locator(".validate-button").click()
    dialog = page.locator(".jp-Dialog", has_text="Validation Results")
    expect(dialog).to_be_visible(timeout=120_000)
    body = dialog.locator("#validation-message")
    expect(body).to_contain_text("Part A is not complete yet:", timeout=UI_MS)
    heading = body.evaluate("el => getComputedStyle(el, '::before').content")
    assert heading == '"Still to do before you hand in:"', heading
    shown = body.inner_text()  # what is drawn (hidden parts are not)
    assert shown.startswith("Part A is not complete yet:"), shown[:200]
    assert "The following cell failed" not in shown and "check_complete" not in shown, shown
    shot("to-do", dialog, element=True)
    # a kernel has started: the student server culls idle ones (jupyter-config/student)
    log = lab.log_tail(200_000)
    assert "Culling kernels with idle durations > 3600 seconds at 300 second intervals" in log, log[-2000:]
    assert "Culling kernels even with connected clients" in log


def test_instructor_notebooks_are_not_in_the_students_file_browser(page: Page, lab: LabServer):
    assert any(p.name.startswith("instructor-") for p in (lab.root / "notebooks").iterdir())
    status, listing = lab.api("GET", "/api/contents/notebooks")
    assert status == 200
    names = [item["name"] for item in listing["content"]]
    assert "01-anatomy.ipynb" in names and not [n for n in names if n.startswith("instructor-")], names
    page.goto(f"{lab.url}/lab/tree/notebooks?reset&token={lab.token}")
    items = page.locator(".jp-DirListing-item .jp-DirListing-itemText")
    expect(items.filter(has_text="01-anatomy.ipynb")).to_be_visible(timeout=60_000)
    expect(items.filter(has_text=re.compile("^instructor-"))).to_have_count(0)
