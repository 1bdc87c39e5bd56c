"""Lesson pages prepared ahead: the lesson a student will likely open next, already run in its kernel.

A lesson page cannot be drawn before its kernel has started and run the lesson's cells (2-4 s on a
busy 2-CPU server). ``PreparedPages`` runs, for one student, the lesson they will likely open next
in a kernel of its own, with the page's own app text and answers folder; when the student opens
that lesson, the page is sent at once, as Voila's preheated kernels do (``get_rendered_notebook``).

- Which lesson: after a lesson page, the next lesson; on the index, the lesson after the one the
  student opened last (the first lesson if none).
- Bounded: one prepared page per student, ``limit`` in all (the oldest is dropped for a new one),
  and a prepared page nobody opens is shut down after ``keep`` seconds (checked by the culler).
- Never stale: a page is used only if the lesson and its answers files are as they were when it
  was prepared; otherwise it is dropped and the lesson runs as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medialit.app.lessons import LESSON_GLOB
from medialit.app.notebook import for_app

Stamp = tuple[tuple[str, int, int], ...]


def stamp(root: Path, notebook: str, folder: str | None) -> Stamp:
    """What a prepared page depends on: the lesson and its answers files (name, size, mtime)."""
    stem = Path(notebook).stem
    paths = [root / notebook, *sorted(Path(folder or root / Path(notebook).parent).glob(f"{stem}*.answers*.json"))]
    out = []
    for path in paths:
        with contextlib.suppress(OSError):
            info = path.stat()
            out.append((path.name, info.st_size, info.st_mtime_ns))
    return tuple(out)


@dataclass
class Page:
    """One prepared page: its lesson, the student's answers folder, and the render under way."""

    student: str
    notebook: str
    folder: str | None
    stamp: Stamp
    made: float = field(default_factory=time.monotonic)
    kernel_id: str | None = None
    renderer: Any = None
    render: asyncio.Future | None = None
    starting: asyncio.Future | None = None
    waiting: bool = True  # still waiting for its delay: nothing started yet
    dropped: bool = False


