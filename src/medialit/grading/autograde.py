"""Parallel, safe autograding on top of stock nbgrader, with grades that student code cannot forge.

nbgrader autogrades one submission at a time into one SQLite gradebook. Here, in three
stages (``medialit.grading.prepare``, ``.worker`` and ``.merge``; this module runs them):

1. **Prepare** (main process): broken files are failed with a reason; tampering is
   flagged cell by cell and stripped nbgrader metadata is put back. The student's
   submitted files are never changed. A problem with one submission fails that one only.
2. **Grade** (worker processes): stock nbgrader autograde with Execute replaced by
   the kit's preprocessors (medialit.grading): the saved answers are scored in the
   grader's own process and no student code runs. With ``execute=True`` the notebook
   also runs, in a bubblewrap sandbox (no sandbox: refused, unless ``sandbox=False``), each
   submission in its own folder on its own gradebook copy; its own result is only compared.
3. **Merge** (main process, one writer): each new result is copied into the real
   gradebook (manual grades are kept) and its autograded folder is swapped in. An
   earlier result is replaced only once a new one exists. Before each merge the kit's
   package, the masters, the release and the keys are checked unchanged, and (execute)
   the student's hand-set grades too: changed while students' code ran, they are not merged.

Where stage 2 runs is the executor's business (``medialit.grading.executors``): worker
processes forked here (the default), or Celery workers on hosts that mount the course
folder (``--executor celery``); stage 3 is the same for both.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from medialit.grading import gradebook, manual_grades, overrides
from medialit.grading.assignment_settings import AssignmentSettings, settings_for
from medialit.grading.course import Course, CourseError
from medialit.grading.discernment_forms import tested_class, wrong_form
from medialit.grading.executors import LocalExecutor, Lost
from medialit.grading.fingerprints import Fingerprints
from medialit.grading.layout import Layout
from medialit.grading.merge import Books, merge
from medialit.grading.prepare import Job, graded_notes, prepare
from medialit.grading.status import FAILED, FLAGGED, GRADED, StudentStatus, record_missing, save_status
from medialit.grading.timings import Stopwatch
from medialit.grading.worker import (
    Mode,
    Outcome,
    failure_reason,
    file_hash,
    grade_executed,
    grade_saved,
    result_digest,
)

TRASH = ".medialit-trash"
SANDBOX_TERMS = (
    "(no network; it saw only its own submission's folder, which it could write, and the kit; "
    "not the course's gradebook, other students' work, the exchange or the keys)"
)


# ---------------------------------------------------------------- worker side


# ---------------------------------------------------------------- main side


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

    # a terminal that reports no size (0 x 0: some consoles and IDE terminals) would get an empty or hidden bar
    size = shutil.get_terminal_size((80, 24))
    width = min(size.columns, 100) if size.columns > 0 else 80
    rows = size.lines if size.lines > 0 else 24
    return Bar(total=total, desc=label, unit="submission", file=sys.stderr, ncols=width, nrows=rows, leave=True)


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
    executor: Any = None,
    timings: Stopwatch | None = None,
) -> dict[str, StudentStatus]:
    """Autograde submissions in parallel; return (and record) each student's status.

    By default no student code runs: the saved answers are scored in the grader.
    ``execute=True`` also runs each notebook, in a bubblewrap sandbox; where none can start it
    raises CourseError saying why, and runs nothing. ``sandbox=False`` runs them unsandboxed.
    ``warnings_out`` receives problems with the course or the grading environment
    (a changed kit file, a broken setup), which the CLI prints with a failing exit code;
    ``notices_out`` what the teacher should know but is not a failure (how the notebooks ran).
    ``verbose`` lets the libraries' own warnings through (for debugging).
    ``executor`` runs the grading: a ``LocalExecutor`` (the default: processes forked here)
    or a ``CeleryExecutor`` (``medialit grading-worker`` processes on hosts sharing the course).
    ``timings`` receives the seconds of each stage (``medialit.grading.timings``).
    """
    from medialit.grading.nbgrader_env import scripts_on_path

    course.require_assignment(assignment)
    settings = settings_for(course.root, assignment)  # a malformed assignments.yaml stops us before any work
    scripts_on_path()
    if not course.released_notebook(assignment).exists() or not gradebook.exists(course):
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
    remote = executor is not None and executor.remote  # remote workers' kernels refuse to start unsandboxed
    mode = _mode(course, execute, sandbox, notices_out if notices_out is not None else [], remote)
    executor = executor or LocalExecutor(verbose)
    default_jobs = len(students) if executor.remote else os.cpu_count()  # remote: the workers' concurrency rules
    jobs = max(1, min(jobs or default_jobs or 1, len(students) or 1))
    work = _work_folder(course, assignment, executor.remote)
    try:
        if executor.remote:
            executor.check(course.root, work)  # before anything is sent or backed up
    except BaseException:
        _remove_work(course, work)
        raise
    clock = timings if timings is not None else Stopwatch()
    with clock.stage("backup"):
        backup = gradebook.backup(course)
    state = _course_state(course, assignment, set(students), clock)
    hand = manual_grades.snapshot(course) if mode.execute else None  # students' code runs from here on
    if mode.execute:
        mode = Mode(True, mode.sandbox, (*mode.hidden, str(work)))
    with clock.stage("backup"):
        copy = gradebook.scratch_copy(course, backup, work / "gradebook-snapshot.db")
        snapshot = (copy, file_hash(copy))  # what every worker's gradebook starts from; checked before each use
    statuses: dict[str, StudentStatus] = {}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    ready: list[Job] = []
    for student in students:
        try:
            with clock.stage("prepare"):
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
    tested = tested_class(course, assignment, students)  # the discernment tests' class, read once per run
    run = _Run(course, assignment, snapshot, work, statuses, now, mode, state["kit"], problems, executor, tested)
    run.hand, run.clock = hand, clock
    try:
        with clock.stage("grading"):
            suspects = run.pool(ready, jobs, bar)
            if suspects:  # failed, or another submission's code touched their folders: grade them again, alone
                run.pool(suspects, 1, None, final=True)
    finally:
        run.books.close()
        if bar is not None:
            bar.close()
        _remove_work(course, work)
    after = _course_state(course, assignment, set(students), clock)  # every merge is done: the grades are final
    with clock.stage("finish"):
        _add_scores(course, assignment, statuses, settings, after["scores"])
        save_status(course.root, assignment, statuses)
    problems += _environment_problem(statuses)
    problems += _compare_state(state, after, backup)
    if hand is not None:
        problems += _hand_changes(course, hand, backup)
    if warnings_out is not None:
        warnings_out.extend(dict.fromkeys(problems))
    return dict(sorted(statuses.items()))


def _work_folder(course: Course, assignment: str, remote: bool) -> Path:
    """This run's work folder: in /tmp here, or in the course (mode 0700) where remote workers see it too."""
    if not remote:
        return Path(tempfile.mkdtemp(prefix=f"medialit-grading-{assignment}-"))
    root = course.grading_work_root
    root.mkdir(mode=0o700, exist_ok=True)
    root.chmod(0o700)
    return Path(tempfile.mkdtemp(prefix=f"{assignment}-", dir=root))


