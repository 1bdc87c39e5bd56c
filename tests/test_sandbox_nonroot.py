"""``medialit autograde --execute`` run by an ordinary grader account, as a deployment's grader and Celery workers are.

A real account is made (``useradd``; the tests run as root, as CI does) and owns a small
course. One student's answer cell attacks: it writes ``manual_score`` into the course's
gradebook, writes outside its folder, opens a network connection, writes a huge file and
forks 200 sleeping children. In the sandbox (a user namespace) every attack fails, the
classmate keeps 0 and the report says the notebooks ran sandboxed. Where no sandbox can
start, ``--execute`` refuses and ``--no-sandbox`` runs; the same attack then succeeds, and
the merge check catches it: the changed grades are not merged, and the run says whose and
which cell. The merge check is also tested in-process, with a hook that edits the gradebook
while a submission is graded.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import socket
import sqlite3
import stat
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

import medialit
from medialit.cli.demo import answers_file, gold_answers
from medialit.grading import autograde as autograde_module
from medialit.grading import manual_grades
from medialit.grading.autograde import autograde
from medialit.grading.course import Course
from medialit.grading.sandbox import sandbox_problem, user_pids
from medialit.grading.worker import fingerprint, grade_executed

PS = "ps1-sources"
FULL = 16.0
EMPTY = json.dumps({"medialit_answers": 1, "name": PS, "answers": {}})
FILE_LIMIT = 16 * 1024**2  # the course's own setting: the huge file stops there
HUGE = 64  # MiB the attack tries to write
MEDIALIT = Path(sys.executable).parent / "medialit"
IN_CI = os.environ.get("CI", "").lower() == "true"
ATTACK = """
import json, os, socket, sqlite3
report = {}
try:
    db = sqlite3.connect(__GRADEBOOK__, timeout=10)
    db.execute("UPDATE grade SET manual_score = 16")
    db.commit()
    report["gradebook"] = "written"
except Exception as exc:
    report["gradebook"] = type(exc).__name__
for name, path in [("outside", __OUTSIDE__), ("classmate", __CLASSMATE__), ("exchange", __EXCHANGE__)]:
    try:
        open(path, "w").write("a student was here")
        report[name] = "written"
    except Exception as exc:
        report[name] = type(exc).__name__
try:
    socket.create_connection(("127.0.0.1", __PORT__), timeout=3).sendall(b"leak")
    report["network"] = "connected"
except Exception as exc:
    report["network"] = type(exc).__name__
try:
    with open("huge.bin", "wb") as f:
        for _ in range(__HUGE__):
            f.write(bytes(1024**2))
    report["huge"] = "written"
except Exception as exc:
    report["huge"] = f"{type(exc).__name__} errno {getattr(exc, 'errno', None)}"
report["huge_size"] = os.path.getsize("huge.bin") if os.path.exists("huge.bin") else 0
kids = []
try:
    for _ in range(200):
        pid = os.fork()
        if pid == 0:
            os.closerange(0, 1024)  # holds none of the grader's pipes: only the sandbox can stop it
            import time
            time.sleep(120)
            os._exit(0)
        kids.append(pid)
    report["forks"] = [len(kids), "no error"]
except OSError as exc:
    report["forks"] = [len(kids), type(exc).__name__]
print("ATTACK-REPORT " + json.dumps(report))
"""


def _skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI must test --execute as an ordinary account, but: {reason}")
    pytest.skip(reason)


# ---------------------------------------------------------------- the account and what it may read


def _grant_traverse(path: str, uid: int) -> tuple[str, int, str]:
    """Let ``uid`` pass through ``path`` (a POSIX ACL entry 'user:uid:--x'; else o+x); how to undo it."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    owner, group, other = (mode >> 6) & 7, (mode >> 3) & 7, mode & 7
    undefined = 0xFFFFFFFF
    entries = [(0x01, owner, undefined), (0x02, 1, uid), (0x04, group, undefined), (0x10, group | 1, undefined)]
    acl = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in [*entries, (0x20, other, undefined)])
    try:
        os.setxattr(path, "system.posix_acl_access", acl)
        return path, mode, "acl"
    except OSError:
        os.chmod(path, mode | 0o001)
        return path, mode, "mode"


def _undo(grants: list[tuple[str, int, str]]) -> None:
    for path, mode, how in reversed(grants):
        if how == "acl":
            with contextlib.suppress(OSError):
                os.removexattr(path, "system.posix_acl_access")
        os.chmod(path, mode)


def _blocked_for(paths: list[Path]) -> list[str]:
    """Ancestors of ``paths`` that other users cannot pass (a root-owned 0700 temp dir of a clean clone, /root)."""
    blocked: list[str] = []
    for path in paths:
        for folder in [*reversed(path.parents)]:
            if str(folder) != "/" and not os.stat(folder).st_mode & stat.S_IXOTH and str(folder) not in blocked:
                blocked.append(str(folder))
    return blocked


