"""The doors around the grader hold (issue 23, parts 1 and 2): the exchange and LMS downloads, through the CLI.

Each case is played by a hostile student against a class: the attacker gains nothing, the victim
keeps their grade (autograde afterwards), the class run finishes, and nothing outside the course
changes. The exchange cases use real accounts (``useradd``; the tests run as root, as CI does):
each student's own process, started with ``runuser``, writes their folder into the exchange.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from medialit.cli.demo import answers_file, gold_answers
from medialit.cli.main import main
from medialit.grading.collect import collect_record
from medialit.grading.course import Course
from medialit.grading.layout import read_timestamp
from medialit.grading.roster import Student, write_roster
from medialit.grading.status import FLAGGED, MISSING, load_status

PS = "ps1-sources"
FULL = 16  # ps1-sources' points
SCRATCH = Path(tempfile.mkdtemp(prefix="medialit-doors-tmp-"))  # collect's temporary folders: must end empty


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``medialit ARGS`` in its own process (a collect that blocks on a pipe fails the test, never hangs it)."""
    return subprocess.run(
        [sys.executable, "-m", "medialit", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "TMPDIR": str(SCRATCH)},
    )


@pytest.fixture(scope="module", autouse=True)
def _scratch():
    yield
    shutil.rmtree(SCRATCH, ignore_errors=True)


def _autograde(course: Course) -> dict[str, float | None]:
    assert main(["autograde", PS, "--course", str(course.root), "--quiet"]) in (0, 1)
    return {s: st.score for s, st in load_status(course.root, PS).items()}


def _leftovers(course: Course) -> list[str]:
    """Half-copied or staging folders anywhere in the course, and collect's temporary folders."""
    found = [
        str(p)
        for p in course.root.rglob("*")
        if p.name.endswith(".incoming") or ".incoming-" in p.name or ".replaced-" in p.name
    ]
    return found + [str(p) for p in SCRATCH.iterdir()]


def _snapshot(folder: Path, skip: Path) -> dict[str, tuple]:
    """Every path under ``folder`` but ``skip`` with its kind, size, mode and modification time."""
    seen = {}
    for top, dirs, files in os.walk(folder):
        if Path(top) == skip or skip in Path(top).parents:
            dirs[:] = []
            continue
        for name in dirs + files:
            if Path(top) / name == skip:
                continue
            info = os.lstat(Path(top) / name)
            seen[str(Path(top) / name)] = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mode, info.st_mtime_ns)
    return seen


# ================================================================ the exchange, with real accounts


def _need_root() -> None:
    if os.geteuid() == 0 and shutil.which("useradd") and shutil.which("runuser"):
        return
    if os.environ.get("CI"):
        pytest.fail("the exchange door tests need root, useradd and runuser in CI (they create throwaway accounts)")
    pytest.skip("the exchange door tests create throwaway accounts: run them as root (CI does)")


@pytest.fixture(scope="module")
def accounts():
    """Three throwaway student accounts (alice, bob, cara), removed afterwards."""
    _need_root()
    tag = secrets.token_hex(3)
    names = {who: f"mld{who}{tag}" for who in ("alice", "bob", "cara")}
    made = []
    try:
        for name in names.values():
            subprocess.run(
                ["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True, capture_output=True
            )
            made.append(name)
        yield names
    finally:
        for name in made:
            subprocess.run(["userdel", name], check=False, capture_output=True)


@pytest.fixture(scope="module")
def site(accounts):
    """A course whose exchange is shared, as on a server: students' processes can reach it, not the course."""
    base = Path(tempfile.mkdtemp(prefix="medialit-doors-", dir="/tmp"))
    base.chmod(0o755)
    exchange = base / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)
    roster = [
        Student(accounts["alice"], "Alice", "Ames", "alice@school.example", ""),
        Student(accounts["bob"], "Bob", "Brown", "bob@school.example", ""),
        Student(accounts["cara"], "Cara", "Cole", "cara@school.example", ""),
    ]
    write_roster(base / "roster.csv", roster)
    course = Course.init(base / "course", roster=base / "roster.csv", exchange=exchange)
    release = course.release(PS, to="exchange")
    gold = gold_answers(course, PS)
    wrong = json.loads(json.dumps(gold))
    wrong["labels"] = {key: "framing" for key in wrong["labels"]}
    work = {
        "notebook": (release / f"{PS}.ipynb").read_text(encoding="utf-8"),
        "gold": answers_file(PS, gold),
        "wrong": answers_file(PS, wrong),
    }
    yield course, base, work
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def clean(site):
    """The course with nothing submitted or collected; the exchange's inbound/ emptied."""
    course, base, work = site
    inbound = course.exchange_root / course.course_id / "inbound"
    for entry in inbound.iterdir():
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    for folder in ("submitted", "collected", "status", "autograded", "feedback"):
        shutil.rmtree(course.root / folder, ignore_errors=True)
    (course.root / "submitted").mkdir()
    (course.root / "assignments.yaml").unlink(missing_ok=True)
    return course, base, work


