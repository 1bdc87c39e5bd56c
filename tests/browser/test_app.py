"""The lessons as an app (`medialit app`, Voila) in a real browser: the index, lesson 01 without code,
labels and feedback, the answers restored on reload, and two students who never see each other's answers."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from medialit.widgets.choices import BLANK

from .jlab import UI_MS, WIDGET_TITLE, Shots, row, selected_label
from .test_lesson import CHOICES, FIRST_HALF, TITLE, check_feedback, label_name
from .voila import AppServer, open_lesson, wait_rendered

pytestmark = pytest.mark.browser

LESSON = "01-anatomy.ipynb"
OTHER_CHOICES = {"p4s1": "framing", "p3s1": "named"}  # the second student's, all different from CHOICES


def labeller(page: Page, containing: str = FIRST_HALF) -> Locator:
    title = page.locator(WIDGET_TITLE, has_text=re.compile(f"^{re.escape(TITLE)}$"))
    return page.locator(".jp-OutputArea-output .widget-vbox").filter(has=title).filter(has_text=containing).first


def answers_files(app: AppServer) -> dict[str, dict]:
    """Each student's saved lesson-01 answers, by folder."""
    assert app.per_student is not None
    out = {}
    for path in sorted(app.per_student.glob(f"*/{Path(LESSON).stem}.answers.json")):
        out[path.parent.name] = json.loads(path.read_text(encoding="utf-8"))["answers"]
    return out


def wait_for(condition, what: str, page: Page, timeout_ms: int = 15_000) -> None:
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}")


def choose(page: Page, choices: dict[str, str]) -> None:
    box = labeller(page)
    for sid, label in choices.items():
        row(box, sid).locator("select").select_option(label=label_name(label))


def test_index_lists_the_lessons(page: Page, app: AppServer) -> None:
    """The front page lists lessons 00-07 with their time and objectives; a lesson opens from it, code hidden."""
    shot = Shots(page, "app-index")
    page.goto(app.url + "/")
    links = page.get_by_role("list", name="Lessons").get_by_role("link")
    expect(links).to_have_count(8)
    expect(links.first).to_have_text(re.compile(r"^00 · Start here"))
    expect(page.locator(".time").nth(1)).to_have_text("About 35 minutes")
    expect(page.locator("ul.objectives").first.locator("li").first).to_have_text("find your way around a lesson page;")
    shot("index")
    page.get_by_role("link", name=re.compile(r"^01 · Anatomy")).click()
    wait_rendered(page)
    expect(page).to_have_url(re.compile(r"/voila/render/01-anatomy\.ipynb$"))
    expect(page.locator(".cm-editor, .jp-InputArea-editor")).to_have_count(0)  # no code on the page
    expect(page.get_by_text("from medialit")).to_have_count(0)
    expect(page.get_by_text("Run All Cells")).to_have_count(0)


