"""Helpers for the browser tests of the app: `medialit app` (Voila) as a real server.

Voila renders the lesson while its kernel runs the cells, so a page is ready when the labeller is
visible and Voila's spinner is gone. Each page view takes a kernel (one started ahead when there is
one); Voila shuts it down when the page is left, the server culls the ones left without a word, and
``stop`` shuts every one down.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
from playwright.sync_api import Page, expect

from .jlab import KERNEL_READY_MS, end_server, free_port, isolated_env, log_tail

SERVER_START_TIMEOUT = 90.0


class AppServer:
    """``medialit app FOLDER --no-browser`` on 127.0.0.1, optionally ``--per-student DIR``."""

    def __init__(
        self,
        folder: Path,
        home: Path,
        per_student: Path | None = None,
        extra_env: dict | None = None,
        args: tuple[str, ...] = (),
    ):
        self.folder = Path(folder)
        self.args = args
        self.home = Path(home)
        self.per_student = per_student
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**isolated_env(self.home), **(extra_env or {})}
        self.log_path = self.home / "voila.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> AppServer:
        cmd = [sys.executable, "-m", "medialit.cli.main", "app", str(self.folder), "--no-browser", "--exact-port"]
        cmd += [f"--port={self.port}", *self.args]
        if self.per_student is not None:
            cmd += ["--per-student", str(self.per_student)]
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=self.home, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"medialit app exited with code {self.proc.returncode}:\n{self.log_tail()}")
            with (
                contextlib.suppress(OSError, urllib.error.URLError),
                urllib.request.urlopen(self.url + "/", timeout=2) as response,
            ):
                if response.status == 200:
                    return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"medialit app did not answer in {SERVER_START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        end_server(self.proc)

    def log_tail(self, chars: int = 4000) -> str:
        return log_tail(self.log_path, chars)

    def kernels(self) -> int:
        """How many kernels the server is running now (its ipykernel child processes)."""
        assert self.proc is not None
        count = 0
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                count += "ipykernel" in " ".join(child.cmdline())
        return count

    def lesson_url(self, name: str) -> str:
        return f"{self.url}/voila/render/{name}"


def open_lesson(page: Page, app: AppServer, name: str) -> None:
    """Open a lesson in the app and wait until Voila has run every cell (its loading screen is gone)."""
    page.goto(app.lesson_url(name), timeout=KERNEL_READY_MS)
    wait_rendered(page)


def wait_rendered(page: Page) -> None:
    expect(page.locator("#loading")).to_have_count(0, timeout=KERNEL_READY_MS * 2)
    expect(page.locator(".jp-OutputArea-output .widget-vbox").first).to_be_visible(timeout=KERNEL_READY_MS)