STUDENT_SCRIPT = r"""
import json, os, socket, sys
job = json.load(sys.stdin)
folder = os.path.join(job["inbound"], job["name"])
os.mkdir(folder)
for rel, text in job["files"].items():
    with open(os.path.join(folder, rel), "w", encoding="utf-8") as out:
        out.write(text)
for rel, target in job.get("links", {}).items():
    os.symlink(target, os.path.join(folder, rel))
for rel in job.get("fifos", []):
    os.mkfifo(os.path.join(folder, rel))
os.chdir(folder)  # a socket's path must be short
for rel in job.get("sockets", []):
    socket.socket(socket.AF_UNIX).bind(rel)
if job.get("touch") is not None:  # set every time stamp the owner can set back
    for name in os.listdir(folder):
        os.utime(os.path.join(folder, name), (job["touch"], job["touch"]), follow_symlinks=False)
    os.utime(folder, (job["touch"], job["touch"]))
os.chmod(folder, 0o777)  # as nbgrader submit leaves it
print(folder)
"""


def _submit(course: Course, account: str, name_student: str, files: dict[str, str], stamp: str = "", **job) -> Path:
    """``account``'s own process writes a submission folder in ``name_student``'s name into inbound/."""
    stamp = stamp or datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    inbound = course.exchange_root / course.course_id / "inbound"
    payload = {
        "inbound": str(inbound),
        "name": f"{name_student}+{PS}+{stamp}+{secrets.token_urlsafe(6)}",
        "files": {"timestamp.txt": stamp, "submission_secret.txt": secrets.token_hex(16), **files},
        **job,
    }
    done = subprocess.run(
        ["runuser", "-u", account, "--", "/usr/bin/python3", "-c", STUDENT_SCRIPT],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def _honest(course: Course, account: str, work: dict, answers: str = "gold") -> Path:
    return _submit(course, account, account, {f"{PS}.ipynb": work["notebook"], f"{PS}.answers.json": work[answers]})


def _answers(course: Course, student: str) -> str:
    return (course.submission_dir(PS, student) / f"{PS}.answers.json").read_text(encoding="utf-8")


def test_impostor_folder_in_a_classmates_name_is_refused_and_never_replaces_theirs(clean, accounts):
    course, base, work = clean
    alice, bob, cara = accounts["alice"], accounts["bob"], accounts["cara"]
    _honest(course, bob, work)
    _honest(course, alice, work, "wrong")
    empty = {f"{PS}.ipynb": work["notebook"], f"{PS}.answers.json": answers_file(PS, {})}
    forged = _submit(course, alice, bob, empty, stamp="2099-01-01 00:00:00.000000 UTC")  # later than bob's
    planted = _submit(course, alice, cara, empty)  # cara submitted nothing
    before = _snapshot(base, course.root)

    done = _cli("collect", PS, "exchange", "--course", str(course.root))

    assert done.returncode == 1 and "Traceback" not in done.stderr  # someone was refused: the teacher looks
    out = done.stdout
    for folder, victim in ((forged, f"{bob}' (Bob Brown)"), (planted, f"{cara}' (Cara Cole)")):
        line = next(x for x in out.splitlines() if folder.name in x)
        assert line.startswith(f"  refused inbound/{folder.name}: in the name of '{victim}")
        assert f"made by the account {alice} (Alice Ames)" in line and "collected for nobody" in line
    assert f"collected 2 submission(s): {alice}, {bob}" in out
    assert f"no submission: Cara Cole ({cara})" in out
    assert "ownership" not in out  # every account exists: everything was checked
    assert _answers(course, bob) == work["gold"] and _answers(course, alice) == work["wrong"]
    record = collect_record(course, PS, bob)
    assert record["owner"] == bob and record["owner_checked"] is True and record["time_flag"] == ""
    assert not course.submission_dir(PS, cara).exists()

    scores = _autograde(course)
    assert scores[bob] == FULL  # the victim keeps their grade (the impostor had made it 0 / 16)
    assert scores[alice] < FULL and scores.get(cara) is None  # the attacker gains nothing; nothing credited to cara
    assert _snapshot(base, course.root) == before  # the exchange is untouched
    assert _leftovers(course) == []

    again = _cli("collect", PS, "exchange", "--course", str(course.root))  # a second collect: still refused
    assert f"refused inbound/{forged.name}" in again.stdout and "no new submissions in the exchange" in again.stdout
    assert _answers(course, bob) == work["gold"]


def test_links_pipes_sockets_and_devices_in_inbound_are_refused_and_the_class_is_collected(clean, accounts):
    course, base, work = clean
    alice, bob, cara = accounts["alice"], accounts["bob"], accounts["cara"]
    _honest(course, bob, work)
    assert _cli("collect", PS, "exchange", "--course", str(course.root)).returncode == 1  # alice, cara missing
    bob_answers = course.submission_dir(PS, bob) / f"{PS}.answers.json"
    outside_fifo = base / "fifo"
    os.mkfifo(outside_fifo)
    outside_fifo.chmod(0o666)
    folder = _submit(
        course,
        alice,
        alice,
        {f"{PS}.ipynb": work["notebook"]},
        links={f"{PS}.answers.json": str(bob_answers), "notes.txt": str(outside_fifo), "work": "/etc"},
        fifos=["pipe"],
        sockets=["sock"],
    )
    os.mknod(folder / "zero", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # a device (root made it: alice cannot)
    os.chown(folder / "zero", os.stat(folder).st_uid, -1, follow_symlinks=False)
    _honest(course, cara, work)
    before = _snapshot(base, course.root)

    done = _cli("collect", PS, "exchange", "--course", str(course.root), timeout=120)

    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    skipped = {
        line.split("/", 2)[2].split(": ", 1)[0]: line
        for line in done.stdout.splitlines()
        if line.startswith(f"  skipped inbound/{folder.name}/")
    }
    assert set(skipped) == {f"{PS}.answers.json", "notes.txt", "work", "pipe", "sock", "zero"}
    assert f"it is a link (to {bob_answers})" in skipped[f"{PS}.answers.json"]
    assert "a named pipe" in skipped["pipe"] and "a socket" in skipped["sock"] and "a device" in skipped["zero"]
    assert f"collected 2 submission(s): {alice}, {cara}" in done.stdout
    assert sorted(p.name for p in course.submission_dir(PS, alice).iterdir()) == [
        f"{PS}.ipynb",
        "submission_secret.txt",
        "timestamp.txt",
    ]
    assert not any(p.is_symlink() for p in course.root.rglob("*"))

    scores = _autograde(course)
    assert scores[bob] == FULL and scores[cara] == FULL
    assert scores[alice] == 0  # bob's answers never reached her
    assert _snapshot(base, course.root) == before
    assert _leftovers(course) == []


def test_a_file_dropped_into_a_classmates_folder_is_refused(clean, accounts):
    course, base, work = clean
    alice, bob = accounts["alice"], accounts["bob"]
    folder = _honest(course, bob, work)
    time.sleep(1.5)
    dropped = folder / "extra.ipynb"  # the folder is 0777, as nbgrader leaves it
    subprocess.run(["runuser", "-u", alice, "--", "/usr/bin/touch", str(dropped)], check=True)
    dropped_at = datetime.fromtimestamp(dropped.stat().st_ctime, UTC).replace(tzinfo=None)
    done = _cli("collect", PS, "exchange", "--course", str(course.root))
    assert f"skipped inbound/{folder.name}/extra.ipynb: it belongs to the account {alice}" in done.stdout
    assert not (course.submission_dir(PS, bob) / "extra.ipynb").exists()
    received = read_timestamp(course.submission_dir(PS, bob))
    assert received is not None and received < dropped_at  # alice's drop does not make bob look later
    assert _autograde(course)[bob] == FULL


def test_a_folder_in_the_name_of_a_student_without_an_account_is_still_refused_when_a_classmate_made_it(
    clean, accounts
):
    """A machine where some students have no account: a classmate's account is still no one else's."""
    course, base, work = clean
    alice = accounts["alice"]
    roster = (course.root / "roster.csv").read_text(encoding="utf-8")
    dan = f"nobody-{secrets.token_hex(3)}"
    try:
        write_roster(
            course.root / "roster.csv", [*course.roster(), Student(dan, "Dan", "Doe", "dan@school.example", "")]
        )
        planted = _submit(course, alice, dan, {f"{PS}.ipynb": work["notebook"], f"{PS}.answers.json": work["gold"]})
        done = _cli("collect", PS, "exchange", "--course", str(course.root))
    finally:
        (course.root / "roster.csv").write_text(roster, encoding="utf-8")
    assert f"  refused inbound/{planted.name}: in the name of '{dan}' (Dan Doe), but made by the account {alice}" in (
        done.stdout
    )
    assert f"  note: ownership could not be checked for {dan}: no account of that name on this machine" in done.stdout
    assert not course.submission_dir(PS, dan).exists() and _leftovers(course) == []


def test_exchange_size_and_count_caps_refuse_by_student_and_file(clean, accounts, monkeypatch, capsys):
    from medialit.grading import exchange_inbound

    course, base, work = clean
    alice, bob, cara = accounts["alice"], accounts["bob"], accounts["cara"]
    monkeypatch.setattr(exchange_inbound, "FILE_BYTES", 200_000)
    monkeypatch.setattr(exchange_inbound, "SUBMISSION_BYTES", 400_000)
    monkeypatch.setattr(exchange_inbound, "MAX_FILES", 10)
    monkeypatch.setattr(tempfile, "tempdir", str(SCRATCH))
    _honest(course, bob, work)
    first = _honest(course, alice, work)  # alice's first submission, then two that break a cap
    files = {f"{PS}.ipynb": work["notebook"], f"{PS}.answers.json": work["gold"]}
    big = _submit(course, alice, alice, {**files, "video.mp4": "x" * 300_000})
    many = _submit(course, alice, alice, {**files, **{f"page{i}.txt": "x" * 100 for i in range(12)}})
    heavy = _submit(course, cara, cara, {**files, **{f"part{i}.bin": "x" * 150_000 for i in range(3)}})

    assert main(["collect", PS, "exchange", "--course", str(course.root)]) == 1  # refusals: the teacher looks
    out = capsys.readouterr().out
    assert f"  refused inbound/{many.name} ({alice}): it holds more than 10 files" in out
    assert f"  refused inbound/{heavy.name} ({cara}): it holds more than 400 kB (the cap for one submission)" in out
    # alice's newest is over the file-count cap: the one before it (with video.mp4 refused) is collected
    assert collect_record(course, PS, alice)["inbound"] == big.name != first.name
    assert f"  skipped inbound/{big.name}/video.mp4: it is 300 kB, over the 200 kB cap for one file (not copied)" in out
    assert not (course.submission_dir(PS, alice) / "video.mp4").exists()
    assert not course.submission_dir(PS, cara).exists() and _leftovers(course) == []
    scores = _autograde(course)
    assert scores[bob] == FULL and scores[alice] == FULL and scores.get(cara) is None


def test_a_forged_timestamp_does_not_make_a_late_submission_on_time(clean, accounts):
    course, base, work = clean
    alice, bob = accounts["alice"], accounts["bob"]
    due = datetime.now(UTC) - timedelta(hours=2)
    (course.root / "assignments.yaml").write_text(
        f"{PS}:\n  due: {due:%Y-%m-%d %H:%M} +00:00\n  late_policy: 10% per day\n", encoding="utf-8"
    )
    forged = "2020-01-01 00:00:00.000000 UTC"
    files = {f"{PS}.ipynb": work["notebook"], f"{PS}.answers.json": work["gold"]}
    _submit(course, alice, alice, files, stamp=forged, touch=datetime(2020, 1, 1, tzinfo=UTC).timestamp())
    _honest(course, bob, work)

    done = _cli("collect", PS, "exchange", "--course", str(course.root))

    assert "Traceback" not in done.stderr
    now = datetime.now(UTC).replace(tzinfo=None)
    for student in (alice, bob):  # what submitted/ holds, which nbgrader and the kit read, is the server's time
        kept = read_timestamp(course.submission_dir(PS, student))
        assert kept is not None and abs(kept - now) < timedelta(minutes=10)
    record = collect_record(course, PS, alice)
    assert record["student_timestamp"] == forged
    assert "2020-01-01 00:00:00 UTC" in record["time_flag"] and "the exchange received it at" in record["time_flag"]
    flag = next(line for line in done.stdout.splitlines() if line.startswith("  time check:"))
    assert flag.startswith(f"  time check: {alice} (Alice Ames): its timestamp.txt says 2020-01-01 00:00:00 UTC")
    assert collect_record(course, PS, bob)["time_flag"] == ""  # an honest student is not flagged

    _autograde(course)
    statuses = load_status(course.root, PS)
    assert "after the due date" in statuses[alice].late and statuses[alice].late == statuses[bob].late
    assert statuses[alice].status == FLAGGED  # the teacher sees both times in the grade table
    assert "time check: its timestamp.txt says 2020-01-01 00:00:00 UTC" in statuses[alice].reason
    assert statuses[bob].status != FLAGGED or "time check" not in statuses[bob].reason
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        seen = gb.find_submission(PS, alice).timestamp
    assert abs(seen.replace(tzinfo=None) - now) < timedelta(minutes=10)  # nbgrader's own lateness: the server's time


def test_ownership_that_cannot_be_checked_is_said_once(tmp_path):
    """A teacher's own computer: no student has an account, and collect says so once."""
    from medialit.grading.collect import submit_to_exchange

    roster = [Student(f"nobody-{secrets.token_hex(3)}-{i}", "A", f"Student{i}", "", "") for i in range(2)]
    write_roster(tmp_path / "roster.csv", roster)
    course = Course.init(tmp_path / "course", roster=tmp_path / "roster.csv")
    course.release(PS, to="exchange")
    for student in roster:
        home = tmp_path / "home" / student.student_id / PS
        home.mkdir(parents=True)
        (home / f"{PS}.ipynb").write_text("{}", encoding="utf-8")
        submit_to_exchange(course, PS, student.student_id, home)
    done = _cli("collect", PS, "exchange", "--course", str(course.root))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("ownership cannot be checked here") == 1
    assert collect_record(course, PS, roster[0].student_id)["owner_checked"] is False


# ================================================================ LMS downloads


LMS_ROSTER = [
    Student("s01", "Alice", "Ames", "alice@school.example", "101"),
    Student("s02", "Bob", "Brown", "bob@school.example", "102"),
    Student("s03", "Cara", "Cole", "cara@school.example", "103"),
    Student("s04", "José", "Muñoz Ørsted", "jose@school.example", "23456"),
]


@pytest.fixture(scope="module")
def lms(tmp_path_factory):
    base = tmp_path_factory.mktemp("lms-doors")
    write_roster(base / "roster.csv", LMS_ROSTER)
    course = Course.init(base / "course", roster=base / "roster.csv")
    release = course.release(PS, to="folder", out=base / "release")
    gold = gold_answers(course, PS)
    work = {"notebook": (release / f"{PS}.ipynb").read_bytes(), "gold": answers_file(PS, gold).encode()}
    return course, base, work


@pytest.fixture
def lms_clean(lms):
    course, base, work = lms
    for folder in ("submitted", "collected", "status", "autograded"):
        shutil.rmtree(course.root / folder, ignore_errors=True)
    (course.root / "submitted").mkdir()
    return lms


def _zip(path: Path, entries: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 23, 8, 0, 0)), data, compress_type=method)
    return path


