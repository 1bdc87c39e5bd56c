"""Benchmark: what a student waits for, measured in a real browser (Chromium), in Lab and in the app.

Run by hand (a few minutes; needs /usr/bin/chromium):

    .venv/bin/python benchmarks/student_browser.py [--views 50] [--skip-lab] [--shot PATH]

It copies the kit's lessons into a scratch folder, starts the student JupyterLab (as ``make lab``)
and ``medialit app --per-student`` (as a classroom server), and prints one table:

- Lab: open lesson 01 → kernel ready; Run All → first widget; Check → feedback;
- app: index → lesson visible (first widget shown, Voila's loading screen gone): lesson 00 on a server
  started ``--pause`` seconds before (first view), then lessons 01 to 05 in order, each ``--pause``
  seconds after the one before, as a student reads and goes on (warm: the app prepares the next
  lesson), then lesson 01 three times more (warm, but not the lesson the app expected); Check → feedback;
- app server: its memory (the server and every kernel it started, RSS) and its kernels after
  ``--views`` page views, each lesson left for the next as a student does, then again after the
  idle kernels had time to be culled.

Targets (issue 26): app lesson visible ≤ 1.5 s warm; Check → feedback ≤ 300 ms; memory flat after
50 views. Nothing here is asserted: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser.jlab import CHROMIUM, CHROMIUM_ARGS, STUDENT, UI_MS, LabServer, Notebook, row  # noqa: E402
from browser.test_lesson import CHOICES, FIRST_HALF, TITLE, label_name  # noqa: E402
from browser.voila import AppServer, wait_rendered  # noqa: E402

LESSON = "01-anatomy.ipynb"
VIEWED = ["00-start-here.ipynb", "01-anatomy.ipynb", "02-who-says-so.ipynb", "03-numbers.ipynb"]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def check_to_feedback(page: Page, box) -> float:
    """Choose three labels, then time Check → the first row's feedback."""
    for sid, (label, _) in CHOICES.items():
        row(box, sid).locator("select").select_option(label=label_name(label))
    page.wait_for_timeout(500)
    start = time.monotonic()
    box.get_by_role("button", name="Check", exact=True).click()
    expect(row(box, next(iter(CHOICES))).locator(".medialit-fb")).not_to_be_empty(timeout=UI_MS)
    return time.monotonic() - start


def labeller(page: Page, scope=None):
    scope = scope or page
    title = page.locator("h3.medialit-title", has_text=TITLE)
    return scope.locator(".jp-OutputArea-output .widget-vbox").filter(has=title).filter(has_text=FIRST_HALF).first


def lab_figures(page: Page, kit: Path, home: Path) -> dict[str, float]:
    lab = LabServer(kit, home, extra_env={"MEDIALIT_SEEDS": str(kit / "seeds")}, config=STUDENT).start()
    try:
        rel = lab.copy_notebook(kit / "notebooks" / LESSON)
        start = time.monotonic()
        nb = Notebook(page, lab, rel).open()
        opened = time.monotonic() - start
        start = time.monotonic()
        nb.run_all()
        expect(nb.panel.locator(".jp-OutputArea-output .widget-vbox").first).to_be_visible(timeout=90_000)
        run_all = time.monotonic() - start
        nb.wait_run_finished()
        box = nb.widget(TITLE, FIRST_HALF)
        box.scroll_into_view_if_needed()
        check = check_to_feedback(page, box)
        return {
            "Lab: open lesson 01 → kernel ready": opened,
            "Lab: Run All → first widget": run_all,
            "Lab: Check → feedback": check,
        }
    finally:
        lab.stop()


# When the lesson is drawn, as the page itself sees it (Voila's loading screen gone, a widget shown):
# Playwright's own waiting polls at growing intervals and would add up to a second.
SHOWN = """
new MutationObserver((_, observer) => {
  const widget = document.querySelector('.jp-OutputArea-output .widget-vbox');
  if (document.readyState !== 'loading' && !document.querySelector('#loading') && widget
      && widget.getBoundingClientRect().height > 0) {
    window.__medialitShown = performance.timeOrigin + performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true, attributes: true});
"""


def open_from_index(page: Page, app: AppServer, nth: int, pause: float) -> float:
    """Seconds from clicking the ``nth`` lesson on the index to the lesson drawn (after ``pause`` s of reading)."""
    time.sleep(pause)  # a student reads a while before opening the next lesson
    page.goto(app.url + "/")
    link = page.get_by_role("list", name="Lessons").get_by_role("link").nth(nth)
    start = time.time()
    link.click()
    wait_rendered(page)
    shown = page.evaluate("window.__medialitShown || 0") / 1000
    return (shown or time.time()) - start