def test_lesson01_in_the_app(browser: Browser, app: AppServer) -> None:
    """Label three sentences and Check; reload: restored from the answers file; a second student starts blank."""
    first = browser.new_context(viewport={"width": 1400, "height": 1000})
    second = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        earlier = set(answers_files(app))  # other tests' students on the shared server
        page = first.new_page()
        shot = Shots(page, "app-lesson01")
        open_lesson(page, app, LESSON)
        box = labeller(page)
        box.scroll_into_view_if_needed()
        choose(page, {sid: label for sid, (label, _) in CHOICES.items()})
        expected = {sid: label for sid, (label, _) in CHOICES.items()}
        wait_for(
            lambda: (
                set(answers_files(app)) - earlier
                and all(
                    a.get("labels", {}).get(s) == v
                    for folder, a in answers_files(app).items()
                    if folder not in earlier
                    for s, v in expected.items()
                )
            ),
            "the first student's labels in an answers file",
            page,
        )
        box.get_by_role("button", name="Check", exact=True).click()
        for sid, (label, outcome) in CHOICES.items():
            check_feedback(box, sid, label, outcome)
        row(box, "p3s1").scroll_into_view_if_needed()
        shot("feedback")  # copied by hand to docs/images/app-lesson-01.png for the README
        viewport = page.viewport_size
        page.set_viewport_size({"width": 1200, "height": 1000})
        page.get_by_role("heading", name=re.compile(r"^01 · Anatomy")).scroll_into_view_if_needed()
        shot("lesson-top")
        if viewport:
            page.set_viewport_size(viewport)
        (mine,) = set(answers_files(app)) - earlier  # the first student: one new folder

        other = second.new_page()
        open_lesson(other, app, LESSON)
        other_box = labeller(other)
        for sid in CHOICES:
            assert selected_label(row(other_box, sid).locator("select")) == BLANK, "another student's answer leaked"
        choose(other, OTHER_CHOICES)
        wait_for(lambda: len(set(answers_files(app)) - earlier) == 2, "a second student's answers file", other)
        (theirs,) = set(answers_files(app)) - earlier - {mine}
        wait_for(
            lambda: all(answers_files(app)[theirs].get("labels", {}).get(s) == v for s, v in OTHER_CHOICES.items()),
            "the second student's labels",
            other,
        )
        assert all(answers_files(app)[mine]["labels"][s] == v for s, v in expected.items())  # untouched

        page.reload()
        wait_rendered(page)
        box = labeller(page)
        expect(page.get_by_text("Welcome back")).to_be_attached(timeout=UI_MS)
        for sid, label in expected.items():
            select = row(box, sid).locator("select")
            expect(select).to_have_value(label_name(label), timeout=UI_MS)
        expect(box.locator(".medialit-fb")).to_have_count(0)  # a new page: no feedback until Check
        box.scroll_into_view_if_needed()
        shot("restored-after-reload")
        other.reload()
        wait_rendered(other)
        for sid, label in OTHER_CHOICES.items():
            expect(row(labeller(other), sid).locator("select")).to_have_value(label_name(label), timeout=UI_MS)
        assert selected_label(row(labeller(other), "p4s2").locator("select")) == BLANK
    finally:
        first.close()
        second.close()


# What only a notebook in JupyterLab has: the app's pages must not mention it.
LAB_WORDS = re.compile(r"notebook|arrow keys move between cells", re.I)


@pytest.mark.parametrize("lesson", ["00-start-here.ipynb", "06-verify.ipynb", "07-agreement.ipynb"])
def test_app_pages_speak_of_lessons_and_link_back_to_the_index(page: Page, app: AppServer, lesson: str) -> None:
    """No "notebook" and no cells on an app page; "All lessons" (top and end) goes back to the index."""
    open_lesson(page, app, lesson)
    text = page.locator("body").inner_text()
    found = sorted({m.group(0).lower() for m in LAB_WORDS.finditer(text)})
    assert not found, f"{lesson} in the app says {found}: give the paragraph an app version (metadata.medialit.app)"
    back = page.get_by_role("link", name="← All lessons")
    expect(back).to_have_count(2)
    back.first.click()
    expect(page.get_by_role("list", name="Lessons").get_by_role("link")).to_have_count(8)


