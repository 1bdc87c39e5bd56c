"""Parallel, safe autograding on top of stock nbgrader, with grades that student code cannot forge.

nbgrader autogrades one submission at a time into one SQLite gradebook. Here:

1. **Prepare** (main process): broken files are failed with a reason; tampering is
   flagged cell by cell and stripped nbgrader metadata is put back. The student's
   submitted files are never changed. A problem with one submission fails that one only.
2. **Grade** (worker processes): stock nbgrader autograde with Execute replaced by
   the kit's preprocessors (medialit.grading): the saved answers are scored in the
   grader's own process and no student code runs. With ``execute=True`` the notebook
   also runs, in a bubblewrap sandbox where one can start, each submission in its own
   folder on its own gradebook copy; its own result is only compared with the score.
3. **Merge** (main process, one writer): each new result is copied into the real
   gradebook (manual grades are kept) and its autograded folder is swapped in. An
   earlier result is replaced only once a new one exists. Before each merge the kit's
   package, the masters, the release and the keys are checked unchanged.
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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from medialit.course import Course, CourseError
from medialit.grading.merge import Books, merge
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


@dataclass
class Outcome:
    """What a worker reports for one submission."""

    student: str
    success: bool
    log: str = ""
    seconds: float = 0.0
    folder: str = ""  # the work folder holding autograded/ and the worker's gradebook copy
    shared: bool = False  # the folder is the worker's own, used for several submissions: keep it
    notes: list[str] = field(default_factory=list)
    interfered: bool = False  # the submission's staged files changed while it was graded
    digest: str = ""  # fingerprint of the result, checked again before it is merged
    environment: str = ""  # why the grader itself could not work (the same for everyone)


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
    released = nbformat.reads(released_text, as_version=4)
    report = inspect(nb, released)
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


# ---------------------------------------------------------------- worker side


@dataclass(frozen=True)
class Mode:
    """How to grade: from the saved answers only (default), or also executing the notebook."""

    execute: bool = False
    sandbox: bool = True  # execute inside bubblewrap (when it can start here)
    hidden: tuple[str, ...] = ()  # folders the sandbox hides: the course, the kit checkout, the work root


_WORKER: dict[str, Any] = {}  # per worker process: its own folder, gradebook copy and nbgrader API (saved-answers mode)


def _init_worker(work: Path, verbose: bool = False) -> None:
    """Workers run from the work folder, so nothing relative leads back into the course."""
    from medialit.grading.engines import share_engines

    share_engines()
    if not verbose:  # nbgrader's own SQLAlchemy autoflush warnings: noise for a teacher
        from sqlalchemy.exc import SAWarning

        warnings.simplefilter("ignore", SAWarning)
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


def file_hashes(folder: Path) -> dict[str, str]:
    """Each file's hash under ``folder`` (by path), so a change can be named."""
    if not folder.exists():
        return {}
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _stage(job: Job, assignment: str, folder: Path, notebook: str | None) -> Path:
    """Copy the submission into the work folder, just in time (never following links)."""
    target = folder / "submitted" / job.student / assignment
    if target.exists():
        shutil.rmtree(target)
    forged = shutil.ignore_patterns("*.results.json", "*.results.json.tmp", "*.ipynb", "grading-error.json")
    shutil.copytree(job.source, target, symlinks=True, ignore=forged)
    for link in [p for p in target.rglob("*") if p.is_symlink()]:
        link.unlink()  # a link in a submission is never followed
    if notebook is None:
        shutil.copyfile(Path(job.source) / f"{assignment}.ipynb", target / f"{assignment}.ipynb")
    else:
        (target / f"{assignment}.ipynb").write_text(notebook, encoding="utf-8")
    return target


def _fresh_gradebook(snapshot: tuple[Path, str], folder: Path) -> None:
    if _file_hash(snapshot[0]) != snapshot[1]:
        raise RuntimeError("the gradebook copy used for grading was changed during the run")
    shutil.copyfile(snapshot[0], folder / "gradebook.db")


