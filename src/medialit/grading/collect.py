"""Collect submissions: from nbgrader's exchange, or from an LMS bulk download (zip or folder).

LMS file names, as the LMSs' own code builds them (the tests rebuild them the same way):

- Canvas (``ContentZipper#get_filename`` in canvas-lms ``lib/content_zipper.rb``):
  ``SORTABLENAME[_LATE]_USERID_ATTACHMENTID_FILENAME``, for example
  ``muñozørstedjosé_LATE_23456_789_ps1-sources.ipynb``. The name is the student's sortable name
  ("Last, First") lower-cased with everything but letters, marks, digits and ``_`` removed, so
  accented letters stay. USERID is the Canvas user id (the roster's ``lms_id``). The late marker
  has been written ``LATE`` and ``late``; any case is read. A re-upload gets ``-1``, ``-2``:
  ``ps1-sources-1.ipynb``. With anonymous grading the name and id are replaced by ``anon_XXXXX``.
  **Canvas file names carry no time**: the time kept for a Canvas file is its zip entry's date,
  which is when Canvas built the zip, not when the student submitted; lateness comes from the marker.
- Moodle (``assign::download_submissions`` in ``mod/assign/locallib.php``, and from Moodle 4.1
  ``mod_assign\\downloader``): ``Full Name_PARTICIPANTID_assignsubmission_file_/ps1-sources.ipynb``
  (a folder per student; without the last ``_`` from Moodle 4.1), or the flat file
  ``Full Name_PARTICIPANTID_assignsubmission_file_ps1-sources.ipynb``. The participant id is made
  by Moodle per assignment, so Moodle files are matched by name unless the roster holds that id.
  Moodle names carry neither a time nor a late marker.

Files are matched to students by the roster's ``lms_id`` first, then by name (letters of any
alphabet, case, spaces and punctuation ignored). Every file ends up collected, or reported as
not recognised (not an LMS download name), with no roster match, as a duplicate, or as skipped:
none is dropped silently. Roster students left with no submission are listed by name.

Where each collected submission came from, whether the LMS marked it late, and what its
``timestamp.txt`` means are kept per assignment in ``COURSE/collected/ASSIGNMENT.json``
(``record_path``); ``collect_record`` reads a student's entry (None once the submission has
been replaced other than by ``medialit collect``).

Only regular files inside the download are read. Links (to files or folders), named pipes,
devices, zip entries that are links or whose path is empty, absolute, or holds ``.`` or ``..``,
and files over ``MAX_FILE_BYTES`` are skipped and named in the report: a link named like a
student's notebook never brings another file into the course. Only the top-level entry says
whose a file is (``parse_upload``); a zip's names are all read, and its caps checked, before
anything is extracted (``lms_download``).

From the exchange (``collect_exchange``), the kit reads ``inbound/`` itself (``exchange_inbound``):
a folder is a student's only if their account owns it, only regular files are copied, and
timestamp.txt holds when the exchange received the submission, not what the student wrote.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import stat
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from medialit.grading.course import Course, CourseError
from medialit.grading.exchange_inbound import (
    InboundEntry,
    Refused,
    account_uid,
    file_kind,
    inbound_entries,
    stage,
    time_flag,
)
from medialit.grading.layout import (
    TIME_FORMAT,
    TIMESTAMP,
    Layout,
    parse_timestamp,
    read_timestamp,
    timestamp_text,
    write_timestamp,
)
from medialit.grading.lms_download import Caps, name_problem, typed_note, zip_entries
from medialit.grading.roster import SAFE_ID, Student

# Canvas, anonymous grading: "[LATE_]anon_XXXXX_ATTACHMENTID_FILENAME" (no name, no user id).
CANVAS_ANON = re.compile(r"^(?:(?P<late>late)_)?anon_(?P<anon>[A-Za-z0-9]+)_(?P<sid>\d+)_(?P<file>.+)$", re.I | re.S)
CANVAS = re.compile(r"^(?P<name>[^/]*?)(?:_(?P<late>late))?_(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$", re.I | re.S)
# Canvas text entries and URLs: "NAME[_LATE]_USERID_text.html" / "..._link.html" (no attachment id).
CANVAS_ONLINE = re.compile(
    r"^(?P<name>[^/]*?)(?:_(?P<late>late))?_(?P<uid>\d+)_(?P<kind>text|link)\.html$", re.I | re.S
)
MOODLE_FOLDER = re.compile(r"^(?P<name>.*?)_(?P<uid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?$", re.S)
MOODLE_FLAT = re.compile(r"^(?P<name>.*?)_(?P<uid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.+)$", re.S)
RESERVED = {TIMESTAMP}  # written by the kit (nbgrader's submission time): an upload never replaces it
MAX_FILE_BYTES = 100_000_000  # far above any notebook (nbgrader's own default); larger files are skipped
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
    late: bool | None = False  # None: the LMS does not say (Moodle)
    problem: str = ""  # recognised, but not an uploaded file (a text entry): why it is not collected
    hidden: str = ""  # recognised, but the LMS hid who sent it (anonymous grading): what to do
    nested: str = ""  # inside one student's folder but named as another's: why it is given to nobody
    typed: bool = False  # a text the student typed in the LMS (Moodle online text, Canvas text entry)


@dataclass
class Match:
    """Who an upload belongs to (student None: nobody), how that was decided, or why not."""

    student: Student | None
    by: str = ""  # "lms_id" or "name"
    note: str = ""  # a conflict worth a teacher's look
    why: str = ""  # why nobody matched


@dataclass
class Collected:
    """Where one student's collected submission came from."""

    name: str  # the student's name on the roster
    sources: dict[str, str] = field(default_factory=dict)  # stored file -> its path or entry in the download
    late: bool | None = None  # as the LMS marked it; None when it does not say (Moodle, the exchange)
    via: str = ""  # canvas | moodle | exchange
    matched_by: str = ""  # lms_id | name (LMS downloads)
    timestamp: str = ""  # what timestamp.txt holds
    file_late: dict[str, bool | None] = field(default_factory=dict)  # stored file -> as the LMS marked it
    claimed: str = ""  # the exchange: what the student's own timestamp.txt said
    flag: str = ""  # the exchange: why the student's times disagree with the server's
    inbound: str = ""  # the exchange: the inbound folder collected
    owner: str = ""  # the exchange: the account that owns it ('' when that could not be checked)


