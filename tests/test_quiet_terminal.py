"""The teacher's terminal says only what concerns the teacher (issue: a quiet terminal).

Kernels started by the kit use Unix sockets (no "running over TCP" warning), grading
workers keep nbgrader's SQLAlchemy warnings to themselves unless ``--verbose``, and
autograde with nothing collected says so and fails.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from medialit.cli.demo import answers_file, gold_answers, master_answers
from medialit.grading.course import Course

PS = "ps1-sources"
NOISE = ("TCP without encryption", "SAWarning", "Warning:", "WARNING")


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> tuple[Course, str]:
    course = Course.init(tmp_path_factory.mktemp("quiet") / "course")
    release = course.generate(PS)
    gold = gold_answers(course, PS)
    for sid in ("s01", "s02", "s03"):
        course.add_submission(
            PS, sid, {f"{PS}.ipynb": release / f"{PS}.ipynb", f"{PS}.answers.json": answers_file(PS, gold)}
        )
    return course, ""


def _medialit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "medialit", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def test_a_kit_kernel_prints_no_tcp_warning(tmp_path, capfd, monkeypatch):
    import tempfile

    from medialit.grading import kernels

    made: list[str] = []  # this kernel's private folders (another test's kernels share /tmp)
    real = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        path = real(*args, **kwargs)
        if kwargs.get("prefix") == "medialit-kernel-":
            made.append(path)
        return path

    monkeypatch.setattr(kernels.tempfile, "mkdtemp", mkdtemp)
    course = Course.init(tmp_path / "course")
    capfd.readouterr()
    assert master_answers(course, PS)["labels"]  # runs the master in a kit kernel (gold_answers reads the key)
    out, err = capfd.readouterr()
    assert "TCP" not in out + err, err
    assert made, "no kit kernel ran"
    assert not [p for p in made if Path(p).exists()], "the kernel's private folder was left"


def test_autograde_prints_the_table_and_no_library_warnings(course):
    course, _ = course
    done = _medialit("autograde", PS, "--course", str(course.root), "--quiet", cwd=course.root)
    assert done.returncode == 0, done.stderr
    assert "s03      graded" in done.stdout
    noisy = [line for line in done.stderr.splitlines() if any(n in line for n in NOISE)]
    assert noisy == [], noisy


def test_autograde_with_nothing_collected_says_so_and_fails(tmp_path):
    course = Course.init(tmp_path / "empty")
    done = _medialit("autograde", PS, "--course", str(course.root), cwd=tmp_path)
    assert done.returncode == 1
    assert "Nothing of ps1-sources has been collected yet" in done.stderr
    assert "medialit collect ps1-sources" in done.stderr
    assert "student  status" not in done.stdout, "no empty table"
    assert "Traceback" not in done.stderr


def test_the_progress_bar_shows_in_a_terminal_that_reports_no_size(course):
    """`script` gives the command a terminal of 0 x 0, as some consoles do: the bar must still be drawn."""
    course, _ = course
    script = shutil.which("script")
    assert script, "util-linux's script(1) is part of every Debian system"
    command = f"{shlex.quote(sys.executable)} -m medialit autograde {PS} --course {shlex.quote(str(course.root))}"
    done = subprocess.run(
        [script, "-qec", command, "/dev/null"], capture_output=True, text=True, timeout=600, cwd=course.root
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert re.search(rf"autograde {PS}: 100%\|█+\| 3/3", done.stdout), done.stdout[:500]