def _api(course: Course, assignment: str, folder: Path, mode: Mode) -> tuple[Any, Path]:
    """An nbgrader API grading into ``folder`` in ``mode``, and the file where a grading error is recorded."""
    from medialit.grading.pipeline import configure

    config = course.config()
    error_file = configure(
        config,
        course_root=course.root,
        folder=folder,
        execute=mode.execute,
        sandbox=mode.sandbox,
        hidden=[Path(p) for p in mode.hidden],
    )
    if mode.execute:  # what the notebook's own setup needs inside the sandbox: the seeds and the key files
        os.environ["MEDIALIT_SEEDS"] = str(course.root / "seeds")
        os.environ["MEDIALIT_KEYS"] = str(course.root / "source" / assignment)
        if mode.sandbox:
            keys = [str(p) for p in (course.root / "source" / assignment).glob("*.key.*")]
            manager = config.SandboxedKernelManager
            manager.readonly_paths = [*manager.readonly_paths, *keys]
    api = course.api(
        config,
        db_url=f"sqlite:///{folder / 'gradebook.db'}",
        submitted_directory=str(folder / "submitted"),
        autograded_directory=str(folder / "autograded"),
    )
    return api, error_file


def _run_nbgrader(api: Any, assignment: str, student: str, error_file: Path) -> tuple[bool, str, str]:
    """(success, log, environment problem) of one nbgrader autograde."""
    error_file.unlink(missing_ok=True)
    for _attempt in range(3):
        try:
            result = api.autograde(assignment, student, force=True, create=True)
            success, log = bool(result["success"]), result.get("log", "") or ""
        except Exception as exc:  # a crash in one submission must not stop the class
            success, log = False, f"{type(exc).__name__}: {exc}"
        if success or not any(sign in log for sign in RETRY_SIGNS):
            break
    environment = ""
    if not success and error_file.exists():
        try:
            environment = str(json.loads(error_file.read_text(encoding="utf-8")).get("message", ""))
        except (OSError, ValueError):
            environment = "the grader recorded a problem it could not describe"
    return success, log, environment


def _grade_saved(root: str, assignment: str, job: Job, snapshot: tuple[Path, str], work: str) -> Outcome:
    """Grade one submission from its saved answers; no student code runs.

    Each worker process keeps one folder, one gradebook copy and one nbgrader API for
    all the submissions it grades: nothing a submission holds is ever executed.
    """
    start = time.perf_counter()
    if _WORKER.get("root") != root:
        from medialit.build import cache_metadata_validator

        cache_metadata_validator()
        course = Course(root)
        folder = Path(work) / secrets.token_hex(12)
        folder.mkdir()
        _fresh_gradebook(snapshot, folder)
        api, error_file = _api(course, assignment, folder, Mode())
        _WORKER.update(root=root, course=course, folder=folder, api=api, error_file=error_file)
    folder = _WORKER["folder"]
    _stage(job, assignment, folder, job.notebook)
    success, log, environment = _run_nbgrader(_WORKER["api"], assignment, job.student, _WORKER["error_file"])
    shutil.rmtree(folder / "submitted" / job.student, ignore_errors=True)
    return Outcome(
        job.student,
        success,
        log,
        time.perf_counter() - start,
        str(folder),
        shared=True,
        environment=environment,
        digest=_result_digest(folder, job.student, assignment) if success else "",
    )


def _grade_executed(root: str, assignment: str, job: Job, snapshot: tuple[Path, str], work: str, mode: Mode) -> Outcome:
    """Grade one submission by also running its notebook, in its own folder on its own gradebook copy.

    A kernel that cannot start because parallel launches raced for a port is retried.
    If the student's notebook crashes the kernel, it is graded again from the released
    notebook (code the student added or changed is left out). Points always come from
    the saved answers.
    """
    start = time.perf_counter()
    course = Course(root)
    folder = Path(work) / secrets.token_hex(12)
    folder.mkdir()
    notes: list[str] = []
    _fresh_gradebook(snapshot, folder)
    api, error_file = _api(course, assignment, folder, mode)
    submitted = _stage(job, assignment, folder, job.notebook)
    before = fingerprint(submitted)
    success, log, environment = _run_nbgrader(api, assignment, job.student, error_file)
    differs = (job.notebook or Path(job.source, f"{assignment}.ipynb").read_text(errors="replace")) != job.fallback
    if not success and not environment and (differs or any(sign in log for sign in CRASH_SIGNS)):
        notes.append(
            f"{_failure_reason(log)}; graded again from the released notebook with the saved answers "
            "(the student's own code was left out)"
        )
        _fresh_gradebook(snapshot, folder)
        submitted = _stage(job, assignment, folder, job.fallback)
        before = fingerprint(submitted)
        success, log, environment = _run_nbgrader(api, assignment, job.student, error_file)
    return Outcome(
        job.student,
        success,
        log,
        time.perf_counter() - start,
        str(folder),
        notes=notes,
        interfered=fingerprint(submitted) != before,
        environment=environment,
        digest=_result_digest(folder, job.student, assignment, with_gradebook=True) if success else "",
    )


