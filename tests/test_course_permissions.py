"""A course is its teacher's alone: folder 0700, gradebook 0600; an exchange is 1777 with the sticky bit.

With a shared exchange, ``course init`` makes the course's own folder there (outbound 0755,
inbound 2733) before any student can, and refuses one that another account made first.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from medialit.cli.main import main
from medialit.grading.course import Course


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_course_is_private_and_its_own_exchange_sticky(tmp_path: Path) -> None:
    course = Course.init(tmp_path / "course")
    assert mode(course.root) == 0o700
    assert mode(course.root / "gradebook.db") == 0o600
    assert mode(course.root / "exchange") == 0o1777


def test_a_shared_exchange_gets_the_course_folder_with_nbgrader_modes(tmp_path: Path, capsys) -> None:
    shared = tmp_path / "exchange"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)  # no sticky bit: its owner's course init sets it
    code = main(["course", "init", str(tmp_path / "c1"), "--course-id", "c1", "--exchange", str(shared)])
    assert code == 0, capsys.readouterr().err
    assert mode(shared) == 0o1777
    assert (mode(shared / "c1"), mode(shared / "c1" / "outbound"), mode(shared / "c1" / "inbound")) == (
        0o755,
        0o755,
        0o2733,
    )
    assert mode(tmp_path / "c1") == 0o700


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make a folder owned by another account")
def test_a_course_folder_in_the_exchange_made_by_someone_else_is_refused(tmp_path: Path, capsys) -> None:
    shared = tmp_path / "exchange"
    shared.mkdir()
    shared.chmod(0o1777)
    planted = shared / "c2"
    planted.mkdir()
    os.chown(planted, 65534, 65534)  # nobody: a student who created it first
    code = main(["course", "init", str(tmp_path / "c2"), "--course-id", "c2", "--exchange", str(shared)])
    err = capsys.readouterr().err
    assert code != 0 and "already exists and belongs to" in err and "Traceback" not in err
    assert not (tmp_path / "c2").exists() or not any((tmp_path / "c2").iterdir())
