"""Grading as Celery tasks: one task per submission, for ``medialit grading-worker`` on hosts sharing the course.

A worker serves the one course it was started for (``medialit grading-worker --course DIR``)
and trusts nothing else a message says: it takes the course root and the sandbox choice from
its own configuration, reads the submission from that course's ``submitted/`` (repairing it as
autograde does), and refuses, and logs, a message naming another course, an unknown assignment
or student, or a work folder or gradebook copy outside that course. Each course has its own
queue (:func:`course_queue`), so a worker never takes another course's tasks.

The task calls the same ``worker.grade_saved`` / ``worker.grade_executed`` as the local
pool and returns the :class:`~medialit.grading.worker.Outcome` as a dict; the main process
merges it exactly as a local result (``autograde._Run``). Messages and results are JSON
only (never pickle from a broker); a task is acknowledged only once it ended
(``task_acks_late``) and a worker process takes one task at a time (prefetch 1).

Worker hosts must mount the course folder at the same absolute path, and the worker must
run as the account that owns it: the run's work folder lives in the course
(``Layout.grading_work_root``, mode 0700), not in the main host's /tmp.

With a Redis ACL user in the broker URL (``redis://USER:PASSWORD@host:port/db``) every key
and channel the kit uses starts with ``USER:``, so the rule ``~USER:* &USER:*`` confines a
course's user to its own queue and results (deploy/bin/medialit-admin makes one per course).
Celery itself is imported only when an app is built.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
TASK = "medialit.grade"
PROBE = "medialit.probe"
PROBE_WAIT = 60  # seconds to wait for a worker to take the probe task
_last_pool = ""  # per worker process: the pool its cached grading folder belongs to
log = logging.getLogger("medialit.grading-worker")


@dataclass(frozen=True)
class Served:
    """A worker's own configuration: the course it grades for, and whether it sandboxes executed notebooks."""

    root: Path
    sandbox: bool = True


_SERVES: Served | None = None  # set in the worker's main process before its grading processes are forked


class Refused(ValueError):
    """A message the worker will not act on (another course, a path outside its course, an unknown name)."""


def broker_url(url: str | None = None) -> str:
    """The broker: ``url``, else ``$MEDIALIT_BROKER``, else Redis on this host."""
    return url or os.environ.get("MEDIALIT_BROKER") or DEFAULT_BROKER


def key_prefix(broker: str) -> str:
    """``USER:`` for a broker URL naming a Redis ACL user (every key and channel starts with it), else ''."""
    user = unquote(urlsplit(broker).username or "")
    return f"{user}:" if user and user != "default" else ""


def course_queue(root: str | Path) -> str:
    """The queue of the course at ``root`` (the same absolute path on every host)."""
    path = str(Path(root).resolve())
    slug = re.sub(r"[^a-z0-9-]+", "-", Path(path).name.lower()).strip("-")[:30] or "course"
    return f"medialit.{slug}.{hashlib.sha256(path.encode()).hexdigest()[:10]}"


@functools.cache
def celery_app(broker: str) -> Any:
    """The kit's Celery app on ``broker`` (Redis is also its result backend)."""
    from celery import Celery, signals

    app = Celery("medialit", broker=broker, backend=broker)
    prefix = key_prefix(broker)
    if prefix:
        app.conf.broker_transport_options = {"global_keyprefix": prefix}
        app.conf.result_backend_transport_options = {"global_keyprefix": prefix}
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=False,  # a task whose process died is failed (and graded again), not requeued
        worker_prefetch_multiplier=1,
        task_track_started=True,
        result_expires=24 * 3600,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    app.task(name=TASK)(grade)
    app.task(name=PROBE)(probe)
    signals.worker_init.connect(_preload, weak=False)
    signals.worker_process_init.connect(_process_init, weak=False)
    return app


# ---------------------------------------------------------------- worker side


def serve(root: str | Path, sandbox: bool = True) -> Served:
    """Configure this worker for the course at ``root``; a clear error when it is no course."""
    from medialit.grading.course import CourseError

    folder = Path(root).expanduser().resolve()
    if not (folder / "nbgrader_config.py").is_file():
        raise CourseError(
            f"{folder} is not a medialit course (no nbgrader_config.py there): name the course this worker grades "
            "for with --course DIR (the folder `medialit course init` made), mounted at the same path as on the "
            "host that runs autograde"
        )
    global _SERVES
    _SERVES = Served(folder, sandbox)
    return _SERVES


def served() -> Served:
    if _SERVES is None:
        raise Refused("refused: this worker serves no course (start it with medialit grading-worker --course DIR)")
    return _SERVES


def _preload(**_: Any) -> None:
    """Load nbgrader and the grading code once in the worker's main process; its children are forked with it."""
    from medialit.grading.worker import worker_context

    worker_context()


def _process_init(**_: Any) -> None:
    """Each worker process starts where nothing relative leads into a course, without course variables."""
    from medialit.grading.worker import init_worker

    init_worker(Path("/"))