@dataclass
class CollectReport:
    """What was collected, and every file that was not."""

    collected: dict[str, list[str]] = field(default_factory=dict)  # student -> files
    unmatched: list[str] = field(default_factory=list)  # download names of recognised files with no student
    unrecognised: list[str] = field(default_factory=list)  # download names that are no Canvas or Moodle name
    duplicates: list[str] = field(default_factory=list)  # explanations
    kept: list[str] = field(default_factory=list)  # newer submissions already present
    skipped: list[str] = field(default_factory=list)  # "name: why" for links, pipes, unsafe zip entries
    refused: list[str] = field(default_factory=list)  # given to nobody: impostors, files nested in another's folder
    flags: list[str] = field(default_factory=list)  # collected, but worth a look (a student's time disagrees)
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # roster students with no submission: "Name (id)"
    why: dict[str, str] = field(default_factory=dict)  # unmatched download name -> why no student fits
    details: dict[str, Collected] = field(default_factory=dict)  # student -> where it came from, late
    source: str = ""  # the download (or "nbgrader's exchange")
    record: str = ""  # the file where each collected file's origin is kept (record_path)
    typed: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # student -> [{from, text}] typed in the LMS
    names: dict[str, str] = field(default_factory=dict)  # student -> "Name (id)", for the typed notes

    @property
    def problems(self) -> bool:
        """True when a roster student has no submission or a file could not be given to anyone."""
        return bool(self.missing or self.unmatched or self.unrecognised or self.refused)

    def summary(self, verbose: bool = False) -> str:
        """What a teacher reads: who was collected, who was marked late, and every file not given to anyone.

        Where each student's files came from is in the record; ``verbose`` lists it here too, a line each.
        """
        lines = [f"collected {len(self.collected)} submission(s): {', '.join(sorted(self.collected)) or 'none'}"]
        if self.source:
            lines.append(f"  from: {self.source}")
        if verbose:
            lines += ["  " + self._line(student) for student in sorted(self.collected)]
        else:
            lines += self._late_lines()
            if self.collected and self.record:
                lines.append(f"  where each file came from: {self.record} (--verbose lists it here)")
        lines += [f"  file name not recognised (not a Canvas or Moodle download name): {n}" for n in self.unrecognised]
        lines += [f"  no roster match: {n}" + (f" ({self.why[n]})" if self.why.get(n) else "") for n in self.unmatched]
        lines += [f"  duplicate: {text}" for text in self.duplicates]
        lines += [f"  kept the newer submission already collected: {text}" for text in self.kept]
        lines += [f"  skipped {text} (not copied)" for text in self.skipped]
        lines += [f"  refused {text}" for text in self.refused]
        lines += [f"  time check: {text}" for text in self.flags]
        lines += [f"  note: {text}" for text in self.notes]
        for student, typed in sorted(self.typed.items()):
            for note in typed:
                text = " ".join(note["text"].split())
                shown = text if len(text) <= 100 else text[:99].rstrip() + "…"
                where = f" (all of it: {self.record})" if shown != text and self.record else ""
                lines.append(f"  typed in the LMS by {self.names.get(student, student)}: “{shown}”{where}")
        lines += [f"  no submission: {who}" for who in self.missing]
        return "\n".join(lines)

    def _late_lines(self) -> list[str]:
        """One line per LMS that marked submissions late, naming those students."""
        late: dict[str, list[str]] = {}
        for student in sorted(self.collected):
            info = self.details.get(student)
            if info is not None and info.late and info.via != "exchange":
                who = f"{info.name} ({student})" if info.name != student else student
                late.setdefault(info.via.title(), []).append(who)
        return [f"  marked LATE by {via}: {', '.join(who)}" for via, who in late.items()]

    def _line(self, student: str) -> str:
        info = self.details.get(student)
        if info is None:
            return f"{student}: {', '.join(self.collected[student])}"
        if info.via == "exchange":
            return f"{student} ({info.name}), received {info.timestamp}: {', '.join(info.sources)}"
        files = ", ".join(
            f"{stored} from {origin}" if Path(origin).name != stored else origin
            for stored, origin in info.sources.items()
        )
        late = f", marked LATE by {info.via.title()}" if info.late else ""
        return f"{student} ({info.name}){late}: {files}"


