"""The kit installs anywhere: a wheel in a fresh venv, outside the checkout, runs a lesson and grades.

Builds the wheel from this checkout, installs it (with its dependencies, from the package index or
pip's cache) into a new venv in a temporary folder, and runs tests/installed/check_installed.py
there: `medialit lessons DIR` copies the lessons and one executes headless; `Course.init` works
from the packaged masters and seeds; the master's own answers autograde to full marks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

CHECK = ROOT / "tests" / "installed" / "check_installed.py"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", str(ROOT), "-w", str(out)],
        check=True,
        cwd=out,
    )
    (built,) = out.glob("medialit-*.whl")
    return built


def test_wheel_carries_the_kit(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for kept in (
        "medialit/data/scheme.yaml",
        "medialit/kit/seeds/venezuela-prisoner-releases-2026-01-14.yaml",
        "medialit/kit/seeds/venezuela-prisoner-releases-2026-01-14.txt",
        "medialit/kit/solutions/ps1-sources/ps1-sources.ipynb",
        "medialit/kit/exercises/ps1-sources/ps1-sources.ipynb",
        "medialit/kit/notebooks/00-start-here.ipynb",
    ):
        assert kept in names
    lessons = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert {n.rsplit("/", 1)[1] for n in names if n.startswith("medialit/kit/notebooks/")} == lessons
    assert not [n for n in names if n.endswith(".answers.json") or ".ipynb_checkpoints" in n]


def test_installed_wheel_runs_a_lesson_and_grades(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", str(wheel)], check=True, cwd=tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "MEDIALIT_SEEDS", "VIRTUAL_ENV"}}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"
    done = subprocess.run([python, str(CHECK)], cwd=work, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["package"].startswith(str(env_dir)), "medialit was imported from the checkout, not the wheel"
    assert seen["kit"].startswith(str(env_dir))
    assert "00-start-here.ipynb" in seen["lessons"] and "instructor-workflow.ipynb" not in seen["lessons"]
    assert seen["lesson_errors"] == []
    assert seen["lesson_shows_headline"]
    grade = seen["grade"]
    assert grade["status"] == "graded", grade
    assert grade["max"] and grade["score"] == grade["max"], grade
