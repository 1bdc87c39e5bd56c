"""Collect submissions: from nbgrader's exchange, or from an LMS bulk download (zip or folder).

LMS file names (what Canvas and Moodle put in "download all submissions"):

- Canvas: ``doejane_12345_67890_ps1-sources.ipynb`` (``doejane_LATE_12345_...`` when late);
  a re-upload gets a ``-1``, ``-2`` suffix: ``ps1-sources-1.ipynb``. 12345 is the Canvas user id.
- Moodle: ``Jane Doe_12345_assignsubmission_file_/ps1-sources.ipynb`` (a folder per
  student) or the same as a flat file name. 12345 is the participant id.

Files are matched to students by the roster's ``lms_id``, else by name. Every file
ends up collected, reported as unmatched, reported as a duplicate, or reported as skipped:
none is dropped silently. Each submission keeps its own timestamp (a late one stays late).

Only regular files inside the download are read. Links (to files or folders), named pipes,
devices, zip entries that are links or whose path is absolute or climbs out with ``..``, and
files over ``MAX_FILE_BYTES`` are skipped and named in the report: a link named like a
student's notebook never brings another file into the course.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from medialit.course import Course, CourseError
from medialit.roster import Student

CANVAS = re.compile(r"^(?P<name>[a-z0-9]+?)_(?:(?P<late>LATE)_)?(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<name>[^_/]+)_(?P<uid>\d+)_assignsubmission_(?:file|onlinetext)_/?(?P<file>.*)$")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
MAX_FILE_BYTES = 200_000_000  # far above any notebook; larger files in a download are skipped
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a fifo must not block the open
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_BINARY = getattr(os, "O_BINARY", 0)


@dataclass
class Upload:
    """One file from the LMS download, with who it belongs to."""

    path: Path  # where it is on disk (extracted)
    shown: str  # its name in the download
    lms: str  # canvas | moodle
    name: str
    uid: str
    filename: str
    when: datetime
    late: bool = False


@dataclass
class CollectReport:
    """What was collected, and every file that was not."""

    collected: dict[str, list[str]] = field(default_factory=dict)  # student -> files
    unmatched: list[str] = field(default_factory=list)  # download names with no student
    duplicates: list[str] = field(default_factory=list)  # explanations
    kept: list[str] = field(default_factory=list)  # newer submissions already present
    skipped: list[str] = field(default_factory=list)  # "name: why" for links, pipes, unsafe zip entries
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"collected {len(self.collected)} submission(s): {', '.join(sorted(self.collected)) or 'none'}"]
        lines += [f"  unmatched (no student found): {name}" for name in self.unmatched]
        lines += [f"  duplicate: {text}" for text in self.duplicates]
        lines += [f"  kept the newer submission already collected: {text}" for text in self.kept]
        lines += [f"  skipped {text} (not copied)" for text in self.skipped]
        lines += [f"  note: {text}" for text in self.notes]
        return "\n".join(lines)


def squash(text: str) -> str:
    """A name as Canvas writes it in file names: lower-case letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def parse_upload(shown: str, path: Path, when: datetime) -> Upload | None:
    """Read who a downloaded file belongs to from its Canvas or Moodle name (None if neither)."""
    parts = shown.replace("\\", "/").split("/")
    for candidate in ("/".join(parts[-2:]), parts[-1]):
        m = MOODLE.match(candidate)
        if m and m.group("file"):
            return Upload(path, shown, "moodle", m.group("name"), m.group("uid"), Path(m.group("file")).name, when)
    m = CANVAS.match(parts[-1])
    if m:
        return Upload(
            path, shown, "canvas", m.group("name"), m.group("uid"), m.group("file"), when, bool(m.group("late"))
        )
    return None


def match_student(upload: Upload, roster: list[Student]) -> Student | None:
    """The roster entry for an upload: by LMS id, then by name."""
    for s in roster:
        if s.lms_id and s.lms_id == upload.uid:
            return s
    name = squash(upload.name)
    for s in roster:
        if name in {squash(s.last_name + s.first_name), squash(s.first_name + s.last_name), squash(s.student_id)}:
            return s
    return None


def canonical(assignment: str, filename: str) -> tuple[str, str]:
    """The name a file gets in the submission, and a note if it was renamed.

    ``ps1-sources-1.ipynb`` (a Canvas re-upload) becomes ``ps1-sources.ipynb``; any
    other single notebook is renamed to the assignment's notebook name.
    """
    stem = re.sub(r"-\d+$", "", Path(filename).name.split(".")[0])
    rest = filename[len(filename.split(".")[0]) :]
    if rest == ".ipynb":
        name = f"{assignment}.ipynb"
        note = "" if stem == assignment else f"notebook {filename!r} renamed to {name!r}"
        return name, note
    if rest == ".answers.json":
        return f"{assignment}.answers.json", ""
    return re.sub(r"-\d+(?=\.)", "", filename), ""


