"""Helpers for the browser tests: a real JupyterLab server, and a notebook page driven by Playwright.

Lessons learnt with JupyterLab 4 and ipywidgets 8 in headless Chromium:

- Wait for a kernel on the status bar's kernel name ("Python 3 (ipykernel) | Idle"), never on the
  toolbar's execution indicator alone: it reads idle before any kernel exists, and a Run All
  pressed then is silently dropped.
- Kernels outlive the page and reopening a path re-attaches to the old kernel: every test works on
  its own copy of a notebook, and its kernel session is deleted afterwards.
- A folded code cell (``source_hidden``, as in the kit) shows no ``[*]`` or ``[3]`` prompt: whether
  cells are still queued or running is read from JupyterLab's notebook model (``window.jupyterapp``,
  exposed with ``--LabApp.expose_app_in_browser``).
- Open notebooks with ``?reset`` (and a private workspaces folder) so Lab restores no old tabs.
- Turn the news notification off: its toast can cover widgets. The kit's own settings do it for
  ``make lab`` and ``make instructor`` (``config=STUDENT`` or ``INSTRUCTOR`` below); other servers
  get it in their user settings.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SERVER_START_TIMEOUT = 90.0  # seconds
KERNEL_READY_MS = 60_000
RUN_ALL_MS = 90_000
UI_MS = 20_000
# a widget's title (widgets/base.py title_html): an h3 under the lesson's "##" section
WIDGET_TITLE = "h3.medialit-title"

# The code cells of the notebook at a path: [execution count, execution state] each (needs
# --LabApp.expose_app_in_browser, which LabServer sets).
CELL_STATES = """(path) => {
  const app = window.jupyterapp;
  if (!app) { return null; }
  for (const widget of app.shell.widgets('main')) {
    if (widget.context && widget.context.path === path && widget.content && widget.content.widgets) {
      return widget.content.widgets.filter(cell => cell.model.type === 'code')
        .map(cell => [cell.model.executionCount, cell.model.executionState]);
    }
  }
  return null;
}"""
# What JupyterLab last saved of a notebook (its contents model); it changes once a save has completed.
SAVED_STATE = """(path) => {
  const app = window.jupyterapp;
  if (!app) { return null; }
  for (const widget of app.shell.widgets('main')) {
    if (widget.context && widget.context.path === path && widget.context.contentsModel) {
      const model = widget.context.contentsModel;
      return [model.last_modified, model.hash || ''];
    }
  }
  return null;
}"""
KERNEL_NAME = '#jp-main-statusbar .jp-StatusBar-TextItem[title^="Change kernel"]'
KERNEL_IDLE = re.compile(r"^(?!No Kernel).*\| Idle$")
NEWS_OFF = {"fetchNews": "false", "checkForUpdates": False}

# The Jupyter config path of `make lab` and `make instructor` (see the Makefile and jupyter-config/).
KIT_CONFIG = ROOT / "jupyter-config" / "kit"
STUDENT = (ROOT / "jupyter-config" / "student", KIT_CONFIG)
INSTRUCTOR = (KIT_CONFIG,)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_env(home: Path) -> dict[str, str]:
    """The environment with every Jupyter, IPython and XDG folder moved under ``home``.

    sys.prefix stays visible: the widgets and nbgrader lab extensions live in the venv's share/jupyter.
    """
    env = dict(os.environ)
    for name, sub in [
        ("JUPYTER_CONFIG_DIR", "jupyter-config"),
        ("JUPYTER_DATA_DIR", "jupyter-data"),
        ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
        ("IPYTHONDIR", "ipython"),
        ("XDG_CONFIG_HOME", "xdg-config"),
        ("XDG_CACHE_HOME", "xdg-cache"),
    ]:
        folder = home / sub
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    for name in ("MEDIALIT_ANSWERS_DIR", "MEDIALIT_KEYS", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_TOKEN"):
        env.pop(name, None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def end_server(proc: subprocess.Popen[bytes]) -> None:
    """Terminate a server started with ``start_new_session``; kill its process group if it lingers."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the server's own process group
        proc.wait(timeout=10)


