"""A slow server never shows a student JupyterLab's "File Changed" dialog on Validate.

JupyterLab does not queue saves: a second save started before the first has been answered
finds the file changed on disk and asks "File Changed … Overwrite or Revert?". The exercises
used to say "save (Ctrl+S), then press Validate", which on a slow server is exactly that
(Validate saves first). They now say to press Validate, which saves. Here the server answers
each save 4 s after writing it; Validate alone, and Ctrl+S waited for and then Validate, both
reach the validation results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .jlab import ROOT, STUDENT, LabServer, Notebook, Shots, open_and_run

pytestmark = pytest.mark.browser

PS = "ps1-sources"
DELAY = 4  # seconds between writing a save and answering it
SLOW_MANAGER = f'''"""The kit's contents manager, answering each save {DELAY} s after writing it (a slow server)."""
import asyncio

from medialit.teaching.lab import KitContentsManager


class SlowContentsManager(KitContentsManager):
    async def save(self, model, path=""):
        saved = await super().save(model, path)
        await asyncio.sleep({DELAY})
        return saved
'''


@pytest.fixture(scope="module")
def slow_lab(chromium: Path, kit_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """The student's JupyterLab on the kit copy, its saves answered late."""
    config = tmp_path_factory.mktemp("slow-config")
    (config / "slow_contents.py").write_text(SLOW_MANAGER, encoding="utf-8")
    server_config = {"ServerApp": {"contents_manager_class": "slow_contents.SlowContentsManager"}}
    (config / "jupyter_server_config.json").write_text(json.dumps(server_config), encoding="utf-8")
    server = LabServer(
        kit_copy,
        tmp_path_factory.mktemp("slow-lab-home"),
        extra_env={"MEDIALIT_SEEDS": str(kit_copy / "seeds"), "PYTHONPATH": str(config)},
        config=(config, *STUDENT),  # first on the path: its contents manager wins over the kit's
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def validate(nb: Notebook) -> None:
    """Press Validate; the validation results come, never "File Changed"."""
    page = nb.page
    nb.panel.locator(".validate-button").click()
    changed = page.locator(".jp-Dialog", has_text="File Changed")
    results = page.locator(".jp-Dialog", has_text="Validation Results")
    expect(changed.or_(results)).to_be_visible(timeout=180_000)  # validation runs the notebook in a new kernel
    assert not changed.is_visible(), "Validate met JupyterLab's 'File Changed' dialog"
    expect(results.locator("#validation-message")).to_contain_text("Part A is not complete yet:")
    results.locator(".jp-mod-accept").click()
    expect(page.locator(".jp-Dialog")).to_have_count(0)


def test_validate_on_a_slow_server_never_asks_file_changed(page: Page, slow_lab: LabServer) -> None:
    master = (ROOT / "exercises" / PS / f"{PS}.ipynb").read_text(encoding="utf-8")
    assert not re.search(r"Ctrl\+S\)?,? (then|and) press \*\*Validate", master), "the exercise asks for two saves"
    assert "press **Validate**, which saves the notebook first" in master
    rel = slow_lab.copy_notebook(slow_lab.root / "exercises" / PS / f"{PS}.ipynb")
    try:
        nb = open_and_run(page, slow_lab, rel, Shots(page, "slow-save"))
        validate(nb)  # as the exercise says: Validate saves, then checks
        nb.save()  # Ctrl+S, waited for until JupyterLab has heard back
        validate(nb)
    finally:
        slow_lab.delete_sessions(under=rel)