def _remove_work(course: Course, work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
    if work.parent == course.grading_work_root:
        with suppress(OSError):  # only when no other run is using it
            work.parent.rmdir()


def _mode(course: Course, execute: bool, sandbox: bool, notices: list[str], remote: bool = False) -> Mode:
    """The grading mode, said in one line; refuses ``execute`` when no sandbox can start and none was declined."""
    if not execute:
        return Mode()
    if not sandbox:
        notices.append(
            "--no-sandbox: students' notebooks ran unsandboxed, as this account, able to read and change "
            "whatever it can (the course's gradebook included)"
        )
        return Mode(True, False)
    from medialit.content.kit import doc_path
    from medialit.grading.sandbox import sandbox_kind, sandbox_problem

    problem = "" if remote else sandbox_problem()
    if problem:
        raise CourseError(
            f"--execute runs students' code, and no sandbox can start here: {problem}. Nothing was graded. "
            f"Fix that (see 'Running the notebooks' in the instructor guide, {doc_path()}), or grade without --execute "
            "(the saved answers are scored without running any student code). Only on a machine where running "
            "students' code as this account is safe: add --no-sandbox."
        )
    how = "on the grading workers" if remote else sandbox_kind()
    notices.append(f"--execute: each notebook ran in a bubblewrap sandbox, {how} {SANDBOX_TERMS}")
    from medialit.content.kit import kit_root, sealed_paths

    return Mode(True, True, (str(course.root), str(kit_root()), *map(str, sealed_paths())))


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
    protected: Fingerprints  # what the run relies on: checked before every merge
    problems: list[str]
    executor: Any
    tested: list[str]  # the class the discernment tests' forms are planned over (empty for other assignments)
    spoiled: str = ""  # the first protected file found changed: nothing is merged after that
    hand: dict[Any, Any] | None = None  # grades set by hand before students' code ran (--execute), checked at merge
    books: Books = field(default_factory=Books)
    clock: Stopwatch = field(default_factory=Stopwatch)
    again: dict[str, str] = field(default_factory=dict)  # why a student is graded a second time, for its status

    def pool(self, ready: list[Job], jobs: int, bar: Any, final: bool = False) -> list[Job]:
        """Grade ``ready`` with at most ``jobs`` at a time; return the jobs to grade again, alone."""
        suspects = []
        with self.executor.pool(jobs, self.work) as pool:
            futures = {pool.submit(*self._task(j)): j for j in ready}
            for future in pool.as_completed(futures):
                job = futures[future]
                try:
                    out = future.result()
                except Lost as lost:  # no outcome came back (a remote worker died, ran out of time, never answered)
                    out = Outcome(job.student, False, str(lost), reason=lost.reason, retry=lost.retry)
                    if lost.note:
                        self.again[job.student] = lost.note
                except Exception as exc:  # the worker process itself died
                    out = Outcome(job.student, False, f"grading process crashed: {exc}")
                out = self._inside_work(out)
                retry = not out.success and not out.environment and out.retry
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

    def _inside_work(self, out: Outcome) -> Outcome:
        """The outcome, unless it names a folder outside this run's work folder (never read nor removed).

        A remote worker's result comes through the broker: only a folder this run made is trusted.
        """
        if not out.folder or Path(out.folder).resolve().is_relative_to(self.work.resolve()):
            return out
        reason = f"its grading result named a folder outside this run's work folder ({out.folder}); it was not used"
        return Outcome(out.student, False, reason, reason=reason)

    def _task(self, job: Job) -> tuple[Any, ...]:
        args = (str(self.course.root), self.assignment, job, self.snapshot, str(self.work))
        return (grade_executed, *args, self.mode) if self.mode.execute else (grade_saved, *args)

    def _settle(self, job: Job, out: Outcome, final: bool, suspects: list[Job]) -> None:
        course, assignment, student = self.course, self.assignment, job.student
        with self.clock.stage("fingerprints"):
            changed = self.spoiled or self.protected.changed()
        if changed:
            self.spoiled = changed
            _discard(out, job, assignment)
            reason = f"not kept: {changed} changed during grading (by this or an earlier submission)"
            self.statuses[student] = StudentStatus(student, FAILED, _keeps(course, assignment, student, reason))
            return
        if self.hand is not None and (moved := _hand_moved(course, assignment, student, self.hand)):
            _discard(out, job, assignment)  # its gradebook rows are not what this run started from: not merged
            reason = f"{HAND_CHANGED}: {'; '.join(moved)}"
            self.statuses[student] = StudentStatus(
                student,
                FLAGGED,
                reason,
                flags=[reason],
                seconds=out.seconds,
                submitted=job.submitted,
                graded_at=self.now,
            )
            return
        try:
            with self.clock.stage("merge"):
                self.statuses[student] = _finish(course, assignment, job, out, self.now, self.books, self.tested)
            status = self.statuses[student]
            if student in self.again and status.status != FAILED:
                status.reason = "; ".join(x for x in (status.reason, self.again[student]) if x)
        except Exception as exc:  # e.g. its gradebook copy was damaged after grading: never stop the class
            _discard(out, job, assignment)
            if not final:
                suspects.append(job)
                return
            reason = _keeps(course, assignment, student, f"its grading result could not be read ({exc})")
            self.statuses[student] = StudentStatus(student, FAILED, reason, graded_at=self.now)


HAND_CHANGED = (
    "not merged: grades set by hand in the gradebook changed while students' code ran (this run neither "
    "kept nor overwrote them; check them in formgrader)"
)


def _hand_moved(course: Course, assignment: str, student: str, before: dict[Any, Any]) -> list[str]:
    """The student's hand-set grades of this assignment that differ from the run's snapshot."""
    mine = {k: v for k, v in before.items() if k[0] == assignment and k[1] == student}
    return manual_grades.changes(mine, manual_grades.snapshot(course, student, assignment))


def _hand_changes(course: Course, before: dict[Any, Any], backup: Path) -> list[str]:
    """A warning naming every hand-set grade of the course that changed during an --execute run."""
    moved = manual_grades.changes(before, manual_grades.snapshot(course))
    if not moved:
        return []
    return [
        f"grades set by hand changed in the gradebook while students' code ran: {'; '.join(moved[:10])}"
        f"{' …' if len(moved) > 10 else ''}. The students of this run concerned were flagged, not merged. "
        "If no grader changed them in formgrader meanwhile, do not trust them: the gradebook before this run "
        f"is saved as {backup} ({gradebook.restore_hint(backup)})"
    ]


def _discard(out: Outcome, job: Job, assignment: str) -> None:
    if not out.folder:
        return
    if out.shared:
        shutil.rmtree(Layout(out.folder).autograded_root / job.student, ignore_errors=True)
    else:
        shutil.rmtree(out.folder, ignore_errors=True)


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
            f"the gradebook before this run is saved as {backup} ({gradebook.restore_hint(backup)})"
        )
    return problems