def log_tail(path: Path, chars: int = 4000) -> str:
    """The end of a server's log ('(no log)' when there is none)."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return "(no log)"


class LabServer:
    """A JupyterLab server on 127.0.0.1 with a random token, serving ``root``.

    ``config``: the kit's Jupyter config folders, as ``make lab`` (STUDENT) or ``make instructor``
    (INSTRUCTOR) put them on JUPYTER_CONFIG_PATH; None for none of them.
    """

    def __init__(
        self,
        root: Path,
        home: Path,
        cwd: Path | None = None,
        extra_env: dict[str, str] | None = None,
        config: tuple[Path, ...] | None = None,
    ):
        self.root = Path(root)
        self.config = config
        self.home = Path(home)
        self.cwd = Path(cwd or root)
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**isolated_env(self.home), **(extra_env or {})}
        if config is not None:
            self.env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(str(folder) for folder in config)
        self.log_path = self.home / "jupyterlab.log"
        self.proc: subprocess.Popen[bytes] | None = None

    # ---------------------------------------------------------------- lifecycle

    def start(self, attempts: int = 3) -> LabServer:
        """Start the server and wait until GET /api/status answers 200 (a taken port is retried)."""
        for _ in range(attempts):
            if self._launch():
                return self
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
        raise RuntimeError(f"JupyterLab found no free port in {attempts} attempts:\n{self.log_tail()}")

    def _launch(self) -> bool:
        """One start; False when the port was taken meanwhile."""
        settings = self.home / "lab-user-settings"
        workspaces = self.home / "lab-workspaces"
        settings.mkdir(parents=True, exist_ok=True)
        if self.config is None:  # the kit's config turns the news off itself
            notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
            notification.parent.mkdir(parents=True, exist_ok=True)
            notification.write_text(json.dumps(NEWS_OFF), encoding="utf-8")
        workspaces.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={workspaces}",
            "--LabApp.expose_app_in_browser=True",  # Notebook.cell_states reads the notebook model
        ]
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if "already in use" in self.log_tail():
                    return False
                raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                if self.api("GET", "/api/status", timeout=2)[0] == 200:
                    return True
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer /api/status in {SERVER_START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Shut every kernel down, then terminate the server (kill it if it lingers)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(OSError):
            self.delete_sessions()
        end_server(self.proc)

    def log_tail(self, chars: int = 4000) -> str:
        return log_tail(self.log_path, chars)

    # ---------------------------------------------------------------- REST

    def api(self, method: str, path: str, body: Any = None, timeout: float = 10) -> tuple[int, Any]:
        """Call the server's REST API with the token; returns (status, decoded JSON or None)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw = response.read()
                return response.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as exc:
            return exc.code, None

    def sessions(self) -> list[dict[str, Any]]:
        status, sessions = self.api("GET", "/api/sessions")
        return sessions if status == 200 and sessions else []

    def delete_sessions(self, under: str = "") -> list[str]:
        """DELETE the kernel sessions of notebooks whose path starts with ``under``; return their paths."""
        gone = []
        for session in self.sessions():
            if session.get("path", "").startswith(under):
                self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30)
                gone.append(session["path"])
        return gone

    def page_url(self, relpath: str) -> str:
        """The Lab URL that opens ``relpath`` in a fresh layout, logging in with the token."""
        return f"{self.url}/lab/tree/{relpath}?reset&token={self.token}"

    def copy_notebook(self, source: Path, name: str | None = None) -> str:
        """Copy a notebook into a new folder of the server's root; return its path relative to the root."""
        folder = self.root / "work" / f"{source.stem}-{uuid.uuid4().hex[:8]}"
        folder.mkdir(parents=True)
        target = folder / (name or source.name)
        shutil.copyfile(source, target)
        return target.relative_to(self.root).as_posix()


# -------------------------------------------------------------------- the notebook page