def _both(prefix: str, work: dict, answers: bytes | None = None) -> dict[str, bytes]:
    """A student's notebook and answers under an LMS name prefix."""
    return {f"{prefix}{PS}.ipynb": work["notebook"], f"{prefix}{PS}.answers.json": answers or work["gold"]}


def test_a_file_nested_under_another_students_moodle_folder_is_credited_to_nobody(lms_clean, tmp_path):
    course, base, work = lms_clean
    alice, bob = "Alice Ames_101_assignsubmission_file_/", "Bob Brown_102_assignsubmission_file_/"
    nested = f"{alice}{bob}{PS}.answers.json"
    impostor = f"Cara Cole_102_assignsubmission_file_/{PS}.answers.json"  # bob's participant id, cara's name
    entries = {**_both(alice, work), **_both(bob, work), nested: answers_file(PS, {}).encode(), impostor: b"{}"}
    download = _zip(tmp_path / "moodle.zip", entries)
    before = _snapshot(tmp_path.parent, course.root)

    done = _cli("collect", PS, str(download), "--course", str(course.root))

    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    refused = next(x for x in lines if x.startswith(f"  refused {nested}: "))
    assert f"it is inside {alice} (the folder of 'Alice Ames', 101) but is named as the file of 'Bob Brown'" in refused
    assert any(x.startswith(f"  no roster match: {impostor} (its Moodle participant id 102 is s02's") for x in lines)
    assert "collected 2 submission(s): s01, s02" in done.stdout
    assert (course.submission_dir(PS, "s02") / f"{PS}.answers.json").read_bytes() == work["gold"]
    assert (course.submission_dir(PS, "s01") / f"{PS}.answers.json").read_bytes() == work["gold"]
    assert not course.submission_dir(PS, "s03").exists()
    scores = _autograde(course)
    assert scores["s02"] == FULL and scores["s01"] == FULL and scores.get("s03") is None
    assert load_status(course.root, PS)["s03"].status == MISSING  # nothing of theirs was given to them
    assert _snapshot(tmp_path.parent, course.root) == before and _leftovers(course) == []