def _keeps(course: Course, assignment: str, student: str, reason: str) -> str:
    """Say so when an earlier result exists: it stays in place."""
    if course.autograded_dir(assignment, student).exists():
        return reason + "; the earlier result is kept"
    return reason


def _finish(
    course: Course,
    assignment: str,
    job: Job,
    out: Outcome,
    now: str,
    books: Books | None = None,
    tested: list[str] | None = None,
) -> StudentStatus:
    common = {"seconds": out.seconds, "submitted": job.submitted, "graded_at": now}
    flags = [*job.flags, *out.notes]
    folder = Path(out.folder) if out.folder else None
    try:
        if not out.success:
            reason = out.reason or out.environment or failure_reason(out.log)
            reason = _keeps(course, assignment, job.student, reason)
            return StudentStatus(job.student, FAILED, reason, flags=flags, environment=out.environment, **common)
        new = Layout(folder).autograded_dir(assignment, job.student)
        notes, serious = graded_notes(new, assignment)
        if form := wrong_form(course, assignment, job.student, new, tested or []):  # points stand; teacher decides
            notes.append(form)
            serious.append(form)
        status, reason = FLAGGED if flags or serious else GRADED, "; ".join([*flags, *notes])
        worker_db = f"sqlite:///{folder / 'gradebook.db'}"
        merge(course, assignment, job.student, worker_db, flagged=status == FLAGGED, books=books, reason=reason)
        _swap_in(new, course.autograded_dir(assignment, job.student), course.root / TRASH)
        return StudentStatus(job.student, status, reason, flags=[*flags, *serious], **common)
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
    return result_digest(Path(out.folder), job.student, assignment, with_gradebook=not out.shared) == out.digest


