"""Test support for grading on Celery: a private redis-server, a real grading worker, and a way to hold a task.

Used by tests/test_celery_executor.py and the deployment test (tests/deploy/). The API:

- ``redis_server()``: a context manager starting ``redis-server`` on a free port of 127.0.0.1 (no
  persistence); yields its URL. ``require_redis()`` skips (with the reason printed) when
  redis-server is not installed, and fails instead under CI=true.
- ``redis_server(users=...)``: the same with Redis ACL users (name -> password), each confined to
  its own keys and channels as deploy/bin/medialit-admin makes them (``acl_rule``).
- ``grading_worker(broker, markers, course, concurrency=2)``: a context manager running
  ``medialit grading-worker --course COURSE`` from this venv with this module included (``--include
  celery_support``); yields the Popen once a worker answers a ping; stops it (and its pool) at the end.
- Student ids with a marker hold their grading task in the worker process, before it starts
  (a ``task_prerun`` handler; no hook in the kit's code): for ``slow-…`` the first time only,
  for ``stuck-…`` every time (ignoring the soft time limit, so only the hard limit ends it).
  The holding process writes its pid to ``markers/STUDENT.pid`` first; ``wait_for_pid(markers,
  student)`` returns it, e.g. to SIGKILL that process "mid-task".
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

SLOW = "slow-"  # held once (the first grading), long enough to be killed
STUCK = "stuck-"  # held every time, past any time limit
MARKERS_ENV = "MEDIALIT_TEST_MARKERS"  # the folder the held processes write their pids to
HOLD = 120  # seconds a held task sleeps
TESTS = Path(__file__).resolve().parent


def require_redis() -> str:
    """The redis-server program; skips the test when it is missing (fails under CI=true)."""
    import pytest

    found = shutil.which("redis-server")
    if found:
        return found
    reason = "redis-server is not installed (Debian: apt-get install redis-server)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    print(f"SKIPPED: {reason}", file=sys.stderr)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def acl_rule(user: str, password: str, db: int) -> list[str]:
    """deploy/bin/medialit-admin's ACL SETUSER arguments for a course's Redis user."""
    import importlib.machinery
    import importlib.util

    path = TESTS.parent / "deploy" / "bin" / "medialit-admin"
    loader = importlib.machinery.SourceFileLoader("medialit_admin", str(path))
    spec = importlib.util.spec_from_loader("medialit_admin", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module.acl_rule(user, password, db)


@contextmanager
def redis_server(users: dict[str, str] | None = None, db: int = 1) -> Iterator[str]:
    """A throwaway redis-server on 127.0.0.1; yields ``redis://127.0.0.1:PORT/0``.

    ``users``: Redis ACL users (name -> password) made with :func:`acl_rule` for database ``db``;
    the URL stays the default user's.
    """
    import redis

    port = free_port()
    cmd = [require_redis(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"redis-server on port {port} did not start")
        for user, password in (users or {}).items():
            client.execute_command("ACL", "SETUSER", *acl_rule(user, password, db))
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(proc)


def worker_command(broker: str, course: Path, concurrency: int = 2, *options: str) -> list[str]:
    """``medialit grading-worker --course COURSE`` of this venv, with this module included."""
    medialit = str(Path(sys.executable).parent / "medialit")
    name = f"test-{os.getpid()}-{time.monotonic_ns()}@%h"
    return [
        medialit, "grading-worker", "--course", str(course), "--broker", broker, "--concurrency", str(concurrency),
        *options, "--", "--include", "celery_support", "--hostname", name, "--loglevel", "WARNING",
    ]  # fmt: skip


@contextmanager
def grading_worker(
    broker: str, markers: Path, course: Path, concurrency: int = 2, log: Path | None = None
) -> Iterator[subprocess.Popen]:
    """A running grading worker for ``course`` (prefork, ``concurrency`` processes); stopped at the end."""
    markers.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        MARKERS_ENV: str(markers),
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    out = open(log or markers / "worker.log", "ab")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen(
        worker_command(broker, course, concurrency),
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_worker(broker, proc)
        yield proc
    finally:
        _stop(proc, group=True)
        out.close()


def wait_for_worker(broker: str, proc: subprocess.Popen | None = None, timeout: float = 90) -> None:
    from medialit.grading.celery_tasks import celery_app

    app = celery_app(broker)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the grading worker exited with {proc.returncode}")
        with app.connection_for_write() as conn:  # not Celery's pool: a test may fork a local pool later
            if app.control.ping(timeout=0.5, limit=1, connection=conn):
                return
    raise RuntimeError(f"no grading worker answered on {broker} within {timeout} s")


def wait_for_pid(markers: Path, student: str, timeout: float = 120) -> int:
    """The pid of the worker process holding ``student``'s task, once it holds it."""
    path = markers / f"{student}.pid"
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists():
            return int(path.read_text())
        time.sleep(0.05)
    raise TimeoutError(f"no worker process held {student} within {timeout} s")


def _stop(proc: subprocess.Popen, group: bool = False) -> None:
    if proc.poll() is not None:
        return
    kill = (lambda sig: os.killpg(proc.pid, sig)) if group else proc.send_signal
    kill(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        kill(signal.SIGKILL)
        proc.wait(timeout=10)
    if group:  # the pool's children, should any outlive their parent
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


# ---------------------------------------------------------------- in the worker (imported by --include)


def _hold(sender=None, args=None, **_kwargs) -> None:  # noqa: ANN001
    """Hold a marked student's grading task in this worker process (see the module docstring)."""
    folder = os.environ.get(MARKERS_ENV)
    if not folder or getattr(sender, "name", "") != "medialit.grade" or not args:
        return
    student = str(args[0].get("student", ""))
    pid_file = Path(folder) / f"{student}.pid"
    if not (student.startswith(STUCK) or (student.startswith(SLOW) and not pid_file.exists())):
        return
    tmp = pid_file.with_suffix(".tmp")
    tmp.write_text(str(os.getpid()))
    tmp.rename(pid_file)
    from celery.exceptions import SoftTimeLimitExceeded

    end = time.monotonic() + HOLD
    while time.monotonic() < end:
        try:
            time.sleep(0.1)
        except SoftTimeLimitExceeded:
            if student.startswith(SLOW):
                raise
            # stuck: ignore the soft limit, as a hung grader would; the hard limit kills the process


if os.environ.get(MARKERS_ENV):
    from celery.signals import task_prerun

    task_prerun.connect(_hold, weak=False)
