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

import hashlib
import json
import multiprocessing
import os
import re
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
BACKUPS = ".medialit-backups"


@dataclass
class Job:
    """One submission to grade: where it is, what to grade, and what was found beforehand."""

    student: str
    flags: list[str]
    submitted: str
    source: str  # the submission folder in the course (read only)
    notebook: str | None  # the notebook to grade (JSON) when it differs from the submitted file
    fallback: str  # the released notebook (JSON): graded with the saved answers if the student's crashes
    folder: str = ""  # the private work folder, once graded
    digest: str = ""  # fingerprint of the work folder's result, checked before it is merged


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
    from medialit.answers import AnswerFileError, read_answers

    path = folder / f"{assignment}.answers.json"
    if not path.exists():
        return ""
    try:
        read_answers(path)
    except AnswerFileError as exc:
        return f"answers file unusable: {exc}"
    return ""


def prepare(course: Course, assignment: str, student: str) -> tuple[Job | None, str]:
    """Check one submission, flag tampering, and decide what to grade; nothing is copied yet.

    Returns (job, "") or (None, reason) when nothing can be graded. A notebook that
    cannot be read is graded from the released notebook when a usable answers file
    was submitted, since the answers are what is scored. Submitted files are never changed.
    """
    source = course.submission_dir(assignment, student)
    released_path = course.root / "release" / assignment / f"{assignment}.ipynb"
    released_text = released_path.read_text(encoding="utf-8")
    path, renamed = _find_notebook(source, assignment)
    nb, reason = _read_notebook(path)
    flags = [renamed] if renamed else []
    problem = _answers_problem(source, assignment)
    stamp = source / "timestamp.txt"
    submitted = stamp.read_text(encoding="utf-8", errors="replace").strip() if stamp.exists() else ""
    if nb is None:
        has_answers = (source / f"{assignment}.answers.json").exists() and not problem
        if not has_answers:
            return None, reason + ("; no usable answers file either" if not problem else f"; {problem}")
        flags.append(f"{reason}; graded from the released notebook with the saved answers")
        return Job(student, flags, submitted, str(source), released_text, released_text), ""
    report = inspect(nb, nbformat.reads(released_text, as_version=4))
    flags += report.flags
    if problem:
        flags.append(problem)
    text = None
    if report.repaired is not None or renamed:
        text = nbformat.writes(report.repaired or nb)
    return Job(student, flags, submitted, str(source), text, released_text), ""


NOT_SUBMITTED = "was not submitted"  # a missing answers file: a plain zero, not a problem to look into
CELL_NOTE = "error in "  # a student's cell failed: reported, but its answers still counted


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
            name = out.get("ename")
            if out.get("output_type") != "error" or name in ("AssertionError", "KeyboardInterrupt"):
                continue
            if name == "CellTimeoutError":
                notes.append(f"{CELL_NOTE}{gid}: it ran longer than the time limit and was stopped")
            else:
                notes.append(f"{CELL_NOTE}{gid}: {name}: {str(out.get('evalue', ''))[:100]}")
    return notes


# ---------------------------------------------------------------- worker side


def _init_worker(work: Path) -> None:
    """Workers run from the work folder, so nothing relative leads back into the course."""
    os.chdir(work)
    for name in ("MEDIALIT_COURSE", "MEDIALIT_ANSWERS_DIR", "PWD", "OLDPWD"):
        os.environ.pop(name, None)


