"""`medialit collect` never follows a link out of an LMS download, never blocks on a pipe or a device,
and never extracts a zip entry that is a link or whose path leaves the download.

Each skipped file is named in the report; a control student in the same download is collected normally.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest

from medialit.cli.main import main
from medialit.grading import collect
from medialit.grading.collect import CollectReport, collect_lms
from medialit.grading.course import Course
from medialit.grading.roster import Student, write_roster

PS = "ps1-sources"
ROSTER = [
    Student("s01", "Jane", "Smith", "jane@school.example", "12345"),
    Student("s02", "Ben", "Novak", "ben@school.example", "102"),
    Student("s03", "Chloe", "Haddad", "chloe@school.example", "103"),
]
JANE = f"smithjane_12345_678_{PS}"  # Canvas names
BEN = f"novakben_102_680_{PS}"
CHLOE = f"haddadchloe_103_679_{PS}"
CONTROL = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
SECRET = b"SECRET-OUTSIDE-THE-DOWNLOAD"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    base = tmp_path_factory.mktemp("links")
    write_roster(base / "roster.csv", ROSTER)
    return Course.init(base / "course", roster=base / "roster.csv")


@pytest.fixture
def fresh(course: Course) -> Course:
    """The course with no submissions yet."""
    shutil.rmtree(course.root / "submitted", ignore_errors=True)
    return course


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the download holding a secret notebook-looking file."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / f"{PS}.ipynb").write_bytes(SECRET)
    (folder / "secret.txt").write_bytes(SECRET)
    return folder


def _collect(course: Course, source: Path, timeout: float = 60) -> CollectReport:
    """collect_lms in a thread: a pipe or a device that blocks the copy fails the test instead of hanging it."""
    result: list[CollectReport | BaseException] = []

    def run() -> None:
        try:
            result.append(collect_lms(course, PS, source))
        except BaseException as exc:  # reported below
            result.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    assert not worker.is_alive(), f"collect did not return within {timeout} s (blocked on a pipe or a device?)"
    if isinstance(result[0], BaseException):
        raise result[0]
    return result[0]


def _course_files(course: Course) -> dict[str, bytes]:
    root = course.root / "submitted"
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in (root.rglob("*") if root.exists() else [])
        if p.is_file() and not p.is_symlink()
    }


def _links_in(folder: Path) -> list[Path]:
    return [Path(top) / n for top, dirs, files in os.walk(folder) for n in dirs + files if (Path(top) / n).is_symlink()]


def _assert_nothing_from_outside(course: Course) -> None:
    files = _course_files(course)
    assert files, "the control student should have been collected"
    for name, content in files.items():
        assert SECRET not in content, name
        assert b"root:" not in content, name  # /etc/passwd, /etc/shadow
        assert content != b"\0" * len(content) or not content, name  # /dev/zero
    assert _links_in(course.root / "submitted") == []


def _assert_control_collected(course: Course, report: CollectReport) -> None:
    assert report.collected == {"s02": [f"{PS}.ipynb"]}
    assert (course.submission_dir(PS, "s02") / f"{PS}.ipynb").read_bytes() == CONTROL
    assert not course.submission_dir(PS, "s01").exists()


def _skipped(report: CollectReport) -> dict[str, str]:
    return dict(text.split(": ", 1) for text in report.skipped)


# ---------------------------------------------------------------- folders


def test_links_to_files_outside_are_skipped_and_named(fresh, tmp_path, outside):
    download = tmp_path / "download"
    download.mkdir()
    (download / f"{BEN}.ipynb").write_bytes(CONTROL)
    (download / f"{JANE}.ipynb").symlink_to("/etc/shadow")
    (download / f"{JANE}.answers.json").symlink_to("/etc/passwd")
    (download / f"{CHLOE}.ipynb").symlink_to("/dev/zero")
    (download / f"{CHLOE}.answers.json").symlink_to(outside / "secret.txt")
    report = _collect(fresh, download)
    _assert_control_collected(fresh, report)
    assert not fresh.submission_dir(PS, "s03").exists()
    skipped = _skipped(report)
    assert set(skipped) == {f"{JANE}.ipynb", f"{JANE}.answers.json", f"{CHLOE}.ipynb", f"{CHLOE}.answers.json"}
    assert skipped[f"{JANE}.ipynb"] == "it is a link to a file outside the download: /etc/shadow"
    assert skipped[f"{CHLOE}.ipynb"] == "it is a link to a file outside the download: /dev/zero"
    summary = report.summary()
    assert f"  skipped {JANE}.ipynb: it is a link to a file outside the download: /etc/shadow (not copied)" in summary
    assert summary.splitlines()[0] == "collected 1 submission(s): s02"
    assert report.unmatched == []
    _assert_nothing_from_outside(fresh)


def test_a_link_to_another_students_file_is_not_given_to_the_student(fresh, tmp_path):
    download = tmp_path / "download"
    download.mkdir()
    (download / f"{BEN}.ipynb").write_bytes(CONTROL)
    (download / f"{JANE}.ipynb").symlink_to(f"{BEN}.ipynb")  # relative, inside the download
    report = _collect(fresh, download)
    _assert_control_collected(fresh, report)
    assert _skipped(report)[f"{JANE}.ipynb"].startswith("it is a link to a file inside the download")


def test_a_folder_link_pointing_outside_is_not_entered(fresh, tmp_path, outside):
    download = tmp_path / "download"
    (download / "Ben Novak_102_assignsubmission_file_").mkdir(parents=True)
    (download / f"Ben Novak_102_assignsubmission_file_/{PS}.ipynb").write_bytes(CONTROL)
    (download / "Jane Smith_12345_assignsubmission_file_").symlink_to(outside, target_is_directory=True)
    (download / "nested").mkdir()
    (download / "nested" / "more").symlink_to(outside, target_is_directory=True)
    (download / "loop").symlink_to(download, target_is_directory=True)  # a cycle must not be walked either
    (download / f"{JANE}.ipynb").symlink_to(f"{JANE}.answers.json")  # and two links pointing at each other
    (download / f"{JANE}.answers.json").symlink_to(f"{JANE}.ipynb")
    report = _collect(fresh, download)
    _assert_control_collected(fresh, report)
    skipped = _skipped(report)
    assert set(skipped) == {
        "Jane Smith_12345_assignsubmission_file_/",
        "nested/more/",
        "loop/",
        f"{JANE}.ipynb",
        f"{JANE}.answers.json",
    }
    assert skipped["nested/more/"].startswith("it is a link to a folder outside the download")
    assert skipped["nested/more/"].endswith("nothing in it was read")
    assert skipped["loop/"].startswith("it is a link to a folder inside the download")
    _assert_nothing_from_outside(fresh)


def test_a_fifo_does_not_block_collect(fresh, tmp_path):
    download = tmp_path / "download"
    download.mkdir()
    (download / f"{BEN}.ipynb").write_bytes(CONTROL)
    os.mkfifo(download / f"{JANE}.ipynb")
    report = _collect(fresh, download, timeout=30)
    _assert_control_collected(fresh, report)
    assert _skipped(report) == {f"{JANE}.ipynb": "it is a named pipe (fifo), not a file"}


def test_the_download_folder_given_as_a_link_is_read(fresh, tmp_path):
    """The teacher's own argument may be a link; only what is inside the download is never followed."""
    real = tmp_path / "real"
    real.mkdir()
    (real / f"{BEN}.ipynb").write_bytes(CONTROL)
    (tmp_path / "download").symlink_to(real, target_is_directory=True)
    _assert_control_collected(fresh, _collect(fresh, tmp_path / "download"))


