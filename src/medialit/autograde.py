"""Parallel, safe autograding on top of stock nbgrader.

nbgrader autogrades one submission at a time into one SQLite gradebook. Here:

1. **Prepare** (main process): each submission is copied to a work folder; broken
   files are failed with a reason; tampering is flagged cell by cell and stripped
   nbgrader metadata is put back. The student's submitted files are never changed.
2. **Grade** (worker processes): each worker runs stock nbgrader autograde on its
   own copy of the gradebook, writing into the work folder, so workers never share
   a SQLite file.
3. **Merge** (main process, one writer): each new result is copied into the real
   gradebook (manual grades are kept) and its autograded folder is swapped in. An
   earlier result is replaced only once a new one exists.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import shutil
import sys
import tempfile
import time
import uuid
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from medialit.course import Course, CourseError
from medialit.status import FAILED, FLAGGED, GRADED, StudentStatus, save_status
from medialit.tamper import inspect

TRASH = ".medialit-trash"


@dataclass
class Job:
    """One submission to grade, prepared in its own work folder."""

    student: str
    flags: list[str]
    submitted: str
    folder: Path  # this submission's private work folder (unguessable name, outside the course)


def submitted_students(course: Course, assignment: str) -> list[str]:
    """Students with a submission folder for ``assignment``."""
    root = course.root / "submitted"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir())


def _read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str]:
    if not path.is_file():
        return None, f"no {path.name} in the submission"
    if path.stat().st_size == 0:
        return None, f"{path.name} is empty (0 bytes): the upload failed or the file was not saved"
    try:
        nb = nbformat.read(path, as_version=4)
    except UnicodeDecodeError:
        return None, f"{path.name} is not UTF-8 text: it is not a notebook"
    except Exception:  # nbformat raises many kinds for broken files
        return None, f"{path.name} is not a readable notebook: the file is corrupt or was cut off; ask for it again"
    if nb.nbformat != 4:
        return None, f"{path.name} is nbformat {nb.nbformat}; only version 4 notebooks can be graded"
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
    from medialit.answers import AnswerFileError, read_answers

    path = folder / f"{assignment}.answers.json"
    if not path.exists():
        return ""
    try:
        read_answers(path)
    except AnswerFileError as exc:
        return f"answers file unusable: {exc}"
    return ""


def prepare(course: Course, assignment: str, student: str, work: Path, snapshot: Path) -> tuple[Job | None, str]:
    """Copy one submission into the work folder, flag tampering, repair what nbgrader cannot.

    Returns (job, "") or (None, reason) when the submission cannot be graded. The
    student's submitted files are never changed.
    """
    source = course.submission_dir(assignment, student)
    path, renamed = _find_notebook(source, assignment)
    nb, reason = _read_notebook(path)
    if nb is None:
        return None, reason
    released = nbformat.read(course.root / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    report = inspect(nb, released)
    folder = work / secrets.token_hex(8)
    target = folder / "submitted" / student / assignment
    shutil.copytree(
        source, target, symlinks=False, ignore=shutil.ignore_patterns("*.results.json", "*.results.json.tmp")
    )
    shutil.copyfile(snapshot, folder / "gradebook.db")
    if renamed:
        (target / path.name).unlink()
    if report.repaired is not None or renamed:
        nbformat.write(report.repaired or nb, target / f"{assignment}.ipynb")
    flags = [*([renamed] if renamed else []), *report.flags]
    problem = _answers_problem(source, assignment)
    if problem:
        flags.append(problem)
    stamp = source / "timestamp.txt"
    submitted = stamp.read_text(encoding="utf-8", errors="replace").strip() if stamp.exists() else ""
    return Job(student, flags, submitted, folder), ""


def graded_notes(folder: Path, assignment: str) -> list[str]:
    """After grading: parts that could not be scored, and cells that failed, in words."""
    from medialit.status import load_results_file

    notes: list[str] = []
    unscored: dict[str, list[str]] = {}  # error -> parts, so one missing file is said once
    results = load_results_file(folder / f"{assignment}.results.json")
    for key, part in (results or {}).get("parts", {}).items():
        if not isinstance(part, dict):
            continue
        if part.get("error"):
            unscored.setdefault(str(part["error"]), []).append(key)
        notes += [f"{key}: {note}" for note in part.get("notes", [])]
    notes = [f"{error.rstrip('.')}: 0 points for {', '.join(keys)}" for error, keys in unscored.items()] + notes
    try:
        nb = nbformat.read(folder / f"{assignment}.ipynb", as_version=4)
    except Exception:  # the graded copy is nbgrader's; a failure to read it is only a missing note
        return notes
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "an added cell")
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") != "AssertionError":
                notes.append(f"{gid}: {out.get('ename')}: {str(out.get('evalue', ''))[:100]}")
    return notes


# ---------------------------------------------------------------- worker side


def _init_worker(work: Path) -> None:
    """Workers run from the work folder, so nothing relative leads back into the course."""
    os.chdir(work)
    for name in ("MEDIALIT_COURSE", "MEDIALIT_ANSWERS_DIR"):
        os.environ.pop(name, None)


RETRY_SIGNS = ("Address already in use", "Kernel died before replying", "Kernel didn't respond")


def _grade(root: str, assignment: str, student: str, folder: str) -> dict[str, Any]:
    """Run stock nbgrader autograde for one student on the submission's own gradebook copy.

    A kernel that cannot start because two parallel launches picked the same port
    is retried (twice at most); a notebook's own failure is not.
    """
    start = time.perf_counter()
    course = Course(root)
    for _attempt in range(3):
        try:
            api = course.api(
                db_url=f"sqlite:///{Path(folder) / 'gradebook.db'}",
                submitted_directory=str(Path(folder) / "submitted"),
                autograded_directory=str(Path(folder) / "autograded"),
            )
            result = api.autograde(assignment, student, force=True, create=True)
            success, log = bool(result["success"]), result.get("log", "") or ""
        except Exception as exc:  # a crash in one submission must not stop the class
            success, log = False, f"{type(exc).__name__}: {exc}"
        if success or not any(sign in log for sign in RETRY_SIGNS):
            break
    seconds = time.perf_counter() - start
    return {"student": student, "success": success, "log": log, "seconds": seconds}


# ---------------------------------------------------------------- main side


def _failure_reason(log: str) -> str:
    """A teacher-readable reason from nbgrader's log."""
    text = log or ""
    for needle, reason in [
        ("Timeout", "a cell ran too long (timeout) and was stopped"),
        ("DeadKernelError", "the notebook crashed the Python kernel"),
        ("Kernel died", "the notebook crashed the Python kernel"),
        ("NotJSONError", "the notebook file is not valid JSON"),
        ("MissingEntry", "nbgrader could not match the notebook to the assignment"),
        ("grading process crashed", "the grading process crashed; run autograde again for this student"),
    ]:
        if needle in text:
            return reason
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("[ERROR]")]
    return (lines[-1].removeprefix("[ERROR]").strip()[:200] if lines else "nbgrader could not grade it") + (
        " (see the log)"
    )