Entry = tuple[str, Path, datetime]  # name in the download, staged copy, submission time


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (fifo)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _link_reason(link: Path, root: Path, what: str = "file") -> str:
    """Why a link in the download is skipped, naming where it points."""
    try:
        target = os.readlink(link)
    except OSError:
        return f"it is a link to a {what}"
    inside = Path(os.path.realpath(link.parent / target)).is_relative_to(os.path.realpath(root))  # loops are fine
    where = "inside the download (links are never followed)" if inside else "outside the download"
    return f"it is a link to a {what} {where}: {target}"


def _copy_capped(read: Callable[[int], bytes], out: Path) -> bool:
    """Copy from ``read(n)`` into ``out``; False (and nothing kept) when over MAX_FILE_BYTES."""
    size = 0
    with out.open("wb") as handle:
        while chunk := read(1 << 20):
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                break
            handle.write(chunk)
    if size > MAX_FILE_BYTES:
        out.unlink()
        return False
    return True


def _open_inside(root: Path, rel: Path) -> int:
    """Open ``root/rel`` for reading without following a link anywhere below ``root``.

    Each folder on the way is opened relative to the one before with O_NOFOLLOW, so a
    folder swapped for a link after the walk is refused (OSError) rather than followed.
    """
    if os.open not in os.supports_dir_fd or not _NOFOLLOW:  # no dir_fd: check each step with lstat
        here = root
        for part in rel.parts:
            here = here / part
            if here.is_symlink():
                raise OSError(f"{here} is a link")
        return os.open(root / rel, os.O_RDONLY | _NONBLOCK | _BINARY)
    fd = os.open(root, os.O_RDONLY | _DIRECTORY)
    try:
        for part in rel.parts[:-1]:
            inner = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = inner
        return os.open(rel.parts[-1], os.O_RDONLY | _NOFOLLOW | _NONBLOCK | os.O_NOCTTY, dir_fd=fd)
    finally:
        os.close(fd)


def _stage_file(root: Path, rel: Path, target: Path) -> tuple[datetime | None, str]:
    """Copy one regular file of the download into ``target``: (its time, "") or (None, why not)."""
    path = root / rel
    try:
        before = path.lstat()
    except OSError as exc:
        return None, f"it could not be read ({exc.strerror or exc})"
    if stat.S_ISLNK(before.st_mode):
        return None, _link_reason(path, root)
    if not stat.S_ISREG(before.st_mode):
        return None, f"it is {_kind(before.st_mode)}, not a file"
    if before.st_size > MAX_FILE_BYTES:
        return None, f"it is {before.st_size / 1e6:.0f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB limit"
    try:
        fd = _open_inside(root, rel)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR) or exc.errno is None:
            return None, "it or a folder on its path was replaced by a link while collecting"
        return None, f"it could not be read ({exc.strerror or exc})"
    with os.fdopen(fd, "rb") as handle:
        now = os.fstat(handle.fileno())
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
            return None, "it changed while being read (replaced by a link or a special file)"
        if not _copy_capped(handle.read, target):
            return None, f"it is over the {MAX_FILE_BYTES / 1e6:.0f} MB limit"
    return datetime.fromtimestamp(now.st_mtime), ""


def _folder_entries(source: Path, tmp: Path, skipped: list[str]) -> list[Entry]:
    """Stage the regular files of a download folder; links, pipes and devices go to ``skipped``."""

    def unreadable(exc: OSError) -> None:
        shown = Path(exc.filename or source).relative_to(source).as_posix()
        skipped.append(f"{shown}/: the folder could not be read ({exc.strerror or exc})")

    entries: list[Entry] = []
    for top, dirs, files in os.walk(source, followlinks=False, onerror=unreadable):
        here = Path(top)
        for name in sorted(dirs):
            if (here / name).is_symlink():  # os.walk lists it but does not enter it
                shown = (here / name).relative_to(source).as_posix()
                skipped.append(f"{shown}/: {_link_reason(here / name, source, 'folder')}; nothing in it was read")
                dirs.remove(name)
        dirs.sort()
        for name in sorted(files):
            rel = (here / name).relative_to(source)
            target = tmp / str(len(entries))
            when, reason = _stage_file(source, rel, target)
            if when is None:
                skipped.append(f"{rel.as_posix()}: {reason}")
                continue
            entries.append((rel.as_posix(), target, when))
    return sorted(entries, key=lambda entry: entry[0])


def _zip_problem(info: zipfile.ZipInfo) -> str:
    """Why a zip entry must not be extracted ('' when it is a plain file inside the download)."""
    name = info.filename.replace("\\", "/")
    if stat.S_ISLNK(info.external_attr >> 16):
        return "it is a link stored in the zip, not a file"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "its path is absolute (outside the download)"
    if ".." in name.split("/"):
        return "its path climbs out of the download with '..'"
    if info.file_size > MAX_FILE_BYTES:
        return f"it is {info.file_size / 1e6:.0f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB limit"
    return ""


