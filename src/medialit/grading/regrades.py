"""Students' regrade requests: read from what they hand in, kept as a list the teacher works through.

A student's feedback page says how to ask (``medialit.reports.regrade_form``): a few lines that start
with "Regrade request" and say the assignment, the part, what should change and why. They hand them in

- in the LMS, to a regrade-requests assignment, typed as its text entry (Canvas: Text Entry; Moodle:
  Online text) or uploaded as the request file the page offers (``ASSIGNMENT-regrade.txt``). The
  teacher downloads its submissions ("Download all submissions") and runs ``medialit regrades --from
  DOWNLOAD``. Who sent a request is read from the LMS's own file name, matched to the roster as
  ``medialit collect`` does; what the request says about who sent it is only compared;
- or another way (an email): the teacher saves the files in a folder and reads it the same way; a
  file whose name the LMS did not make says whose it is only by its own words ("identity not checked").

Everything in a request is hostile input: files over ``MAX_BYTES`` are refused; the text is read
by ``lms_download.entry_text``, the one reader of what students type in the LMS (not UTF-8: read as
Windows-1252; HTML reduced to its text; control and direction characters dropped); each field is
capped; the list is written spreadsheet-safe and pages escape it. The requests are kept in
``COURSE/regrades/ASSIGNMENT.json``; a request is *answered* once the teacher overrides that
student's assignment after it arrived (``medialit override``), or *closed* with a reason.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from medialit.grading import overrides
from medialit.grading.collect import match_student, parse_upload
from medialit.grading.course import Course, CourseError
from medialit.grading.lms_download import CONTROL, MB, Caps, entry_text, name_problem, zip_entries
from medialit.grading.records import read_rows, write_rows
from medialit.grading.roster import Student

HEADER = "Regrade request"
FIELDS = ("assignment", "student", "part", "what", "why")
MAX_BYTES = 20_000  # a request is a few lines; anything bigger is not one
MAX_FIELD = 2_000
FILE_NAME = re.compile(r"regrade[^/]*\.txt$", re.I)  # the request file the feedback page offers
TEXT_ENTRY = re.compile(r"(_text\.html|assignsubmission_onlinetext_?/[^/]*\.html?|_onlinetext\.html?)$", re.I)
OPEN, ANSWERED, CLOSED = "open", "answered", "closed"


def request_text(assignment: str, student: str, part: str, what: str, why: str) -> str:
    """The file a request is: the header line, then one ``field: value`` line each."""
    values = {"assignment": assignment, "student": student, "part": part, "what": what, "why": why}
    return HEADER + "\n" + "".join(f"{key}: {' '.join(str(values[key]).split())}\n" for key in FIELDS)


@dataclass
class Request:
    """One regrade request as the teacher's list holds it."""

    number: int
    assignment: str
    student: str
    part: str
    what: str
    why: str
    received: str  # when the kit read it (UTC)
    source: str  # the file it came from (its name in the download)
    checked: bool = True  # False: who sent it is only what the file says
    note: str = ""
    closed: dict[str, str] = field(default_factory=dict)  # {"at": ..., "reason": ...} when closed by hand


def parse(text: str) -> tuple[dict[str, str], str]:
    """The fields of a request's text, or why it is not a request ('' when it is).

    The first line holds "Regrade request"; then ``field: value`` lines; a line that starts no
    field continues the one before.
    """
    text = CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " "))
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines or HEADER.lower() not in lines[0].lower():
        return {}, f"its first line is not '{HEADER}' (not a request written as the feedback page shows)"
    found: dict[str, str] = {}
    current = ""
    for line in lines[1:]:
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in FIELDS and key.strip().lower() not in found:
            current = key.strip().lower()
            found[current] = value.strip()
        elif current and line.strip():
            found[current] += " " + line.strip()
    found = {k: " ".join(v.split())[:MAX_FIELD] for k, v in found.items()}
    if not (found.get("what") or found.get("why")):
        return found, "it says neither what should change nor why"
    return found, ""


# ---------------------------------------------------------------- the list


def record_path(course: Course, assignment: str) -> Path:
    return course.root / "regrades" / f"{assignment}.json"


def load(course: Course, assignment: str) -> list[Request]:
    return read_rows(
        record_path(course, assignment),
        "requests",
        Request,
        f"it holds the regrade requests of {assignment}. Put back a copy from your backup, or delete it and "
        "read the requests again (medialit regrades --from DOWNLOAD)",
    )


def save(course: Course, assignment: str, requests: list[Request]) -> Path:
    return write_rows(record_path(course, assignment), assignment, "requests", requests)


def status(request: Request, current: dict[str, overrides.Override]) -> tuple[str, str]:
    """(open | answered | closed, what the answer was)."""
    if request.closed:
        return CLOSED, f"closed on {request.closed.get('at', '')[:10]}: {request.closed.get('reason', '')}"
    found = current.get(request.student)
    later = [a for a in (found.actions if found else []) if a.at >= request.received]
    if later:
        return ANSWERED, "override: " + "; ".join(
            f"{a.kind} {overrides.num(a.before)} -> {overrides.num(a.after)} ({a.reason})" for a in later
        )
    return OPEN, ""


