"""Grading on Celery workers: autograde's ``--executor`` options and the ``medialit grading-worker`` command."""

from __future__ import annotations

import argparse
from typing import Any

from medialit.grading.celery_tasks import DEFAULT_BROKER
from medialit.grading.executors import DEFAULT_TIME_LIMIT

BROKER_HELP = f"the Celery broker (default: $MEDIALIT_BROKER, else {DEFAULT_BROKER})"


def add_executor_options(grade: argparse.ArgumentParser) -> None:
    """autograde's choice of where grading runs."""
    grade.add_argument(
        "--executor",
        choices=("local", "celery"),
        default="local",
        help="local: worker processes on this machine (default); celery: `medialit grading-worker` processes "
        "on hosts that mount the course folder at the same path",
    )
    grade.add_argument("--broker", metavar="URL", help=f"with --executor celery: {BROKER_HELP}")
    grade.add_argument(
        "--task-time-limit",
        type=int,
        default=DEFAULT_TIME_LIMIT,
        metavar="SECONDS",
        help=f"with --executor celery: the most one submission may take (default: {DEFAULT_TIME_LIMIT}); "
        "past it the submission fails with that reason",
    )


def executor_from_args(args: argparse.Namespace) -> Any:
    """The executor autograde's options name (None: the local default)."""
    if args.executor != "celery":
        return None
    if args.task_time_limit < 1:
        raise ValueError(f"--task-time-limit must be at least 1 second (got {args.task_time_limit})")
    from medialit.grading.celery_tasks import broker_url
    from medialit.grading.executors import CeleryExecutor

    return CeleryExecutor(broker_url(args.broker), args.task_time_limit)


def cmd_grading_worker(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from medialit.grading.celery_tasks import broker_url, run_worker

    extra = [a for a in args.celery_args if a != "--"]
    course = args.course or os.environ.get("MEDIALIT_COURSE") or Path.cwd()
    return run_worker(broker_url(args.broker), args.concurrency, extra, course, sandbox=not args.no_sandbox)


def add_grading_worker_command(sub: argparse._SubParsersAction) -> None:
    worker = sub.add_parser(
        "grading-worker",
        help="grade one course for `medialit autograde --executor celery` (a Celery worker; run it as the course's "
        "owner)",
        description="Run a Celery worker (prefork) that grades the submissions of one course, sent by `medialit "
        "autograde --executor celery`. Run it on any host that mounts the course folder at the same absolute path, "
        "as the account that owns the course folder. It takes the course and the sandbox from its own options, "
        "never from a message. Options after `--` go to `celery worker` as they are.",
    )
    worker.add_argument(
        "--course",
        metavar="DIR",
        help="the course this worker grades for, and no other (default: $MEDIALIT_COURSE, else the current folder)",
    )
    worker.add_argument("--broker", metavar="URL", help=BROKER_HELP)
    worker.add_argument(
        "--concurrency", type=int, default=None, metavar="N", help="grading processes (default: the number of cores)"
    )
    worker.add_argument(
        "--no-sandbox",
        action="store_true",
        help="with autograde --execute: run notebooks without the bubblewrap sandbox on this host (student code "
        "then runs as this account); without it a worker that cannot start the sandbox does not run them",
    )
    worker.add_argument("celery_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    worker.set_defaults(func=cmd_grading_worker)
