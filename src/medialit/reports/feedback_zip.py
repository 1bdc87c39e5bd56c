"""Feedback pages as the bulk upload an LMS accepts: one zip for Canvas or Moodle.

Each LMS matches an uploaded file to a student by the numbers its own download put in the
file names, so a page can only go into the zip for a student whose submission
``medialit collect`` took from that LMS's download: the names are rebuilt from where each
collected file came from (``COURSE/collected/ASSIGNMENT.json``, see ``collect_record``).

- **Moodle** ("Upload multiple feedback files in a zip", File feedback; ``mod/assign/feedback/file/
  importziplib.php`` ``is_valid_filename_for_import``): each path part is split at ``_`` into at most
  five pieces; the second must be a participant id of this assignment and the third and fourth a
  plugin (``assignsubmission_file``); what follows is the file's name. The page goes in as
  ``Full Name_PARTICIPANTID_assignsubmission_file_ASSIGNMENT-feedback.html``, the prefix Moodle's
  own download gave that student's files, and becomes a feedback file of that student.
- **Canvas** (Gradebook > the assignment's menu > "Re-Upload Submissions"; ``Assignment#
  generate_comments_from_files`` / ``#infer_comment_context_from_filename`` in ``app/models/
  assignment.rb``): the base name is split at ``_``; the first two pieces that are all digits are the
  user id and the id of a file of that user's submission. The page goes in as
  ``SORTABLENAME[_LATE]_USERID_ATTACHMENTID_ASSIGNMENT-feedback.html``, the prefix of the student's
  notebook in Canvas's download, and becomes a submission comment ("See attached file"). Canvas
  names the attached file after the submitted file it points to (``ASSIGNMENT.ipynb``).

Students collected any other way (nbgrader's exchange, the other LMS, or replaced since) are
left out of the zip and listed, to upload by hand.

Each zip written is recorded (``COURSE/exports/ASSIGNMENT-feedback-LMS-sent.json``: a fingerprint of
each student's page and its score, and when). With ``changed=True`` only the pages that differ from
the last zip go in, so Canvas does not get the same comment twice; the others are counted as unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from medialit.grading.collect import CANVAS, collect_record, parse_upload
from medialit.grading.course import Course, CourseError
from medialit.reports.classdata import roster_frame

LMS_NAMES = {"canvas": "Canvas", "moodle": "Moodle"}


@dataclass
class FeedbackZip:
    """The zip written, who is in it (student -> entry name) and who is not (with why)."""

    path: Path
    lms: str
    entries: dict[str, str] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)  # "Name (id): why (what to do instead)"
    steps: list[str] = field(default_factory=list)  # how to upload it, in the LMS's words
    unchanged: list[str] = field(default_factory=list)  # with changed=True: "Name (id)" of pages already sent
    since: str = ""  # when the zip they were in was written
    record: Path | None = None


def entry_name(lms: str, assignment: str, record: dict | None) -> tuple[str, str]:
    """The zip entry for a student's page, rebuilt from the collect record: (name, "") or ("", why not)."""
    if record is None:
        return "", "no record of where its submission came from (collected by hand, or replaced since collect)"
    via = record.get("via", "")
    if via != lms:
        source = "nbgrader's exchange" if via == "exchange" else LMS_NAMES.get(via, via or "an unknown source")
        return "", f"collected from {source}, not from a {LMS_NAMES[lms]} download"
    files = record.get("files") if isinstance(record.get("files"), dict) else {}
    notebook_first = sorted(files.items(), key=lambda item: item[0] != f"{assignment}.ipynb")
    for _, info in notebook_first:
        prefix = _prefix(lms, str(info.get("from", ""))) if isinstance(info, dict) else ""
        if prefix:
            return f"{prefix}{assignment}-feedback.html", ""
    number = "user and file ids" if lms == "canvas" else "participant id"
    return "", f"its file names in the download carry no {LMS_NAMES[lms]} {number}"


def _prefix(lms: str, origin: str) -> str:
    """What the LMS's download put before the file's own name, as its importer reads it back ('' if none).

    Canvas: ``name[_LATE]_USERID_ATTACHMENTID_``; Moodle: ``Full Name_PARTICIPANTID_assignsubmission_file_``.
    The origin is read as ``medialit collect`` read it (``parse_upload``).
    """
    upload = parse_upload(origin, Path(origin), datetime.now())
    if upload is None or upload.lms != lms or upload.problem or upload.hidden:
        return ""
    if lms == "canvas":
        base = origin.replace("\\", "/").rsplit("/", 1)[-1]
        match = CANVAS.match(base)
        return base[: match.start("file")] if match else ""
    # Moodle writes the name with '_' made spaces; its importer splits at '_' (and paths at '/')
    name = "".join(" " if c in "_/\\" else c for c in upload.name).lstrip(".~")  # '.x', '~x': hidden, skipped
    return f"{name}_{upload.uid}_assignsubmission_file_"