def merge(course: Course, assignment: str, student: str, worker_db: str) -> None:
    """Copy one student's new autograde result from a worker gradebook into the course gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(worker_db, "medialit") as wgb, Gradebook(course.db_url, "medialit") as mgb:
        wsub = wgb.find_submission(assignment, student)
        mgb.update_or_create_student(student)
        mgb.update_or_create_submission(assignment, student, timestamp=wsub.timestamp)
        for wnb in wsub.notebooks:
            mnb = mgb.find_submission_notebook(wnb.name, assignment, student)
            mnb.late_submission_penalty = wnb.late_submission_penalty
            for wg in wnb.grades:
                mg = mgb.find_grade(wg.name, wnb.name, assignment, student)
                mg.auto_score = wg.auto_score
                mg.needs_manual_grade = mg.manual_score is not None or wg.auto_score is None
            for wc in wnb.comments:
                mc = mgb.find_comment(wc.name, wnb.name, assignment, student)
                mc.auto_comment = wc.auto_comment
        mgb.db.commit()


def _swap_in(new: Path, dest: Path, trash: Path) -> None:
    """Put the new autograded folder in place; the old one goes only after the new one is there."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    staged = dest.with_name(f".{dest.name}.new-{uuid.uuid4().hex[:8]}")
    shutil.copytree(new, staged)  # the work folder may be on another disk: copy next to dest first
    old = None
    if dest.exists():
        trash.mkdir(parents=True, exist_ok=True)
        old = trash / f"{dest.parent.name}-{dest.name}-{uuid.uuid4().hex[:8]}"
        dest.rename(old)
    staged.rename(dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _progress(total: int, label: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="submission", file=sys.stderr, dynamic_ncols=True, leave=True)


def autograde(
    course: Course,
    assignment: str,
    students: list[str] | None = None,
    jobs: int | None = None,
    progress: bool = True,
) -> dict[str, StudentStatus]:
    """Autograde submissions in parallel; return (and record) each student's status."""
    from medialit.build import scripts_on_path

    course.require_assignment(assignment)
    scripts_on_path()
    if not (course.root / "release" / assignment / f"{assignment}.ipynb").exists() or not course.db_path.exists():
        course.generate(assignment)
    students = students or submitted_students(course, assignment)
    unknown = [s for s in students if not course.submission_dir(assignment, s).is_dir()]
    if unknown:
        raise CourseError(f"No submission of {assignment} for: {', '.join(unknown)}. Collect them first.")
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(students) or 1))
    work = Path(tempfile.mkdtemp(prefix=f"medialit-grading-{assignment}-"))
    snapshot = work / "gradebook-snapshot.db"
    _snapshot(course.db_path, snapshot)
    statuses: dict[str, StudentStatus] = {}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    ready: list[Job] = []
    for student in students:
        job, reason = prepare(course, assignment, student, work, snapshot)
        if job is None:
            statuses[student] = StudentStatus(
                student, FAILED, _keeps(course, assignment, student, reason), graded_at=now
            )
        else:
            ready.append(job)
    bar = _progress(len(students), f"autograde {assignment}") if progress else None
    if bar is not None:
        bar.update(len(students) - len(ready))
    try:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=(work,)) as pool:
            futures = {pool.submit(_grade, str(course.root), assignment, j.student, str(j.folder)): j for j in ready}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    out = future.result()
                except Exception as exc:  # the worker process itself died
                    out = {"success": False, "log": f"grading process crashed: {exc}", "seconds": 0.0}
                statuses[job.student] = _finish(course, assignment, job, out, now)
                if bar is not None:
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        shutil.rmtree(work, ignore_errors=True)
    _add_scores(course, assignment, statuses)
    save_status(course.root, assignment, statuses)
    return dict(sorted(statuses.items()))