def _course_state(course: Course, assignment: str, graded: set[str], clock: Stopwatch) -> dict[str, Any]:
    """What grading must not change: the kit's package, masters, release, keys and seeds; other students' grades."""
    from medialit.grading.pipeline import package_dir

    with clock.stage("fingerprints"):
        kit = Fingerprints([package_dir(), course.source_root, course.release_root, course.seeds])
    with clock.stage("grades"):
        scores = course.scores(assignment)
    others = {s: v for s, v in scores.items() if s not in graded}
    return {"protected": kit.hashes, "kit": kit, "scores": scores, "others": others}


def _add_scores(
    course: Course,
    assignment: str,
    statuses: dict[str, StudentStatus],
    settings: AssignmentSettings,
    scores: dict[str, dict[str, Any]],
) -> None:
    """Each status gets its score (``scores``: the gradebook's, after the run) and its lateness."""
    from medialit.grading.lateness import class_lateness

    late = class_lateness(course, assignment, list(statuses), settings)
    for student, st in statuses.items():
        row = scores.get(student)
        if row and row["autograded"]:
            st.score, st.max_score = row["score"], row["max_score"]
        st.late = f"late: {late[student].note}" if late[student].late else ""


def class_table(course: Course, assignment: str, statuses: dict[str, StudentStatus], every: bool = True) -> str:
    """Autograde's table for the teacher: "Name (id)", the overrides in force and, when the whole class was
    graded (``every``), the roster's students with no submission as missing (so in the status file too)."""
    roster = course.roster()
    names = {s.student_id: s.student_id if s.name == s.student_id else f"{s.name} ({s.student_id})" for s in roster}
    submitted = set(course.submitted_students(assignment))
    missing = [s.student_id for s in roster if s.student_id not in submitted] if every else []
    record_missing(course.root, assignment, missing)  # "missing", never "failed"
    return status_table(statuses, names, missing, overrides.active(course, assignment))