def test_hostile_zip_names_are_refused_and_the_honest_student_is_collected(lms_clean, tmp_path):
    course, base, work = lms_clean
    hostile = {
        "brownbob_102_9001_..": b"x",  # the Canvas file part is '..'
        "brownbob_102_9002_.": b"x",
        "colecara_103_9003_": b"x",  # no file part at all
        "": b"x",
        ".": b"x",
        "/etc/colecara_103_9004_ps1-sources.ipynb": b"x",
        "x/../colecara_103_9005_ps1-sources.ipynb": b"x",
        "./colecara_103_9006_ps1-sources.ipynb": b"x",
    }
    entries = {**_both("amesalice_101_9000_", work), **hostile}
    done = _cli("collect", PS, str(_zip(tmp_path / "canvas.zip", entries)), "--course", str(course.root))
    assert "Traceback" not in done.stderr and done.returncode == 1, done.stderr
    assert "collected 1 submission(s): s01" in done.stdout
    skipped = [line for line in done.stdout.splitlines() if line.startswith("  skipped ")]
    for name in ("brownbob_102_9001_..", "brownbob_102_9002_.", "/etc/", "x/../", "./colecara"):
        assert any(line.startswith(f"  skipped {name}") for line in skipped), name
    assert "  skipped : its name is empty (not copied)" in skipped and "  skipped .: its path holds a '.' folder" in (
        "\n".join(skipped)
    )
    assert not course.submission_dir(PS, "s02").exists() and not course.submission_dir(PS, "s03").exists()
    assert _autograde(course)["s01"] == FULL
    assert _leftovers(course) == []


