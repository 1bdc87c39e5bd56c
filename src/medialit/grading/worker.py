"""Grading workers: each grades submissions with nbgrader into its own folder and gradebook copy.

By default a worker scores the saved answers in its own process (no student code runs)
and keeps one folder, gradebook copy and nbgrader API for all its submissions. With
``Mode.execute`` each submission also runs, in a bubblewrap sandbox where one can start,
in its own folder on its own gradebook copy. Workers are forked with the grading code
loaded; they never write to the course.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import re
import secrets
import shutil
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medialit.grading.course import Course
from medialit.grading.layout import Layout
from medialit.grading.prepare import Job


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
    reason: str = ""  # a teacher-readable reason that needs no log (a time limit on a Celery worker)
    retry: bool = True  # a failure is graded again, alone, once (not one that ran out of time)


@dataclass(frozen=True)
class Mode:
    """How to grade: from the saved answers only (default), or also executing the notebook."""

    execute: bool = False
    sandbox: bool = True  # execute inside bubblewrap (when it can start here)
    hidden: tuple[str, ...] = ()  # folders the sandbox hides: the course, the kit checkout, the work root


_WORKER: dict[str, Any] = {}  # per worker process: its own folder, gradebook copy and nbgrader API (saved-answers mode)


def forget() -> None:
    """Drop this process's cached folder and API: the next submission starts afresh (a long-lived Celery worker)."""
    _WORKER.clear()


def init_worker(work: Path, verbose: bool = False) -> None:
    """Workers run from the work folder, so nothing relative leads back into the course.

    A Celery worker process (which outlives runs) starts in ``/`` and enters each run's work folder per task.
    """
    from medialit.grading.nbgrader_patches import share_engines

    share_engines()
    if not verbose:  # nbgrader's own SQLAlchemy autoflush warnings: noise for a teacher
        from sqlalchemy.exc import SAWarning
        from traitlets.log import get_logger

        warnings.simplefilter("ignore", SAWarning)
        get_logger().addFilter(_expected_checksum_change)  # in a kernel (the instructor notebook) it is shown
    os.chdir(work)
    for name in ("MEDIALIT_COURSE", "MEDIALIT_ANSWERS_DIR", "PWD", "OLDPWD"):
        os.environ.pop(name, None)


def _expected_checksum_change(record: logging.LogRecord) -> bool:
    """False for nbgrader's warning that a hidden-test cell's checksum changed: true of every release.

    The gradebook keeps the checksum of the master's cell, hidden tests included; the student's
    copy never has them. Tampering is found by comparing with the released notebook (grading.tamper).
    """
    return not (record.levelno == logging.WARNING and "Attribute 'checksum' for cell" in record.getMessage())


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
    target = Layout(folder).submission_dir(assignment, job.student)
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
    if file_hash(snapshot[0]) != snapshot[1]:
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
        os.environ["MEDIALIT_SEEDS"] = str(course.seeds)
        os.environ["MEDIALIT_KEYS"] = str(course.source_dir(assignment))
        if mode.sandbox:
            keys = [str(p) for p in course.source_dir(assignment).glob("*.key.*")]
            manager = config.SandboxedKernelManager
            manager.readonly_paths = [*manager.readonly_paths, *keys]
    scratch = Layout(folder)
    api = course.api(
        config,
        db_url=f"sqlite:///{folder / 'gradebook.db'}",
        submitted_directory=str(scratch.submitted_root),
        autograded_directory=str(scratch.autograded_root),
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


def grade_saved(root: str, assignment: str, job: Job, snapshot: tuple[Path, str], work: str) -> Outcome:
    """Grade one submission from its saved answers; no student code runs.

    Each worker process keeps one folder, one gradebook copy and one nbgrader API for
    all the submissions it grades: nothing a submission holds is ever executed.
    """
    start = time.perf_counter()
    run = (root, assignment, tuple(map(str, snapshot)), work)  # a long-lived worker process sees many runs
    if _WORKER.get("run") != run:
        from medialit.grading.nbgrader_patches import cache_metadata_validator

        cache_metadata_validator()
        course = Course(root)
        folder = Path(work) / secrets.token_hex(12)
        folder.mkdir()
        _fresh_gradebook(snapshot, folder)
        api, error_file = _api(course, assignment, folder, Mode())
        _WORKER.clear()
        _WORKER.update(run=run, course=course, folder=folder, api=api, error_file=error_file)
    folder = _WORKER["folder"]
    _stage(job, assignment, folder, job.notebook)
    success, log, environment = _run_nbgrader(_WORKER["api"], assignment, job.student, _WORKER["error_file"])
    shutil.rmtree(Layout(folder).submitted_root / job.student, ignore_errors=True)
    return Outcome(
        job.student,
        success,
        log,
        time.perf_counter() - start,
        str(folder),
        shared=True,
        environment=environment,
        digest=result_digest(folder, job.student, assignment) if success else "",
    )


def grade_executed(root: str, assignment: str, job: Job, snapshot: tuple[Path, str], work: str, mode: Mode) -> Outcome:
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
            f"{failure_reason(log)}; graded again from the released notebook with the saved answers "
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
        digest=result_digest(folder, job.student, assignment, with_gradebook=True) if success else "",
    )


def result_digest(folder: Path, student: str, assignment: str, with_gradebook: bool = False) -> str:
    digest = fingerprint(Layout(folder).autograded_dir(assignment, student))
    return digest + file_hash(folder / "gradebook.db") if with_gradebook else digest


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


RETRY_SIGNS = ("Address already in use", "Kernel died before replying", "Kernel didn't respond")


CRASH_SIGNS = ("DeadKernelError", "Kernel died", "grading process crashed")


def failure_reason(log: str) -> str:
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


def worker_context() -> Any:
    """Fork workers where the platform can (they start at once, with the grading code loaded).

    Spawned workers (elsewhere) import it all again, about 2.5 s each.
    """
    if sys.platform != "linux":
        return multiprocessing.get_context("spawn")
    import nbgrader.apps.api  # noqa: F401  (loaded once here, shared by every forked worker)

    from medialit.grading.nbgrader_patches import check_worker_patches

    check_worker_patches()  # here, so a changed nbgrader stops the run with its message, not a broken pool

    from medialit.grading import preprocessors, score  # noqa: F401

    return multiprocessing.get_context("fork")