def tree_memory(pid: int) -> tuple[float, int]:
    """(MB of RSS of the server and its children, number of kernels among them)."""
    proc = psutil.Process(pid)
    procs = [proc, *proc.children(recursive=True)]
    rss = 0
    kernels = 0
    for p in procs:
        try:
            rss += p.memory_info().rss
            kernels += "ipykernel" in " ".join(p.cmdline())
        except psutil.NoSuchProcess:
            continue
    return rss / 2**20, kernels


def app_figures(
    page: Page,
    kit: Path,
    home: Path,
    views: int,
    cull_wait: float,
    shot: Path | None,
    args: tuple[str, ...] = (),
    pause: float = 10,
) -> dict:
    env = {"MEDIALIT_SEEDS": str(kit / "seeds")}
    app = AppServer(kit / "notebooks", home, per_student=home / "students", extra_env=env, args=args).start()
    assert app.proc is not None
    try:
        base_mb, _ = tree_memory(app.proc.pid)
        walk = []  # lessons 00, 01, 02, ... in order, each opened from the index, as a student works through them
        for i in range(6):
            walk.append(open_from_index(page, app, i, pause))
            if i == 1 and shot is not None:
                shot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shot))
        again = [open_from_index(page, app, 1, pause) for _ in range(3)]  # lesson 01 again: not the one expected
        box = labeller(page)
        box.scroll_into_view_if_needed()
        check = check_to_feedback(page, box)
        timings = walk + again
        for i in range(views - len(timings)):
            page.goto(app.lesson_url(VIEWED[i % len(VIEWED)]))
            wait_rendered(page)
        page.goto(app.url + "/")  # the last lesson is left too
        time.sleep(3)
        after_mb, kernels = tree_memory(app.proc.pid)
        time.sleep(cull_wait)
        culled_mb, culled_kernels = tree_memory(app.proc.pid)
        return {
            "app: index → lesson 00 visible, first view": walk[0],
            "app: index → the next lesson visible, warm (lessons 01-05, median)": statistics.median(walk[1:]),
            "app: index → lesson 01 again, warm (median of 3)": statistics.median(again),
            "app: Check → feedback": check,
            "memory": (base_mb, views, after_mb, kernels, cull_wait, culled_mb, culled_kernels),
        }
    finally:
        app.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--views", type=int, default=50, help="app page views before measuring memory (default 50)")
    parser.add_argument(
        "--cull-wait", type=float, default=0, help="seconds to wait after the views, then measure again"
    )
    parser.add_argument("--skip-lab", action="store_true", help="measure the app only")
    parser.add_argument(
        "--app-arg", action="append", default=[], help="an option for medialit app, e.g. --app-arg=--warm-kernels=0"
    )
    parser.add_argument("--pause", type=float, default=10, help="seconds between two timed lesson views (default 10)")
    parser.add_argument("--shot", type=Path, help="save a screenshot of app lesson 01 here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="medialit-bench-") as tmp:
        kit = Path(tmp) / "kit"
        for name in ("notebooks", "exercises", "seeds"):
            shutil.copytree(ROOT / name, kit / name, ignore=shutil.ignore_patterns("*.answers*.json", ".ipynb_*"))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            # A browser context of its own for each: Lab's _xsrf cookie (cookies ignore the port) would
            # otherwise reach the app on the same host and hide what a student who only uses the app sees.
            viewport = {"width": 1366, "height": 768}
            results: dict = {}
            if not args.skip_lab:
                results.update(lab_figures(browser.new_page(viewport=viewport), kit, Path(tmp) / "lab-home"))
            page = browser.new_page(viewport=viewport)
            page.add_init_script(SHOWN)
            results.update(
                app_figures(
                    page,
                    kit,
                    Path(tmp) / "app-home",
                    args.views,
                    args.cull_wait,
                    args.shot,
                    tuple(args.app_arg),
                    args.pause,
                )
            )
            browser.close()
    memory = results.pop("memory")
    print(f"\n| measure (Chromium, 1366×768, load {psutil.getloadavg()[0]:.1f} on {psutil.cpu_count()} CPUs) | time |")
    print("|---|---|")
    for name, seconds in results.items():
        print(f"| {name} | {ms(seconds)} |")
    base_mb, views, after_mb, kernels, wait, culled_mb, culled_kernels = memory
    print(
        f"| app server memory: started → after {views} page views | {base_mb:.0f} MB → {after_mb:.0f} MB, "
        f"{kernels} kernels |"
    )
    if wait:
        print(f"| app server memory {wait:.0f} s later | {culled_mb:.0f} MB, {culled_kernels} kernels |")


if __name__ == "__main__":
    main()