def close(course: Course, assignment: str, number: int, reason: str) -> Request:
    """Close request ``number`` without changing the score, with the reason the student is told."""
    text = overrides.clean_reason(reason)
    requests = load(course, assignment)
    found = next((r for r in requests if r.number == number), None)
    if found is None:
        numbers = ", ".join(str(r.number) for r in requests) or "none yet"
        raise CourseError(f"{assignment} has no regrade request {number} (its requests: {numbers})")
    found.closed = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "reason": text}
    save(course, assignment, requests)
    return found


# ---------------------------------------------------------------- reading a download or a folder


@dataclass
class Read:
    """What reading a download found: requests added per assignment, and every file not taken, with why."""

    added: dict[str, list[Request]] = field(default_factory=dict)
    already: int = 0
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_requests(course: Course, source: Path, only: str | None = None) -> Read:
    """Add the regrade requests in an LMS download (zip or folder) or a folder of request files to the lists."""
    source = Path(source)
    if not source.exists():
        raise CourseError(f"{source} not found: give the download of the regrade requests (a .zip or a folder)")
    roster = course.roster()
    ids = frozenset(s.lms_id for s in roster if s.lms_id)
    done = Read()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(prefix="medialit-regrades-") as tmp:
        if source.is_dir():
            files = _folder(source, done.refused)
        elif zipfile.is_zipfile(source):
            caps = Caps(total=100 * MB, entries=20_000, file=MB)  # a request over MAX_BYTES is refused below
            entries = zip_entries(source, Path(tmp), done.refused, _wanted, caps)
            files = [(name, path.read_bytes()) for name, path, _ in entries if path is not None]
        else:
            raise CourseError(f"{source} is not a zip file or a folder; give the LMS download of the regrade requests")
        lists: dict[str, list[Request]] = {}
        for shown, data in files:
            _take(course, shown, data, roster, ids, only, lists, done, now)
    for assignment in done.added:
        save(course, assignment, lists[assignment])
    return done


def _wanted(name: str) -> bool:
    """A file that may hold a request: the request file, or an LMS text entry."""
    return bool(FILE_NAME.search(name) or TEXT_ENTRY.search(name))


def _folder(source: Path, refused: list[str]) -> list[tuple[str, bytes]]:
    """The request files of a folder: regular files only (no links), each at most MAX_BYTES."""
    out: list[tuple[str, bytes]] = []
    for top, dirs, names in os.walk(source, followlinks=False):
        dirs.sort()
        for name in sorted(names):
            path = Path(top) / name
            shown = path.relative_to(source).as_posix()
            if not _wanted(shown):
                continue
            info = path.lstat()
            if not stat.S_ISREG(info.st_mode):
                refused.append(f"{shown}: not a regular file (a link or a device): not read")
                continue
            if info.st_size > MAX_BYTES:
                refused.append(f"{shown}: {info.st_size} bytes, more than a request ({MAX_BYTES} at most): not read")
                continue
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                refused.append(f"{shown}: it grew past {MAX_BYTES} bytes while read: not read")
                continue
            out.append((shown, data))
    return out


def _take(
    course: Course,
    shown: str,
    raw: bytes,
    roster: list[Student],
    ids: frozenset[str],
    only: str | None,
    lists: dict[str, list[Request]],
    done: Read,
    now: str,
) -> None:
    """File one request (or say why not)."""
    if name_problem(shown):
        done.refused.append(f"{shown}: {name_problem(shown)}")
        return
    if len(raw) > MAX_BYTES:
        done.refused.append(f"{shown}: {len(raw)} bytes, more than a request ({MAX_BYTES} at most): not read")
        return
    text, note = entry_text(raw, markup=shown.lower().endswith((".html", ".htm")))
    fields, why = parse(text)
    if why:
        done.refused.append(f"{shown}: {why}")
        return
    assignment = fields.get("assignment", "")
    if assignment not in course.assignments():
        done.refused.append(f"{shown}: it names no assignment of this course ({assignment[:60]!r})")
        return
    if only and assignment != only:
        return
    upload = parse_upload(shown, Path(), datetime.now(), ids)
    claimed = fields.get("student", "")
    typed = upload is not None and bool(TEXT_ENTRY.search(shown))  # a text entry: "not a file" to collect, fine here
    checked = upload is not None and (typed or not upload.problem) and not upload.hidden and not upload.nested
    if checked:
        match = match_student(upload, roster)
        if match.student is None:
            done.refused.append(f"{shown}: {match.why}")
            return
        student = match.student.student_id
        if claimed and claimed != student:
            note = "; ".join(
                x for x in (note, f"the file says it is {claimed[:40]!r}'s; the LMS says {student}'s") if x
            )
    else:
        known = {s.student_id for s in roster}
        if claimed not in known:
            done.refused.append(
                f"{shown}: its name is not one the LMS made, and the student it names ({claimed[:40]!r}) is not on the "
                "roster: ask who sent it"
            )
            return
        student = claimed
        note = "; ".join(x for x in (note, "who sent it is only what the file says: check it") if x)
    requests = lists.setdefault(assignment, load(course, assignment))
    part, what, why_text = fields.get("part", ""), fields.get("what", ""), fields.get("why", "")
    if any((r.student, r.part, r.what, r.why) == (student, part, what, why_text) for r in requests):
        done.already += 1
        return
    number = max((r.number for r in requests), default=0) + 1
    request = Request(number, assignment, student, part, what, why_text, now, shown, checked, note)
    requests.append(request)
    done.added.setdefault(assignment, []).append(request)
