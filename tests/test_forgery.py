"""Grades that student code cannot forge, in both grading modes.

One class of ps1-sources (16 points) is graded twice: from the saved answers (the
default, no student code runs) and with ``--execute`` (each notebook runs in the
bubblewrap sandbox). Every attack earns no points it did not answer and changes
nothing outside its own work folder; the control students keep full marks and an
earlier grade stays.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

import medialit
from medialit.cli.demo import answers_file, gold_answers
from medialit.grading.autograde import autograde
from medialit.grading.course import Course
from medialit.grading.sandbox import sandbox_problem
from medialit.grading.worker import fingerprint

PS = "ps1-sources"
FULL = 16.0
EMPTY = json.dumps({"medialit_answers": 1, "name": PS, "answers": {}})

# Each attack goes into the (editable) labels answer cell, with an empty answers file.
FORGERIES = {
    "award-replaced": "ex.award = lambda *a, **k: None",
    "class-award-replaced": (
        "import medialit.teaching.exercise\nmedialit.teaching.exercise.Exercise.award = lambda *a, **k: None"
    ),
    "ex-replaced": ("class _Yes:\n    def __getattr__(self, name):\n        return lambda *a, **k: True\nex = _Yes()"),
    "assertion-replaced": "import builtins\nbuiltins.AssertionError = type('Nope', (Exception,), {})",
    "kit-file-appended": (
        "import medialit.teaching.exercise as m\n"
        "open(m.__file__, 'a').write('\\nExercise.award = lambda *a, **k: None\\n')"
    ),
}
WALK = """
import os
skip = {'proc', 'sys', 'dev', 'usr', 'lib', 'lib64', 'bin', 'sbin', 'etc', 'var', 'boot', 'opt', 'srv'}
found = []
for top in [p for p in os.listdir('/') if p not in skip]:
    for root, dirs, files in os.walk('/' + top):
        dirs[:] = [d for d in dirs if d not in ('site-packages', '.git', 'node_modules')]
        found += [os.path.join(root, f) for f in files if f == 'gradebook.db' or f.endswith('.answers.json')]
for path in found:
    if not path.startswith(os.getcwd()):
        try:
            open(path, 'a').write('overwritten by a student')
        except OSError as exc:
            print('blocked', path, exc)
print('found', len(found))
"""
ATTACKS = {
    **FORGERIES,
    "memory-bomb": "x = bytearray(8 * 1024**3)",
    "fork-loop": (
        "import os, time\nkids = []\nfor _ in range(200):\n    pid = os.fork()\n"
        "    if pid == 0:\n        time.sleep(3)\n        os._exit(0)\n    kids.append(pid)"
    ),
    "network": "import socket\nsocket.create_connection(('127.0.0.1', PORT), timeout=3).sendall(b'leak')",
    "walk-and-write": WALK,
    "write-kit-and-site-packages": (
        "import medialit, nbgrader, pathlib\n"
        f"for folder in [pathlib.Path({str(ROOT)!r}), pathlib.Path(medialit.__file__).parent, "
        "pathlib.Path(nbgrader.__file__).parent.parent]:\n"
        "    try:\n        (folder / 'student-was-here.txt').write_text('x')\n"
        "    except OSError as exc:\n        print('blocked', exc)"
    ),
}


def _inject(release: str, code: str) -> str:
    nb = nbformat.reads(release, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "labels-answer":
            cell.source = "labels = ex.labeler()\n" + code + "\nlabels"
    return nbformat.writes(nb)


def _tree_hash(*folders: Path) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


def _outside() -> str:
    """What no student may change: the kit checkout, the installed packages."""
    import nbgrader

    site = Path(nbgrader.__file__).parent.parent
    listing = "\n".join(sorted(p.name for p in site.iterdir()))
    return _tree_hash(ROOT / "src", ROOT / "solutions", ROOT / "seeds", Path(nbgrader.__file__).parent) + listing


class Listener:
    """A TCP listener on 127.0.0.1 that records whether anybody connected."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connected = 0
        self.running = True
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connected += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.sock.close()


@pytest.fixture(scope="module", params=["saved-answers", "execute"])
def graded(request, tmp_path_factory):
    execute = request.param == "execute"
    if execute and sandbox_problem():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must sandbox execution: {sandbox_problem()}")
        pytest.skip(sandbox_problem())
    listener = Listener()
    course = Course.init(tmp_path_factory.mktemp(request.param) / "course")
    with (course.root / "nbgrader_config.py").open("a", encoding="utf-8") as handle:
        handle.write("c.Execute.timeout = 20\n")
    release = (course.generate(PS) / f"{PS}.ipynb").read_text(encoding="utf-8")
    gold = answers_file(PS, gold_answers(course, PS))
    course.add_submission(PS, "earlier", {f"{PS}.ipynb": release, f"{PS}.answers.json": gold})
    earlier = autograde(course, PS, students=["earlier"], jobs=1, progress=False)["earlier"]
    for student, code in ATTACKS.items():
        code = code.replace("PORT", str(listener.port))
        course.add_submission(PS, student, {f"{PS}.ipynb": _inject(release, code), f"{PS}.answers.json": EMPTY})
    for student in ("control-a", "control-b"):
        course.add_submission(PS, student, {f"{PS}.ipynb": release, f"{PS}.answers.json": gold})
    students = [*ATTACKS, "control-a", "control-b"]
    submitted = {s: fingerprint(course.submission_dir(PS, s)) for s in [*students, "earlier"]}
    outside = _outside()
    problems: list[str] = []
    statuses = autograde(course, PS, students, jobs=2, progress=False, warnings_out=problems, execute=execute)
    listener.close()
    yield {
        "course": course,
        "statuses": statuses,
        "earlier": earlier,
        "submitted": submitted,
        "outside": outside,
        "problems": problems,
        "listener": listener,
        "execute": execute,
    }


