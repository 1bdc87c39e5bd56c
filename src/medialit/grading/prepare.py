"""Preparing one submission for grading (main process): read it, flag tampering, decide what to grade.

Broken files are failed with a reason; tampering is flagged cell by cell and stripped
nbgrader metadata is put back. The student's submitted files are never changed, and a
problem with one submission fails that one only. After grading, ``graded_notes`` turns
the grader's results into the notes and flags a teacher reads.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

from medialit.grading.collect import collect_record
from medialit.grading.course import Course
from medialit.grading.layout import timestamp_text
from medialit.grading.tamper import find_tampering


@dataclass
class Job:
    """One submission to grade: where it is, what to grade, and what was found beforehand."""

    student: str
    flags: list[str]
    submitted: str
    source: str  # the submission folder in the course (read only)
    notebook: str | None  # the notebook to grade (JSON) when it differs from the submitted file
    fallback: str  # the released notebook (JSON): graded with the saved answers if the student's crashes


def _read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str]:
    if not path.is_file():
        return None, f"no {path.name} in the submission"
    if path.stat().st_size == 0:
        return None, f"{path.name} is empty (0 bytes): the upload failed or the file was not saved"
    try:
        text = path.read_bytes().decode("utf-8")
        data = json.loads(text)
    except UnicodeDecodeError:
        return None, f"{path.name} is not UTF-8 text: it is not a notebook"
    except ValueError:
        return None, f"{path.name} is not a readable notebook: the file is corrupt or was cut off; ask for it again"
    version = data.get("nbformat") if isinstance(data, dict) else None
    if version != 4:
        return None, f"{path.name} is notebook format version {version}; only version 4 notebooks can be graded"
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception:  # nbformat raises many kinds for malformed notebooks
        return None, f"{path.name} is not a valid notebook; ask for it again"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        return None, f"{path.name} is not a valid notebook ({exc.message[:120]})"
    return nb, ""


def _find_notebook(folder: Path, assignment: str) -> tuple[Path, str]:
    """The submitted notebook, and a note if it had to be found under another name."""
    expected = folder / f"{assignment}.ipynb"
    if expected.exists():
        return expected, ""
    others = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    if len(others) == 1:
        return others[0], f"the notebook was renamed to {others[0].name!r} (graded as {expected.name})"
    return expected, ""


def _answers_problem(folder: Path, assignment: str) -> str:
    """Why the saved answers cannot be used ('' if they can, or if there are none)."""
    from medialit.grading.answers import AnswerFileError, read_answers

    path = folder / f"{assignment}.answers.json"
    if not path.exists():
        return ""
    try:
        read_answers(path)
    except AnswerFileError as exc:
        return f"answers file unusable: {exc}"
    return ""


def _time_flag(course: Course, assignment: str, student: str) -> str:
    """Collect's note that the student's own time disagrees with the exchange's ('' when none)."""
    record = collect_record(course, assignment, student) or {}
    flag = record.get("time_flag") or ""
    return f"time check: {flag}" if isinstance(flag, str) and flag else ""


def prepare(course: Course, assignment: str, student: str) -> tuple[Job | None, str]:
    """Check one submission, flag tampering, and decide what to grade; nothing is copied yet.

    Returns (job, "") or (None, reason) when nothing can be graded. A notebook that
    cannot be read is graded from the released notebook when a usable answers file
    was submitted, since the answers are what is scored. Submitted files are never changed.
    """
    source = course.submission_dir(assignment, student)
    released_path = course.released_notebook(assignment)
    released_text = released_path.read_text(encoding="utf-8")
    path, renamed = _find_notebook(source, assignment)
    nb, reason = _read_notebook(path)
    flags = [renamed] if renamed else []
    if clock := _time_flag(course, assignment, student):
        flags.append(clock)
    problem = _answers_problem(source, assignment)
    submitted = timestamp_text(source)
    if nb is None:
        has_answers = (source / f"{assignment}.answers.json").exists() and not problem
        if not has_answers:
            return None, reason + ("; no usable answers file either" if not problem else f"; {problem}")
        flags.append(f"{reason}; graded from the released notebook with the saved answers")
        return Job(student, flags, submitted, str(source), released_text, released_text), ""
    released = nbformat.reads(released_text, as_version=4)
    report = find_tampering(nb, released)
    flags += report.flags + _edited_answer_cells(nb, released)
    if problem:
        flags.append(problem)
    text = None
    if report.repaired is not None or renamed:
        text = nbformat.writes(report.repaired or nb)
    return Job(student, flags, submitted, str(source), text, released_text), ""


def _edited_answer_cells(nb: nbformat.NotebookNode, released: nbformat.NotebookNode) -> list[str]:
    """Answer cells whose code was changed: never run by default, but a teacher should know."""
    original = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in released.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("solution") and c.cell_type == "code"
    }
    edited = [
        gid
        for c in nb.cells
        if (gid := c.get("metadata", {}).get("nbgrader", {}).get("grade_id")) in original
        and c.source.strip() != original[gid].strip()
    ]
    return [
        f"{gid}: code was added to the answer cell (not used for grading: the saved answers count)" for gid in edited
    ]


CELL_NOTE = "error in "  # a student's cell failed (execute mode): reported, but its answers still counted


def graded_notes(folder: Path, assignment: str) -> tuple[list[str], list[str]]:
    """After grading: (notes, serious) — parts that could not be scored and cells that failed, in words.

    ``serious`` are the ones that flag the submission (no saved answers at all, unusable
    saved answers, a wrong-form answer, the notebook's own result differing from the trusted
    score); a failing student cell is only a note.
    """
    from medialit.grading.results import Results, results_path

    notes: list[str] = []
    serious: list[str] = []
    unscored: dict[tuple[str, str], list[str]] = {}  # (code, message) -> parts, so one missing file is said once
    results = Results.read(results_path(folder, assignment))
    for key, part in (results.parts if results else {}).items():
        if part.code:
            unscored.setdefault((part.code, part.message), []).append(key)
        notes += [f"{key}: {note}" for note in part.notes]
    serious += notes
    for (_code, message), keys in unscored.items():
        line = f"{message.rstrip('.')}: 0 points for {', '.join(keys)}"
        notes.insert(0, line)
        serious.insert(0, line)  # no answers at all is never a silent zero: the teacher looks at it
    if results is not None:
        notes += results.flags
        serious += results.flags
    try:
        nb = nbformat.read(folder / f"{assignment}.ipynb", as_version=4)
    except Exception:  # the graded copy is nbgrader's; a failure to read it is only a missing note
        return notes, serious
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "an added cell")
        for out in cell.get("outputs", []):
            name = out.get("ename")
            if out.get("output_type") != "error" or name in ("AssertionError", "KeyboardInterrupt", "NotScored"):
                continue
            if name == "CellTimeoutError":
                notes.append(f"{CELL_NOTE}{gid}: it ran longer than the time limit and was stopped")
            else:
                notes.append(f"{CELL_NOTE}{gid}: {name}: {str(out.get('evalue', ''))[:100]}")
    return notes, serious
