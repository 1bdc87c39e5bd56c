"""The accessibility audit (issue 15 §3): axe-core on lesson 01 and ps1 in JupyterLab, lesson 01 and the
index in the app, a feedback page and the class report. The kit's own markup has no serious or critical
violation and none of the rules it has fixed (axe_audit.FIXED_RULES: heading order, empty table headers);
the chrome's (JupyterLab's, Voila's) are saved in artifacts/accessibility/ and do not fail.
And with the keyboard alone: the word buttons of the highlighter, and feedback announced on Check."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .axe_audit import audit
from .jlab import UI_MS, WIDGET_TITLE, LabServer, Shots, open_and_run, row
from .test_app import choose, labeller
from .test_lesson import CHOICES, FIRST_HALF, TITLE, label_name
from .voila import AppServer, open_lesson

pytestmark = pytest.mark.browser

LABELS = {sid: label for sid, (label, _) in CHOICES.items()}


@pytest.fixture(scope="module")
def demo_course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`medialit demo` for ps1 on the smallest class it makes: feedback pages and the class report."""
    folder = tmp_path_factory.mktemp("demo")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "medialit",
            "demo",
            "--dir",
            str(folder),
            "--assignment",
            "ps1-sources",
            "--students",
            "30",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    yield folder / "course"


CLIPPED = """() => Array.from(document.querySelectorAll('.widget-dropdown select')).filter(s => {
  const box = s.getBoundingClientRect(), outer = s.parentElement.getBoundingClientRect();
  return box.height > 0 && (box.bottom > outer.bottom + 0.5 || box.top < outer.top - 0.5);
}).map(s => s.labels[0] ? s.labels[0].textContent : s.id)"""


def no_clipped_lists(page: Page) -> None:
    """Every drop-down is whole inside its box (a label the layout cannot place shifts it and cuts it off)."""
    assert page.evaluate(CLIPPED) == []


TITLE_LOOK = """(title) => {
  const h4 = document.createElement('h4');
  h4.textContent = title.textContent;
  title.parentElement.appendChild(h4);
  const look = el => ['fontSize', 'fontWeight', 'marginTop', 'marginBottom', 'lineHeight', 'color']
    .map(k => getComputedStyle(el)[k]);
  const both = [look(title), look(h4)];
  h4.remove();
  return both;
}"""


def title_looks_like_h4(page: Page) -> None:
    """A widget's title is an h3 (under the lesson's h2) drawn as the h4 it was: same size, weight, margins."""
    title = page.locator(WIDGET_TITLE).first
    expect(title).to_be_visible(timeout=UI_MS)
    mine, h4 = title.evaluate(TITLE_LOOK)
    assert mine == h4, f"the widget title's look changed: {mine} (an h4 here: {h4})"


def no_blocking(result) -> None:
    problems = result.blocking()
    assert not problems, (
        f"{result.name}: the kit's markup has serious or critical violations or breaks a fixed rule:\n"
        + "\n".join(problems)
    )


def test_lab_lesson01(page: Page, lab: LabServer, notebook_copy: Callable[[str], str]) -> None:
    nb = open_and_run(page, lab, notebook_copy("notebooks/01-anatomy.ipynb"), Shots(page, "a11y-lab-lesson01"))
    box = nb.widget(TITLE, FIRST_HALF)
    for sid, label in LABELS.items():
        row(box, sid).locator("select").select_option(label=label_name(label))
    box.get_by_role("button", name="Check", exact=True).click()
    expect(box.locator(".medialit-fb").first).to_be_visible(timeout=UI_MS)
    expect(box.locator(".medialit-live")).to_have_attribute("aria-live", "polite")  # the Ready box's script ran
    expect(row(box, "p4s1").locator("select")).to_have_accessible_name("Your choice for sentence p4s1")
    no_clipped_lists(page)
    title_looks_like_h4(page)
    no_blocking(audit(page, "lab-lesson-01"))


def test_lab_ps1(page: Page, lab: LabServer, notebook_copy: Callable[[str], str]) -> None:
    open_and_run(page, lab, notebook_copy("exercises/ps1-sources/ps1-sources.ipynb"), Shots(page, "a11y-lab-ps1"))
    no_clipped_lists(page)
    no_blocking(audit(page, "lab-ps1"))