def _result_digest(folder: Path, student: str, assignment: str, with_gradebook: bool = False) -> str:
    digest = fingerprint(folder / "autograded" / student / assignment)
    return digest + _file_hash(folder / "gradebook.db") if with_gradebook else digest


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

    class Bar(tqdm):  # type: ignore[misc]
        monitor_interval = 0  # no monitor thread: grading workers are forked

    return Bar(total=total, desc=label, unit="submission", file=sys.stderr, dynamic_ncols=True, leave=True)


def autograde(
    course: Course,
    assignment: str,
    students: list[str] | None = None,
    jobs: int | None = None,
    progress: bool = True,
    warnings_out: list[str] | None = None,
    execute: bool = False,
    sandbox: bool = True,
    notices_out: list[str] | None = None,
    verbose: bool = False,
) -> dict[str, StudentStatus]:
    """Autograde submissions in parallel; return (and record) each student's status.

    By default no student code runs: the saved answers are scored in the grader.
    ``execute=True`` also runs each notebook (in a bubblewrap sandbox unless
    ``sandbox=False`` or bubblewrap cannot start here, which is said in ``warnings_out``).
    ``warnings_out`` receives problems with the course or the grading environment
    (a changed kit file, a broken setup), which the CLI prints with a failing exit code;
    ``notices_out`` what the teacher should know but is not a failure (execution is not sandboxed).
    ``verbose`` lets the libraries' own warnings through (for debugging).
    """
    from medialit.assignment_settings import settings_for
    from medialit.build import scripts_on_path

    course.require_assignment(assignment)
    settings_for(course.root, assignment)  # a malformed assignments.yaml stops us before any work, not after
    scripts_on_path()
    if not (course.root / "release" / assignment / f"{assignment}.ipynb").exists() or not course.db_path.exists():
        course.generate(assignment)
    students = students or course.submitted_students(assignment)
    if not students:
        raise CourseError(
            f"Nothing of {assignment} has been collected yet, so there is nothing to grade. "
            f"Collect first: medialit collect {assignment} exchange (or an LMS download zip or folder)."
        )
    unknown = [s for s in students if not course.submission_dir(assignment, s).is_dir()]
    if unknown:
        raise CourseError(f"No submission of {assignment} for: {', '.join(unknown)}. Collect them first.")
    problems: list[str] = []
    mode = _mode(course, execute, sandbox, notices_out if notices_out is not None else [])
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(students) or 1))
    backup = _backup(course)
    state = _course_state(course, assignment, set(students))
    work = Path(tempfile.mkdtemp(prefix=f"medialit-grading-{assignment}-"))
    if mode.execute:
        mode = Mode(True, mode.sandbox, (*mode.hidden, str(work)))
    snapshot = (backup, _file_hash(backup))  # inside the course, where graded code has no path to it
    statuses: dict[str, StudentStatus] = {}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    ready: list[Job] = []
    for student in students:
        try:
            job, reason = prepare(course, assignment, student)
        except Exception as exc:  # any problem with one submission fails that one, never the class
            job, reason = None, f"the submission could not be prepared for grading ({type(exc).__name__}: {exc})"
        if job is None:
            statuses[student] = StudentStatus(
                student, FAILED, _keeps(course, assignment, student, reason), graded_at=now
            )
        else:
            ready.append(job)
    bar = _progress(len(students), f"autograde {assignment}") if progress else None
    if bar is not None:
        bar.update(len(students) - len(ready))
    run = _Run(course, assignment, snapshot, work, statuses, now, mode, state["protected"], problems, verbose)
    try:
        suspects = run.pool(ready, jobs, bar)
        if suspects:  # failed, or another submission's code touched their folders: grade them again, alone
            run.pool(suspects, 1, None, final=True)
    finally:
        run.books.close()
        if bar is not None:
            bar.close()
        shutil.rmtree(work, ignore_errors=True)
    _add_scores(course, assignment, statuses)
    save_status(course.root, assignment, statuses)
    problems += _environment_problem(statuses)
    problems += _compare_state(state, _course_state(course, assignment, set(students)), backup)
    if warnings_out is not None:
        warnings_out.extend(dict.fromkeys(problems))
    return dict(sorted(statuses.items()))