def _zip_entries(source: Path, tmp: Path, skipped: list[str]) -> list[Entry]:
    """Stage the plain files of an LMS zip; links and paths outside the download go to ``skipped``."""
    entries: list[Entry] = []
    fallback = datetime.fromtimestamp(source.stat().st_mtime)
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            if info.is_dir() or info.filename.startswith("__MACOSX"):
                continue
            reason = _zip_problem(info)
            target = tmp / str(len(entries))
            if not reason:
                try:
                    with archive.open(info) as member:
                        if not _copy_capped(member.read, target):
                            reason = f"it is over the {MAX_FILE_BYTES / 1e6:.0f} MB limit"
                except (RuntimeError, NotImplementedError, EOFError, OSError, zipfile.BadZipFile, zlib.error) as exc:
                    target.unlink(missing_ok=True)
                    reason = f"it could not be read from the zip ({exc})"
            if reason:
                skipped.append(f"{info.filename}: {reason}")
                continue
            try:
                when = datetime(*info.date_time)
            except ValueError:  # an impossible date in the zip: use the zip's own time
                when = fallback
            entries.append((info.filename, target, when))
    return entries


def collect_lms(course: Course, assignment: str, source: str | Path) -> CollectReport:
    """Collect from an LMS bulk download (a .zip or its extracted folder) into submitted/."""
    course.require_assignment(assignment)
    source = Path(source)
    if not source.exists():
        raise CourseError(f"{source} not found: give the LMS download (a .zip file or a folder)")
    roster = course.roster()
    report = CollectReport()
    with tempfile.TemporaryDirectory() as tmp:
        if source.is_dir():
            entries = _folder_entries(source, Path(tmp), report.skipped)
        elif source.is_file() and zipfile.is_zipfile(source):
            entries = _zip_entries(source, Path(tmp), report.skipped)
        else:
            raise CourseError(f"{source} is not a zip file; give the LMS download zip or an extracted folder")
        by_student: dict[str, list[Upload]] = {}
        for shown, path, when in entries:
            upload = parse_upload(shown, path, when)
            student = match_student(upload, roster) if upload else None
            if upload is None or student is None:
                report.unmatched.append(shown)
                continue
            by_student.setdefault(student.student_id, []).append(upload)
        for student, uploads in sorted(by_student.items()):
            _store(course, assignment, student, uploads, report)
    return report


def _store(course: Course, assignment: str, student: str, uploads: list[Upload], report: CollectReport) -> None:
    files: dict[str, Upload] = {}
    for up in sorted(uploads, key=lambda u: (u.when, u.filename)):
        name, note = canonical(assignment, up.filename)
        if note:
            report.notes.append(f"{student}: {note}")
        if name in files:
            older = files[name]
            report.duplicates.append(
                f"{student}: {older.shown} and {up.shown} both give {name}; kept the newer one ({up.shown})"
            )
        files[name] = up
    when = max(u.when for u in files.values())
    folder = course.submission_dir(assignment, student)
    existing = course_timestamp(folder)
    if existing and existing > when:
        report.kept.append(f"{student} (collected {existing:%Y-%m-%d %H:%M}, download is older)")
        return
    staged = folder.with_name(folder.name + ".incoming")
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    for name, up in files.items():
        shutil.copyfile(up.path, staged / name)
    (staged / "timestamp.txt").write_text(when.strftime(TIME_FORMAT), encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder)
    staged.rename(folder)
    report.collected[student] = sorted(files)


def course_timestamp(folder: Path) -> datetime | None:
    """The timestamp of a collected submission (None if there is none)."""
    stamp = folder / "timestamp.txt"
    if not stamp.exists():
        return None
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(stamp.read_text(encoding="utf-8").strip()).replace(tzinfo=None)
    except (ValueError, TypeError):
        return None


def collect_exchange(course: Course, assignment: str) -> CollectReport:
    """Collect from nbgrader's exchange (newest submission per student; timestamps kept)."""
    course.require_assignment(assignment)
    before = {s: course_timestamp(course.submission_dir(assignment, s)) for s in course.submitted_students(assignment)}
    result = course.api().collect(assignment, update=True)
    if not result["success"]:
        raise CourseError(f"nbgrader could not collect {assignment}:\n{result.get('log', '')[-1500:]}")
    report = CollectReport()
    for student in course.submitted_students(assignment):
        stamp = course_timestamp(course.submission_dir(assignment, student))
        if student not in before or stamp != before[student]:
            report.collected[student] = sorted(p.name for p in course.submission_dir(assignment, student).iterdir())
    if not report.collected:
        report.notes.append("no new submissions in the exchange")
    return report


def submit_to_exchange(course: Course, assignment: str, student: str, folder: Path) -> None:
    """Submit a student's assignment folder to the exchange, as `nbgrader submit` does (for demos and tests)."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeSubmit

    config = course.config()
    config.CourseDirectory.root = str(folder.parent)
    config.CourseDirectory.assignment_id = assignment
    config.CourseDirectory.student_id = student
    coursedir = CourseDirectory(config=config)
    config.Exchange.assignment_dir = str(folder.parent)
    submit = ExchangeSubmit(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
    submit.start()
