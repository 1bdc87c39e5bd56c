"""Grading on Celery (issue 17): a real redis-server and a real 2-process ``medialit grading-worker``.

Grades from the workers equal the local pool's; with no worker or no broker autograde stops
with a message saying what to start; a worker process killed mid-task is graded again (its
status says so); a submission that runs past the time limit fails with that reason; a task no
worker ever finishes is given up (not waited for forever). Tasks are held "mid-task" by
tests/celery_support.py (``slow-``/``stuck-`` student ids), not by hooks in the kit.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
from pathlib import Path
from typing import Any

import nbformat
import pytest
from celery_support import grading_worker, redis_server, require_redis, wait_for_pid

from medialit.cli.demo import answers_file, gold_answers
from medialit.cli.main import main
from medialit.grading.autograde import autograde
from medialit.grading.course import Course
from medialit.grading.executors import CeleryExecutor
from medialit.grading.status import load_status

PS = "ps1-sources"


@pytest.fixture(scope="module")
def broker():
    require_redis()
    with redis_server() as url:
        yield url


@pytest.fixture(scope="module")
def markers(broker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("markers")
    with grading_worker(broker, folder, concurrency=2):
        yield folder


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> dict[str, Any]:
    """A released course and the files of each kind of submission."""
    course = Course.init(tmp_path_factory.mktemp("kit") / "course")
    release = course.generate(PS)
    notebook = (release / f"{PS}.ipynb").read_bytes()
    gold = gold_answers(course, PS)
    partial = json.loads(json.dumps(gold))
    partial["labels"]["p4s2"] = "framing"
    tampered = nbformat.reads(notebook.decode(), as_version=4)
    tampered.cells = [c for c in tampered.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "labels-score"]
    files = {
        "master": {f"{PS}.ipynb": notebook, f"{PS}.answers.json": answers_file(PS, gold)},
        "partial": {f"{PS}.ipynb": notebook, f"{PS}.answers.json": answers_file(PS, partial)},
        "blank": {f"{PS}.ipynb": notebook, f"{PS}.answers.json": answers_file(PS, {})},
        "broken": {f"{PS}.ipynb": notebook[: len(notebook) // 3], f"{PS}.answers.json": answers_file(PS, gold)},
        "tampered": {f"{PS}.ipynb": nbformat.writes(tampered), f"{PS}.answers.json": answers_file(PS, gold)},
        "corrupt": {f"{PS}.ipynb": b'{"cells": ['},  # and no answers file: nothing to score
    }
    return {"course": course, "files": files}


def _course(kit: dict[str, Any], folder: Path, students: dict[str, str]) -> Course:
    """A copy of the kit's course with ``students`` (id -> kind of submission)."""
    course = Course(shutil.copytree(kit["course"].root, folder))
    for student, kind in students.items():
        course.add_submission(PS, student, kit["files"][kind])
    return course


def _summary(statuses) -> dict[str, tuple[str, float | None, str]]:
    return {s: (st.status, st.score, st.reason) for s, st in statuses.items()}


CLASS = {
    "s01": "master",
    "s02": "partial",
    "s03": "blank",
    "s04": "broken",
    "s05": "tampered",
    "s06": "master",
    "s07": "corrupt",
}


def test_celery_grades_equal_the_local_pool(kit, broker, markers, tmp_path, capsys):
    local = _course(kit, tmp_path / "local", CLASS)
    remote = Course(shutil.copytree(local.root, tmp_path / "remote"))
    expected = autograde(local, PS, jobs=2, progress=False)
    code = main(["autograde", PS, "--course", str(remote.root), "--executor", "celery", "--broker", broker, "--quiet"])
    out = capsys.readouterr()
    assert code == 1 and "s07" in out.err and "Traceback" not in out.err  # the corrupt one failed, with its reason
    fields = ("status", "score", "max_score", "reason", "flags", "late")
    got, want = (load_status(c.root, PS) for c in (remote, local))
    assert {s: [getattr(v, f) for f in fields] for s, v in got.items()} == {
        s: [getattr(v, f) for f in fields] for s, v in want.items()
    }
    assert remote.scores(PS) == local.scores(PS)
    summary = _summary(expected)
    assert summary["s01"][:2] == ("graded", 16) and summary["s03"][0] in ("graded", "flagged")
    assert summary["s04"][0] == "flagged" and summary["s05"][0] == "flagged" and summary["s07"][0] == "failed"
    for student in ("s01", "s02", "s05"):
        assert (remote.autograded_dir(PS, student) / f"{PS}.ipynb").exists()
    assert not remote.grading_work_root.exists(), "the run's work folder in the course was left behind"


def test_no_worker_or_no_broker_is_a_clear_message(kit, tmp_path, capsys):
    course = _course(kit, tmp_path / "course", {"s01": "master"})
    with redis_server() as lonely:  # a broker no worker listens on
        code = main(["autograde", PS, "--course", str(course.root), "--executor", "celery", "--broker", lonely])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert f"No grading worker answered on {lonely}" in err and f"medialit grading-worker --broker {lonely}" in err
    assert course.scores(PS)["s01"]["autograded"] is False and not course.grading_work_root.exists()
    code = main(["autograde", PS, "--course", str(course.root), "--executor", "celery", "--broker", lonely])
    err = capsys.readouterr().err
    assert code == 1 and f"Cannot reach the Celery broker at {lonely}" in err and "Traceback" not in err


