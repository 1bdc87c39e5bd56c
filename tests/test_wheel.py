"""The kit installs anywhere, in two parts: the student wheel (no keys) and the instructor wheel (the keys).

Builds both wheels from this checkout, checks the built student wheel with the search of
tests/test_sealed_keys.py, installs the student wheel (with its dependencies, from the package index,
with pip or the test venv's uv) into a new venv in a temporary folder and runs tests/installed/check_installed.py
there (`medialit lessons DIR`, lesson 00 and the self-study discernment check headless, no keys,
`course init` refuses with the message); then installs the instructor wheel into the same venv and
runs tests/installed/check_instructor.py (course init, the keys copied into the course, ps1 and the
pre-test autograded to full marks).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from test_sealed_keys import INSTRUCTOR, key_leaks

INSTALLED = ROOT / "tests" / "installed"


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    for project in (ROOT, INSTRUCTOR):
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", str(project), "-w", out],
            check=True,
            cwd=out,
        )
    (student,) = out.glob("medialit-*.whl")
    (instructor,) = out.glob("medialit_instructor-*.whl")
    return {"student": student, "instructor": instructor}


@pytest.fixture(scope="module")
def env_dir(tmp_path_factory) -> Path:
    """One venv for both installs (the instructor wheel is added to the student's)."""
    path = tmp_path_factory.mktemp("venv") / "venv"
    venv.create(path, with_pip=True)
    return path


def run_check(env_dir: Path, script: str, work: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "MEDIALIT_SEEDS", "VIRTUAL_ENV"}}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"
    python = env_dir / "bin" / "python"
    done = subprocess.run([python, INSTALLED / script], cwd=work, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def installer(env_dir: Path) -> list:
    """pip in the new venv, or the test venv's uv where ``make test`` put it: the same wheel, dependencies
    and index, installed in a fraction of pip's time (MEDIALIT_UV=none: pip)."""
    uv = Path(sysconfig.get_path("scripts")) / "uv"
    if uv.is_file() and os.environ.get("MEDIALIT_UV") != "none":
        return [uv, "pip", "install", "-q", "--python", env_dir / "bin" / "python"]
    return [env_dir / "bin" / "python", "-m", "pip", "install", "-q"]


@pytest.fixture(scope="module")
def student_seen(wheels, env_dir, tmp_path_factory) -> dict:
    subprocess.run([*installer(env_dir), str(wheels["student"])], check=True, cwd=env_dir)
    return run_check(env_dir, "check_installed.py", tmp_path_factory.mktemp("student"))


@pytest.fixture(scope="module")
def instructor_seen(student_seen, wheels, env_dir, tmp_path_factory) -> dict:
    pip = [env_dir / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps"]
    subprocess.run([*pip, str(wheels["instructor"])], check=True, cwd=env_dir)
    return run_check(env_dir, "check_instructor.py", tmp_path_factory.mktemp("instructor"))


def test_the_built_student_wheel_carries_no_key(wheels):
    archive = zipfile.ZipFile(wheels["student"])
    names = archive.namelist()
    assert "medialit/kit/notebooks/00-start-here.ipynb" in names
    assert "medialit/kit/docs/instructor-guide.md" in names  # the guide the kit's messages point to
    lessons = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert {n.rsplit("/", 1)[1] for n in names if n.startswith("medialit/kit/notebooks/")} == lessons
    assert not [n for n in names if n.endswith(".answers.json") or ".ipynb_checkpoints" in n]
    assert key_leaks([n for n in names if not n.endswith("/")], archive.read) == []


def test_the_built_instructor_wheel_requires_this_medialit(wheels):
    archive = zipfile.ZipFile(wheels["instructor"])
    names = set(archive.namelist())
    assert "medialit_instructor/kit/solutions/ps5-transfer/water-prices.key.yaml" in names
    assert "medialit_instructor/kit/solutions/ps1-sources/ps1-sources.ipynb" in names
    assert not [n for n in names if n.startswith("medialit/")]  # it adds files of its own only
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    version = __import__("medialit").__version__
    assert f"Requires-Dist: medialit=={version}" in archive.read(meta).decode()


def test_the_student_install_runs_a_lesson_and_holds_no_key(student_seen, env_dir):
    seen = student_seen
    assert seen["package"].startswith(str(env_dir)), "medialit was imported from the checkout, not the wheel"
    assert seen["kit"].startswith(str(env_dir))
    assert "00-start-here.ipynb" in seen["lessons"] and "instructor-workflow.ipynb" not in seen["lessons"]
    assert seen["lesson_errors"] == []
    assert seen["lesson_shows_headline"]
    assert "discernment-check.ipynb" in seen["lessons"] and seen["self_study_errors"] == []  # practice keys are public
    assert seen["public"] == {"seeds": True, "exercises": True, "notebooks": True}
    assert seen["instructor_kit"] == ""
    for folder in ("solutions", "keys"):
        assert "pip install medialit-instructor" in seen["sealed"][folder], seen["sealed"]
    assert not [f for f in seen["files"] if f.startswith(("kit/solutions/", "kit/keys/")) or ".key." in f]
    assert seen["init_code"] != 0 and "medialit-instructor" in seen["init_message"]
    assert "Traceback" not in seen["init_message"] and not seen["init_left_folder"]


def test_the_instructor_install_grades_to_full_marks(instructor_seen, env_dir):
    seen = instructor_seen
    assert seen["package"].startswith(str(env_dir))
    assert seen["grading_kit"].startswith(str(env_dir)) and "medialit_instructor" in seen["grading_kit"]
    assert seen["keys"].startswith(seen["grading_kit"]) and seen["solutions"].startswith(seen["grading_kit"])
    keys = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "keys").rglob("*.key.yaml"))
    assert keys and seen["course_keys"] == keys  # course init copied the pre/post-test keys into the course
    for assignment, full in (("ps1-sources", 16), ("pre-test", 12)):
        grade = seen["grades"][assignment]
        assert grade["status"] == "graded", grade
        assert grade["score"] == grade["max"] == full, grade