def _mode(course: Course, execute: bool, sandbox: bool, notices: list[str]) -> Mode:
    """The grading mode; says once, in one line, when execution cannot be sandboxed here."""
    if not execute:
        return Mode()
    if sandbox:
        from medialit.grading.sandbox import sandbox_problem

        problem = sandbox_problem()
        if problem:
            notices.append(problem)
            sandbox = False
    if not sandbox:
        return Mode(True, False)
    from medialit.course import kit_root

    return Mode(True, True, (str(course.root), str(kit_root())))


def _environment_problem(statuses: dict[str, StudentStatus]) -> list[str]:
    reasons = {st.environment for st in statuses.values() if st.environment}
    if not reasons:
        return []
    who = "nobody was graded" if all(st.status == FAILED for st in statuses.values()) else "some were not graded"
    return [f"The grading environment is broken ({who}): {r}. Fix it, then run autograde again." for r in reasons]


@dataclass
class _Run:
    """One autograde run: what every pool of workers shares, and where results go."""

    course: Course
    assignment: str
    snapshot: tuple[Path, str]
    work: Path
    statuses: dict[str, StudentStatus]
    now: str
    mode: Mode
    protected: dict[str, str]
    problems: list[str]
    verbose: bool = False
    spoiled: str = ""  # the first protected file found changed: nothing is merged after that
    books: Books = field(default_factory=Books)

    def pool(self, ready: list[Job], jobs: int, bar: Any, final: bool = False) -> list[Job]:
        """Grade ``ready`` in ``jobs`` processes; return the jobs to grade again, alone."""
        suspects = []
        ctx = _worker_context()
        setup = {"initializer": _init_worker, "initargs": (self.work, self.verbose)}
        with ProcessPoolExecutor(jobs, mp_context=ctx, **setup) as pool:
            futures = {pool.submit(*self._task(j)): j for j in ready}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    out = future.result()
                except Exception as exc:  # the worker process itself died
                    out = Outcome(job.student, False, f"grading process crashed: {exc}")
                retry = not out.success and not out.environment
                if not final and (retry or not _untouched(out, job, self.assignment)):
                    # a failure may be another submission's doing: every failure is graded again, alone
                    _discard(out, job, self.assignment)
                    suspects.append(job)
                    continue
                if final and not _untouched(out, job, self.assignment):
                    out.notes.append("its work folder changed while it was graded alone")
                self._settle(job, out, final, suspects)
                if bar is not None:
                    bar.update(1)
        return suspects

    def _task(self, job: Job) -> tuple[Any, ...]:
        args = (str(self.course.root), self.assignment, job, self.snapshot, str(self.work))
        return (_grade_executed, *args, self.mode) if self.mode.execute else (_grade_saved, *args)

    def _settle(self, job: Job, out: Outcome, final: bool, suspects: list[Job]) -> None:
        course, assignment, student = self.course, self.assignment, job.student
        changed = self.spoiled or _changed(self.protected)
        if changed:
            self.spoiled = changed
            _discard(out, job, assignment)
            reason = f"not kept: {changed} changed during grading (by this or an earlier submission)"
            self.statuses[student] = StudentStatus(student, FAILED, _keeps(course, assignment, student, reason))
            return
        try:
            self.statuses[student] = _finish(course, assignment, job, out, self.now, self.books)
        except Exception as exc:  # e.g. its gradebook copy was damaged after grading: never stop the class
            _discard(out, job, assignment)
            if not final:
                suspects.append(job)
                return
            reason = _keeps(course, assignment, student, f"its grading result could not be read ({exc})")
            self.statuses[student] = StudentStatus(student, FAILED, reason, graded_at=self.now)


def _worker_context() -> Any:
    """Fork workers where the platform can (they start at once, with the grading code loaded).

    Spawned workers (elsewhere) import it all again, about 2.5 s each.
    """
    if sys.platform != "linux":
        return multiprocessing.get_context("spawn")
    import nbgrader.apps.api  # noqa: F401  (loaded once here, shared by every forked worker)

    from medialit.grading import preprocessors, score  # noqa: F401

    return multiprocessing.get_context("fork")