def _keeps(course: Course, assignment: str, student: str, reason: str) -> str:
    """Say so when an earlier result exists: it stays in place."""
    if (course.root / "autograded" / student / assignment).exists():
        return reason + "; the earlier result is kept"
    return reason


def _finish(course: Course, assignment: str, job: Job, out: dict[str, Any], now: str) -> StudentStatus:
    common = {"flags": job.flags, "seconds": out["seconds"], "submitted": job.submitted, "graded_at": now}
    if not out["success"]:
        reason = _keeps(course, assignment, job.student, _failure_reason(out["log"]))
        return StudentStatus(job.student, FAILED, reason, **common)
    new = job.folder / "autograded" / job.student / assignment
    notes = graded_notes(new, assignment)
    merge(course, assignment, job.student, f"sqlite:///{job.folder / 'gradebook.db'}")
    _swap_in(new, course.root / "autograded" / job.student / assignment, course.root / TRASH)
    status = FLAGGED if job.flags else GRADED
    return StudentStatus(job.student, status, "; ".join([*job.flags, *notes]), **common)


def _snapshot(db: Path, target: Path) -> None:
    """A consistent copy of the gradebook (SQLite's backup API), taken before any merge."""
    import sqlite3

    with sqlite3.connect(db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _add_scores(course: Course, assignment: str, statuses: dict[str, StudentStatus]) -> None:
    scores = course.scores(assignment)
    for student, st in statuses.items():
        row = scores.get(student)
        if row and row["autograded"]:
            st.score, st.max_score = row["score"], row["max_score"]


def status_table(statuses: dict[str, StudentStatus]) -> str:
    """A plain-text table: student, status, score, reason."""
    rows = [("student", "status", "score", "reason")]
    for st in statuses.values():
        score = f"{st.score:g} / {st.max_score:g}" if st.score is not None and st.max_score else "–"
        rows.append((st.student, st.status, score, st.reason))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}".rstrip() for r in rows]
    lines.insert(1, "-" * min(100, max(len(x) for x in lines)))
    return "\n".join(lines)