class Shots:
    """Numbered screenshots of one scenario: artifacts/browser/SCENARIO-NN-STEP.png."""

    def __init__(self, page: Page, scenario: str):
        self.page = page
        self.scenario = scenario
        self.n = 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTIFACTS.glob(f"{scenario}-[0-9][0-9]-*.png"):
            old.unlink()

    def __call__(self, step: str, target: Locator | None = None, element: bool = False) -> Path:
        """Screenshot the page (after scrolling ``target`` into view), or only ``target`` with ``element``."""
        self.n += 1
        path = ARTIFACTS / f"{self.scenario}-{self.n:02d}-{step}.png"
        if target is not None:
            target.scroll_into_view_if_needed(timeout=UI_MS)
        if element and target is not None:
            target.screenshot(path=str(path), timeout=UI_MS)
        else:
            self.page.screenshot(path=str(path), timeout=UI_MS)
        return path


class Notebook:
    """A notebook open in JupyterLab: wait for its kernel, run it, find its widgets."""

    def __init__(self, page: Page, lab: LabServer, relpath: str):
        self.page = page
        self.lab = lab
        self.relpath = relpath
        self._counts_before_run: list[int | None] | None = None
        self.panel = page.locator(".jp-NotebookPanel").filter(has=page.locator(".jp-Notebook")).first

    @property
    def path(self) -> Path:
        return self.lab.root / self.relpath

    def open(self) -> Notebook:
        self.page.goto(self.lab.page_url(self.relpath), timeout=RUN_ALL_MS)
        expect(self.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first).to_be_visible(
            timeout=KERNEL_READY_MS
        )
        self.wait_kernel_idle()
        return self

    def wait_kernel_idle(self, timeout: int = KERNEL_READY_MS) -> None:
        """Wait for the status bar to name a kernel that is idle (a real, started kernel)."""
        expect(self.page.locator(KERNEL_NAME)).to_have_text(KERNEL_IDLE, timeout=timeout)

    def menu(self, menu: str, item: str) -> None:
        """Click a main-menu entry (e.g. Run → Run All Cells)."""
        self.page.locator(f'.lm-MenuBar-itemLabel:text-is("{menu}")').click()
        self.page.locator(f'.lm-Menu-itemLabel:text-is("{item}")').click()

    def cell_states(self) -> list[tuple[int | None, str]]:
        """(execution count, "idle" or "running") of each code cell, from JupyterLab's notebook model."""
        states = self.page.evaluate(CELL_STATES, self.relpath)
        if states is None:
            raise AssertionError(f"{self.relpath} is not open, or JupyterLab does not expose window.jupyterapp")
        return [(count, state) for count, state in states]

    def run_all(self) -> None:
        self._counts_before_run = [count for count, _ in self.cell_states()]
        self.menu("Run", "Run All Cells")

    def wait_run_finished(self, timeout: int = RUN_ALL_MS) -> None:
        """Wait until no code cell is queued or running, the cells have run since ``run_all``, and the kernel is idle.

        Code inputs are folded away in the kit, and a folded cell shows no ``[*]`` prompt: the cells'
        execution state is read from JupyterLab's model instead.
        """
        before, self._counts_before_run = self._counts_before_run, None
        seen_running = before is None  # no run_all() first: wait only for the cells to be idle
        deadline = time.monotonic() + timeout / 1000
        while time.monotonic() < deadline:
            states = self.cell_states()
            counts = [count for count, _ in states]
            seen_running = seen_running or any(state == "running" for _, state in states)
            # A fresh kernel may number the cells as the saved notebook did: seeing them run is the proof.
            ran = any(count is not None for count in counts) and (seen_running or counts != before)
            if ran and all(state == "idle" for _, state in states):
                self.wait_kernel_idle(timeout=int(max(1.0, deadline - time.monotonic()) * 1000))
                return
            self.page.wait_for_timeout(100)
        raise AssertionError(f"{self.relpath}: cells still running after {timeout / 1000:.0f} s: {states}")

    def widget(self, title: str, containing: str = "") -> Locator:
        """The answer widget (its outer VBox) whose title is ``title`` and whose text has ``containing``.

        Rows are VBoxes too, but only the outer box holds the title.
        """
        page = self.page
        box = self.panel.locator(".jp-OutputArea-output .widget-vbox")
        found = box.filter(has=page.locator(WIDGET_TITLE, has_text=re.compile(f"^{re.escape(title)}$")))
        if containing:
            found = found.filter(has_text=containing)
        return found.first

    def restart_and_run_all(self) -> None:
        """Kernel → Restart Kernel and Run All Cells…, and confirm the dialog."""
        self.page.locator('.lm-MenuBar-itemLabel:text-is("Kernel")').click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Restart Kernel and Run All Cells")).click()
        self.page.locator(".jp-Dialog .jp-mod-accept").click(timeout=UI_MS)
        expect(self.page.locator(".jp-Dialog")).to_have_count(0, timeout=UI_MS)

    def modified(self) -> str:
        """The notebook file's last_modified, from the contents API."""
        status, model = self.lab.api("GET", f"/api/contents/{self.relpath}?content=0")
        assert status == 200, f"contents API answered {status} for {self.relpath}"
        return model["last_modified"]

    def saved_state(self) -> tuple[str, str]:
        """(last_modified, hash) of the notebook as JupyterLab last saved or loaded it."""
        state = self.page.evaluate(SAVED_STATE, self.relpath)
        if state is None:
            raise AssertionError(f"{self.relpath} is not open, or JupyterLab does not expose window.jupyterapp")
        return state[0], state[1]

    def save(self, timeout: float = UI_MS / 1000) -> None:
        """Save with Ctrl+S and wait until JupyterLab has finished the save.

        The file on disk changes before JupyterLab has heard back: another save started in
        between (Validate saves first) would find the file changed under it and ask "File Changed".
        """
        before, on_disk = self.saved_state(), self.modified()
        self.page.keyboard.press("Control+s")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.saved_state() != before and self.modified() != on_disk:
                return
            self.page.wait_for_timeout(100)
        raise AssertionError(f"{self.relpath} was not saved within {timeout:.0f} s of Ctrl+S")


