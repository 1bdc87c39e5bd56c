"""Fixtures of the browser tests: Debian's Chromium through Playwright, and a real JupyterLab server.

Without /usr/bin/chromium the tests are skipped (install it with ``apt-get install chromium``),
except when CI=true, where they fail: CI must not pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from .jlab import CHROMIUM, CHROMIUM_ARGS, ROOT, STUDENT, UI_MS, LabServer

if TYPE_CHECKING:
    from .voila import AppServer

expect.set_options(timeout=UI_MS)  # Playwright's default of 5 s is short for a busy 2-CPU machine

KIT_FOLDERS = ("notebooks", "exercises", "seeds")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; skip (or, with CI=true, fail) when it is not installed."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = (
        f"Chromium not found at {CHROMIUM}: the browser tests need Debian's Chromium. "
        "Enable them with: apt-get update && apt-get install -y chromium (as root)."
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " CI=true: failing instead of skipping.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], chromium: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at Debian's Chromium with a private profile home."""
    home = tmp_path_factory.mktemp("chromium-home")
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
    )
    return {
        **browser_type_launch_args,
        "executable_path": str(chromium),
        "args": list(CHROMIUM_ARGS),
        "env": env,
        "timeout": 60_000,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A large viewport, so widgets and the status bar are on screen."""
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def kit_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch copy of the kit's notebooks/, exercises/ and seeds/ (the server's root)."""
    root = tmp_path_factory.mktemp("kit")
    for name in KIT_FOLDERS:
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("*.answers*.json", ".ipynb_*"))
    return root


@pytest.fixture(scope="session")
def lab(chromium: Path, kit_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """The student's JupyterLab (as `make lab` starts it) on the kit copy, every Jupyter folder private."""
    server = LabServer(
        kit_copy,
        tmp_path_factory.mktemp("lab-home"),
        extra_env={"MEDIALIT_SEEDS": str(kit_copy / "seeds")},
        config=STUDENT,
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def notebook_copy(lab: LabServer) -> Iterator[Callable[[str], str]]:
    """Copy a kit notebook (path relative to the kit) into a fresh folder; kernels are deleted afterwards."""
    made: list[str] = []

    def copy(relpath: str) -> str:
        rel = lab.copy_notebook(lab.root / relpath)
        made.append(rel)
        return rel

    yield copy
    for rel in made:
        lab.delete_sessions(under=rel)


@pytest.fixture(scope="session")
def app(chromium: Path, kit_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """`medialit app --per-student DIR` on the kit copy's lessons (one server for every app test)."""
    from .voila import AppServer

    home = tmp_path_factory.mktemp("app-home")
    server = AppServer(
        kit_copy / "notebooks",
        home,
        per_student=home / "students",
        extra_env={"MEDIALIT_SEEDS": str(kit_copy / "seeds")},
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()