def test_a_folder_swapped_for_a_link_after_the_walk_is_refused(tmp_path, outside):
    """The parent-folder race: the file is opened folder by folder without following links."""
    root = tmp_path / "download"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / f"{PS}.ipynb").write_bytes(CONTROL)
    target = tmp_path / "staged"
    when, reason = collect._stage_file(root, Path("sub") / f"{PS}.ipynb", target)
    assert when is not None and reason == "" and target.read_bytes() == CONTROL
    shutil.rmtree(root / "sub")
    (root / "sub").symlink_to(outside, target_is_directory=True)  # sub/ps1-sources.ipynb now lstat()s as a file
    target.unlink()
    when, reason = collect._stage_file(root, Path("sub") / f"{PS}.ipynb", target)
    assert (when, reason) == (None, "it or a folder on its path was replaced by a link while collecting")
    assert not target.exists()


def test_files_over_the_size_cap_are_skipped(fresh, tmp_path, monkeypatch):
    monkeypatch.setattr(collect, "MAX_FILE_BYTES", 1000)
    download = tmp_path / "download"
    download.mkdir()
    (download / f"{BEN}.ipynb").write_bytes(CONTROL)
    (download / f"{JANE}.ipynb").write_bytes(b"x" * 5000)
    report = _collect(fresh, download)
    _assert_control_collected(fresh, report)
    assert "over the" in _skipped(report)[f"{JANE}.ipynb"]


def test_cli_prints_the_skipped_files(fresh, tmp_path, monkeypatch, capsys):
    download = tmp_path / "download"
    download.mkdir()
    (download / f"{BEN}.ipynb").write_bytes(CONTROL)
    (download / f"{JANE}.ipynb").symlink_to("/etc/passwd")
    monkeypatch.setenv("MEDIALIT_COURSE", str(fresh.root))
    assert main(["collect", PS, str(download)]) == 1  # s01 and s03 have no submission: named, exit 1
    out = capsys.readouterr().out
    assert "no submission: Jane Smith (s01)" in out and "no submission: Chloe Haddad (s03)" in out
    assert "collected 1 submission(s): s02" in out
    assert f"skipped {JANE}.ipynb: it is a link to a file outside the download: /etc/passwd (not copied)" in out