def grade(task: dict[str, Any]) -> dict[str, Any]:
    """One submission (see :func:`payload`) of the course this worker serves; the Outcome as a dict."""
    from celery.exceptions import SoftTimeLimitExceeded

    from medialit.grading import worker

    global _last_pool
    call = _checked_call(task)
    if isinstance(call, worker.Outcome):  # nothing to grade (the submission cannot be read, no sandbox here)
        return asdict(call)
    if task["pool"] != _last_pool:  # a new pool: a fresh folder, as a new local worker process would have
        worker.forget()
        _last_pool = task["pool"]
    fn, args = call
    os.chdir(args[4])
    try:
        out = fn(*args)
    except SoftTimeLimitExceeded:
        out = worker.Outcome(task["student"], False, "SoftTimeLimitExceeded")
    if not out.success and "SoftTimeLimitExceeded" in out.log:  # nbgrader reports it in its log
        out.reason, out.retry = time_limit_reason(task["time_limit"]), False
    return asdict(out)


def _refuse(why: str) -> Refused:
    log.error("refused a grading message: %s", why)
    return Refused(f"refused: {why}")


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _checked_call(task: dict[str, Any]) -> Any:
    """The grading call for ``task``, built from the worker's own course; a Refused naming what was wrong.

    Only names come from the message (the assignment, the student, the run's work folder in this
    course, the gradebook copy and its hash); the root, the sandbox and the notebook never do.
    """
    from medialit.grading.course import BACKUPS_DIR, Course, CourseError
    from medialit.grading.prepare import prepare
    from medialit.grading.worker import Outcome

    own = served()
    if not isinstance(task, dict):
        raise _refuse("the message is not a grading task")
    named = str(task.get("course") or "")
    if not named or Path(named).resolve() != own.root:
        raise _refuse(f"the message names the course {named or '(none)'}, and this worker grades for {own.root} only")
    course = Course(own.root)
    assignment, student = str(task.get("assignment", "")), str(task.get("student", ""))
    try:
        course.require_assignment(assignment)
    except CourseError:
        raise _refuse(f"{assignment!r} is not an assignment of {own.root}") from None
    source = course.submission_dir(assignment, student)
    if not _plain_name(student) or not source.is_dir() or not _inside(source, course.submitted_root):
        raise _refuse(f"{student!r} has no submission of {assignment} in {course.submitted_root}")
    work = Path(str(task.get("work", "")))
    if not work.is_absolute() or work.is_symlink() or not work.is_dir() or work.parent != course.grading_work_root:
        raise _refuse(f"the work folder {work} is not a run's folder in {course.grading_work_root}")
    snapshot = Path(str(task.get("snapshot", ["", ""])[0]))
    if snapshot.is_symlink() or not snapshot.is_file() or snapshot.parent not in (work, course.root / BACKUPS_DIR):
        raise _refuse(f"the gradebook copy {snapshot} is not this run's (in {work} or {course.root / BACKUPS_DIR})")
    job, reason = prepare(course, assignment, student)
    if job is None:
        return Outcome(student, False, reason, reason=reason, retry=False)
    args: tuple[Any, ...] = (str(course.root), assignment, job, (snapshot, str(task["snapshot"][1])), str(work))
    if not task.get("execute"):
        from medialit.grading.worker import grade_saved

        return grade_saved, args
    return _executed(own, course, work, args)


def _plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\0" not in name


def _executed(own: Served, course: Any, work: Path, args: tuple[Any, ...]) -> Any:
    """``grade_executed`` with this worker's own sandbox choice; a failed Outcome when its sandbox cannot start."""
    from medialit.content.kit import kit_root
    from medialit.grading.worker import Mode, Outcome, grade_executed

    if not own.sandbox:
        return grade_executed, (*args, Mode(True, False))
    from medialit.grading.sandbox import sandbox_problem

    problem = sandbox_problem()
    if problem:
        reason = (
            f"the grading worker cannot start its sandbox, so it did not run the notebook ({problem}). Fix that on "
            "the worker host, or start the worker with --no-sandbox to run student code unsandboxed there"
        )
        return Outcome(args[2].student, False, reason, environment=reason, retry=False)
    return grade_executed, (*args, Mode(True, True, (str(course.root), str(kit_root()), str(work))))


def probe(root: str, work: str) -> dict[str, Any]:
    """What a worker sees of its course: its host, its account, the course it serves, whether it can use it."""
    import getpass
    import socket

    from medialit.grading.layout import Layout

    own = served()
    folder = Path(work)
    inside = folder.parent == Layout(own.root).grading_work_root and not folder.is_symlink()
    return {
        "host": socket.gethostname(),
        "user": getpass.getuser(),
        "serves": str(own.root),
        "root": os.access(own.root, os.R_OK | os.X_OK),
        "work": inside and folder.is_dir() and os.access(folder, os.W_OK | os.X_OK),
    }


# ---------------------------------------------------------------- main side