@pytest.fixture
def culling_app(chromium: Path, kit_copy: Path, tmp_path: Path):
    """A server of its own that culls a closed page's kernel after 15 s, with one kernel kept waiting.

    Not shorter: a page's kernel is idle and not yet connected between running the lesson and the
    browser's first connection, a few seconds on a busy machine.
    """
    server = AppServer(
        kit_copy / "notebooks",
        tmp_path,
        per_student=tmp_path / "students",
        extra_env={"MEDIALIT_SEEDS": str(kit_copy / "seeds")},
        args=("--cull-idle=15", "--warm-kernels=1", "--prepare=0"),  # no page prepared ahead: counted alone
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_kernels_are_shut_down_when_a_page_is_left_and_culled_when_forgotten(
    browser: Browser, culling_app: AppServer
) -> None:
    """Six page views leave one kernel per open page (and the one kept waiting); a page nobody opened is culled."""
    app = culling_app
    context = browser.new_context()
    try:
        page = context.new_page()
        for lesson in ["00-start-here.ipynb", LESSON, "02-who-says-so.ipynb"] * 2:
            open_lesson(page, app, lesson)
        # The page open now has its kernel; the five left were shut down (the page asks as it goes).
        wait_for(lambda: app.kernels() <= 2, "the kernels of the pages left to be shut down", page, 30_000)
        assert "_xsrf" not in app.log_tail(100_000), app.log_tail()
    finally:
        context.close()
    # A page fetched without a browser never connects and never says goodbye: culled after 15 s.
    with urllib.request.urlopen(app.lesson_url(LESSON), timeout=120) as response:
        assert response.status == 200
    deadline = time.monotonic() + 120
    while app.kernels() > 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert app.kernels() <= 1, f"{app.kernels()} kernels left: only the one kept waiting should be\n{app.log_tail()}"
    assert "seconds of inactivity" in app.log_tail(100_000)  # jupyter_server's culler did it


def test_the_next_lesson_is_prepared_and_never_stale(browser: Browser, app: AppServer) -> None:
    """After lesson 00 the app prepares lesson 01 for that student: it opens from the index, answers and
    Check work; answers saved after it was prepared (another tab) make the app run it again, never show old ones."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    assert app.per_student is not None
    log = app.log_path
    start = len(log.read_text(encoding="utf-8", errors="replace"))

    def said(text: str) -> int:
        return log.read_text(encoding="utf-8", errors="replace")[start:].count(text)

    try:
        page = context.new_page()
        earlier = {p.name for p in app.per_student.iterdir()} if app.per_student.exists() else set()
        open_lesson(page, app, "00-start-here.ipynb")
        (mine,) = {p.name for p in app.per_student.iterdir()} - earlier
        wait_for(lambda: said("preparing 01-anatomy.ipynb") == 1, "lesson 01 prepared", page, 90_000)
        page.goto(app.url + "/")
        page.get_by_role("link", name=re.compile(r"^01 · Anatomy")).click()
        wait_rendered(page)
        assert said("01-anatomy.ipynb was prepared ahead") == 1, app.log_tail()
        choose(page, {sid: label for sid, (label, _) in CHOICES.items()})
        box = labeller(page)
        box.get_by_role("button", name="Check", exact=True).click()
        for sid, (label, outcome) in CHOICES.items():
            check_feedback(box, sid, label, outcome)

        # Lesson 00 again: lesson 01 is prepared once more; then another tab saves other answers in it.
        open_lesson(page, app, "00-start-here.ipynb")
        wait_for(lambda: said("preparing 01-anatomy.ipynb") == 2, "lesson 01 prepared again", page, 90_000)
        saved = app.per_student / mine / f"{Path(LESSON).stem}.answers.json"
        wait_for(saved.exists, "lesson 01's answers file", page)
        doc = json.loads(saved.read_text(encoding="utf-8"))
        doc["answers"]["labels"] = dict(OTHER_CHOICES)
        time.sleep(0.05)  # a later modification time than the one the prepared page saw
        saved.write_text(json.dumps(doc), encoding="utf-8")
        page.goto(app.url + "/")
        page.get_by_role("link", name=re.compile(r"^01 · Anatomy")).click()
        wait_rendered(page)
        assert said("01-anatomy.ipynb changed since it was prepared") == 1, app.log_tail()
        box = labeller(page)
        for sid, label in OTHER_CHOICES.items():
            expect(row(box, sid).locator("select")).to_have_value(label_name(label), timeout=UI_MS)
        assert selected_label(row(box, "p4s2").locator("select")) == BLANK
        assert "_xsrf" not in app.log_tail(100_000)  # a prepared page's kernel is shut down when it is left
    finally:
        context.close()