def sent_path(course: Course, assignment: str, lms: str) -> Path:
    """The record of the pages put into the last zips for ``lms``."""
    return course.exports_dir / f"{assignment}-feedback-{lms}-sent.json"


def fingerprint(page: Path) -> str:
    """What identifies a page's content: the grade and every word of feedback are in it."""
    return hashlib.sha256(page.read_bytes()).hexdigest()


def read_sent(path: Path) -> dict:
    """The record of what earlier zips held ({} when none, or when it cannot be read: then every page goes in)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("students"), dict) else {}


def _record_sent(path: Path, done: FeedbackZip, prints: dict[str, str], when: str) -> None:
    data = read_sent(path) or {"students": {}}
    for student in done.entries:
        data["students"][student] = {"page": prints[student], "zip": done.path.name, "at": when}
    data["updated"] = when
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def feedback_zip(
    course: Course,
    assignment: str,
    lms: str,
    pages: list[Path] | None = None,
    out: Path | None = None,
    changed: bool = False,
) -> FeedbackZip:
    """Put the feedback pages of ``assignment`` into the zip ``lms`` (canvas | moodle) takes back.

    ``pages`` default to every page written under ``COURSE/feedback``; the zip goes to
    ``COURSE/exports/ASSIGNMENT-feedback-LMS.zip`` unless ``out`` is given. ``changed``: only the
    pages that differ from the ones recorded as put into an earlier zip (``sent_path``).
    """
    if lms not in LMS_NAMES:
        raise ValueError(f"unknown LMS {lms!r}; choose one of: {', '.join(LMS_NAMES)}")
    course.require_assignment(assignment)
    if pages is None:
        pages = course.feedback_pages(assignment)
    if not pages:
        raise CourseError(f"No feedback pages for {assignment} yet: run 'medialit feedback {assignment}' first")
    roster = roster_frame(course).set_index("student_id")
    out = Path(out) if out else course.exports_dir / f"{assignment}-feedback-{lms}.zip"
    done = FeedbackZip(out, lms, steps=UPLOAD_STEPS[lms](out.name, assignment))
    taken: dict[str, str] = {}
    done.record = sent_path(course, assignment, lms)
    sent = read_sent(done.record).get("students", {}) if changed else {}
    prints = {page.parent.parent.name: fingerprint(page) for page in pages}
    for page in pages:
        student = page.parent.parent.name
        who = student
        if student in roster.index:
            name = f"{roster.at[student, 'first_name']} {roster.at[student, 'last_name']}".strip()
            who = f"{name} ({student})" if name else student
        record = collect_record(course, assignment, student)
        name, why = entry_name(lms, assignment, record)
        if name and name in taken:
            name, why = "", f"its {LMS_NAMES[lms]} file name is the same as {taken[name]}'s"
        if not name:
            exchange = (record or {}).get("via") == "exchange"
            how = f"nbgrader release_feedback {assignment} delivers it" if exchange else "upload by hand"
            done.left_out.append(f"{who}: {why} ({how})")
            continue
        taken[name] = student
        before = sent.get(student)
        if isinstance(before, dict) and before.get("page") == prints[student]:
            done.unchanged.append(who)
            done.since = max(done.since, str(before.get("at", "")))
            continue
        done.entries[student] = name
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for page in pages:
            student = page.parent.parent.name
            if student in done.entries:
                archive.write(page, done.entries[student])
    tmp.replace(out)
    _record_sent(done.record, done, prints, datetime.now(UTC).isoformat(timespec="seconds"))
    return done


def _moodle_steps(zip_name: str, assignment: str) -> list[str]:
    return [
        "In Moodle, open the assignment's settings: under Feedback types, tick 'File feedback' (once per assignment).",
        "Open the assignment's submissions ('View all submissions'; in Moodle 4.x the Submissions page).",
        f"From the grading action menu choose 'Upload multiple feedback files in a zip', upload {zip_name}, "
        "and check the list Moodle shows before 'Confirm' (a name missing there is a participant id Moodle does "
        "not know: download the submissions and collect again).",
        f"Each student finds {assignment}-feedback.html under 'Feedback files' once you release the grades "
        "(right away without a marking workflow).",
    ]


def _canvas_steps(zip_name: str, assignment: str) -> list[str]:
    return [
        "In Canvas, open Grades, open the menu of the assignment's column (⋮) and choose 'Re-Upload Submissions'.",
        f"Upload {zip_name}. Canvas adds each page to that student's submission as a comment ('See attached file'); "
        "files it cannot match are listed as ignored.",
        f"Canvas names the attached page after the submitted file it points to ({assignment}.ipynb), whatever its "
        "own name: tell students that the file in your comment is their feedback page, a web page to open in "
        "the browser.",
        "Students see the comment once the assignment's grades are posted (at once with automatic posting).",
    ]


UPLOAD_STEPS = {"moodle": _moodle_steps, "canvas": _canvas_steps}