def fingerprint(folder: Path) -> str:
    """A hash of every file's path and bytes under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stage(job: Job, assignment: str, snapshot: tuple[Path, str], folder: Path, notebook: str | None) -> Path:
    """Copy the submission (and a fresh gradebook copy) into the private work folder, just in time."""
    if _file_hash(snapshot[0]) != snapshot[1]:
        raise RuntimeError("the gradebook copy used for grading was changed during the run")
    if folder.exists():
        shutil.rmtree(folder)
    target = folder / "submitted" / job.student / assignment
    forged = shutil.ignore_patterns("*.results.json", "*.results.json.tmp", "*.ipynb")  # results: hidden tests only
    shutil.copytree(job.source, target, symlinks=False, ignore=forged)
    if notebook is None:
        shutil.copyfile(Path(job.source) / f"{assignment}.ipynb", target / f"{assignment}.ipynb")
    else:
        (target / f"{assignment}.ipynb").write_text(notebook, encoding="utf-8")
    shutil.copyfile(snapshot[0], folder / "gradebook.db")
    return target


def _run_nbgrader(course: Course, assignment: str, student: str, folder: Path) -> tuple[bool, str]:
    for _attempt in range(3):
        try:
            api = course.api(
                db_url=f"sqlite:///{folder / 'gradebook.db'}",
                submitted_directory=str(folder / "submitted"),
                autograded_directory=str(folder / "autograded"),
            )
            result = api.autograde(assignment, student, force=True, create=True)
            success, log = bool(result["success"]), result.get("log", "") or ""
        except Exception as exc:  # a crash in one submission must not stop the class
            success, log = False, f"{type(exc).__name__}: {exc}"
        if success or not any(sign in log for sign in RETRY_SIGNS):
            return success, log
    return success, log


def _grade(root: str, assignment: str, job: Job, snapshot: tuple[Path, str], work: str) -> dict[str, Any]:
    """Grade one submission with stock nbgrader in its own folder, on its own gradebook copy.

    A kernel that cannot start because parallel launches raced for a port is retried.
    If the student's notebook crashes the kernel, it is graded again from the released
    notebook with the saved answers (code the student added or changed is ignored).
    """
    start = time.perf_counter()
    course = Course(root)
    folder = Path(work) / secrets.token_hex(12)
    notes: list[str] = []
    submitted = _stage(job, assignment, snapshot, folder, job.notebook)
    before = fingerprint(submitted)
    success, log = _run_nbgrader(course, assignment, job.student, folder)
    differs = (job.notebook or Path(job.source, f"{assignment}.ipynb").read_text(errors="replace")) != job.fallback
    if not success and (differs or any(sign in log for sign in CRASH_SIGNS)):
        notes.append(
            f"{_failure_reason(log)}; graded again from the released notebook with the saved answers "
            "(the student's own code was left out)"
        )
        submitted = _stage(job, assignment, snapshot, folder, job.fallback)
        before = fingerprint(submitted)
        success, log = _run_nbgrader(course, assignment, job.student, folder)
    interfered = fingerprint(submitted) != before
    return {
        "student": job.student,
        "success": success,
        "log": log,
        "seconds": time.perf_counter() - start,
        "folder": str(folder),
        "notes": notes,
        "interfered": interfered,
        "digest": _result_digest(folder, job.student, assignment) if success else "",
    }


def _result_digest(folder: Path, student: str, assignment: str) -> str:
    return fingerprint(folder / "autograded" / student / assignment) + _file_hash(folder / "gradebook.db")


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


# ---------------------------------------------------------------- main side


RETRY_SIGNS = ("Address already in use", "Kernel died before replying", "Kernel didn't respond")


CRASH_SIGNS = ("DeadKernelError", "Kernel died", "grading process crashed")


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
    errors = re.findall(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception)): (.+)$", text, flags=re.M)
    if errors:
        name, message = errors[-1]
        return f"nbgrader could not grade it ({name.rsplit('.', 1)[-1]}: {message.strip()[:150]})"
    return "nbgrader could not grade it"


def merge(course: Course, assignment: str, student: str, worker_db: str, flagged: bool = False) -> None:
    """Copy one student's new autograde result from a worker gradebook into the course gradebook.

    ``flagged`` sets nbgrader's own flag on the submission, so formgrader lists it as flagged.
    """
    from nbgrader.api import Gradebook

    with Gradebook(worker_db, "medialit") as wgb, Gradebook(course.db_url, "medialit") as mgb:
        wsub = wgb.find_submission(assignment, student)
        mgb.update_or_create_student(student)
        mgb.update_or_create_submission(assignment, student, timestamp=wsub.timestamp)
        for wnb in wsub.notebooks:
            mnb = mgb.find_submission_notebook(wnb.name, assignment, student)
            mnb.late_submission_penalty = wnb.late_submission_penalty
            mnb.flagged = flagged or mnb.flagged  # never clear a flag a grader set by hand
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
    warnings_out: list[str] | None = None,
) -> dict[str, StudentStatus]:
    """Autograde submissions in parallel; return (and record) each student's status.

    ``warnings_out`` receives problems with the course itself (for example a master
    changed during grading), which the CLI prints and turns into a failing exit code.
    """
    from medialit.build import scripts_on_path

    course.require_assignment(assignment)
    scripts_on_path()
    if not (course.root / "release" / assignment / f"{assignment}.ipynb").exists() or not course.db_path.exists():
        course.generate(assignment)
    students = students or course.submitted_students(assignment)
    unknown = [s for s in students if not course.submission_dir(assignment, s).is_dir()]
    if unknown:
        raise CourseError(f"No submission of {assignment} for: {', '.join(unknown)}. Collect them first.")
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(students) or 1))
    backup = _backup(course)
    state = _course_state(course, assignment, set(students))
    work = Path(tempfile.mkdtemp(prefix=f"medialit-grading-{assignment}-"))
    snapshot = (backup, _file_hash(backup))  # inside the course, where graded code has no path to it
    statuses: dict[str, StudentStatus] = {}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    ready: list[Job] = []
    for student in students:
        job, reason = prepare(course, assignment, student)
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
        suspects = _run_pool(course, assignment, ready, jobs, snapshot, work, statuses, now, bar)
        if suspects:  # failed, or another submission's code touched their folders: grade them again, alone
            _run_pool(course, assignment, suspects, 1, snapshot, work, statuses, now, None, final=True)
    finally:
        if bar is not None:
            bar.close()
        shutil.rmtree(work, ignore_errors=True)
    _add_scores(course, assignment, statuses)
    save_status(course.root, assignment, statuses)
    problems = _compare_state(state, _course_state(course, assignment, set(students)), backup)
    if warnings_out is not None:
        warnings_out.extend(problems)
    return dict(sorted(statuses.items()))


def _run_pool(
    course: Course,
    assignment: str,
    ready: list[Job],
    jobs: int,
    snapshot: tuple[Path, str],
    work: Path,
    statuses: dict[str, StudentStatus],
    now: str,
    bar: Any,
    final: bool = False,
) -> list[Job]:
    """Grade ``ready`` in ``jobs`` processes; return the jobs that failed or were interfered with."""
    suspects = []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=(work,)) as pool:
        futures = {pool.submit(_grade, str(course.root), assignment, j, snapshot, str(work)): j for j in ready}
        for future in as_completed(futures):
            job = futures[future]
            try:
                out = future.result()
            except Exception as exc:  # the worker process itself died
                out = {"success": False, "log": f"grading process crashed: {exc}", "seconds": 0.0}
            if not final and (not out["success"] or not _untouched(out, job, assignment)):
                # a failure may be another submission's doing: every failure is graded again, alone
                shutil.rmtree(out.get("folder", ""), ignore_errors=True)
                suspects.append(job)
                continue
            if final and not _untouched(out, job, assignment):
                out["notes"] = [*out.get("notes", []), "its work folder changed while it was graded alone"]
            try:
                statuses[job.student] = _finish(course, assignment, job, out, now)
            except Exception as exc:  # e.g. its gradebook copy was damaged after grading: never stop the class
                shutil.rmtree(out.get("folder", ""), ignore_errors=True)
                if not final:
                    suspects.append(job)
                    continue
                reason = _keeps(course, assignment, job.student, f"its grading result could not be read ({exc})")
                statuses[job.student] = StudentStatus(job.student, FAILED, reason, graded_at=now)
            if bar is not None:
                bar.update(1)
    return suspects


def _compare_state(before: dict[str, Any], after: dict[str, Any], backup: Path) -> list[str]:
    problems = []
    if before["source"] != after["source"]:
        problems.append("the masters in source/ changed during grading: check them (git diff in the kit)")
    if before["release"] != after["release"]:
        problems.append("the student versions in release/ changed during grading: run medialit release again")
    changed = sorted(s for s, v in before["others"].items() if after["others"].get(s) != v)
    if changed:
        problems.append(
            f"grades of students not being graded changed ({', '.join(changed)}): "
            f"the gradebook before this run is saved as {backup}"
        )
    return problems


def _keeps(course: Course, assignment: str, student: str, reason: str) -> str:
    """Say so when an earlier result exists: it stays in place."""
    if (course.root / "autograded" / student / assignment).exists():
        return reason + "; the earlier result is kept"
    return reason


def _finish(course: Course, assignment: str, job: Job, out: dict[str, Any], now: str) -> StudentStatus:
    common = {"seconds": out["seconds"], "submitted": job.submitted, "graded_at": now}
    flags = [*job.flags, *out.get("notes", [])]
    folder = Path(out["folder"]) if out.get("folder") else None
    try:
        if not out["success"]:
            reason = _keeps(course, assignment, job.student, _failure_reason(out["log"]))
            return StudentStatus(job.student, FAILED, reason, flags=flags, **common)
        new = folder / "autograded" / job.student / assignment
        notes = graded_notes(new, assignment)
        serious = [n for n in notes if NOT_SUBMITTED not in n and not n.startswith(CELL_NOTE)]
        status = FLAGGED if flags or serious else GRADED
        merge(course, assignment, job.student, f"sqlite:///{folder / 'gradebook.db'}", flagged=status == FLAGGED)
        _swap_in(new, course.root / "autograded" / job.student / assignment, course.root / TRASH)
        return StudentStatus(job.student, status, "; ".join([*flags, *notes]), flags=[*flags, *serious], **common)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _untouched(out: dict[str, Any], job: Job, assignment: str) -> bool:
    """True when nothing but this submission's own grading changed its work folder."""
    if out.get("interfered"):
        return False
    if not out["success"] or not out.get("folder"):
        return True
    return _result_digest(Path(out["folder"]), job.student, assignment) == out["digest"]


def _course_state(course: Course, assignment: str, graded: set[str]) -> dict[str, Any]:
    """What grading must not change: the masters, the release, and other students' grades."""
    scores = course.scores(assignment)
    return {
        "source": fingerprint(course.root / "source"),
        "release": fingerprint(course.root / "release"),
        "others": {s: v for s, v in scores.items() if s not in graded},
    }


def _backup(course: Course) -> Path:
    """Copy the gradebook before grading (the ten newest copies are kept)."""
    folder = course.root / BACKUPS
    folder.mkdir(exist_ok=True)
    target = folder / f"gradebook-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S-%f')}.db"
    _snapshot(course.db_path, target)
    for old in sorted(folder.glob("gradebook-*.db"))[:-10]:
        old.unlink()
    return target


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
