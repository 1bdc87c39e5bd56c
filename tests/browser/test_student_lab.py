"""The student's JupyterLab, as `make lab` starts it (jupyter-config/student and kit): no grading tools.

No Nbgrader menu, no Create Assignment panel, no formgrader, no news pop-up. The Validate button
stays on the exercises, which ask for it. (`make instructor` keeps nbgrader: test_instructor.py.)
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .jlab import LabServer, Notebook, Shots

pytestmark = pytest.mark.browser

LESSON = "notebooks/00-start-here.ipynb"
EXERCISE = "exercises/ps1-sources/ps1-sources.ipynb"
NOTIFICATION = "/lab/api/settings/@jupyterlab/apputils-extension:notification"


def test_student_lab_has_no_grading_tools(page: Page, lab: LabServer, notebook_copy: Callable[[str], str]) -> None:
    """No Nbgrader menu, no Create Assignment panel, no formgrader, no news question; Validate on exercises."""
    shot = Shots(page, "student-lab")
    Notebook(page, lab, notebook_copy(LESSON)).open()
    menus = page.locator("#jp-menu-panel .lm-MenuBar-itemLabel")
    expect(menus.filter(has_text=re.compile(r"^Run$"))).to_have_count(1)  # the menu bar is there
    expect(menus.filter(has_text=re.compile(r"^Nbgrader$"))).to_have_count(0)
    expect(page.locator("#jp-mainmenu-nbgrader")).to_have_count(0)
    expect(page.locator("#nbgrader-create_assignemnt")).to_have_count(0)  # nbgrader's panel id, misspelt there
    expect(page.locator(".jp-SideBar .lm-TabBar-tab", has_text="Create Assignment")).to_have_count(0)
    page.wait_for_timeout(2000)  # the news question comes a moment after start-up when it is on
    expect(page.locator(".Toastify__toast", has_text="news")).to_have_count(0)
    shot("lesson-opened")

    assert lab.api("GET", "/formgrader")[0] == 404
    status, settings = lab.api("GET", NOTIFICATION)
    assert status == 200 and settings["raw"] in ("", "{}")  # nothing in the user's own settings ...
    assert settings["schema"]["properties"]["fetchNews"]["default"] == "false"  # ... the kit's default

    exercise = Notebook(page, lab, notebook_copy(EXERCISE)).open()
    expect(exercise.panel.locator(".jp-Toolbar .validate-button")).to_have_count(1)
    expect(menus.filter(has_text=re.compile(r"^Nbgrader$"))).to_have_count(0)
    shot("exercise-opened")