def _zeros(mb: int) -> bytes:
    return bytes(mb * 1_000_000)


def test_a_zip_bomb_is_refused_before_anything_is_extracted(lms_clean, tmp_path, monkeypatch, capsys):
    course, base, work = lms_clean
    deflate = zipfile.ZIP_DEFLATED
    bomb = {f"brownbob_102_91{i:02d}_data{i}.bin": _zeros(30) for i in range(3)}  # 90 MB in a few hundred KB
    download = _zip(tmp_path / "bomb.zip", {**_both("amesalice_101_9000_", work), **bomb}, deflate)
    assert download.stat().st_size < 1_000_000

    done = _cli("collect", PS, str(download), "--course", str(course.root), "--max-download-mb", "50")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "over the cap of 50 MB for one download (the total size cap): nothing was extracted" in done.stderr
    assert "--max-download-mb 91" in done.stderr
    assert course.submitted_students(PS) == [] and _leftovers(course) == []

    done = _cli("collect", PS, str(download), "--course", str(course.root), "--max-entries", "4")
    assert "holds 5 files, over the cap of 4 for one download (the entry count cap)" in done.stderr
    assert course.submitted_students(PS) == []

    # zeros under names that are no student's: never extracted at all, the class is collected
    junk = {f"zeros{i}.bin": _zeros(20) for i in range(5)}
    download = _zip(tmp_path / "junk.zip", {**_both("amesalice_101_9000_", work), **junk}, deflate)
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    monkeypatch.setattr(tempfile, "tempdir", str(SCRATCH))
    assert main(["collect", PS, str(download), "--course", str(course.root)]) == 1  # s02..s04 have nothing
    out = capsys.readouterr().out
    assert sorted(opened) == [f"amesalice_101_9000_{PS}.answers.json", f"amesalice_101_9000_{PS}.ipynb"]
    assert "file name not recognised (not a Canvas or Moodle download name): zeros0.bin" in out
    assert course.submitted_students(PS) == ["s01"] and _leftovers(course) == []
    assert _autograde(course)["s01"] == FULL