def record_path(course_root: Path, assignment: str) -> Path:
    """Where collect keeps, per assignment, how each submission was collected."""
    return Layout(course_root).collected_file(assignment)


def collect_records(course_root: Path, assignment: str) -> dict[str, dict]:
    """Every student's collect record of ``assignment`` (see ``collect_record``), stale ones included."""
    try:
        data = json.loads(record_path(course_root, assignment).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    students = data.get("students") if isinstance(data, dict) else None
    return {s: r for s, r in students.items() if isinstance(r, dict)} if isinstance(students, dict) else {}


def typed_notes(course_root: Path, assignment: str) -> dict[str, list[dict[str, str]]]:
    """What each student typed in the LMS beside their files (``{from, text}`` each), as collect kept it."""
    try:
        data = json.loads(record_path(course_root, assignment).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    typed = data.get("typed") if isinstance(data, dict) else None
    if not isinstance(typed, dict):
        return {}
    return {
        str(s): [{"from": str(n.get("from", "")), "text": str(n.get("text", ""))} for n in notes if isinstance(n, dict)]
        for s, notes in typed.items()
        if isinstance(notes, list)
    }


def collect_record(course: Course, assignment: str, student: str, records: dict | None = None) -> dict | None:
    """How ``student``'s current submission was collected, or None (not recorded, or replaced since).

    Keys: ``via`` (canvas | moodle | exchange), ``download`` (the zip or folder), ``matched_by``
    (lms_id | name | student_id), ``late`` (true/false as the LMS marked it; null when it does not
    say: Moodle, the exchange), ``late_from``, ``timestamp`` (what timestamp.txt holds) and
    ``timestamp_is`` (what that time is: for Canvas and Moodle the date of the zip entry, i.e. when
    the LMS built the zip, not the submission time), ``collected_at``, and ``files`` (stored name ->
    ``{"from": path or entry in the download, "late": ...}``). ``records``: ``collect_records`` read
    once for a whole class (read here when not given).
    """
    record = (records if records is not None else collect_records(course.root, assignment)).get(student)
    current = timestamp_text(course.submission_dir(assignment, student))
    if not current:
        return None
    return record if record and record.get("timestamp") == current else None


def squash(text: str) -> str:
    """A name as Canvas writes it in file names: lower-case letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def name_key(text: str, fold_accents: bool = False) -> str:
    """A name reduced to its letters and digits (any alphabet), case-folded, for comparing.

    ``Muñoz Ørsted, José`` and Canvas's ``muñozørstedjosé`` give the same key; with
    ``fold_accents`` accents are dropped too (``munozørstedjose``).
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    if fold_accents:
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return "".join(c for c in text if c.isalnum())


def _canvas_name(name: str) -> bool:
    """Whether ``name`` can be a name part Canvas wrote: lower-cased, only letters, marks, digits and ``_``."""
    return name == name.lower() and all(unicodedata.category(c)[0] in "LMN" or c == "_" for c in name)


def _moodle(m: re.Match, rest: str, shown: str, path: Path, when: datetime) -> Upload:
    plugin = m.group("plugin")
    problem = ""
    if plugin != "file":
        problem = f"it comes from Moodle's '{plugin}' submission type (typed online), not an uploaded file"
    name = Path(rest).name
    upload = Upload(path, shown, "moodle", m.group("name"), m.group("uid"), name, when, None, problem)
    upload.typed = plugin == "onlinetext" and name.lower().endswith((".html", ".htm"))
    return upload


def parse_upload(shown: str, path: Path, when: datetime, ids: frozenset[str] = frozenset()) -> Upload | None:
    """Read who a downloaded file belongs to from its Canvas or Moodle name (None if neither).

    Only the top-level entry decides: the outermost Moodle student folder, else the Canvas (or
    flat Moodle) file name. A name inside a student's folder that names someone else makes the
    file ``nested`` (given to nobody). A Canvas name whose name part is garbled (a zip read in the
    wrong encoding) is still read when its user id is one of ``ids`` (the roster's lms_id values).
    """
    parts = [p for p in shown.replace("\\", "/").split("/") if p]
    if not parts:
        return None
    last = parts[-1]
    for i in range(len(parts) - 1):  # Moodle: the outermost student folder of the download
        m = MOODLE_FOLDER.match(parts[i])
        if m:
            upload = _moodle(m, "/".join(parts[i + 1 :]), shown, path, when)
            upload.nested = _nested(upload, parts[i], parts[i + 1 :], ids)
            return upload
    return _flat(last, shown, path, when, ids)


def _flat(last: str, shown: str, path: Path, when: datetime, ids: frozenset[str]) -> Upload | None:
    """A file name that says whose it is by itself: Moodle's flat names, Canvas's names."""
    m = MOODLE_FLAT.match(last)
    if m:
        return _moodle(m, m.group("file"), shown, path, when)
    m = CANVAS_ANON.match(last)
    if m:
        hidden = (
            f"Canvas anonymous grading hides who sent it (anon_{m.group('anon')}); download the submissions "
            "again once the grades are posted or anonymity is turned off"
        )
        return Upload(path, shown, "canvas", "", "", m.group("file"), when, bool(m.group("late")), hidden=hidden)
    m = CANVAS.match(last)
    if m and (_canvas_name(m.group("name")) or m.group("uid") in ids):
        return Upload(
            path, shown, "canvas", m.group("name"), m.group("uid"), m.group("file"), when, bool(m.group("late"))
        )
    m = CANVAS_ONLINE.match(last)
    if m and _canvas_name(m.group("name")):
        what = "a text entry" if m.group("kind").lower() == "text" else "a website URL"
        problem = f"it is {what} typed in Canvas, not an uploaded file"
        upload = Upload(
            path, shown, "canvas", m.group("name"), m.group("uid"), last, when, bool(m.group("late")), problem
        )
        upload.typed = m.group("kind").lower() == "text"
        return upload
    return None


def _nested(outer: Upload, folder: str, inner: list[str], ids: frozenset[str]) -> str:
    """Why a file inside ``outer``'s folder is given to nobody: a name inside it names another student ('' if none)."""
    for i, part in enumerate(inner):
        m = MOODLE_FOLDER.match(part) if i < len(inner) - 1 else None
        found = _moodle(m, "", part, Path(), outer.when) if m else None
        if i == len(inner) - 1:
            found = _flat(part, part, Path(), outer.when, ids)
        if found is None:
            continue
        same = found.uid == outer.uid and name_key(found.name, True) == name_key(outer.name, True)
        if not same:
            who = f"{found.name!r} ({found.uid})" if not found.hidden else "an anonymous student"
            return (
                f"it is inside {folder}/ (the folder of {outer.name!r}, {outer.uid}) but is named as the file of "
                f"{who}: given to nobody; ask the students whose it is"
            )
    return ""


def _by_name(name: str, roster: list[Student]) -> list[Student]:
    """Roster students whose name (either order) or id fits ``name``: exactly, else ignoring accents."""
    for fold in (False, True):
        key = name_key(name, fold)
        if not key:
            return []
        hits = [
            s
            for s in roster
            if key
            in {
                name_key(s.last_name + s.first_name, fold),
                name_key(s.first_name + s.last_name, fold),
                name_key(s.student_id, fold),
            }
        ]
        if hits:
            return hits
    return []


def match_student(upload: Upload, roster: list[Student]) -> Match:
    """The roster entry for an upload: by LMS id, then by name; or why there is none.

    A Canvas user id decides whatever the name part says (a note says when the name is another
    student's). A Moodle participant id decides only when the name agrees with that student's;
    otherwise the file is given to nobody and listed for the teacher.
    """
    if upload.hidden:
        return Match(None, why=upload.hidden)
    by_id = next((s for s in roster if s.lms_id and s.lms_id == upload.uid), None)
    by_name = _by_name(upload.name, roster)
    lms = "Canvas user id" if upload.lms == "canvas" else "Moodle participant id"
    if by_id:
        other = by_name[0] if len(by_name) == 1 and by_name[0] != by_id else None
        if upload.lms == "moodle" and not _by_name(upload.name, [by_id]):
            whose = f"{other.student_id}'s" if other else "not theirs"
            return Match(
                None,
                why=f"its {lms} {upload.uid} is {by_id.student_id}'s lms_id, but the name {upload.name!r} is "
                f"{whose}: given to nobody; check the roster's lms_id (Moodle makes that number per assignment) "
                "and collect again",
            )
        note = ""
        if other:
            note = (
                f"{upload.shown}: the name {upload.name!r} is {other.student_id}'s, but its {lms} {upload.uid} is "
                f"{by_id.student_id}'s lms_id; it went to {by_id.student_id} (check the roster if that is wrong)"
            )
        return Match(by_id, "lms_id", note)
    if len(by_name) == 1:
        return Match(by_name[0], "name")
    if by_name:
        ids = ", ".join(s.student_id for s in by_name)
        return Match(None, why=f"the name {upload.name!r} fits {ids}; put their LMS ids in the roster's lms_id")
    if upload.lms == "moodle" and upload.name.strip().lower() == "participant":
        return Match(
            None,
            why=f"Moodle's blind marking hides the name and {lms} {upload.uid} is in no roster lms_id; "
            "reveal student identities in Moodle and download again",
        )
    why = f"no roster student has lms_id {upload.uid} ({lms}) or the name {upload.name!r}"
    if not any(s.lms_id for s in roster):
        why += "; the roster has no lms_id values: add them"
    return Match(None, why=why)


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
        return None, f"it is {file_kind(before.st_mode)}, not a file"
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


def _folder_entries(
    source: Path, tmp: Path, skipped: list[str], wanted: Callable[[str], bool] = lambda name: True
) -> list[tuple[str, Path | None, datetime]]:
    """Stage the regular files of a download folder that are ``wanted`` (the others: listed, not copied);
    links, pipes and devices go to ``skipped``."""

    def unreadable(exc: OSError) -> None:
        shown = Path(exc.filename or source).relative_to(source).as_posix()
        skipped.append(f"{shown}/: the folder could not be read ({exc.strerror or exc})")

    entries: list[tuple[str, Path | None, datetime]] = []
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
            with contextlib.suppress(OSError):
                info = (here / name).lstat()
                if stat.S_ISREG(info.st_mode) and not wanted(rel.as_posix()):  # no student's: never copied
                    entries.append((rel.as_posix(), None, datetime.fromtimestamp(info.st_mtime)))
                    continue
            target = tmp / str(len(entries))
            when, reason = _stage_file(source, rel, target)
            if when is None:
                skipped.append(f"{rel.as_posix()}: {reason}")
                continue
            entries.append((rel.as_posix(), target, when))
    return sorted(entries, key=lambda entry: entry[0])


def collect_lms(course: Course, assignment: str, source: str | Path, caps: Caps | None = None) -> CollectReport:
    """Collect from an LMS bulk download (a .zip or its extracted folder) into submitted/.

    ``caps``: how much a zip may hold (see ``lms_download.Caps``; its per-file cap is ``MAX_FILE_BYTES``).
    """
    course.require_assignment(assignment)
    source = Path(source)
    if not source.exists():
        raise CourseError(f"{source} not found: give the LMS download (a .zip file or a folder)")
    caps = caps or Caps(file=MAX_FILE_BYTES)
    roster = course.roster()
    ids = frozenset(s.lms_id for s in roster if s.lms_id)
    report = CollectReport(source=str(source.resolve()))
    now = datetime.now()

    def wanted(name: str) -> bool:
        upload = parse_upload(name, Path(), now, ids)
        usable = upload is not None and not upload.nested and (upload.typed or not upload.problem)
        return usable and match_student(upload, roster).student is not None

    with tempfile.TemporaryDirectory(prefix="medialit-collect-") as tmp:
        if source.is_dir():
            entries = _folder_entries(source, Path(tmp), report.skipped, wanted)
        elif source.is_file() and zipfile.is_zipfile(source):
            entries = list(zip_entries(source, Path(tmp), report.skipped, wanted, caps))
        else:
            raise CourseError(f"{source} is not a zip file; give the LMS download zip or an extracted folder")
        by_student: dict[str, list[tuple[Upload, Match]]] = {}
        for shown, path, when in entries:
            upload = parse_upload(shown, path or Path(), when, ids)
            if upload is None:
                report.unrecognised.append(shown)
                continue
            if upload.nested:
                report.refused.append(f"{shown}: {upload.nested}")
                continue
            if upload.typed and path is not None and (who := match_student(upload, roster).student):
                report.typed.setdefault(who.student_id, []).append({"from": shown, "text": typed_note(path)})
                continue
            if upload.problem:
                report.skipped.append(f"{shown}: {upload.problem}")
                continue
            match = match_student(upload, roster)
            if match.student is None or path is None:
                report.unmatched.append(shown)
                report.why[shown] = match.why
                continue
            if match.note:
                report.notes.append(match.note)
            by_student.setdefault(match.student.student_id, []).append((upload, match))
        names = {s.student_id: s.name for s in roster}
        report.names = {
            s.student_id: s.student_id if s.name == s.student_id else f"{s.name} ({s.student_id})" for s in roster
        }
        for student, found in sorted(by_student.items()):
            _store(course, assignment, student, found, report, names.get(student, student))
    vias = {info.via for info in report.details.values()}
    if "canvas" in vias:
        report.notes.append(
            "Canvas file names carry no submission time: the time kept for a Canvas file is its date in the download "
            "(in Canvas's zip, when Canvas built the zip); lateness is Canvas's own LATE marker, kept in "
            + str(record_path(course.root, assignment))
        )
    if "moodle" in vias:
        report.notes.append(
            "Moodle file names carry neither a submission time nor a late marker: "
            "check lateness in Moodle's grading table"
        )
    _save_records(course, assignment, report)
    report.missing = _missing(course, assignment, roster)
    return report


def _missing(course: Course, assignment: str, roster: list[Student]) -> list[str]:
    """Roster students with no submission of ``assignment`` in the course, by name."""
    return [
        f"{s.name} ({s.student_id})" for s in roster if not course.submission_dir(assignment, s.student_id).is_dir()
    ]


def _late(uploads: list[Upload]) -> bool | None:
    """Late if the LMS marked any file late; on time if it marked them all on time; else None (unknown)."""
    if any(u.late is True for u in uploads):
        return True
    return False if all(u.late is False for u in uploads) else None


def _store(
    course: Course, assignment: str, student: str, found: list[tuple[Upload, Match]], report: CollectReport, name: str
) -> None:
    files: dict[str, Upload] = {}
    matched_by = {m.by for _, m in found}
    for up in sorted((u for u, _ in found), key=lambda u: (u.when, u.filename)):
        stored, note = canonical(assignment, up.filename)
        if name_problem(stored) or "/" in stored or "\\" in stored:
            report.skipped.append(f"{up.shown}: its file name {up.filename!r} cannot be a file's name")
            continue
        if stored in RESERVED:
            report.skipped.append(f"{up.shown}: its name {stored!r} is kept for the kit's own record of the submission")
            continue
        if note:
            report.notes.append(f"{student}: {note}")
        if stored in files:
            older = files[stored]
            report.duplicates.append(
                f"{student}: {older.shown} and {up.shown} both give {stored}; kept the newer one ({up.shown})"
            )
        files[stored] = up
    if not files:
        return
    when = max(u.when for u in files.values())
    folder = course.submission_dir(assignment, student)
    existing = read_timestamp(folder)
    if existing and existing > when:
        report.kept.append(f"{student} (collected {existing:%Y-%m-%d %H:%M}, download is older)")
        return
    uploads = list(files.values())
    vias = sorted({u.lms for u in uploads})
    info = Collected(
        name=name,
        sources={stored: up.shown for stored, up in sorted(files.items())},
        late=_late(uploads),
        via="+".join(vias),
        matched_by="+".join(sorted(matched_by)),
        timestamp=when.strftime(TIME_FORMAT),
        file_late={stored: up.late for stored, up in sorted(files.items())},
    )
    staged = folder.with_name(folder.name + ".incoming")
    shutil.rmtree(staged, ignore_errors=True)
    try:
        staged.mkdir(parents=True)
        for stored, up in files.items():
            shutil.copyfile(up.path, staged / stored)
        write_timestamp(staged, info.timestamp)
        _swap(staged, folder)
    except OSError as exc:
        report.refused.append(
            f"{student} ({name}): the files could not be stored ({exc.strerror or exc}); not collected"
        )
        return
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    report.collected[student] = sorted(files)
    report.details[student] = info


LATE_FROM = {
    "canvas": "Canvas's late marker in the file name (LATE)",
    "moodle": "not known: Moodle's file names carry no late marker (see Moodle's grading table)",
    "exchange": "not decided at collect: the time the exchange received the submission is compared with the due date",
}
TIMESTAMP_IS = {
    "canvas": "the file's date in the download (in Canvas's zip: when Canvas built the zip), not the submission time",
    "moodle": "the file's date in the download (in Moodle's zip: when Moodle built the zip), not the submission time",
    "exchange": (
        "when the exchange received the submission: the latest change time (st_ctime) of the student's files in "
        "its inbound folder, which a student can move later but never earlier (student_timestamp: what the "
        "student's own timestamp.txt said)"
    ),
}


def _save_records(course: Course, assignment: str, report: CollectReport) -> None:
    """Add the report's collected submissions to ``record_path`` (other students keep theirs), atomically."""
    if not report.details and not report.typed:
        return
    path = record_path(course.root, assignment)
    report.record = str(path)
    students = collect_records(course.root, assignment)
    typed = {**typed_notes(course.root, assignment), **report.typed}  # a new download's notes replace a student's
    now = datetime.now().isoformat(timespec="seconds")
    for student, info in report.details.items():
        first = info.via.split("+")[0]
        students[student] = {
            "via": info.via,
            "download": report.source,
            "collected_at": now,
            "matched_by": info.matched_by,
            "late": info.late,
            "late_from": LATE_FROM.get(first, ""),
            "timestamp": info.timestamp,
            "timestamp_is": TIMESTAMP_IS.get(first, ""),
            "files": {
                stored: {"from": origin, "late": info.file_late.get(stored, info.late)}
                for stored, origin in info.sources.items()
            },
        }
        if info.via == "exchange":
            students[student].update(
                student_timestamp=info.claimed,
                time_flag=info.flag,
                inbound=info.inbound,
                owner=info.owner,
                owner_checked=bool(info.owner),
            )
    data = {"assignment": assignment, "updated": now, "students": {s: students[s] for s in sorted(students)}}
    if typed:
        data["typed"] = {s: typed[s] for s in sorted(typed)}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def collect_exchange(course: Course, assignment: str) -> CollectReport:
    """Collect from nbgrader's exchange: each student's newest submission, checked and copied by the kit.

    See ``exchange_inbound``: a folder counts as a student's only if their account owns it (where
    such an account exists), only regular files are copied, and the time kept in timestamp.txt is
    when the exchange received it (the student's own timestamp.txt is kept in the record, and a
    disagreement is flagged).
    """
    course.require_assignment(assignment)
    inbound = course.exchange_root / course.course_id / "inbound"
    if not inbound.is_dir():
        raise CourseError(
            f"{inbound} does not exist: nothing was submitted to the exchange yet "
            f"(release the assignment with: medialit release {assignment})"
        )
    roster = course.roster()
    names = {s.student_id: s.name for s in roster}
    report = CollectReport(source="nbgrader's exchange " + str(course.exchange_root))
    try:
        entries, not_folders = inbound_entries(inbound, assignment)
    except OSError as exc:
        raise CourseError(
            f"{inbound} could not be read ({exc.strerror or exc}): collect as the course's grader"
        ) from exc
    report.refused += [f"inbound/{text}; refused, collected for nobody" for text in not_folders]
    candidates: dict[str, list[InboundEntry]] = {}
    unchecked: set[str] = set()
    checked: set[str] = set()  # students named by an entry that reached the ownership check
    for entry in entries:
        claim = f"inbound/{entry.name}: in the name of {entry.student!r}"
        if not SAFE_ID.match(entry.student):
            report.refused.append(f"{claim}, which is not a student id; refused, collected for nobody")
            continue
        if names and entry.student not in names:
            report.refused.append(
                f"{claim}, who is not on the roster (made by the account {entry.owner}); refused, collected for "
                "nobody. If they are in the class, add them to roster.csv and collect again"
            )
            continue
        uid = account_uid(entry.student)
        checked.add(entry.student)
        if uid is None:
            unchecked.add(entry.student)
        if (uid is not None and entry.uid != uid) or (entry.owner in names and entry.owner != entry.student):
            report.refused.append(
                f"{claim} ({names.get(entry.student, entry.student)}), but made by the account {entry.owner}"
                f"{_who(entry.owner, names)}, not {entry.student}'s: refused, collected for nobody; "
                f"{entry.student}'s own submission is kept"
            )
            continue
        candidates.setdefault(entry.student, []).append(entry)
    records = collect_records(course.root, assignment)
    for student in sorted(candidates):
        check = None if student in unchecked else account_uid(student)
        _collect_inbound(course, assignment, student, candidates[student], check, records, report, names)
    if unchecked:
        if not any(account_uid(student) is not None for student in set(names) | checked):
            report.notes.append(
                "ownership cannot be checked here: no student has an account of that name on this machine (as on a "
                "teacher's own computer), so a submission in a student's name was taken as theirs"
            )
        else:
            report.notes.append(
                "ownership could not be checked for "
                + ", ".join(sorted(unchecked))
                + ": no account of that name on this machine"
            )
    if not report.collected:
        report.notes.append("no new submissions in the exchange")
    _save_records(course, assignment, report)
    report.missing = _missing(course, assignment, roster)
    return report


def _who(account: str, names: dict[str, str]) -> str:
    return f" ({names[account]})" if account in names else ""


def _collect_inbound(
    course: Course,
    assignment: str,
    student: str,
    entries: list[InboundEntry],
    owner_uid: int | None,
    records: dict[str, dict],
    report: CollectReport,
    names: dict[str, str],
) -> None:
    """Stage ``student``'s newest inbound folder that can be collected and move it into submitted/, whole."""
    folder = course.submission_dir(assignment, student)
    folder.parent.mkdir(parents=True, exist_ok=True)
    inbound = course.exchange_root / course.course_id / "inbound"
    for entry in sorted(entries, key=lambda e: (e.ctime, e.name), reverse=True):
        staging = Path(tempfile.mkdtemp(prefix=f".{assignment}.incoming-", dir=folder.parent))
        try:
            try:
                staged = stage(inbound, entry, staging, owner_uid)
            except Refused as exc:
                report.refused.append(f"inbound/{entry.name} ({student}): {exc}; not collected")
                continue
            received = staged.received.strftime(TIME_FORMAT) + " UTC" if staged.received else ""
            if not _newer(folder, records.get(student), entry, received):
                return
            try:
                write_timestamp(staging, received)
                _swap(staging, folder)
            except OSError as exc:
                why = exc.strerror or exc
                report.refused.append(
                    f"inbound/{entry.name} ({student}): it could not be stored ({why}); not collected"
                )
                return
            report.skipped += [f"inbound/{entry.name}/{text}" for text in staged.refused]
            flag = time_flag(staged, entry)
            if flag:
                report.flags.append(f"{student} ({names.get(student, student)}): {flag}")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        report.collected[student] = sorted(staged.files)
        report.details[student] = Collected(
            name=names.get(student, student),
            sources={f: f"inbound/{entry.name}/{f}" for f in sorted(staged.files)},
            late=None,
            via="exchange",
            matched_by="student_id",
            timestamp=received,
            claimed=staged.claimed,
            flag=flag,
            inbound=entry.name,
            owner="" if owner_uid is None else entry.owner,
        )
        return
    with contextlib.suppress(OSError):
        folder.parent.rmdir()  # nothing was collected for this student: no empty folder left


def _newer(folder: Path, record: dict | None, entry: InboundEntry, received: str) -> bool:
    """Whether the inbound folder is not the submission already collected, and not older than it."""
    current = timestamp_text(folder)
    if not current:
        return True
    if record and record.get("timestamp") == current and record.get("via") == "exchange":
        if not record.get("inbound"):  # collected before the kit read the exchange itself: its time was the student's
            return True
        return (record.get("inbound"), record.get("timestamp")) != (entry.name, received) and (
            (parse_timestamp(received) or datetime.min) >= (parse_timestamp(current) or datetime.min)
        )
    existing = parse_timestamp(current)
    new = parse_timestamp(received)
    return existing is None or (new is not None and new > existing)


def _swap(staging: Path, folder: Path) -> None:
    """Put the staged submission in place of ``folder`` (the old one goes only once the new one is there)."""
    old = folder.with_name(f".{folder.name}.replaced-{os.getpid()}")
    if folder.exists():
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
    try:
        staging.rename(folder)
    except OSError:
        if old.exists():
            old.rename(folder)
        raise
    shutil.rmtree(old, ignore_errors=True)


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