def _discard(out: Outcome, job: Job, assignment: str) -> None:
    if not out.folder:
        return
    if out.shared:
        shutil.rmtree(Path(out.folder) / "autograded" / job.student, ignore_errors=True)
    else:
        shutil.rmtree(out.folder, ignore_errors=True)


def _changed(protected: dict[str, str]) -> str:
    """The first protected file (kit package, masters, release, keys) that changed, '' if none."""
    for path, digest in protected.items():
        if _file_hash(Path(path)) != digest:
            return path
    return ""


def _compare_state(before: dict[str, Any], after: dict[str, Any], backup: Path) -> list[str]:
    problems = []
    changed = sorted(
        p
        for p in set(before["protected"]) | set(after["protected"])
        if before["protected"].get(p) != after["protected"].get(p)
    )
    if changed:
        problems.append(
            f"files the grading relies on changed during grading: {', '.join(changed[:5])}"
            f"{' …' if len(changed) > 5 else ''}. No result graded after the change was kept. Restore them "
            "(reinstall medialit, or git checkout in the kit; medialit release again) and run autograde again."
        )
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


def _finish(
    course: Course, assignment: str, job: Job, out: Outcome, now: str, books: Books | None = None
) -> StudentStatus:
    common = {"seconds": out.seconds, "submitted": job.submitted, "graded_at": now}
    flags = [*job.flags, *out.notes]
    folder = Path(out.folder) if out.folder else None
    try:
        if not out.success:
            reason = out.environment or _failure_reason(out.log)
            reason = _keeps(course, assignment, job.student, reason)
            return StudentStatus(job.student, FAILED, reason, flags=flags, environment=out.environment, **common)
        new = folder / "autograded" / job.student / assignment
        notes, serious = graded_notes(new, assignment)
        status = FLAGGED if flags or serious else GRADED
        worker_db = f"sqlite:///{folder / 'gradebook.db'}"
        merge(course, assignment, job.student, worker_db, flagged=status == FLAGGED, books=books)
        _swap_in(new, course.root / "autograded" / job.student / assignment, course.root / TRASH)
        return StudentStatus(job.student, status, "; ".join([*flags, *notes]), flags=[*flags, *serious], **common)
    finally:
        if folder is not None:
            if books is not None and not out.shared:
                books.drop(f"sqlite:///{folder / 'gradebook.db'}")
            _discard(out, job, assignment)


def _untouched(out: Outcome, job: Job, assignment: str) -> bool:
    """True when nothing but this submission's own grading changed its work folder."""
    if out.interfered:
        return False
    if not out.success or not out.folder:
        return True
    return _result_digest(Path(out.folder), job.student, assignment, with_gradebook=not out.shared) == out.digest


def _course_state(course: Course, assignment: str, graded: set[str]) -> dict[str, Any]:
    """What grading must not change: the kit's package, masters, release, keys and seeds; other students' grades."""
    from medialit.grading.pipeline import package_dir

    protected: dict[str, str] = {}
    for folder in (package_dir(), course.root / "source", course.root / "release", course.root / "seeds"):
        protected.update(file_hashes(folder))
    protected = {p: h for p, h in protected.items() if "__pycache__" not in p}
    scores = course.scores(assignment)
    return {"protected": protected, "others": {s: v for s, v in scores.items() if s not in graded}}


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
    from medialit.assignment_settings import settings_for
    from medialit.lateness import lateness

    scores = course.scores(assignment)
    settings = settings_for(course.root, assignment)
    for student, st in statuses.items():
        row = scores.get(student)
        if row and row["autograded"]:
            st.score, st.max_score = row["score"], row["max_score"]
        late = lateness(course, assignment, student, settings)
        st.late = f"late: {late.note}" if late.late else ""


def status_table(statuses: dict[str, StudentStatus]) -> str:
    """A plain-text table: student, status, score, reason."""
    rows = [("student", "status", "score", "reason")]
    for st in statuses.values():
        score = f"{st.score:g} / {st.max_score:g}" if st.score is not None and st.max_score else "–"
        rows.append((st.student, st.status, score, "; ".join(x for x in (st.late, st.reason) if x)))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}".rstrip() for r in rows]
    lines.insert(1, "-" * min(100, max(len(x) for x in lines)))
    return "\n".join(lines)