def test_a_zip_entry_that_lies_about_its_size_is_refused(lms_clean, tmp_path):
    course, base, work = lms_clean
    honest = _both("amesalice_101_9000_", work)
    liar = "brownbob_102_9001_ps1-sources.answers.json"
    download = _zip(tmp_path / "liar.zip", {**honest, liar: b"x" * 100_000}, zipfile.ZIP_DEFLATED)
    raw = bytearray(download.read_bytes())
    central = raw.rfind(b"PK\x01\x02", 0, raw.rfind(liar.encode()) + 1)  # its central directory record
    raw[central + 24 : central + 28] = (1000).to_bytes(4, "little")  # declares 1000 bytes
    download.write_bytes(bytes(raw))
    done = _cli("collect", PS, str(download), "--course", str(course.root))
    assert "Traceback" not in done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith(f"  skipped {liar}"))
    assert "could not be read from the zip" in line or "expands past its declared size" in line
    assert not course.submission_dir(PS, "s02").exists()
    assert "collected 1 submission(s): s01" in done.stdout and _leftovers(course) == []


def _clear_utf8_flag(path: Path) -> None:
    """Rewrite a zip's headers without the UTF-8 flag, as rubyzip (Canvas) writes them."""
    raw = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        while at != -1:
            flags = int.from_bytes(raw[at + offset : at + offset + 2], "little") & ~0x800
            raw[at + offset : at + offset + 2] = flags.to_bytes(2, "little")
            at = raw.find(signature, at + 4)
    path.write_bytes(bytes(raw))


