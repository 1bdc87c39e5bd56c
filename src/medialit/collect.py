"""Collect submissions: from nbgrader's exchange, or from an LMS bulk download (zip or folder).

LMS file names (what Canvas and Moodle put in "download all submissions"):

- Canvas: ``doejane_12345_67890_ps1-sources.ipynb`` (``doejane_LATE_12345_...`` when late);
  a re-upload gets a ``-1``, ``-2`` suffix: ``ps1-sources-1.ipynb``. 12345 is the Canvas user id.
- Moodle: ``Jane Doe_12345_assignsubmission_file_/ps1-sources.ipynb`` (a folder per
  student) or the same as a flat file name. 12345 is the participant id.

Files are matched to students by the roster's ``lms_id``, else by name. Every file
ends up collected, reported as unmatched, or reported as a duplicate: none is dropped
silently. Each submission keeps its own timestamp (a late one stays late).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from medialit.course import Course, CourseError
from medialit.roster import Student

CANVAS = re.compile(r"^(?P<name>[a-z0-9]+?)_(?:(?P<late>LATE)_)?(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<name>[^_/]+)_(?P<uid>\d+)_assignsubmission_(?:file|onlinetext)_/?(?P<file>.*)$")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


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
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"collected {len(self.collected)} submission(s): {', '.join(sorted(self.collected)) or 'none'}"]
        lines += [f"  unmatched (no student found): {name}" for name in self.unmatched]
        lines += [f"  duplicate: {text}" for text in self.duplicates]
        lines += [f"  kept the newer submission already collected: {text}" for text in self.kept]
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


def _uploads(source: Path) -> Iterator[tuple[str, Path, datetime]]:
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        yield str(path.relative_to(source)), path, datetime.fromtimestamp(path.stat().st_mtime)


def collect_lms(course: Course, assignment: str, source: str | Path) -> CollectReport:
    """Collect from an LMS bulk download (a .zip or its extracted folder) into submitted/."""
    course.require_assignment(assignment)
    source = Path(source)
    if not source.exists():
        raise CourseError(f"{source} not found: give the LMS download (a .zip file or a folder)")
    roster = course.roster()
    report = CollectReport()
    with tempfile.TemporaryDirectory() as tmp:
        if source.is_file():
            if not zipfile.is_zipfile(source):
                raise CourseError(f"{source} is not a zip file; give the LMS download zip or an extracted folder")
            with zipfile.ZipFile(source) as archive:
                entries = []
                for info in archive.infolist():
                    if info.is_dir() or info.filename.startswith("__MACOSX"):
                        continue
                    target = Path(tmp) / f"{len(entries)}"
                    target.write_bytes(archive.read(info))
                    entries.append((info.filename, target, datetime(*info.date_time)))
        else:
            entries = list(_uploads(source))
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