def test_app_index_and_lesson01(page: Page, app: AppServer) -> None:
    page.goto(app.url + "/")
    no_blocking(audit(page, "app-index", kit=None))
    open_lesson(page, app, "01-anatomy.ipynb")
    choose(page, LABELS)
    labeller(page).get_by_role("button", name="Check", exact=True).click()
    expect(labeller(page).locator(".medialit-fb").first).to_be_visible(timeout=UI_MS)
    no_clipped_lists(page)
    title_looks_like_h4(page)
    no_blocking(audit(page, "app-lesson-01"))


def test_feedback_page_and_class_report(page: Page, demo_course: Path) -> None:
    feedback = sorted(demo_course.glob("feedback/*/ps1-sources/ps1-sources.html"))[0]
    page.goto(feedback.as_uri())
    no_blocking(audit(page, "feedback-page", kit=None))
    page.goto((demo_course / "reports" / "ps1-sources" / "index.html").as_uri())
    no_blocking(audit(page, "class-report", kit=None))


MOUSE_GUARD = """() => {
    window.__mouseDowns = 0;
    for (const kind of ['mousedown', 'pointerdown']) {
        document.addEventListener(kind, () => { window.__mouseDowns += 1; }, true);
    }
}"""


def focus_by_tab(page: Page, target, limit: int) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} never got the focus in {limit} presses of Tab")


def test_app_word_buttons_by_keyboard_and_feedback_announced(page: Page, app: AppServer) -> None:
    """Lesson 00's word buttons with the keyboard alone: aria-pressed follows, marked words are bold and
    underlined (not only orange), Check's feedback lands in a polite live region; axe finds nothing serious."""
    shot = Shots(page, "a11y-keyboard")
    open_lesson(page, app, "00-start-here.ipynb")
    box = (
        page.locator(".jp-OutputArea-output .widget-vbox")
        .filter(has=page.locator(WIDGET_TITLE))
        .filter(has=page.locator(".medialit-word", has_text="Penal"))
        .first
    )
    words = box.locator(".medialit-word")
    first = words.filter(has_text=re.compile(r"^Foro$")).first
    expect(first).to_have_attribute("aria-pressed", "false", timeout=UI_MS)
    live = box.locator(".medialit-live")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_have_attribute("role", "status")

    page.evaluate(MOUSE_GUARD)
    focus_by_tab(page, first, limit=300)
    page.keyboard.press("Space")
    expect(first).to_have_attribute("aria-pressed", "true", timeout=UI_MS)
    page.keyboard.press("Tab")
    second = words.filter(has_text=re.compile(r"^Penal,?$")).first
    assert second.evaluate("el => el === document.activeElement"), "Tab goes on to the next word"
    page.keyboard.press("Enter")
    expect(second).to_have_attribute("aria-pressed", "true", timeout=UI_MS)
    style = first.evaluate("el => [getComputedStyle(el).fontWeight, getComputedStyle(el).textDecorationLine]")
    assert int(style[0]) >= 600 and "underline" in style[1], style  # marked in more than colour
    shot("marked", box)
    check = box.get_by_role("button", name="Check", exact=True)
    focus_by_tab(page, check, limit=80)
    page.keyboard.press("Enter")
    expect(live).to_contain_text("Foro Penal", timeout=UI_MS)
    assert page.evaluate("window.__mouseDowns") == 0, "the mouse was used"
    shot("feedback", box)
    no_blocking(audit(page, "app-lesson-00-marked"))


def test_lab_word_buttons_by_keyboard(page: Page, lab: LabServer, notebook_copy: Callable[[str], str]) -> None:
    """In JupyterLab too: after Run All, Tab to a word button, Space marks it (aria-pressed), Enter unmarks it."""
    open_and_run(page, lab, notebook_copy("notebooks/00-start-here.ipynb"), Shots(page, "a11y-lab-keyboard"))
    word = page.locator(".jp-OutputArea-output .medialit-word").filter(has_text=re.compile(r"^Foro$")).first
    expect(word).to_have_attribute("aria-pressed", "false", timeout=UI_MS)
    page.evaluate(MOUSE_GUARD)
    page.keyboard.press("Escape")  # close whatever the Run menu left open
    focus_by_tab(page, word, limit=400)
    page.keyboard.press("Space")
    expect(word).to_have_attribute("aria-pressed", "true", timeout=UI_MS)
    page.keyboard.press("Enter")
    expect(word).to_have_attribute("aria-pressed", "false", timeout=UI_MS)
    assert page.evaluate("window.__mouseDowns") == 0, "the mouse was used"