def _in_background(course: Course, executor: CeleryExecutor) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["statuses"] = autograde(course, PS, progress=False, executor=executor)
        except BaseException as exc:  # shown by the test
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def test_a_worker_process_killed_mid_task_is_graded_again(kit, broker, markers, tmp_path):
    course = _course(kit, tmp_path / "course", {"slow-k1": "master", "k2": "partial"})
    thread, result = _in_background(course, CeleryExecutor(broker, 120))
    os.kill(wait_for_pid(markers, "slow-k1"), signal.SIGKILL)
    thread.join(300)
    assert not thread.is_alive() and "error" not in result, result.get("error")
    killed = result["statuses"]["slow-k1"]
    assert (killed.status, killed.score) == ("graded", 16)
    assert "the grading worker process died while grading it" in killed.reason and "graded again" in killed.reason
    assert "SIGKILL" in killed.reason or "signal 9" in killed.reason
    assert result["statuses"]["k2"].status == "graded" and "died" not in result["statuses"]["k2"].reason
    assert course.scores(PS)["slow-k1"]["score"] == 16


def test_past_the_time_limit_fails_with_the_reason(kit, broker, markers, tmp_path):
    course = _course(kit, tmp_path / "course", {"stuck-t1": "master", "t2": "master"})
    statuses = autograde(course, PS, progress=False, executor=CeleryExecutor(broker, 2))
    stuck = statuses["stuck-t1"]
    assert stuck.status == "failed" and stuck.score is None
    assert "time limit (2 s)" in stuck.reason and "--task-time-limit 4" in stuck.reason
    assert (statuses["t2"].status, statuses["t2"].score) == ("graded", 16)
    assert course.scores(PS)["stuck-t1"]["autograded"] is False  # never a silent zero


def test_a_task_no_worker_finishes_is_given_up(kit, tmp_path):
    """A whole worker host vanishes mid-task: graded again once, then failed with the reason (never waited for)."""
    course = _course(kit, tmp_path / "course", {"slow-v1": "master"})
    folder = tmp_path / "markers"
    with redis_server() as url:
        executor = CeleryExecutor(url, 1)
        with grading_worker(url, folder, concurrency=1) as proc:
            thread, result = _in_background(course, executor)
            wait_for_pid(folder, "slow-v1")
            os.killpg(proc.pid, signal.SIGKILL)  # the host and all its processes are gone, nothing answers
        thread.join(4 * executor.patience)
    assert not thread.is_alive() and "error" not in result, result.get("error")
    lost = result["statuses"]["slow-v1"]
    assert lost.status == "failed" and lost.score is None
    assert f"no grading worker finished it within {executor.patience} s" in lost.reason
    assert "is `medialit grading-worker` running" in lost.reason


def test_a_broker_that_stops_mid_run_fails_what_is_left_with_the_reason(kit, tmp_path):
    import redis

    course = _course(kit, tmp_path / "course", {"slow-b1": "master", "b2": "master"})
    folder = tmp_path / "markers"
    with redis_server() as url, grading_worker(url, folder, concurrency=1):
        thread, result = _in_background(course, CeleryExecutor(url, 60))
        wait_for_pid(folder, "slow-b1")
        redis.Redis.from_url(url).shutdown(nosave=True)
        thread.join(120)
    assert not thread.is_alive() and "error" not in result, result.get("error")
    held, other = result["statuses"]["slow-b1"], result["statuses"]["b2"]
    assert held.status == "failed" and held.score is None
    assert f"the Celery broker {url} stopped answering during grading" in held.reason
    assert (other.status, other.score) == ("graded", 16) or (
        other.status == "failed" and "stopped answering" in other.reason  # it may have been graded before
    )
    assert not course.grading_work_root.exists()


def test_a_worker_refuses_a_message_pointing_outside_the_course(kit, tmp_path):
    """A forged message cannot have a worker grade (or, with --execute, run) files outside a course's submissions."""
    from medialit.grading.celery_tasks import grade

    course = _course(kit, tmp_path / "course", {"s01": "master"})
    work = course.grading_work_root / "run"
    job = {"student": "s01", "flags": [], "submitted": "", "notebook": None, "fallback": ""}
    task = {
        "call": "grade_executed",
        "root": str(course.root),
        "assignment": PS,
        "job": {**job, "source": str(course.submission_dir(PS, "s01"))},
        "snapshot": [str(course.db_path), ""],
        "work": str(work),
        "mode": {"execute": True, "sandbox": False, "hidden": []},
        "pool": "p",
        "time_limit": 60,
    }
    elsewhere = tmp_path / "elsewhere"
    for change, named in [
        ({"work": str(elsewhere)}, "the work"),
        ({"job": {**job, "source": str(elsewhere)}}, "the submission"),
        ({"snapshot": [str(elsewhere / "gradebook.db"), ""]}, "the snapshot"),
        ({"job": {**job, "source": str(course.submitted_root / ".." / ".." / "elsewhere")}}, "the submission"),
        ({"root": str(elsewhere)}, "is not a medialit course"),
    ]:
        with pytest.raises(ValueError, match=f"refused: .*{named}" if "course" in named else f"refused: {named}"):
            grade({**task, **change})
