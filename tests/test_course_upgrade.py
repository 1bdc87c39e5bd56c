"""A course made by an older medialit is brought up to date by `medialit course upgrade`.

The course below holds a key that today's checks refuse (h1 'unsourced', as before the
key was corrected) and a master without the receipt cell. Grading says what to do; the
upgrade names the changed labels, keeps the old files, and afterwards the master's
answers earn full marks again.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from medialit.cli.demo import answers_file, gold_answers
from medialit.grading.autograde import autograde
from medialit.grading.course import BACKUPS_DIR, Course

PS = "ps1-sources"
SEED = "venezuela-prisoner-releases-2026-01-14.yaml"


@pytest.fixture()
def old_course(tmp_path) -> Course:
    """A course as an older medialit left it: h1 keyed 'unsourced' (against today's decision order), no receipt."""
    course = Course.init(tmp_path / "course")
    seed = course.root / "seeds" / SEED
    text = seed.read_text(encoding="utf-8")
    old = text.replace("    label: framing\n    also: [unsourced]\n", "    label: unsourced\n    also: [framing]\n", 1)
    assert old != text
    seed.write_text(old, encoding="utf-8")
    master = course.root / "source" / PS / f"{PS}.ipynb"
    nb = nbformat.read(master, as_version=4)
    nb.cells = [c for c in nb.cells if "ex.receipt()" not in c.source]
    nbformat.write(nb, master)
    return course


def _medialit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "medialit", *args], cwd=cwd, capture_output=True, text=True)


def test_an_old_course_is_told_how_to_upgrade_and_upgrades(old_course, tmp_path):
    course = old_course
    release = course.generate(PS)
    course.add_submission(PS, "s01", {f"{PS}.ipynb": release / f"{PS}.ipynb", f"{PS}.answers.json": "{}"})
    problems: list[str] = []
    statuses = autograde(course, PS, jobs=1, progress=False, warnings_out=problems)
    assert statuses["s01"].status == "failed"
    assert any("run `medialit course upgrade`" in p for p in problems), problems

    done = _medialit("course", "upgrade", "--course", str(course.root), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "venezuela-prisoner-releases-2026-01-14.yaml: h1 is now 'framing' (was 'unsourced')" in done.stdout
    assert f"regenerated the release of {PS}" in done.stdout
    kept = list((course.root / BACKUPS_DIR).glob(f"before-upgrade-*/seeds/{SEED}"))
    assert kept and "    label: unsourced\n    also: [framing]" in kept[0].read_text(encoding="utf-8")
    assert "ex.receipt()" in (course.root / "release" / PS / f"{PS}.ipynb").read_text(encoding="utf-8")

    gold = gold_answers(course, PS)
    release = course.root / "release" / PS
    course.add_submission(
        PS, "s01", {f"{PS}.ipynb": release / f"{PS}.ipynb", f"{PS}.answers.json": answers_file(PS, gold)}
    )
    statuses = autograde(course, PS, jobs=1, progress=False)
    assert (statuses["s01"].status, statuses["s01"].score) == ("graded", 16)
    again = _medialit("course", "upgrade", "--course", str(course.root), cwd=tmp_path)
    assert "already has this medialit version's seeds and masters" in again.stdout
    shutil.rmtree(course.root / BACKUPS_DIR)
