"""Grading on Celery (issue 17, 23): a real redis-server and a real 2-process ``medialit grading-worker``.

Grades from the workers equal the local pool's; with no worker or no broker autograde stops
with a message saying what to start; a worker process killed mid-task is graded again (its
status says so); a submission that runs past the time limit fails with that reason; a task no
worker ever finishes is given up (not waited for forever). Tasks are held "mid-task" by
tests/celery_support.py (``slow-``/``stuck-`` student ids), not by hooks in the kit.

A worker serves the course it was started for: a message naming another course or a folder
outside it is refused and logged, and the root, sandbox choice and notebook in a message are
never used. The broker is reached as the course's own Redis ACL user (deploy/bin/medialit-admin's
rule): every test grades through it, and another course's user cannot touch its queue or results.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import threading
import time
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
USER, OTHER = "medialit-c1", "medialit-c2"  # two courses' Redis users


def as_user(url: str, user: str, password: str) -> str:
    """``url`` (``redis://127.0.0.1:PORT/0``) as the ACL user ``user``, on database 1."""
    return url.replace("redis://", f"redis://{user}:{password}@").rsplit("/", 1)[0] + "/1"


@pytest.fixture(scope="module")
def redis_users():
    require_redis()
    passwords = {USER: secrets.token_urlsafe(16), OTHER: secrets.token_urlsafe(16)}
    with redis_server(passwords) as url:
        yield url, passwords


@pytest.fixture(scope="module")
def broker(redis_users):
    """The served course's broker URL: its own ACL user."""
    url, passwords = redis_users
    return as_user(url, USER, passwords[USER])


@pytest.fixture(scope="module")
def served(kit, tmp_path_factory) -> Path:
    """The course folder the module's worker serves; each test puts its own class there."""
    folder = tmp_path_factory.mktemp("served") / "course"
    shutil.copytree(kit["course"].root, folder)
    return folder


@pytest.fixture(scope="module")
def markers(broker, served, tmp_path_factory):
    folder = tmp_path_factory.mktemp("markers")
    with grading_worker(broker, folder, served, concurrency=2):
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


def _served_course(kit: dict[str, Any], served: Path, students: dict[str, str]) -> Course:
    """The served course folder, holding a fresh copy of the kit's course with ``students``."""
    shutil.rmtree(served)
    return _course(kit, served, students)


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


def test_celery_grades_equal_the_local_pool(kit, broker, markers, served, tmp_path, capsys):
    local = _course(kit, tmp_path / "local", CLASS)
    shutil.rmtree(served)
    remote = Course(shutil.copytree(local.root, served))
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
    assert f"No grading worker answered on {lonely}" in err
    assert f"medialit grading-worker --course {course.root} --broker {lonely}" in err
    assert course.scores(PS)["s01"]["autograded"] is False and not course.grading_work_root.exists()
    code = main(["autograde", PS, "--course", str(course.root), "--executor", "celery", "--broker", lonely])
    err = capsys.readouterr().err
    assert code == 1 and f"Cannot reach the Celery broker at {lonely}" in err and "Traceback" not in err


def test_workers_of_another_course_only_is_a_clear_message(kit, broker, markers, tmp_path, capsys):
    course = _course(kit, tmp_path / "not-served", {"s01": "master"})
    code = main(["autograde", PS, "--course", str(course.root), "--executor", "celery", "--broker", broker])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert f"serve other courses, not {course.root}" in err and f"--course {course.root}" in err
    assert broker.split("@")[0].split(":")[-1] not in err  # the password is not shown
    assert course.scores(PS)["s01"]["autograded"] is False


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


def test_a_worker_process_killed_mid_task_is_graded_again(kit, broker, markers, served):
    course = _served_course(kit, served, {"slow-k1": "master", "k2": "partial"})
    thread, result = _in_background(course, CeleryExecutor(broker, 120))
    os.kill(wait_for_pid(markers, "slow-k1"), signal.SIGKILL)
    thread.join(300)
    assert not thread.is_alive() and "error" not in result, result.get("error")
    killed = result["statuses"]["slow-k1"]
    assert (killed.status, killed.score) == ("graded", 16), killed.reason
    assert "the grading worker process died while grading it" in killed.reason and "graded again" in killed.reason
    assert "SIGKILL" in killed.reason or "signal 9" in killed.reason
    assert result["statuses"]["k2"].status == "graded" and "died" not in result["statuses"]["k2"].reason
    assert course.scores(PS)["slow-k1"]["score"] == 16


def test_past_the_time_limit_fails_with_the_reason(kit, broker, markers, served):
    course = _served_course(kit, served, {"stuck-t1": "master", "t2": "master"})
    statuses = autograde(course, PS, progress=False, executor=CeleryExecutor(broker, 2))
    stuck = statuses["stuck-t1"]
    assert stuck.status == "failed" and stuck.score is None
    assert "time limit (2 s)" in stuck.reason and "--task-time-limit 4" in stuck.reason
    assert (statuses["t2"].status, statuses["t2"].score) == ("graded", 16), statuses["t2"].reason
    assert course.scores(PS)["stuck-t1"]["autograded"] is False  # never a silent zero


def test_a_task_no_worker_finishes_is_given_up(kit, tmp_path):
    """A whole worker host vanishes mid-task: graded again once, then failed with the reason (never waited for)."""
    course = _course(kit, tmp_path / "course", {"slow-v1": "master"})
    folder = tmp_path / "markers"
    with redis_server() as url:
        executor = CeleryExecutor(url, 1)
        with grading_worker(url, folder, course.root, concurrency=1) as proc:
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
    with redis_server() as url, grading_worker(url, folder, course.root, concurrency=1):
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


def _other_course(kit: dict[str, Any], folder: Path) -> tuple[Course, Path]:
    """Another course whose nbgrader_config.py leaves a mark if anything loads it."""
    other = _course(kit, folder, {"s01": "master"})
    mark = folder.parent / f"{folder.name}-config-was-loaded"
    with (other.root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(f"\nopen({str(mark)!r}, 'w').close()\n")
    return other, mark


def _message(of: Course, student: str = "s01", **change: Any) -> dict[str, Any]:
    """A grading task for ``of``'s student, with its own run folder and gradebook copy; ``change`` replaces fields."""
    course = of
    work = course.grading_work_root / "run"
    work.mkdir(parents=True, exist_ok=True)
    snapshot = work / "gradebook-snapshot.db"
    shutil.copyfile(course.db_path, snapshot)
    task = {
        "call": "grade_saved",
        "course": str(course.root),
        "assignment": PS,
        "student": student,
        "snapshot": [str(snapshot), ""],
        "work": str(work),
        "execute": False,
        "pool": "p",
        "time_limit": 60,
    }
    return {**task, **change}


def test_a_worker_refuses_a_message_naming_another_course_or_folder(kit, tmp_path, caplog):
    """A forged message cannot make a worker load another course's settings or use files outside its course."""
    from medialit.grading import celery_tasks
    from medialit.grading.celery_tasks import Refused, _checked_call, serve

    course = _course(kit, tmp_path / "course", {"s01": "master"})
    other, mark = _other_course(kit, tmp_path / "other")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / PS).mkdir(parents=True)
    serve(course.root)
    try:
        good = _message(course)
        for change, named in [
            ({"course": str(other.root)}, f"names the course {other.root}"),
            ({"course": str(course.root / "..")}, "names the course"),
            ({"work": str(elsewhere)}, "the work folder"),
            ({"work": str(course.grading_work_root / ".." / "submitted")}, "the work folder"),
            ({"snapshot": [str(other.root / "gradebook.db"), ""]}, "the gradebook copy"),
            ({"snapshot": [str(course.root / "gradebook.db"), ""]}, "the gradebook copy"),
            ({"student": "../../../elsewhere"}, "has no submission"),
            ({"student": ".."}, "has no submission"),
            ({"student": "nobody"}, "has no submission"),
            ({"assignment": "../../elsewhere"}, "is not an assignment"),
            ({"course": None}, "names the course (none)"),
        ]:
            caplog.clear()
            with pytest.raises(Refused, match=f"refused: .*{re.escape(named)}"):
                _checked_call({**good, **change})
            assert any("refused a grading message" in r.getMessage() for r in caplog.records), change
        assert not mark.exists(), "the other course's nbgrader_config.py was loaded"
        # the root, the sandbox and the notebook in a message are never used
        forged_nb = "forged notebook text"
        fn, args = _checked_call(
            {**good, "root": str(other.root), "job": {"notebook": forged_nb, "source": str(elsewhere)}}
        )
        assert fn.__name__ == "grade_saved" and args[0] == str(course.root)
        assert args[2].source == str(course.submission_dir(PS, "s01")) and args[2].notebook != forged_nb
        fn, args = _checked_call({**good, "execute": True, "mode": {"execute": True, "sandbox": False, "hidden": []}})
        assert fn.__name__ == "grade_executed" and args[5].sandbox and str(course.root) in args[5].hidden
        serve(course.root, sandbox=False)  # the worker's own choice (grading-worker --no-sandbox)
        fn, args = _checked_call({**good, "execute": True, "mode": {"execute": True, "sandbox": True, "hidden": []}})
        assert not args[5].sandbox
    finally:
        celery_tasks._SERVES = None


def test_a_forged_message_through_the_broker_is_refused_and_logged(kit, broker, markers, served, tmp_path):
    from medialit.grading.celery_tasks import TASK, celery_app, course_queue

    course = _served_course(kit, served, {"s01": "master"})
    other, mark = _other_course(kit, tmp_path / "other")
    app = celery_app(broker)
    forged = _message(course, course=str(other.root), root=str(other.root))
    with app.connection_for_write() as conn:
        result = app.send_task(TASK, args=[forged], queue=course_queue(course.root), connection=conn)
        result.get(timeout=60, propagate=False)
    assert result.state == "FAILURE" and "refused" in str(result.result) and str(other.root) in str(result.result)
    result.forget()
    assert not mark.exists(), "the other course's nbgrader_config.py was loaded"
    log = (markers / "worker.log").read_text(encoding="utf-8", errors="replace")
    assert f"refused a grading message: the message names the course {other.root}" in log


def test_another_courses_redis_user_cannot_reach_this_courses_queue(kit, redis_users, broker, markers, served):
    """As deploy/bin/medialit-admin makes them: a course's Redis user touches its own keys and channels only."""
    import redis

    from medialit.grading.celery_tasks import TASK, celery_app, course_queue

    url, passwords = redis_users
    mine = redis.Redis.from_url(broker)
    theirs = redis.Redis.from_url(as_user(url, OTHER, passwords[OTHER]))
    queue = f"{USER}:{course_queue(served)}"
    for command in (
        ("LLEN", queue),
        ("LPUSH", queue, "{}"),
        ("RPOP", queue),
        ("GET", f"{USER}:celery-task-meta-x"),
        ("SET", f"{USER}:celery-task-meta-x", "{}"),
        ("KEYS", "*"),
        ("SCAN", "0"),
        ("PUBSUB", "CHANNELS"),
        ("PUBLISH", f"{USER}:/1.celery.pidbox", "x"),
        ("CONFIG", "GET", "requirepass"),
        ("ACL", "LIST"),
    ):
        with pytest.raises(redis.exceptions.NoPermissionError):
            theirs.execute_command(*command)
    with pytest.raises(redis.exceptions.NoPermissionError):
        pubsub = theirs.pubsub()
        pubsub.subscribe(f"{USER}:celery-task-meta-x")
        pubsub.get_message(timeout=1)
    assert mine.llen(queue) == 0  # its own: allowed
    # a task sent as the other course lands in that course's own keys: this course's worker never sees it
    other_broker = as_user(url, OTHER, passwords[OTHER])
    app = celery_app(other_broker)
    with app.connection_for_write() as conn:
        sent = app.send_task(TASK, args=[{"course": str(served)}], queue=course_queue(served), connection=conn)
    time.sleep(3)
    assert theirs.llen(f"{OTHER}:{course_queue(served)}") == 1
    assert redis.Redis.from_url(other_broker).get(f"{OTHER}:celery-task-meta-{sent.id}") is None  # never run
    theirs.delete(f"{OTHER}:{course_queue(served)}")