class PreparedPages:
    """The app's prepared lesson pages (see the module docstring)."""

    def __init__(self, app: Any, limit: int, keep: float = 3600):
        self.app = app  # the MedialitVoila: its kernel manager, settings and configuration
        self.limit = max(limit, 0)
        self.keep = keep
        self.pages: dict[str, Page] = {}  # by student
        self.last: dict[str, str] = {}  # the lesson each student opened last
        self.used = 0

    @property
    def root(self) -> Path:
        return Path(self.app.root_dir)

    def lessons(self) -> list[str]:
        return sorted(p.name for p in self.root.glob(LESSON_GLOB))

    def next_lesson(self, notebook: str | None) -> str | None:
        lessons = self.lessons()
        if notebook is None:
            return lessons[0] if lessons else None
        if notebook not in lessons:
            return None
        at = lessons.index(notebook) + 1
        return lessons[at] if at < len(lessons) else None

    # ------------------------------------------------------------------ when pages are prepared

    def viewed(self, student: str, notebook: str, folder: str | None, delay: float = 5) -> None:
        """A student opened ``notebook``: prepare the next lesson for them (after ``delay`` seconds)."""
        self.last[student] = notebook
        upcoming = self.next_lesson(notebook)
        if upcoming is not None:
            self.prepare(student, upcoming, folder, delay)

    def on_index(self, student: str, folder: str | None) -> None:
        """A student is on the index: prepare the lesson after the one they opened last."""
        upcoming = self.next_lesson(self.last.get(student))
        if upcoming is not None:
            self.prepare(student, upcoming, folder, 0)

    def prepare(self, student: str, notebook: str, folder: str | None, delay: float = 0) -> None:
        if self.limit == 0:
            return
        page = self.pages.get(student)
        if page is not None and page.notebook == notebook and page.folder == folder and not self._gone(page):
            return
        if page is not None:
            self.drop(page)
        while len(self.pages) >= self.limit:
            self.drop(min(self.pages.values(), key=lambda p: p.made))
        page = Page(student, notebook, folder, stamp(self.root, notebook, folder))
        self.pages[student] = page
        page.starting = asyncio.ensure_future(self._start(page, delay))
        page.starting.add_done_callback(lambda task: self._failed(page, task))

    def _failed(self, page: Page, task: asyncio.Future) -> None:
        if not task.cancelled() and task.exception() is not None:
            self.app.log.warning("medialit: %s could not be prepared: %s", page.notebook, task.exception())
            self.drop(page)

    async def _start(self, page: Page, delay: float) -> None:
        await asyncio.sleep(delay)  # let the page the student opened run first
        if page.dropped:
            return
        page.waiting = False
        page.stamp = stamp(self.root, page.notebook, page.folder)
        renderer = self._renderer(page)
        await renderer.initialize()
        manager = self.app.kernel_manager
        page.kernel_id = await manager.start_kernel(
            kernel_name=renderer.notebook.metadata.kernelspec.name,
            path=os.path.dirname(page.notebook),
            env=self._env(),
        )
        if page.dropped:
            return  # _shut shuts the kernel down
        page.renderer = renderer
        page.render = asyncio.ensure_future(
            renderer.generate_content_hybrid(page.kernel_id, manager.get_kernel(page.kernel_id))
        )
        self.app.log.info("medialit: preparing %s for the next page view (kernel %s)", page.notebook, page.kernel_id)

    def _renderer(self, page: Page) -> Any:
        """Voila's renderer for the lesson, with the app's text and the student's answers folder."""
        from voila.notebook_renderer import NotebookRenderer
        from voila.utils import get_page_config

        app = self.app
        settings = app.app.settings
        config = {"base_url": app.base_url, "settings": settings, "log": app.log}
        renderer = NotebookRenderer(
            voila_configuration=app.voila_configuration,
            traitlet_config=app.config,
            notebook_path=page.notebook,
            template_paths=app.template_paths,
            config_manager=app.config_manager,
            contents_manager=app.contents_manager,
            base_url=app.base_url,
            kernel_spec_manager=app.kernel_spec_manager,
            page_config=get_page_config(**config, voila_configuration=app.voila_configuration),
            mathjax_config=settings.get("mathjax_config"),
            mathjax_url=settings.get("mathjax_url"),
        )
        folder, index_url = page.folder, app.base_url
        renderer.prelaunch_hook = lambda _request, notebook, cwd: for_app(notebook, folder, index_url=index_url)
        return renderer

    def _env(self) -> dict[str, str]:
        from voila.utils import ENV_VARIABLE

        app = self.app
        return {
            **os.environ,
            ENV_VARIABLE.VOILA_PREHEAT: "False",
            ENV_VARIABLE.VOILA_BASE_URL: app.base_url,
            ENV_VARIABLE.VOILA_SERVER_URL: app.server_url or app.base_url,
            ENV_VARIABLE.VOILA_APP_PORT: str(app.port),
        }

    # ------------------------------------------------------------------ when a page is opened

    async def take(self, student: str, notebook: str, folder: str | None) -> tuple[Any, list[str], str] | None:
        """The prepared page of ``notebook`` for this student (render task, HTML so far, kernel), or None."""
        page = self.pages.get(student)
        if page is None:
            return None
        if page.notebook != notebook or page.folder != folder:
            self.drop(page)  # the student chose another lesson: free the machine for it
            return None
        del self.pages[student]
        if page.waiting or page.starting is None:
            self.drop(page)  # not started yet: the page starts its own kernel now
            return None
        try:
            await asyncio.shield(page.starting)  # its kernel is starting: sooner than a new one
        except Exception:
            self.app.log.exception("medialit: preparing %s failed; running it as usual", notebook)
            self.drop(page)
            return None
        if page.render is None or self._gone(page) or page.stamp != stamp(self.root, notebook, folder):
            self.app.log.info("medialit: %s changed since it was prepared; running it again", notebook)
            self.drop(page)
            return None
        page.renderer.stop_generator = True  # what is still running goes to the page, as Voila does
        self.used += 1
        self.app.log.info("medialit: %s was prepared ahead (kernel %s)", notebook, page.kernel_id)
        return page.render, page.renderer.rendered_cache, page.kernel_id

    # ------------------------------------------------------------------ dropping pages

    def _gone(self, page: Page) -> bool:
        """True when the page's kernel died or was shut down (culled, for one)."""
        return page.kernel_id is not None and page.kernel_id not in self.app.kernel_manager

    def keeps(self, kernel_id: str) -> bool:
        """True for a prepared page's kernel younger than ``keep`` seconds (the culler leaves it)."""
        for page in list(self.pages.values()):
            if page.kernel_id == kernel_id:
                if time.monotonic() - page.made < self.keep:
                    return True
                del self.pages[page.student]
        return False

    def drop(self, page: Page) -> None:
        """Forget a page and shut its kernel down (in the background)."""
        if self.pages.get(page.student) is page:
            del self.pages[page.student]
        asyncio.ensure_future(self._shut(page))

    async def _shut(self, page: Page) -> None:
        page.dropped = True
        if page.waiting and page.starting is not None:
            page.starting.cancel()  # still waiting for its delay: nothing to stop
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await page.starting  # a kernel being started is shut down once it is
        if page.render is not None and not page.render.done():
            page.render.cancel()
        manager = self.app.kernel_manager
        if page.kernel_id is not None and page.kernel_id in manager:
            with contextlib.suppress(Exception):
                await manager.shutdown_kernel(page.kernel_id, now=True)

    async def close(self) -> None:
        for page in list(self.pages.values()):
            self.drop(page)
        self.pages.clear()