def test_utf8_names_without_the_utf8_flag_are_read_and_canvas_ids_decide(lms_clean, tmp_path):
    """Issue 25, point 4: accented Canvas names in a zip without the UTF-8 flag."""
    course, base, work = lms_clean
    download = _zip(tmp_path / "canvas.zip", _both("muñozørstedjosé_23456_700_", work))
    _clear_utf8_flag(download)
    with zipfile.ZipFile(download) as archive:
        assert all(not i.flag_bits & 0x800 for i in archive.infolist())
        assert archive.namelist()[0].startswith("mu├▒oz")  # what cp437 makes of it
    done = _cli("collect", PS, str(download), "--course", str(course.root), "--verbose")  # a line per student
    line = next(x for x in done.stdout.splitlines() if x.startswith("  s04 (José Muñoz Ørsted): "))
    assert f"{PS}.ipynb from muñozørstedjosé_23456_700_{PS}.ipynb" in line

    # the name part in another encoding (latin-1 bytes, not UTF-8): the Canvas user id still decides
    shutil.rmtree(course.root / "submitted")
    latin = _zip(tmp_path / "latin.zip", _both("mu#oz#rstedjos#_23456_701_", work))
    raw = latin.read_bytes().replace(b"mu#oz#rstedjos#", "muñozørstedjosé".encode("latin-1"))  # same length
    latin.write_bytes(raw)
    with zipfile.ZipFile(latin) as archive:
        assert archive.namelist()[0].startswith("mu±oz°rstedjosΘ_23456_701_")
    done = _cli("collect", PS, str(latin), "--course", str(course.root))
    assert "collected 1 submission(s): s04" in done.stdout, done.stdout
    assert collect_record(course, PS, "s04")["matched_by"] == "lms_id"
    assert _autograde(course)["s04"] == FULL


def test_an_extracted_download_folder_copies_only_students_files(lms_clean, tmp_path, monkeypatch):
    from medialit.grading import collect

    course, base, work = lms_clean
    download = tmp_path / "extracted"
    download.mkdir()
    for name, data in {**_both("amesalice_101_9000_", work), "zeros.bin": _zeros(5)}.items():
        (download / name).write_bytes(data)
    staged: list[str] = []
    real = collect._stage_file
    monkeypatch.setattr(
        collect, "_stage_file", lambda root, rel, target: staged.append(str(rel)) or real(root, rel, target)
    )
    report = collect.collect_lms(course, PS, download)
    assert sorted(staged) == [f"amesalice_101_9000_{PS}.answers.json", f"amesalice_101_9000_{PS}.ipynb"]
    assert report.unrecognised == ["zeros.bin"] and list(report.collected) == ["s01"]
