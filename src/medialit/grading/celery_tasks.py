"""Grading as Celery tasks: one task per submission, for ``medialit grading-worker`` on hosts sharing the course.

The task calls the same ``worker.grade_saved`` / ``worker.grade_executed`` as the local
pool and returns the :class:`~medialit.grading.worker.Outcome` as a dict; the main process
merges it exactly as a local result (``autograde._Run``). Messages and results are JSON
only (never pickle from a broker); a task is acknowledged only once it ended
(``task_acks_late``) and a worker process takes one task at a time (prefetch 1).

Worker hosts must mount the course folder at the same absolute path, and the worker must
run as the account that owns it: the run's work folder lives in the course
(``Layout.grading_work_root``, mode 0700), not in the main host's /tmp.

``celery -A medialit.grading.celery_tasks:app worker`` also works (``app`` is built on first
use from ``MEDIALIT_BROKER``); Celery itself is imported only when an app is built.
"""

from __future__ import annotations

import functools
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
TASK = "medialit.grade"
PROBE = "medialit.probe"
PROBE_WAIT = 60  # seconds to wait for a worker to take the probe task
_last_pool = ""  # per worker process: the pool its cached grading folder belongs to


def broker_url(url: str | None = None) -> str:
    """The broker: ``url``, else ``$MEDIALIT_BROKER``, else Redis on this host."""
    return url or os.environ.get("MEDIALIT_BROKER") or DEFAULT_BROKER


@functools.cache
def celery_app(broker: str) -> Any:
    """The kit's Celery app on ``broker`` (Redis is also its result backend)."""
    from celery import Celery, signals

    app = Celery("medialit", broker=broker, backend=broker)
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


def __getattr__(name: str) -> Any:
    if name == "app":  # for `celery -A medialit.grading.celery_tasks:app`
        return celery_app(broker_url())
    raise AttributeError(name)


# ---------------------------------------------------------------- worker side


def _preload(**_: Any) -> None:
    """Load nbgrader and the grading code once in the worker's main process; its children are forked with it."""
    from medialit.grading.worker import worker_context

    worker_context()


def _process_init(**_: Any) -> None:
    """Each worker process starts where nothing relative leads into a course, without course variables."""
    from medialit.grading.worker import init_worker

    init_worker(Path("/"))


def grade(task: dict[str, Any]) -> dict[str, Any]:
    """One submission (see :func:`payload`); the Outcome as a dict."""
    from celery.exceptions import SoftTimeLimitExceeded

    from medialit.grading import worker

    global _last_pool
    _check_paths(task)
    if task["pool"] != _last_pool:  # a new pool: a fresh folder, as a new local worker process would have
        worker.forget()
        _last_pool = task["pool"]
    os.chdir(task["work"])
    fn, args = _call(task)
    try:
        out = fn(*args)
    except SoftTimeLimitExceeded:
        out = worker.Outcome(task["job"]["student"], False, "SoftTimeLimitExceeded")
    if not out.success and "SoftTimeLimitExceeded" in out.log:  # nbgrader reports it in its log
        out.reason, out.retry = time_limit_reason(task["time_limit"]), False
    return asdict(out)


def _check_paths(task: dict[str, Any]) -> None:
    """Refuse a message that points outside a course: a submission, snapshot and work folder of that course only."""
    from medialit.grading.layout import Layout

    layout = Layout(task["root"])
    inside = {
        "work": layout.grading_work_root,
        "snapshot": layout.root,
        "submission": layout.submitted_root,
    }
    given = {"work": task["work"], "snapshot": task["snapshot"][0], "submission": task["job"]["source"]}
    if not (layout.root / "nbgrader_config.py").is_file():
        raise ValueError(f"refused: {layout.root} is not a medialit course (no nbgrader_config.py)")
    for name, folder in inside.items():
        if not Path(given[name]).resolve().is_relative_to(folder):
            raise ValueError(f"refused: the {name} {given[name]} is not inside {folder}")


def probe(root: str, work: str) -> dict[str, Any]:
    """What a worker sees of the course: its host, its account, and whether it can read and write there."""
    import getpass
    import socket

    return {
        "host": socket.gethostname(),
        "user": getpass.getuser(),
        "root": os.path.isdir(root) and os.access(root, os.R_OK | os.X_OK),
        "work": os.path.isdir(work) and os.access(work, os.W_OK | os.X_OK),
    }


# ---------------------------------------------------------------- main side