def as_account(name: str, home: str, args: list[str], path: str | None = None, **kw: Any) -> Any:
    """Run ``args`` as the account, with a clean environment (its own HOME)."""
    env = [f"HOME={home}", f"PATH={path or '/usr/local/bin:/usr/bin:/bin'}", "LANG=C.UTF-8", "USER=" + name]
    command = ["runuser", "-u", name, "--", "env", "-i", *env, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd="/", **kw)


@pytest.fixture(scope="module")
def grader() -> Iterator[dict[str, Any]]:
    """An ordinary account that can run this checkout's medialit (and nothing else was opened to it)."""
    if os.geteuid() != 0:
        _skip_or_fail("these tests make a grader account, so they run as root (as CI does)")
    if not shutil.which("useradd") or not shutil.which("runuser"):
        _skip_or_fail("useradd and runuser are needed (apt-get install passwd util-linux)")
    if not shutil.which("bwrap"):
        _skip_or_fail("bubblewrap is not installed (apt-get install bubblewrap)")
    name = f"mlgrader{secrets.token_hex(4)}"
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True, capture_output=True)
    info = pwd.getpwnam(name)
    needed = [Path(os.path.realpath(sys.executable)), MEDIALIT, Path(medialit.__file__).resolve()]
    grants: list[tuple[str, int, str]] = []
    try:
        grants = [_grant_traverse(folder, info.pw_uid) for folder in _blocked_for(needed)]
        check = as_account(name, info.pw_dir, [str(MEDIALIT.parent / "python"), "-c", "import medialit, nbgrader"])
        if check.returncode:
            _skip_or_fail(f"the account {name} cannot run this checkout's Python: {check.stderr.strip()[-300:]}")
        yield {"name": name, "uid": info.pw_uid, "gid": info.pw_gid, "home": info.pw_dir}
    finally:
        _undo(grants)
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)  # only the test account's processes
        subprocess.run(["userdel", "--remove", name], capture_output=True)


# ---------------------------------------------------------------- the course