def open_and_run(page: Page, lab: LabServer, relpath: str, shot: Shots) -> Notebook:
    """Open a notebook, wait for a really ready kernel, Run All Cells and wait until nothing runs."""
    nb = Notebook(page, lab, relpath).open()
    shot("kernel-ready")
    nb.run_all()
    nb.wait_run_finished()
    return nb


def row(widget: Locator, sentence_id: str) -> Locator:
    """The row of a choice table for one sentence (prompt, drop-downs, feedback)."""
    return (
        widget.locator(".widget-vbox")
        .filter(has=widget.page.locator(".medialit-id", has_text=f"[{sentence_id}]"))
        .first
    )


def selected_label(select: Locator) -> str:
    """The visible text of a <select>'s chosen option."""
    return squash(select.evaluate("s => s.selectedIndex < 0 ? '' : s.options[s.selectedIndex].text"))


def squash(text: str) -> str:
    """Whitespace collapsed, for comparing page text with annotation text."""
    return " ".join(text.split())


def saved_answers(path: Path) -> dict[str, Any]:
    """The answers file beside a notebook copy ({} until the first answer is saved)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))["answers"]
    except (OSError, ValueError, KeyError):
        return {}


def wait_saved(path: Path, key: str, expected: dict[str, str], timeout: float = 15) -> dict[str, Any]:
    """Poll the answers file until widget ``key`` holds ``expected`` (widget changes reach the kernel async)."""
    deadline = time.monotonic() + timeout
    answers: dict[str, Any] = {}
    while time.monotonic() < deadline:
        answers = saved_answers(path)
        if all(answers.get(key, {}).get(k) == v for k, v in expected.items()):
            return answers
        time.sleep(0.1)
    raise AssertionError(f"{path.name} does not hold {expected} under {key!r} after {timeout:.0f} s: {answers}")
