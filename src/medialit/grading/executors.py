"""Where grading tasks run: a local process pool, or Celery workers on hosts that share the course folder.

Both give autograde's one merge loop (``autograde._Run.pool``) the same small interface, in
the manner of ``concurrent.futures``::

    with executor.pool(jobs, work) as pool:
        futures = {pool.submit(grade_saved, *args): job for job in jobs}
        for future in pool.as_completed(futures):
            outcome = future.result()  # an Outcome, or raises (Lost: no Outcome came back)

The local pool forks worker processes here (the default). The Celery pool sends one task per
submission to ``medialit grading-worker`` processes (``medialit.grading.celery_tasks``) and
never waits forever: a task that no worker finishes within its time limit plus a margin is
reported as :class:`Lost`, so it is graded again once and then failed with the reason.
Celery is imported only when the Celery pool is used.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import as_completed as _as_completed
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_TIME_LIMIT = 300  # seconds one submission may take on a Celery worker (soft limit)
GRACE = 10  # seconds between the soft limit (the task is asked to stop) and the hard one (its process is killed)
MARGIN = 20  # seconds the main process waits beyond the hard limit before it gives a started task up
POLL = 0.05  # seconds between looks at the result backend


class Lost(Exception):
    """A task ended without an Outcome: its process died, it ran out of time, or no worker finished it.

    ``reason`` is what the teacher reads if it stays failed; ``retry`` whether to grade it
    again (once, alone); ``note`` what the status says when that second try succeeds.
    """

    def __init__(self, reason: str, retry: bool = True, note: str = ""):
        super().__init__(reason)
        self.reason, self.retry, self.note = reason, retry, note


def lost_reason(exc: Any, time_limit: int) -> Exception:
    """What a failed Celery task means for the teacher: a :class:`Lost`."""
    from medialit.grading.celery_tasks import time_limit_reason

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


class LocalExecutor:
    """Worker processes forked on this machine (``concurrent.futures.ProcessPoolExecutor``)."""

    remote = False

    def __init__(self, verbose: bool = False):
        self.verbose = verbose

    @contextmanager
    def pool(self, jobs: int, work: Path) -> Iterator[LocalPool]:
        from concurrent.futures import ProcessPoolExecutor

        from medialit.grading.worker import init_worker, worker_context

        setup = {"initializer": init_worker, "initargs": (work, self.verbose)}
        with ProcessPoolExecutor(jobs, mp_context=worker_context(), **setup) as executor:
            yield LocalPool(executor)


@dataclass
class LocalPool:
    executor: Any  # a ProcessPoolExecutor

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        return self.executor.submit(fn, *args)

    def as_completed(self, futures: Iterable[Future]) -> Iterator[Future]:
        return _as_completed(futures)


class CeleryExecutor:
    """One Celery task per submission, graded by ``medialit grading-worker`` on hosts sharing the course folder.

    ``check`` (before anything is sent) stops with a clear message when the broker cannot be
    reached, no worker answers, or the worker cannot see the course folder.
    """

    remote = True

    def __init__(self, broker: str, time_limit: int = DEFAULT_TIME_LIMIT):
        from medialit.grading.celery_tasks import celery_app

        self.broker, self.time_limit = broker, time_limit
        self.app = celery_app(broker)
        self.queue = ""  # the course's queue, once check() has named the course

    @property
    def patience(self) -> int:
        """Seconds after which a started task that never answered is given up."""
        return self.time_limit + GRACE + MARGIN

    def check(self, root: Path, work: Path) -> None:
        from medialit.grading.celery_tasks import check_workers, course_queue

        check_workers(self.app, self.broker, root, work)
        self.queue = course_queue(root)

    @contextmanager
    def pool(self, jobs: int, work: Path) -> Iterator[CeleryPool]:
        # one connection for the pool's life, closed at its end: none stays in Celery's pool, where
        # a process forked later (a local run in the same program) would try to close it too
        with self.app.connection_for_write() as conn:
            pool = CeleryPool(self, jobs, conn)
            try:
                yield pool
            finally:
                pool.revoke_unfinished()


@dataclass
class _Sent:
    payload: dict[str, Any]
    result: Any = None  # celery AsyncResult once sent
    since: float = 0.0  # when it was sent, or first seen started
    started: bool = False


@dataclass
class CeleryPool:
    """At most ``jobs`` tasks in flight; futures resolved by polling the result backend."""

    executor: CeleryExecutor
    jobs: int
    connection: Any
    sent: dict[Future, _Sent] = field(default_factory=dict)
    pool_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        from medialit.grading.celery_tasks import payload

        future: Future = Future()
        self.sent[future] = _Sent(payload(fn, args, self.pool_id, self.executor.time_limit))
        return future

    def _send(self, item: _Sent) -> None:
        from medialit.grading.celery_tasks import TASK, course_queue

        limit = self.executor.time_limit
        item.result = self.executor.app.send_task(
            TASK,
            args=[item.payload],
            queue=self.executor.queue or course_queue(item.payload["course"]),
            soft_time_limit=limit,
            time_limit=limit + GRACE,
            connection=self.connection,
        )
        item.since = time.monotonic()

    def as_completed(self, futures: Iterable[Future]) -> Iterator[Future]:
        from medialit.grading.celery_tasks import broker_errors

        waiting = [f for f in futures if f in self.sent]
        running: list[Future] = []
        progress = time.monotonic()
        while waiting or running:
            try:
                while waiting and len(running) < self.jobs:
                    self._send(self.sent[waiting[0]])
                    running.append(waiting.pop(0))
                for future in list(running):
                    if self._look(future, progress):
                        progress = time.monotonic()
                    if future.done():
                        running.remove(future)
                        yield future
            except broker_errors() as exc:  # the broker went away mid-run: what is left fails with the reason
                yield from self._abandon([*running, *waiting], exc)
                return
            time.sleep(POLL)

    def _abandon(self, futures: list[Future], exc: BaseException) -> Iterator[Future]:
        from medialit.grading.celery_tasks import shown

        broker = shown(self.executor.broker)
        for item in self.sent.values():
            if item.result is not None:
                item.result.backend = None  # else each result, when dropped, tries to unsubscribe from the dead backend
        for future in futures:
            future.set_exception(
                Lost(
                    f"the Celery broker {broker} stopped answering during grading ({type(exc).__name__}: {exc}); "
                    "start it again, then run autograde again for this student",
                    retry=False,
                )
            )
            yield future

    def _look(self, future: Future, progress: float) -> bool:
        """Resolve ``future`` if its task ended or is overdue; True when something moved."""
        from medialit.grading.celery_tasks import outcome_from_dict, shown

        item = self.sent[future]
        state = item.result.state
        if state == "SUCCESS":
            future.set_result(outcome_from_dict(item.result.result))
        elif state in ("FAILURE", "REVOKED"):
            future.set_exception(lost_reason(item.result.result, self.executor.time_limit))
        elif state == "STARTED" and not item.started:
            item.started, item.since = True, time.monotonic()
            return True
        else:
            # started: its own clock; waiting in the queue: the clock of the last progress anywhere
            since = item.since if item.started else max(item.since, progress)
            if time.monotonic() - since <= self.executor.patience:
                return False
            self.executor.app.control.revoke(item.result.id, connection=self.connection)
            n = self.executor.patience
            future.set_exception(
                Lost(
                    f"no grading worker finished it within {n} s; is `medialit grading-worker` running "
                    f"(broker {shown(self.executor.broker)})?",
                    note=f"no grading worker finished it within {n} s, so it was graded again",
                )
            )
        if not future.done():
            return False
        if state == "SUCCESS":
            item.result.forget()  # its result is read: no need to keep it in the backend
        return True

    def revoke_unfinished(self) -> None:
        """Tell the workers to skip what this run no longer waits for (a stopped run, an overdue task)."""
        left = [i.result.id for f, i in self.sent.items() if i.result is not None and not f.done()]
        if left:
            with suppress(Exception):  # the broker went away: its tasks are lost with it
                self.executor.app.control.revoke(left, connection=self.connection)