def payload(fn: Any, args: tuple[Any, ...], pool: str, time_limit: int) -> dict[str, Any]:
    """A grading call (``fn(root, assignment, job, snapshot, work[, mode])``) as a JSON message.

    It carries names only: the worker reads the submission from its own course, with its own sandbox choice.
    """
    root, assignment, job, snapshot, work, *mode = args
    return {
        "call": fn.__name__,
        "course": str(root),
        "assignment": assignment,
        "student": job.student,
        "snapshot": [str(snapshot[0]), snapshot[1]],
        "work": str(work),
        "execute": bool(mode and mode[0].execute),
        "pool": pool,
        "time_limit": time_limit,
    }


def outcome_from_dict(data: dict[str, Any]) -> Any:
    from medialit.grading.worker import Outcome

    return Outcome(**data)


def time_limit_reason(limit: int) -> str:
    return (
        f"grading took longer than the time limit ({limit} s) and was stopped; if it needs longer, "
        f"run autograde again for this student with --task-time-limit {2 * limit}"
    )


def broker_errors() -> tuple[type[BaseException], ...]:
    """What a broker or result backend that went away raises."""
    from kombu.exceptions import OperationalError

    errors: tuple[type[BaseException], ...] = (OSError, OperationalError)
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeout
    except ImportError:  # another broker than Redis
        return errors
    return (*errors, RedisConnectionError, RedisTimeout)


def broker_problem(app: Any, broker: str) -> str:
    """Why ``broker`` cannot be reached ('' when it can)."""
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.5, timeout=5)
    except Exception as exc:  # kombu raises many kinds (OperationalError, ConnectionRefusedError, ...)
        return (
            f"Cannot reach the Celery broker at {shown(broker)} ({type(exc).__name__}: {exc}). Start it (Debian: "
            "`systemctl start redis-server`), or name the right one with --broker URL or MEDIALIT_BROKER."
        )
    return ""


def shown(broker: str) -> str:
    """``broker`` with its password masked, for messages and logs."""
    from kombu.utils.url import maybe_sanitize_url

    return str(maybe_sanitize_url(broker))


def worker_command(root: Path, broker: str) -> str:
    return f"medialit grading-worker --course {root} --broker {shown(broker)}"


def check_workers(app: Any, broker: str, root: Path, work: Path) -> None:
    """Stop with a clear message unless the broker answers and a worker serving this course can use ``work``."""
    from medialit.grading.course import CourseError

    problem = broker_problem(app, broker)
    if problem:
        raise CourseError(problem)
    start = worker_command(root, broker)
    queue = course_queue(root)
    from celery.exceptions import TimeoutError as CeleryTimeout

    with app.connection_for_write() as conn:  # closed here: no pooled connection is left to a forked process
        if not any(app.control.ping(timeout=2.0, limit=1, connection=conn) for _ in range(2)):
            raise CourseError(
                f"No grading worker answered on {shown(broker)}. Start one on each grading host, as the account that "
                f"owns the course folder, with the course mounted at {root}: {start}"
            )
        queues = app.control.inspect(timeout=2.0, connection=conn).active_queues() or {}
        if queues and not any(q.get("name") == queue for served in queues.values() for q in served or []):
            raise CourseError(
                f"The grading workers on {shown(broker)} serve other courses, not {root}. Start one for this course "
                f"on each grading host, as the account that owns it: {start}"
            )
        result = app.send_task(PROBE, args=[str(root), str(work)], queue=queue, connection=conn)
        try:
            seen = result.get(timeout=PROBE_WAIT)
        except CeleryTimeout:
            app.control.revoke(result.id, connection=conn)
            raise CourseError(
                f"A grading worker answers on {shown(broker)} but took no task of {root} within {PROBE_WAIT} s "
                f"(busy, stuck, or serving another course). Wait for it, or start more: {start}"
            ) from None
        finally:
            result.forget()
    where = f"the grading worker on {seen['host']} (running as {seen['user']})"
    if not seen["root"]:
        raise CourseError(
            f"{where} cannot read the course folder {root}: mount it there at the same path on every grading "
            f"host, and run `{start}` as the account that owns it"
        )
    if not seen["work"]:
        raise CourseError(
            f"{where} cannot write the grading folder {work}: run `{start}` as the account that owns the course"
        )


def run_worker(
    broker: str, concurrency: int | None, celery_args: list[str], course: str | Path, sandbox: bool = True
) -> int:
    """Run a Celery worker (prefork) for the course at ``course`` until stopped; extra options go to `celery worker`."""
    from medialit.grading.course import CourseError

    own = serve(course, sandbox)
    say = "unsandboxed (--no-sandbox)" if not sandbox else "in a sandbox"
    print(f"medialit grading-worker: grading for {own.root} only; --execute runs notebooks {say}", flush=True)
    app = celery_app(broker)
    problem = broker_problem(app, broker)
    if problem:
        raise CourseError(problem)
    argv = ["worker", "--pool=prefork", "--loglevel=INFO", f"--queues={course_queue(own.root)}"]
    argv += ["--without-gossip", "--without-mingle"]  # workers need not watch each other
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    return app.worker_main([*argv, *celery_args]) or 0