def _inject(release: str, code: str) -> str:
    nb = nbformat.reads(release, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "labels-answer":
            cell.source = "labels = ex.labeler()\n" + code + "\nlabels"
    return nbformat.writes(nb)


def make_course(grader: dict[str, Any], port: int) -> Course:
    """A course the grader owns, graded once already (so every student has grade rows), in a folder it can reach."""
    base = Path(tempfile.mkdtemp(prefix="medialit-nonroot-", dir="/tmp"))
    base.chmod(0o755)
    course = Course.init(base / "course")
    with (course.root / "nbgrader_config.py").open("a", encoding="utf-8") as handle:
        handle.write(f"c.Execute.timeout = 60\nc.SandboxedKernelManager.file_size_limit = {FILE_LIMIT}\n")
    release = (course.generate(PS) / f"{PS}.ipynb").read_text(encoding="utf-8")
    gold = answers_file(PS, gold_answers(course, PS))
    (course.root / "exchange").mkdir(exist_ok=True)
    code = ATTACK
    for word, value in {
        "GRADEBOOK": course.root / "gradebook.db",
        "OUTSIDE": course.root / "outside.txt",
        "CLASSMATE": course.submission_dir(PS, "bob") / "note.txt",
        "EXCHANGE": course.root / "exchange" / "planted.txt",
    }.items():
        code = code.replace(f"__{word}__", repr(str(value)))
    code = code.replace("__PORT__", str(port)).replace("__HUGE__", str(HUGE))
    course.add_submission(PS, "alice", {f"{PS}.ipynb": _inject(release, code), f"{PS}.answers.json": EMPTY})
    course.add_submission(PS, "bob", {f"{PS}.ipynb": release, f"{PS}.answers.json": EMPTY})
    course.add_submission(PS, "carol", {f"{PS}.ipynb": release, f"{PS}.answers.json": gold})
    first = autograde(course, PS, jobs=1, progress=False)
    assert {s: st.score for s, st in first.items()} == {"alice": 0.0, "bob": 0.0, "carol": FULL}
    subprocess.run(["chown", "-R", f"{grader['uid']}:{grader['gid']}", str(base)], check=True)
    return course


def attack_report(course: Course) -> dict[str, Any]:
    text = (course.autograded_dir(PS, "alice") / f"{PS}.ipynb").read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            for line in out.get("text", "").splitlines():
                if line.startswith("ATTACK-REPORT "):
                    return json.loads(line.removeprefix("ATTACK-REPORT "))
    raise AssertionError("the attack cell printed no report: did the notebook run?")


def manual_scores(course: Course) -> dict[tuple[str, str], Any]:
    with sqlite3.connect(course.db_path) as db:
        rows = db.execute(
            "SELECT sa.student_id, c.name, g.manual_score FROM grade g "
            "JOIN submitted_notebook sn ON g.notebook_id = sn.id "
            "JOIN submitted_assignment sa ON sn.assignment_id = sa.id "
            "JOIN base_cell c ON g.cell_id = c.id"
        ).fetchall()
    return {(student, cell): score for student, cell, score in rows}


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    def connected(self) -> bool:
        try:
            self.sock.accept()
            return True
        except BlockingIOError:
            return False


def autograde_as(grader: dict[str, Any], course: Course, *options: str, path: str | None = None) -> Any:
    args = [str(MEDIALIT), "autograde", PS, "--course", str(course.root), "--quiet", "--jobs", "1", *options]
    return as_account(grader["name"], grader["home"], args, path=path)


# ---------------------------------------------------------------- the sandboxed run


@pytest.fixture(scope="module")
def sandboxed(grader: dict[str, Any]) -> Iterator[dict[str, Any]]:
    listener = Listener()
    course = make_course(grader, listener.port)
    bob_files = fingerprint(course.submission_dir(PS, "bob"))
    before = manual_grades.snapshot(course)
    done = autograde_as(grader, course, "--execute")
    yield {
        "course": course,
        "done": done,
        "connected": listener.connected(),
        "bob_files": bob_files,
        "before": before,
        "leftover": user_pids(grader["uid"]),
    }
    listener.sock.close()
    shutil.rmtree(course.root.parent, ignore_errors=True)


def test_the_run_finishes_and_says_it_was_sandboxed(sandboxed: dict[str, Any]) -> None:
    done = sandboxed["done"]
    assert done.returncode == 0, done.stdout + done.stderr
    assert "NOTE: --execute: each notebook ran in a bubblewrap sandbox, in a user namespace" in done.stderr
    assert "unsandboxed" not in done.stderr


def test_every_attack_fails_in_the_sandbox(sandboxed: dict[str, Any]) -> None:
    report = attack_report(sandboxed["course"])
    assert report["gradebook"] != "written", report
    for door in ("outside", "classmate", "exchange"):
        assert report[door] != "written", report
    assert report["network"] != "connected" and not sandboxed["connected"], report
    assert report["huge"].startswith("OSError errno 27"), report  # EFBIG: the file-size limit
    assert 0 < report["huge_size"] <= FILE_LIMIT, report
    count, error = report["forks"]
    assert count < 200 and error in ("BlockingIOError", "OSError"), report  # the process limit


def test_the_classmate_keeps_0_and_nothing_outside_changed(sandboxed: dict[str, Any]) -> None:
    course, done = sandboxed["course"], sandboxed["done"]
    scores = course.scores(PS)
    assert (scores["bob"]["score"], scores["carol"]["score"], scores["alice"]["score"]) == (0.0, FULL, 0.0), done.stdout
    assert manual_grades.snapshot(course) == sandboxed["before"]
    assert all(score is None for score in manual_scores(course).values())
    assert not (course.root / "outside.txt").exists()
    assert not (course.root / "exchange" / "planted.txt").exists()
    assert fingerprint(course.submission_dir(PS, "bob")) == sandboxed["bob_files"]
    assert "alice" in done.stdout and "code was added to the answer cell" in done.stdout


def test_no_process_of_the_grader_outlives_the_run(sandboxed: dict[str, Any]) -> None:
    assert sandboxed["leftover"] == []  # the forks above sleep 120 s: they died with the sandbox's PID namespace


# ---------------------------------------------------------------- no sandbox: refused, unless asked for by name


@pytest.fixture(scope="module")
def no_userns_path() -> Iterator[str]:
    """A PATH whose bwrap fails as bwrap does where the kernel forbids user namespaces."""
    folder = Path(tempfile.mkdtemp(prefix="medialit-no-userns-", dir="/tmp"))
    folder.chmod(0o755)
    fake = folder / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n")
    fake.chmod(0o755)
    yield f"{folder}:/usr/local/bin:/usr/bin:/bin"
    shutil.rmtree(folder, ignore_errors=True)


def test_without_a_sandbox_execute_refuses_then_no_sandbox_runs_and_the_merge_check_catches_it(
    grader: dict[str, Any], no_userns_path: str
) -> None:
    listener = Listener()
    course = make_course(grader, listener.port)
    try:
        before = manual_grades.snapshot(course)
        refused = autograde_as(grader, course, "--execute", path=no_userns_path)
        assert refused.returncode != 0
        assert "no sandbox can start here" in refused.stderr, refused.stderr
        assert "setting up uid map: Permission denied" in refused.stderr, refused.stderr
        assert "--no-sandbox" in refused.stderr and "Traceback" not in refused.stderr
        assert not (course.autograded_dir(PS, "alice") / "huge.bin").exists()  # no student code ran
        assert manual_grades.snapshot(course) == before

        ran = autograde_as(grader, course, "--execute", "--no-sandbox", path=no_userns_path)
        assert "unsandboxed" in ran.stderr, ran.stderr
        assert (course.root / "outside.txt").exists()  # unsandboxed, the student's code reached the course
        assert ran.returncode == 1, ran.stdout + ran.stderr
        # alice ran first (--jobs 1) and set every manual score: no merge took them
        lines = {line.split()[0]: line for line in ran.stdout.splitlines()[2:] if line.strip()}
        for student in ("alice", "bob", "carol"):
            assert " flagged " in lines[student] and "not merged" in lines[student], ran.stdout
            assert "labels-score: manual score unset -> 16" in lines[student], ran.stdout
        assert "grades set by hand changed in the gradebook while students' code ran" in ran.stderr
        assert "bob: ps1-sources/ps1-sources cell labels-score" in ran.stderr, ran.stderr
        assert "gradebook-" in ran.stderr and ".medialit-backups" in ran.stderr  # where the gradebook before is
        assert manual_scores(course)[("bob", "labels-score")] == 16  # not overwritten: left for the teacher
    finally:
        listener.sock.close()
        shutil.rmtree(course.root.parent, ignore_errors=True)


# ---------------------------------------------------------------- the merge check, in-process


def _grading_that_edits_the_gradebook(root: str, assignment: str, job: Any, *args: Any) -> Any:
    """grade_executed, but while alice's notebook is graded something writes bob's manual score."""
    if job.student == "alice":
        with sqlite3.connect(Path(root) / "gradebook.db") as db:
            db.execute(
                "UPDATE grade SET manual_score = 16 WHERE id IN (SELECT g.id FROM grade g "
                "JOIN submitted_notebook sn ON g.notebook_id = sn.id "
                "JOIN submitted_assignment sa ON sn.assignment_id = sa.id "
                "JOIN base_cell c ON g.cell_id = c.id WHERE sa.student_id = 'bob' AND c.name = 'labels-score')"
            )
    return grade_executed(root, assignment, job, *args)


def test_a_grade_changed_during_execution_is_not_merged_and_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = sandbox_problem() == ""
    if not sandbox and IN_CI:
        pytest.fail(f"CI must sandbox execution: {sandbox_problem()}")
    course = Course.init(tmp_path / "course")
    release = (course.generate(PS) / f"{PS}.ipynb").read_text(encoding="utf-8")
    gold = answers_file(PS, gold_answers(course, PS))
    for student, answers in (("alice", gold), ("bob", EMPTY)):
        course.add_submission(PS, student, {f"{PS}.ipynb": release, f"{PS}.answers.json": answers})
    autograde(course, PS, jobs=1, progress=False)  # bob has grade rows, and 0
    monkeypatch.setattr(autograde_module, "grade_executed", _grading_that_edits_the_gradebook)
    problems: list[str] = []
    statuses = autograde(course, PS, jobs=1, progress=False, execute=True, sandbox=sandbox, warnings_out=problems)
    bob = statuses["bob"]
    assert bob.status == "flagged" and "not merged" in bob.reason, bob.reason
    assert "ps1-sources/ps1-sources cell labels-score: manual score unset -> 16" in bob.reason
    assert bob.flags == [bob.reason]
    assert statuses["alice"].status == "graded" and statuses["alice"].score == FULL
    (warning,) = [p for p in problems if "grades set by hand changed" in p]
    assert "bob: ps1-sources/ps1-sources cell labels-score: manual score unset -> 16" in warning
    assert manual_scores(course)[("bob", "labels-score")] == 16  # left as found, for the teacher to judge


def test_changes_name_the_student_the_cell_and_both_values() -> None:
    before = {("ps1", "bob", "ps1", "labels-score", "manual score"): 2.0}
    after = {
        ("ps1", "bob", "ps1", "labels-score", "manual score"): 16.0,
        ("ps1", "eve", "ps1", "loaded-score", "extra credit"): 1.5,
        ("ps1", "eve", "", "", "extension"): "7 days, 0:00:00",
    }
    assert manual_grades.changes(before, after) == [
        "bob: ps1/ps1 cell labels-score: manual score 2 -> 16",
        "eve: ps1: extension unset -> '7 days, 0:00:00'",
        "eve: ps1/ps1 cell loaded-score: extra credit unset -> 1.5",
    ]
    assert manual_grades.changes(before, after, "bob") == ["ps1/ps1 cell labels-score: manual score 2 -> 16"]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