@pytest.mark.parametrize("student", list(ATTACKS))
def test_an_attack_earns_no_points_it_did_not_answer(graded, student):
    st = graded["statuses"][student]
    assert st.status in ("flagged", "failed"), (st.status, st.reason)
    if st.status == "flagged":
        assert st.score == 0.0, st.reason
        assert "code was added to the answer cell" in st.reason


@pytest.mark.parametrize("student", list(FORGERIES)[:3])  # the ones whose kernel claims full marks
def test_in_execute_mode_the_notebooks_own_result_is_compared_and_flagged(graded, student):
    if not graded["execute"]:
        pytest.skip("no notebook runs when grading from the saved answers")
    st = graded["statuses"][student]
    assert "the notebook's own result (16) differs from the saved answers' score (0); the saved answers count" in (
        st.reason
    )


def test_controls_keep_full_marks_and_the_earlier_grade_stays(graded):
    statuses, course = graded["statuses"], graded["course"]
    for student in ("control-a", "control-b"):
        assert (statuses[student].status, statuses[student].score) == ("graded", FULL), statuses[student].reason
    assert graded["earlier"].score == FULL
    assert course.scores(PS)["earlier"]["score"] == FULL


def test_nothing_outside_the_work_folders_changed(graded):
    course = graded["course"]
    assert _outside() == graded["outside"], "the kit checkout or site-packages changed"
    for student, digest in graded["submitted"].items():
        assert fingerprint(course.submission_dir(PS, student)) == digest, student
    assert not list(Path(medialit.__file__).parent.glob("student-was-here*"))
    assert not (ROOT / "student-was-here.txt").exists()
    assert graded["listener"].connected == 0, "a kernel reached a listener on 127.0.0.1"
    db = course.db_path.read_bytes()
    assert b"overwritten by a student" not in db
    assert graded["problems"] == [], graded["problems"]


def test_environment_failure_fails_everyone_with_one_message(tmp_path, monkeypatch):
    """The kit's data cannot be found: nobody gets a silent zero, and the run says the environment is broken."""
    course = Course.init(tmp_path / "course")
    release = (course.generate(PS) / f"{PS}.ipynb").read_text(encoding="utf-8")
    gold = answers_file(PS, gold_answers(course, PS))
    for student in ("a", "b", "c"):
        course.add_submission(PS, student, {f"{PS}.ipynb": release, f"{PS}.answers.json": gold})
    (course.root / "seeds").rename(course.root / "seeds-moved")
    empty = tmp_path / "no-seeds"
    empty.mkdir()
    monkeypatch.setenv("MEDIALIT_SEEDS", str(empty))
    for execute in (False, True):
        if execute and sandbox_problem() and os.environ.get("CI") != "true":
            continue
        problems: list[str] = []
        statuses = autograde(course, PS, jobs=2, progress=False, warnings_out=problems, execute=execute)
        assert {st.status for st in statuses.values()} == {"failed"}, statuses
        assert all("No article" in st.reason or "broken" in st.reason for st in statuses.values()), statuses
        broken = [p for p in problems if "grading environment is broken" in p]
        assert len(broken) == 1, problems
        assert "nobody was graded" in broken[0]
        assert course.scores(PS)["a"]["autograded"] is False


def test_without_a_sandbox_execute_refuses_and_no_sandbox_runs(monkeypatch, tmp_path):
    import medialit.grading.sandbox as sandbox
    from medialit.grading.course import CourseError

    monkeypatch.setattr(sandbox, "sandbox_problem", lambda: "bubblewrap (bwrap) is not installed (testing)")
    course = Course.init(tmp_path / "course")
    release = (course.generate(PS) / f"{PS}.ipynb").read_text(encoding="utf-8")
    gold = answers_file(PS, gold_answers(course, PS))
    course.add_submission(PS, "a", {f"{PS}.ipynb": release, f"{PS}.answers.json": gold})
    with pytest.raises(CourseError) as refused:
        autograde(course, PS, jobs=1, progress=False, execute=True)
    assert "bubblewrap (bwrap) is not installed (testing)" in str(refused.value)
    assert "--no-sandbox" in str(refused.value)
    assert course.scores(PS)["a"]["autograded"] is False  # nothing was graded
    notices: list[str] = []
    statuses = autograde(course, PS, jobs=1, progress=False, execute=True, sandbox=False, notices_out=notices)
    assert len(notices) == 1 and "unsandboxed" in notices[0], notices
    assert statuses["a"].score == FULL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
