"""The app's kernels: a few started ahead (the kit already imported), and the idle ones culled.

A lesson page needs a kernel that has started and imported the kit before its cells can run.
``WarmKernelManager`` keeps ``warm_kernels`` such kernels ready in the lessons' folder and hands
one to each page view (then starts another in the background), so the page only waits for its
own cells. Unlike Voila's ``preheat_kernel`` it runs none of the lesson's cells ahead, so the
prelaunch hook (lessons only, app text, each student's answers folder) still applies to every
page. Measured on the kit's 2-CPU test machine it did not make a lesson appear sooner (the
browser drawing the lesson's widgets is most of the wait; docs/app.md), so ``medialit app``
starts none ahead unless ``--warm-kernels N`` asks for it.

Waiting kernels are never culled; a page's kernel is culled as jupyter_server culls any
(``cull_idle_timeout``, ``cull_interval``, ``cull_connected``), and shut down when the page is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import ensure_async
from traitlets import Int, Unicode

# What the lessons import (most of it lazily, as a widget is first drawn), and the label scheme:
# loaded once in a waiting kernel, not while a student waits. Silent: nothing is printed or counted.
WARM_UP = """\
def _medialit_warm_up():
    import importlib, pkgutil
    import ipywidgets
    import medialit.teaching.lesson, medialit.teaching.tasks, medialit.widgets
    for package in (medialit.widgets, medialit.teaching.tasks):
        for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    for name in ("analysis", "agreement", "retrieval"):
        importlib.import_module("medialit.teaching." + name)
    from medialit.content.scheme import load_scheme
    load_scheme()
_medialit_warm_up()
del _medialit_warm_up
"""
_REQUEST_ENV = ("VOILA_", "SCRIPT_NAME", "QUERY_STRING", "SERVER_", "PATH_INFO", "HTTP_")  # Voila's, per page
READY_TIMEOUT = 120  # seconds for a waiting kernel to start and import the kit


class WarmKernelManager(AsyncMappingKernelManager):
    """A mapping kernel manager that keeps ``warm_kernels`` kernels started and warmed up."""

    warm_kernels = Int(0, config=True, help="Kernels kept started, the kit imported, for the next page views.")
    warm_kernel_name = Unicode("python3", config=True, help="The kernel the lessons use.")
    warm_path = Unicode("", config=True, help="The folder (API path) the waiting kernels start in.")

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._waiting: list[asyncio.Task[str]] = []
        self._clients: dict[str, Any] = {}
        self.warm_env: dict[str, str] = {}
        self.keep: Any = lambda kernel_id: False  # True for a kernel the culler must leave (a prepared page)

    def fill(self) -> None:
        """Start kernels in the background until ``warm_kernels`` are starting or waiting."""
        self._waiting = [t for t in self._waiting if not (t.done() and (t.cancelled() or t.exception()))]
        while len(self._waiting) < self.warm_kernels:
            self._waiting.append(asyncio.ensure_future(self._start_warm()))

    async def _start_warm(self) -> str:
        env = {**os.environ, **self.warm_env}
        kernel_id = await super().start_kernel(kernel_name=self.warm_kernel_name, path=self.warm_path, env=env)
        try:
            client = self.get_kernel(kernel_id).client()
            client.start_channels()
            await client.wait_for_ready(timeout=READY_TIMEOUT)
            reply = await client.execute_interactive(WARM_UP, silent=True, store_history=False, timeout=READY_TIMEOUT)
            if reply["content"].get("status") != "ok":  # still a started kernel: the page imports what it needs
                self.log.warning("The app's warm-up did not finish: %s", reply["content"].get("evalue", ""))
        except Exception:
            self.log.exception("A waiting kernel for the app did not start; pages start their own")
            with contextlib.suppress(Exception):
                await ensure_async(self.shutdown_kernel(kernel_id, now=True))
            raise
        self._clients[kernel_id] = client
        return kernel_id

    def waiting(self) -> set[str]:
        """The ids of the kernels that are ready and not yet given to a page."""
        return {t.result() for t in self._waiting if t.done() and not t.cancelled() and not t.exception()}

    async def _take(self) -> str | None:
        """A ready kernel (or the one started first, when none is ready yet); None if none can be had."""
        ready = [t for t in self._waiting if t.done() and not t.cancelled() and not t.exception()]
        task = ready[0] if ready else next((t for t in self._waiting if not t.done()), None)
        if task is None:
            return None
        self._waiting.remove(task)
        try:
            return await task
        except Exception:
            return None

    async def start_kernel(self, *, kernel_id: str | None = None, path: Any = None, **kwargs: Any) -> str:
        """A page's kernel: a waiting one when it fits (same kernel, same folder), else a new one."""
        fits = kernel_id is None and self.warm_kernels > 0 and (path or "") == self.warm_path
        fits = fits and kwargs.get("kernel_name", self.warm_kernel_name) == self.warm_kernel_name
        self.log.info("medialit: a page asks for a kernel in %r (%s)", path, "a waiting one" if fits else "a new one")
        taken = await self._take() if fits else None
        if fits:
            self.fill()
        if taken is not None and not await ensure_async(self.get_kernel(taken).is_alive()):
            self._clients.pop(taken).stop_channels()
            await ensure_async(self.shutdown_kernel(taken, now=True))
            taken = None  # died while it waited
        if taken is None:
            return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        client = self._clients.pop(taken)
        try:
            given = {
                str(getattr(k, "value", k)): str(v) for k, v in (kwargs.get("env") or {}).items()
            }  # Voila's keys are enums
            env = {k: v for k, v in given.items() if k.startswith(_REQUEST_ENV)}
            if env:  # the page's request, as Voila gives a kernel it starts for the page
                code = f"import os as _o\n_o.environ.update({env!r})\ndel _o"
                reply = await client.execute_interactive(code, silent=True, store_history=False, timeout=READY_TIMEOUT)
                if reply["content"].get("status") != "ok":
                    self.log.warning("The page's request was not passed to its kernel: %s", reply["content"])
        finally:
            client.stop_channels()
        self.get_kernel(taken).last_activity = _now()
        return taken

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        if kernel_id in self.waiting() or self.keep(kernel_id):
            return  # waiting for a page, or a page prepared ahead: not idle, ready
        await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_all(self, now: bool = False) -> None:
        for task in self._waiting:
            task.cancel()
        for client in self._clients.values():
            with contextlib.suppress(Exception):
                client.stop_channels()
        self._clients.clear()
        await super().shutdown_all(now=now)


def _now() -> Any:
    from jupyter_server._tz import utcnow

    return utcnow()