def status_table(
    statuses: dict[str, StudentStatus],
    names: dict[str, str] | None = None,
    missing: list[str] | None = None,
    current: dict[str, overrides.Override] | None = None,
) -> str:
    """A plain-text table: student ("Name (id)" from ``names``), status, score, reason.

    ``missing``: roster students with no submission, listed as ``missing`` (nothing was graded).
    ``current``: the overrides in force (``overrides.active``): a submission they settle is graded, as everywhere.
    A late note shared by several students (the LMS's marker and what to do) is said once, under the table.
    """
    names = names or {}
    rows = [("student", "status", "score", "reason")]
    counts = Counter(st.late for st in statuses.values() if st.late)
    shared = [text for text, n in counts.items() if n > 1]
    for st in statuses.values():
        score = f"{st.score:g} / {st.max_score:g}" if st.score is not None and st.max_score else "–"
        who = names.get(st.student, st.student)
        late = f"late [{shared.index(st.late) + 1}]" if st.late in shared else st.late
        settled = st.score is not None and overrides.settled((current or {}).get(st.student), st.status, st.reason)
        status, reason = (GRADED, settled) if settled else (st.status, st.reason)
        rows.append((who, status, score, "; ".join(x for x in (late, reason) if x)))
    for student in missing or []:
        rows.append((names.get(student, student), "missing", "–", "no submission collected"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}".rstrip() for r in rows]
    lines.insert(1, "-" * min(100, max(len(x) for x in lines)))
    lines += [f"[{i}] {text}" for i, text in enumerate(shared, 1)]
    return "\n".join(lines)