def payload(fn: Any, args: tuple[Any, ...], pool: str, time_limit: int) -> dict[str, Any]:
    """A grading call (``fn(root, assignment, job, snapshot, work[, mode])``) as a JSON message."""
    root, assignment, job, snapshot, work, *mode = args
    return {
        "call": fn.__name__,
        "root": str(root),
        "assignment": assignment,
        "job": asdict(job),
        "snapshot": [str(snapshot[0]), snapshot[1]],
        "work": str(work),
        "mode": asdict(mode[0]) if mode else None,
        "pool": pool,
        "time_limit": time_limit,
    }


def _call(task: dict[str, Any]) -> tuple[Any, tuple[Any, ...]]:
    from medialit.grading.prepare import Job
    from medialit.grading.worker import Mode, grade_executed, grade_saved

    job = Job(**task["job"])
    args: tuple[Any, ...] = (task["root"], task["assignment"], job, (Path(task["snapshot"][0]), task["snapshot"][1]))
    if task["call"] == "grade_executed":
        mode = task["mode"]
        return grade_executed, (*args, task["work"], Mode(mode["execute"], mode["sandbox"], tuple(mode["hidden"])))
    if task["call"] == "grade_saved":
        return grade_saved, (*args, task["work"])
    raise ValueError(f"unknown grading call {task['call']!r}")


def outcome_from_dict(data: dict[str, Any]) -> Any:
    from medialit.grading.worker import Outcome

    return Outcome(**data)


def time_limit_reason(limit: int) -> str:
    return (
        f"grading took longer than the time limit ({limit} s) and was stopped; if it needs longer, "
        f"run autograde again for this student with --task-time-limit {2 * limit}"
    )


def lost_reason(exc: Any, time_limit: int) -> Exception:
    """What a failed task means for the teacher: a :class:`~medialit.grading.executors.Lost`."""
    from medialit.grading.executors import Lost

    name = type(exc).__name__
    if name in ("TimeLimitExceeded", "SoftTimeLimitExceeded"):
        return Lost(time_limit_reason(time_limit), retry=False)
    if name == "WorkerLostError":
        return Lost(
            f"the grading worker process died while grading it ({exc}), also when it was graded again; "
            "check the worker host's memory and log, then run autograde again for this student",
            note=f"the grading worker process died while grading it ({exc}), so it was graded again",
        )
    if name == "TaskRevokedError":
        return Lost("its grading task was cancelled on the worker (revoked)", note="its grading task was cancelled")
    return Lost(
        f"the grading worker could not grade it ({name}: {str(exc)[:200]})",
        note=f"the grading worker failed once ({name}), so it was graded again",
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
            f"Cannot reach the Celery broker at {broker} ({type(exc).__name__}: {exc}). Start it (Debian: "
            "`systemctl start redis-server`), or name the right one with --broker URL or MEDIALIT_BROKER."
        )
    return ""


def check_workers(app: Any, broker: str, root: Path, work: Path) -> None:
    """Stop with a clear message unless the broker answers and a worker can read the course and write ``work``."""
    from medialit.grading.course import CourseError

    problem = broker_problem(app, broker)
    if problem:
        raise CourseError(problem)
    start = f"medialit grading-worker --broker {broker}"
    from celery.exceptions import TimeoutError as CeleryTimeout

    with app.connection_for_write() as conn:  # closed here: no pooled connection is left to a forked process
        if not any(app.control.ping(timeout=2.0, limit=1, connection=conn) for _ in range(2)):
            raise CourseError(
                f"No grading worker answered on {broker}. Start one on each grading host, as the account that "
                f"owns the course folder, with the course mounted at {root}: {start}"
            )
        result = app.send_task(PROBE, args=[str(root), str(work)], connection=conn)
        try:
            seen = result.get(timeout=PROBE_WAIT)
        except CeleryTimeout:
            app.control.revoke(result.id, connection=conn)
            raise CourseError(
                f"A grading worker answers on {broker} but took no task within {PROBE_WAIT} s (busy, or stuck). "
                f"Wait for it, or start more: {start}"
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


def run_worker(broker: str, concurrency: int | None, celery_args: list[str]) -> int:
    """Run a Celery worker (prefork) for the kit's tasks until stopped; extra options go to `celery worker`."""
    from medialit.grading.course import CourseError

    app = celery_app(broker)
    problem = broker_problem(app, broker)
    if problem:
        raise CourseError(problem)
    argv = ["worker", "--pool=prefork", "--loglevel=INFO"]
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    return app.worker_main([*argv, *celery_args]) or 0
