"""The kit's JupyterLab settings (jupyter-config/): `make lab` for students, `make instructor` for teachers.

The browser tests check the result in JupyterLab (test_student_lab.py, test_instructor.py); these
check the wiring, quickly and without a browser.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from medialit.teaching.lab import kernel_language_info, match_kernel

LESSON = ROOT / "notebooks" / "00-start-here.ipynb"


def test_kit_contents_manager_hands_out_the_kernels_language_info():
    """What makes a notebook open unchanged whatever Python 3.x the student runs."""
    nb = nbformat.read(LESSON, as_version=4)
    nb.metadata["language_info"]["version"] = "3.0.0"
    assert match_kernel(nb) is True
    assert nb.metadata["language_info"] == kernel_language_info()
    assert match_kernel(nb) is False
    short = copy.deepcopy(nb)
    short.metadata["language_info"] = {"name": "python"}  # as nbgrader leaves the exercises
    assert match_kernel(short) is True and short.metadata["language_info"] == kernel_language_info()
    other = copy.deepcopy(nb)
    other.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    other.metadata["language_info"] = {"name": "R"}
    assert match_kernel(other) is False and other.metadata["language_info"] == {"name": "R"}


def _make_dry_run(target: str) -> str:
    out = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return next(line for line in out.splitlines() if "jupyter lab" in line)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_is_the_student_lab_and_make_instructor_keeps_nbgrader():
    config = ROOT / "jupyter-config"
    lab = _make_dry_run("lab")
    assert f'JUPYTER_CONFIG_PATH="{config / "student"}:{config / "kit"}' in lab
    assert "notebooks/00-start-here.ipynb" in lab
    instructor = _make_dry_run("instructor")
    assert f'JUPYTER_CONFIG_PATH="{config / "kit"}' in instructor
    assert "student" not in instructor


def test_student_config_names_real_nbgrader_extensions():
    """The disabled plugin ids and server extensions exist, so a rename in nbgrader cannot slip through."""
    import importlib
    import sys

    page = json.loads((ROOT / "jupyter-config/student/labconfig/page_config.json").read_text(encoding="utf-8"))
    disabled = set(page["disabledExtensions"])
    assert disabled == {
        "@jupyter/nbgrader:menu",
        "@jupyter/nbgrader:formgrader",
        "@jupyter/nbgrader:create-assignment",
        "@jupyter/nbgrader:course-list",
    }
    bundle = "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in (Path(sys.prefix) / "share/jupyter/labextensions/@jupyter/nbgrader/static").glob("*.js")
    )
    for plugin in disabled | {"@jupyter/nbgrader:validate-assignment"}:
        assert f'"{plugin}"' in bundle, f"nbgrader has no plugin {plugin}"
    server = json.loads((ROOT / "jupyter-config/student/jupyter_server_config.json").read_text(encoding="utf-8"))
    for module, enabled in server["ServerApp"]["jpserver_extensions"].items():
        assert enabled is module.startswith("medialit."), module  # nbgrader's off, the kit's style sheet on
        importlib.import_module(module)
    # the kit's custom.css styles what nbgrader draws: those class names and ids must exist there
    from medialit.teaching.student_lab import CUSTOM

    css = (CUSTOM / "custom.css").read_text(encoding="utf-8")
    for name in ("validate-button", "validation-message", "validation-failed", "jp-RenderedText"):
        assert name in css and f'"{name}"' in bundle, name
    assert server["LabApp"]["custom_css"] is True
    assert "instructor-*" in server["ContentsManager"]["hide_globs"]
    kit = json.loads((ROOT / "jupyter-config/kit/jupyter_server_config.json").read_text(encoding="utf-8"))
    assert kit["ServerApp"]["contents_manager_class"] == "medialit.teaching.lab.KitContentsManager"