# ---------------------------------------------------------------- zips


def _link_entry(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    """A zip entry stored as a symbolic link, as `zip --symlinks` writes it."""
    info = zipfile.ZipInfo(name, (2026, 1, 20, 12, 0, 0))
    info.create_system = 3  # Unix
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def _outside_names(tmp_path: Path) -> set[Path]:
    """Every file that exists around the test folder, to check that nothing new appears there."""
    around = {tmp_path.parent, tmp_path.parent.parent, Path.cwd()}
    return {p for folder in around for p in folder.iterdir()} | set(tmp_path.rglob("*"))


def test_zip_links_and_paths_out_of_the_download_are_skipped(fresh, tmp_path):
    zip_path = tmp_path / "canvas.zip"
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr(f"{BEN}.ipynb", CONTROL)
        archive.writestr(*_link_entry(f"{JANE}.ipynb", "/etc/shadow"))
        archive.writestr(*_link_entry(f"{CHLOE}.ipynb", "/dev/zero"))
        archive.writestr("../../evil.ipynb", SECRET)
        archive.writestr(f"../../{JANE}.answers.json", SECRET)  # named like a student's file
        archive.writestr(f"/tmp/{CHLOE}.answers.json", SECRET)
        archive.writestr(f"C:/Users/x/{CHLOE}.answers.json", SECRET)
    before = _outside_names(tmp_path)
    report = _collect(fresh, zip_path)
    _assert_control_collected(fresh, report)
    assert not fresh.submission_dir(PS, "s03").exists()
    skipped = _skipped(report)
    assert skipped == {
        f"{JANE}.ipynb": "it is a link stored in the zip, not a file",
        f"{CHLOE}.ipynb": "it is a link stored in the zip, not a file",
        "../../evil.ipynb": "its path climbs out of the download with '..'",
        f"../../{JANE}.answers.json": "its path climbs out of the download with '..'",
        f"/tmp/{CHLOE}.answers.json": "its path is absolute (outside the download)",
        f"C:/Users/x/{CHLOE}.answers.json": "its path is absolute (outside the download)",
    }
    assert "  skipped ../../evil.ipynb: its path climbs out of the download with '..' (not copied)" in report.summary()
    assert _outside_names(tmp_path) - before == set()  # nothing written outside the course
    assert not Path("/tmp", f"{CHLOE}.answers.json").exists()
    _assert_nothing_from_outside(fresh)


@pytest.mark.skipif(shutil.which("zip") is None, reason="the zip command is not installed")
def test_a_zip_made_by_zip_symlinks_is_safe(fresh, tmp_path):
    folder = tmp_path / "made"
    folder.mkdir()
    (folder / f"{BEN}.ipynb").write_bytes(CONTROL)
    (folder / f"{JANE}.ipynb").symlink_to("/etc/passwd")
    zip_path = tmp_path / "made.zip"
    subprocess.run(["zip", "-q", "--symlinks", "-r", str(zip_path), "."], cwd=folder, check=True)
    report = _collect(fresh, zip_path)
    _assert_control_collected(fresh, report)
    assert _skipped(report) == {f"{JANE}.ipynb": "it is a link stored in the zip, not a file"}
    _assert_nothing_from_outside(fresh)


def test_zip_entries_over_the_size_cap_or_unreadable_are_skipped(fresh, tmp_path, monkeypatch):
    monkeypatch.setattr(collect, "MAX_FILE_BYTES", 1000)
    zip_path = tmp_path / "canvas.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{BEN}.ipynb", CONTROL)
        archive.writestr(f"{JANE}.ipynb", b"x" * 50_000)  # compresses to far less than the cap
        archive.writestr(zipfile.ZipInfo(f"{BEN}.answers.json", (2026, 0, 0, 0, 0, 0)), b"{}")  # no such date
        archive.writestr(zipfile.ZipInfo(f"{CHLOE}.ipynb"), b"A" * 200)  # stored, damaged below
    raw = zip_path.read_bytes()
    zip_path.write_bytes(raw.replace(b"A" * 200, b"B" * 200))  # the CRC no longer matches
    report = _collect(fresh, zip_path)
    skipped = _skipped(report)
    assert skipped[f"{JANE}.ipynb"] == "it is 0 MB, over the 0 MB limit for one file"
    assert skipped[f"{CHLOE}.ipynb"].startswith("it could not be read from the zip (Bad CRC-32")
    assert report.collected == {"s02": [f"{PS}.answers.json", f"{PS}.ipynb"]}
    assert not fresh.submission_dir(PS, "s03").exists()
