"""The multi-user deployment of deploy/, end to end on one machine: real accounts, real servers, through the Hub.

It builds the shared environment under /opt/medialit (deploy/bin/build-env), then with
deploy/bin/medialit-admin: Linux accounts (three students, two instructors, the course's grader),
PostgreSQL (the course's gradebook, peer authentication), Redis, a Celery worker pool of two
processes run as the grader, and JupyterHub with PAM login and the course's formgrader. Then:

- students log in with their Linux passwords through the Hub's login form (two with requests, one
  in Chromium), fetch ps1-sources from nbgrader's Assignments API of their own server, answer
  (contents API; in the browser, with the exercise's widgets) and submit through the exchange (in the
  browser with the Fetch and Submit buttons of nbgrader's Assignments panel, the Nbgrader menu's only item);
- the grader collects, autogrades on Celery and exports a CSV; the grades equal those of the same
  submissions graded locally with SQLite;
- an instructor opens the formgrader through the Hub (a student gets 403); two instructors save
  manual scores at the same time and none is lost;
- a Celery worker process SIGKILLed mid-task ends graded again (or failed) with the reason;
- hostile students, collected and graded again: a link in inbound/ to a classmate's collected answers
  (refused; the link's owner gets nothing of the classmate's), a folder in a classmate's name made by
  another account (refused, listed by both names; the victim keeps their submission and grade) and a
  forged timestamp.txt (late by the exchange's time, the claim flagged);
- a student cannot read another student's home, the course folder, the exchange's submissions or the
  gradebook database; their owners can; exchange/COURSE is the grader's (outbound 0755, inbound 2733);
  the course's Redis user reaches its own keys only; a student searching /opt/medialit, /srv and /home
  finds no answer key, hidden test or master.

Everything it started is stopped and the accounts it made are removed, also when it fails.
Runs as root with CI=true or MEDIALIT_DEPLOY_TEST=1 (about 2 minutes on 2 cores); skipped otherwise.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# The browser tests' own Chromium fixtures (pytest-playwright with Debian's Chromium), imported here
# rather than from a conftest.py of this folder: a second top-level `conftest` module would shadow
# tests/conftest.py for every test module collected after it. One Playwright per test session, so
# this test also runs after the browser tests in the same pytest run.
from browser.conftest import browser_context_args, browser_type_launch_args, chromium  # noqa: F401

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

pytestmark = pytest.mark.deployment

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
DEPLOY = ROOT / "deploy"
ADMIN = DEPLOY / "bin" / "medialit-admin"
PREFIX = Path("/opt/medialit")
VENV = PREFIX / "venv"
SRV = Path("/srv/medialit")
EXCHANGE = Path("/srv/nbgrader/exchange")
COURSE = "media101"
GRADER = f"grader-{COURSE}"
COURSE_DIR = SRV / "courses" / COURSE
PS = "ps1-sources"
STUDENTS = ["student1", "student2", "student3"]
INSTRUCTORS = ["instructor1", "instructor2"]
BROWSER_STUDENT = "student3"
KILLED = "slow-student4"  # tests/celery_support.py holds a `slow-` student's first grading task
SEED_ID = "venezuela-prisoner-releases-2026-01-14"
BROWSER_ANSWERS = 8  # sentences the browser student labels


# ---------------------------------------------------------------------------- when it runs


def _why_not() -> str:
    if os.environ.get("CI", "").lower() != "true" and os.environ.get("MEDIALIT_DEPLOY_TEST") != "1":
        return (
            "the deployment test creates Linux accounts and starts PostgreSQL, Redis, Celery and JupyterHub "
            "(about 1.5 minutes): it runs as root under CI=true or MEDIALIT_DEPLOY_TEST=1"
        )
    if os.geteuid() != 0:
        return "the deployment test needs root (it creates Linux accounts and runs servers as them)"
    return ""


def _missing_tools() -> list[str]:
    needs = {
        "/usr/bin/python3 (python3-venv)": Path("/usr/bin/python3").is_file(),
        "PostgreSQL server (postgresql)": bool(list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))),
        "psql (postgresql-client)": bool(shutil.which("psql")),
        "redis-server": bool(shutil.which("redis-server")),
        "configurable-http-proxy (npm install -g configurable-http-proxy)": bool(
            shutil.which("configurable-http-proxy", path="/usr/local/bin:/usr/bin:/bin")
        ),
        "chromium": Path("/usr/bin/chromium").is_file(),
        "runuser, useradd": bool(shutil.which("runuser") and shutil.which("useradd")),
    }
    return [name for name, ok in needs.items() if not ok]


def build_env_vars() -> dict[str, str]:
    """What deploy/bin/build-env runs with here: the test venv's uv (``make test`` puts it there), so
    the environment builds from PyPI in about a minute, not pip's several; build-env falls back to pip."""
    if "MEDIALIT_UV" in os.environ:  # MEDIALIT_UV=none tests the pip path
        return {}
    uv = Path(sysconfig.get_path("scripts")) / "uv"
    found = str(uv) if uv.is_file() else shutil.which("uv")
    return {"MEDIALIT_UV": found} if found else {}


def _leftovers() -> list[str]:
    """What a previous run (or a real deployment) left that this test would overwrite."""
    found = [str(p) for p in (COURSE_DIR, SRV / "state", SRV / "postgres", EXCHANGE / COURSE) if p.exists()]
    for name in [*STUDENTS, *INSTRUCTORS, GRADER]:
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            found.append(f"account {name}")
    return found


# ---------------------------------------------------------------------------- the machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sh(cmd: list[str], what: str, check: bool = True, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    """Run a command, showing its output when it fails."""
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{what} failed ({result.returncode}): {' '.join(cmd)}\n{result.stdout}\n{result.stderr}")
    return result


@dataclass
class Deployment:
    """The running deployment: its site file, the passwords, and who made what (for the teardown)."""

    site: Path
    work: Path
    hub: str
    passwords: dict[str, str]
    ports: dict[str, int]
    phases: list[tuple[str, float]] = field(default_factory=list)
    made_people: bool = False
    made_course: bool = False

    def admin(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        return sh(
            [str(VENV / "bin" / "python"), str(ADMIN), "--site", str(self.site), *args],
            f"medialit-admin {args[0]}",
            check,
            timeout,
        )

    def as_grader(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.admin("as-grader", COURSE, "--", *cmd, check=check)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        finally:
            took = time.monotonic() - start
            self.phases.append((name, took))
            print(f"[deployment] {name}: {took:.1f} s", flush=True)


SITE = """\
prefix: {prefix}
courses_root: {srv}/courses
exchange: {exchange}
state: {srv}/state
hub: {{ip: 127.0.0.1, port: {hub}, hub_port: {hub_api}, proxy_api_port: {proxy_api}, admins: []}}
postgres: {{port: {pg}, data: {srv}/postgres, socket_dir: {srv}/run/postgresql}}
redis: {{port: {redis}, dir: {srv}/redis}}
courses:
  {course}:
    service_port: {service}
    workers: 2
    redis_db: 1
    instructors: [{instructors}]
    students: [{students}]
"""


def uids_of(names: list[str]) -> set[int]:
    found = set()
    for name in names:
        with contextlib.suppress(KeyError):
            found.add(pwd.getpwnam(name).pw_uid)
    return found


def processes_of(uids: set[int]) -> list[int]:
    """The pids of every process run by one of ``uids``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            status = (entry / "status").read_text()
            uid = int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1))  # type: ignore[union-attr]
            if uid in uids and "\nState:\tZ" not in status:
                pids.append(int(entry.name))
    return pids


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    reason = _why_not()
    if reason:
        print(f"SKIPPED: {reason}", file=sys.stderr)
        pytest.skip(reason)
    missing = _missing_tools()
    if missing:
        pytest.fail(f"the deployment test needs: {', '.join(missing)} (see deploy/README.md)", pytrace=False)
    left = _leftovers()
    if left:
        pytest.fail(
            "refusing to overwrite what is already there: " + ", ".join(left) + ". If a previous run left it, "
            f"remove it: {ADMIN} --site SITE remove-course {COURSE}; remove-people; rm -rf {SRV} {EXCHANGE}",
            pytrace=False,
        )
    work = tmp_path_factory.mktemp("deployment")
    ports = {name: free_port() for name in ("hub", "hub_api", "proxy_api", "pg", "redis", "service")}
    site = work / "site.yaml"
    site.write_text(
        SITE.format(
            prefix=PREFIX,
            srv=SRV,
            exchange=EXCHANGE,
            course=COURSE,
            instructors=", ".join(INSTRUCTORS),
            students=", ".join(STUDENTS),
            **ports,
        ),
        encoding="utf-8",
    )
    passwords = {name: secrets.token_urlsafe(10) for name in [*STUDENTS, *INSTRUCTORS]}
    dep = Deployment(site=site, work=work, hub=f"http://127.0.0.1:{ports['hub']}", passwords=passwords, ports=ports)
    made_srv = not SRV.exists()
    made_exchange = not EXCHANGE.parent.exists()
    try:
        with dep.phase("build the shared environment (/opt/medialit)"):
            sh([str(DEPLOY / "bin" / "build-env"), str(ROOT)], "build-env", env={**os.environ, **build_env_vars()})
            sh(["su", "nobody", "-s", "/bin/sh", "-c", f"{VENV}/bin/python -c 'import medialit, nbgrader'"], "nobody")
        with dep.phase("accounts, PostgreSQL, Redis, the course, the Celery workers, the Hub"):
            dep.admin("setup")
            pw_file = work / "passwords"
            pw_file.write_text("".join(f"{n}:{p}\n" for n, p in passwords.items()), encoding="utf-8")
            pw_file.chmod(0o600)
            dep.made_people = True
            dep.admin("add-people", "--passwords", str(pw_file))
            dep.admin("start", "postgres")
            dep.admin("start", "redis")
            dep.made_course = True
            dep.admin("add-course", COURSE)
            dep.admin("start", "workers")
            dep.admin("start", "hub")
            dep.as_grader("medialit", "release", PS)
        yield dep
    finally:
        with dep.phase("stop everything, remove the accounts"):
            _teardown(dep, made_srv, made_exchange)
        print("[deployment] phases: " + "; ".join(f"{n} {t:.0f} s" for n, t in dep.phases), flush=True)


def _teardown(dep: Deployment, made_srv: bool, made_exchange: bool) -> None:
    problems = []
    result = dep.admin("stop", "all", check=False)
    if result.returncode:
        problems.append(result.stderr)
    uids = uids_of([*STUDENTS, *INSTRUCTORS, GRADER])
    for pid in processes_of(uids):  # kernels or servers the Hub did not stop: named, then ended by pid
        problems.append(f"process {pid} of a test account outlived the Hub: {_cmdline(pid)}")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if dep.made_course:
        dep.admin("start", "postgres", check=False)  # remove-course drops the database
        dep.admin("remove-course", COURSE, check=False)
        dep.admin("stop", "postgres", check=False)
    if dep.made_people:
        dep.admin("remove-people", check=False)
    if made_srv:
        shutil.rmtree(SRV, ignore_errors=True)
    if made_exchange:
        shutil.rmtree(EXCHANGE.parent, ignore_errors=True)
    ours = [f"{SRV}/", f"--api-port {dep.ports['proxy_api']}"]  # PostgreSQL, Redis, the proxy (not /srv/medialit-x)
    left = [f"{pid}: {_cmdline(pid)}" for pid in processes_of(uids)]
    left += [f"{pid}: {_cmdline(pid)}" for pid in processes_naming(ours)]
    assert not left, f"processes left behind: {left}"
    assert not problems, "the teardown found problems:\n" + "\n".join(problems)


def processes_naming(needles: list[str]) -> list[int]:
    """The pids of running processes whose command line contains one of ``needles``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            line = _cmdline(int(entry.name))
            if any(needle in line for needle in needles) and "\nState:\tZ" not in _status(entry):
                found.append(int(entry.name))
    return found


def _status(entry: Path) -> str:
    with contextlib.suppress(OSError):
        return entry.joinpath("status").read_text()
    return ""


def _cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:200]
    return "?"


# ---------------------------------------------------------------------------- the students


def answers_for(gold: dict[str, Any], profile: str, seed: int) -> dict[str, Any]:
    import random

    from medialit.cli.demo import PROFILES, synthesize

    skill = {name: p for name, p, _ in PROFILES}
    return synthesize(gold, profile, skill[profile], random.Random(seed))


def disabled_extensions(lab_page: str) -> set[str]:
    """The lab extensions a JupyterLab page turns off (its jupyter-config-data)."""
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', lab_page, re.S)
    assert found, "no jupyter-config-data in the JupyterLab page"
    disabled = json.loads(found.group(1)).get("disabledExtensions") or []
    return {k for k, v in disabled.items() if v} if isinstance(disabled, dict) else set(disabled)


def student_by_requests(dep: Deployment, name: str, answers: dict[str, Any]) -> None:
    """Log in through the form, start the server, fetch, write the answers file, submit."""
    from hub_session import HubUser

    from medialit.cli.demo import answers_file

    user = HubUser(dep.hub, name, dep.passwords[name]).login().start_server()
    listed = user.assignments(COURSE)["value"]
    assert [(a["course_id"], a["assignment_id"], a["status"]) for a in listed] == [(COURSE, PS, "released")]
    assert user.server_json("GET", "/courses")["value"] == [COURSE]  # the Hub's groups: only their course
    fetched = user.assignment_action("fetch", COURSE, PS)["value"]
    assert any(a["assignment_id"] == PS and a["status"] == "fetched" for a in fetched), fetched
    folder = f"{COURSE}/{PS}"
    assert f"{folder}/{PS}.ipynb" in [f["path"] for f in user.read_file(folder)["content"]]
    user.write_text(f"{folder}/{PS}.answers.json", answers_file(PS, answers))
    submitted = user.assignment_action("submit", COURSE, PS)["value"]
    assert any(a["status"] == "submitted" for a in submitted), submitted
    # their JupyterLab: nbgrader's Assignments list, none of its instructor tools
    assert user.server("GET", "/formgrader").status_code == 404  # formgrader's server extension is off
    disabled = disabled_extensions(user.open(f"/user/{name}/lab").text)
    assert {f"@jupyter/nbgrader:{x}" for x in ("formgrader", "create-assignment", "course-list")} <= disabled
    assert "@jupyter/nbgrader:assignment-list" not in disabled, disabled
    # a student holds no scope on the course's service: the Hub refuses the formgrader
    answer = user.service("GET", COURSE, "/formgrader")
    assert answer.status_code == 403, (answer.status_code, answer.url)


def student_in_browser(dep: Deployment, name: str, browser: Browser) -> dict[str, str]:
    """Chromium: the Hub's login page; Fetch in nbgrader's Assignments panel; the exercise's widgets; Submit."""
    from browser.jlab import UI_MS, Notebook, Shots, row, wait_saved
    from playwright.sync_api import expect

    from medialit.content.article import load_article
    from medialit.content.scheme import load_scheme

    article = load_article(SEED_ID, folder=ROOT / "seeds")
    names = load_scheme().label_names()
    labels = {s.id: s.label for s in article.sentences[:BROWSER_ANSWERS]}
    prefix = f"/user/{name}"
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        shot = Shots(page, "deployment-student")
        expect.set_options(timeout=UI_MS)
        page.goto(f"{dep.hub}/hub/login")
        page.fill("#username_input", name)
        page.fill("#password_input", dep.passwords[name])
        page.click("#login_submit")
        page.goto(f"{dep.hub}/hub/spawn/{name}")  # the Spawn button; the pending page follows the server
        page.wait_for_url(re.compile(rf"{re.escape(prefix)}/lab"), timeout=180_000)
        # Nbgrader → Assignment List: the menu holds nothing else; Fetch
        assignments = open_assignment_list(page)
        shot("assignment-list")
        released = assignments.locator(f"#released_assignments_list {ROW}", has_text=PS)
        released.get_by_role("button", name="Fetch").click()
        fetched = assignments.locator(f"#fetched_assignments_list {ROW}", has_text=PS)
        expect(fetched).to_be_visible(timeout=60_000)
        # the exercise: Run All, label sentences with the widgets (saved to the answers file at once)
        relpath = f"{COURSE}/{PS}/{PS}.ipynb"
        nb = Notebook(page, HubLab(dep.hub, prefix, Path(pwd.getpwnam(name).pw_dir)), relpath).open()
        expect(nb.panel.locator(".jp-Toolbar .validate-button")).to_have_count(1)  # Validate stays
        nb.menu("Run", "Run All Cells")
        labeler = nb.widget("Label each sentence")
        expect(labeler).to_be_visible(timeout=120_000)
        for sid, label in labels.items():
            row(labeler, sid).locator("select").select_option(value=names[label])
        wait_saved(nb.path.with_name(f"{PS}.answers.json"), "labels", labels, timeout=60)
        shot("answered", labeler)
        # back to the Assignments tab: Submit
        assignments = open_assignment_list(page)
        fetched = assignments.locator(f"#fetched_assignments_list {ROW}", has_text=PS)
        fetched.get_by_role("button", name="Submit").click()
        expect(assignments.locator(f"#submitted_assignments_list {ROW}", has_text=PS)).to_be_visible(timeout=60_000)
        shot("submitted")
    finally:
        context.close()
    return labels


ROW = ".list_item:not(.nested_list_item)"  # a row of nbgrader's Assignments lists (not a notebook inside one)


def open_assignment_list(page: Page) -> Locator:
    """Nbgrader → Assignment List (the menu's only item for a student); the Assignments panel."""
    from playwright.sync_api import expect

    page.locator('.lm-MenuBar-itemLabel:text-is("Nbgrader")').click(timeout=60_000)
    items = page.locator("#jp-mainmenu-nbgrader .lm-Menu-item:visible")
    expect(items).to_have_count(1)
    expect(items).to_have_text(re.compile(r"^\s*Assignment List\s*$"))
    items.click()
    panel = page.locator("#nbgrader-assignment-list")
    expect(panel).to_be_visible()
    return panel


@dataclass
class HubLab:
    """What browser.jlab.Notebook needs of a server: where its files are and the page of a notebook."""

    hub: str
    prefix: str
    root: Path

    def page_url(self, relpath: str) -> str:
        return f"{self.hub}{self.prefix}/lab/tree/{relpath}?reset"


# ---------------------------------------------------------------------------- the grader's side


def status_of(course_dir: Path) -> dict[str, tuple[str, Any, Any]]:
    data = json.loads((course_dir / "status" / f"{PS}.json").read_text(encoding="utf-8"))
    students = data.get("students", data)
    return {s: (v["status"], v.get("score"), v.get("max_score")) for s, v in students.items()}


def grades_csv(path: Path) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return {row["student_id"]: row for row in rows}


def grade_locally(dep: Deployment) -> tuple[Path, dict[str, dict[str, str]]]:
    """The collected submissions, copied into a SQLite course and graded with the local pool; its CSV."""
    local = dep.work / "local-course"
    roster = dep.work / "roster.csv"
    roster.write_text(
        "student_id,first_name,last_name,email,lms_id\n" + "".join(f"{s},{s},,,\n" for s in STUDENTS), encoding="utf-8"
    )
    medialit = str(Path(sys.executable).parent / "medialit")
    sh([medialit, "course", "init", str(local), "--roster", str(roster)], "local course init")
    for student in STUDENTS:
        shutil.copytree(COURSE_DIR / "submitted" / student, local / "submitted" / student)
    shutil.copytree(COURSE_DIR / "collected", local / "collected", dirs_exist_ok=True)
    sh([medialit, "autograde", PS, "--course", str(local), "--jobs", "2", "--quiet"], "local autograde")
    out = dep.work / "local.csv"
    sh([medialit, "export", PS, "--course", str(local), "--format", "csv", "--out", str(out)], "local export")
    return local, grades_csv(out)


def formgrader_json(user, path: str) -> Any:
    answer = user.service("GET", COURSE, f"/formgrader/api{path}")
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:500])
    return answer.json()


def save_scores_together(dep: Deployment, gold_scores: dict[str, float]) -> None:
    """Two instructors PUT manual scores for the class's grades at the same moment; every one is kept."""
    from hub_session import HubUser

    instructors = [HubUser(dep.hub, name, dep.passwords[name]).login() for name in INSTRUCTORS]
    for user in instructors:
        assert user.open(f"/services/{COURSE}/formgrader").status_code == 200
    submissions = formgrader_json(instructors[0], f"/submitted_notebooks/{PS}/{PS}")
    grades = [g for s in submissions for g in formgrader_json(instructors[0], f"/grades?submission_id={s['id']}")]
    assert len(grades) >= 2 * len(STUDENTS), grades
    wanted = {g["id"]: round((g["max_score"] or 1) * (0.25 + 0.5 * (i % 2)), 2) for i, g in enumerate(grades)}
    shares = [[g for i, g in enumerate(grades) if i % 2 == n] for n in range(2)]
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def save(user, mine: list[dict[str, Any]]) -> None:
        barrier.wait()
        for grade in mine:
            answer = user.service(
                "PUT", COURSE, f"/formgrader/api/grade/{grade['id']}", json={"manual_score": wanted[grade["id"]]}
            )
            if answer.status_code != 200:
                errors.append(f"{user.name} {grade['id']}: {answer.status_code} {answer.text[:300]}")

    threads = [threading.Thread(target=save, args=(u, s)) for u, s in zip(instructors, shares, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not errors, errors
    saved = {
        g["id"]: g["manual_score"]
        for s in submissions
        for g in formgrader_json(instructors[1], f"/grades?submission_id={s['id']}")
    }
    assert saved == wanted, {k: (saved.get(k), v) for k, v in wanted.items() if saved.get(k) != v}
    # and in PostgreSQL itself, read by the gradebook's owner
    count = dep.as_grader(
        "psql", "-X", "-A", "-t", "-h", str(SRV / "run" / "postgresql"), "-p", str(dep.ports["pg"]),
        "-d", "medialit_media101", "-c", "SELECT count(*) FROM grade WHERE manual_score IS NOT NULL",
    ).stdout.strip()  # fmt: skip
    assert int(count) == len(wanted)


def kill_a_worker_mid_task(dep: Deployment) -> tuple[str, str]:
    """A test worker (the same command, as the grader, plus tests/celery_support.py) is SIGKILLed holding a task."""
    from celery_support import MARKERS_ENV, wait_for_pid, wait_for_worker

    home = Path(pwd.getpwnam(GRADER).pw_dir)  # the grader reaches nothing under root's temp folders
    support = home / "test-support"
    support.mkdir()
    shutil.copy(TESTS / "celery_support.py", support / "celery_support.py")
    markers = support / "markers"
    markers.mkdir()
    for path in (support, support / "celery_support.py", markers):
        shutil.chown(path, GRADER, GRADER)
    broker = (home / ".medialit-broker").read_text().strip()
    # a fourth submission (a copy of student1's), graded alone: the held task's process is killed
    sh(["cp", "-a", str(COURSE_DIR / "submitted" / "student1"), str(COURSE_DIR / "submitted" / KILLED)], "copy")
    dep.admin("stop", "workers")
    entry = pwd.getpwnam(GRADER)
    env = {
        "HOME": entry.pw_dir,
        "PATH": f"{VENV}/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "MEDIALIT_BROKER": broker,
        MARKERS_ENV: str(markers),
        "PYTHONPATH": str(support),
    }
    cmd = [f"{VENV}/bin/medialit", "grading-worker", "--course", str(COURSE_DIR), "--concurrency", "2"]
    cmd += ["--", "--include", "celery_support"]
    log = (dep.work / "test-worker.log").open("wb")
    worker = subprocess.Popen(
        cmd, cwd=COURSE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        user=entry.pw_uid, group=entry.pw_gid,
        extra_groups=[g for g in os.getgrouplist(GRADER, entry.pw_gid) if g != entry.pw_gid],  # medialit-graders
    )  # fmt: skip
    try:
        wait_for_worker(broker, worker)
        grading = subprocess.Popen(
            [str(VENV / "bin" / "python"), str(ADMIN), "--site", str(dep.site), "as-grader", COURSE, "--",
             "medialit", "autograde", PS, "--executor", "celery", "--student", KILLED, "--quiet"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        os.kill(wait_for_pid(markers, KILLED), signal.SIGKILL)  # mid-task: the process holds the task
        output = grading.communicate(timeout=400)[0]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        log.close()
        dep.admin("start", "workers")
    data = json.loads((COURSE_DIR / "status" / f"{PS}.json").read_text(encoding="utf-8"))
    entry_ = data.get("students", data)[KILLED]
    return entry_["status"], entry_.get("reason", "") + "\n" + output


# ---------------------------------------------------------------------------- hostile students

FORGED = "2020-01-01 00:00:00.000000 UTC"  # a student's own claim of when they submitted


def plant(owner: str, folder_name: str, copies: dict[str, str], texts: dict[str, str] | None = None,
          links: dict[str, str] | None = None) -> Path:  # fmt: skip
    """A folder in inbound/ made by the account ``owner`` itself (as a student can, without nbgrader)."""
    folder = EXCHANGE / COURSE / "inbound" / folder_name
    made = as_account(owner, "mkdir", str(folder))
    assert made.returncode == 0, made.stderr
    for name, source in copies.items():  # copied by the student from their own files, readable as nbgrader's are
        copied = as_account(owner, "cp", source, str(folder / name))
        assert copied.returncode == 0, copied.stderr
        assert as_account(owner, "chmod", "0644", str(folder / name)).returncode == 0
    for name, text in (texts or {}).items():
        written = as_account(owner, "tee", str(folder / name), input=text)
        assert written.returncode == 0, written.stderr
    for name, target in (links or {}).items():
        linked = as_account(owner, "ln", "-s", target, str(folder / name))
        assert linked.returncode == 0, linked.stderr
    return folder


def hostile_students(dep: Deployment) -> dict[str, Any]:
    """A link to a classmate's answers, an impostor folder and a forged timestamp.txt; collected and graded again."""
    submitted = COURSE_DIR / "submitted"
    answers = f"{PS}/{PS}.answers.json"
    victim_before = (submitted / "student2" / answers).read_bytes()
    score_before = exported_grade(dep, "student2")  # the gradebook's, with the instructors' manual scores
    due = COURSE_DIR / "assignments.yaml"  # due yesterday: what counts is when the exchange got it
    yesterday = time.strftime("%Y-%m-%d %H:%M +00:00", time.gmtime(time.time() - 86400))
    due.write_text(f"{PS}:\n  due: {yesterday}\n", encoding="utf-8")
    shutil.chown(due, GRADER, GRADER)
    now = time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC", time.gmtime())
    home = {name: Path(pwd.getpwnam(name).pw_dir) / COURSE / PS for name in STUDENTS}
    # student1: their notebook, and "their" answers a link to student2's collected ones
    plant(
        "student1",
        f"student1+{PS}+{now}+link",
        {f"{PS}.ipynb": str(home["student1"] / f"{PS}.ipynb")},
        links={f"{PS}.answers.json": str(submitted / "student2" / answers)},
    )
    # student3, in student2's name: an empty answers file that would replace student2's submission
    empty = json.dumps({"medialit_answers": 1, "name": PS, "labels": {}})
    plant("student3", f"student2+{PS}+{now}+impostor", {}, {f"{PS}.answers.json": empty})
    # student3's own new submission, claiming 2020 in its name and its timestamp.txt
    own = {f: str(home["student3"] / f) for f in (f"{PS}.ipynb", f"{PS}.answers.json")}
    plant("student3", f"student3+{PS}+{FORGED}+forged", own, {"timestamp.txt": FORGED})
    collected = dep.as_grader("medialit", "collect", PS, "exchange", "--course", str(COURSE_DIR), check=False)
    said = collected.stdout + collected.stderr
    graded = dep.as_grader(
        "medialit", "autograde", PS, "--course", str(COURSE_DIR), "--executor", "celery", "--quiet",
        *(x for s in STUDENTS for x in ("--student", s)), check=False,
    )  # fmt: skip
    statuses = json.loads((COURSE_DIR / "status" / f"{PS}.json").read_text(encoding="utf-8"))
    statuses = statuses.get("students", statuses)
    return {
        "collect": said,
        "autograde": graded.stdout + graded.stderr,
        "victim_kept": (submitted / "student2" / answers).read_bytes() == victim_before,
        "linked_got": (submitted / "student1" / answers).read_bytes() == victim_before
        if (submitted / "student1" / answers).is_file()
        else False,
        "victim_score": (score_before, exported_grade(dep, "student2")),
        "forger_late": statuses["student3"].get("late", ""),
    }


def exported_grade(dep: Deployment, student: str) -> tuple[str, str]:
    """``student``'s (status, score) in the course's CSV export (the gradebook's grades)."""
    exported = dep.as_grader("medialit", "export", PS, "--course", str(COURSE_DIR), "--format", "csv").stdout
    row = grades_csv(Path(re.search(r"^wrote (\S+\.csv)", exported, re.M).group(1)))[student]  # type: ignore[union-attr]
    return row["status"], row["score"]


def search_for_keys(name: str) -> list[str]:
    """What the account ``name`` finds of the answer keys, hidden tests and masters where the deployment puts files."""
    places = [str(PREFIX), "/srv", "/home"]
    patterns = ["key: solid", "key: weak", "GRADERS ONLY", "BEGIN HIDDEN TESTS", "water-prices.key"]
    patterns.append("### BEGIN SOLUTION")
    grep = as_account(name, "grep", "-rIl", *(x for p in patterns for x in ("-e", p)), *places, timeout=300)
    named = as_account(name, "find", *places, "-readable", "(", "-name", "*.key.*", "-o", "-path", "*/keys/*", ")")
    found = [line for line in (grep.stdout + named.stdout).splitlines() if line.strip()]
    code = ("/site-packages/nbgrader/", "/site-packages/medialit/teaching/generate.py")  # code naming the delimiters
    public = ("/seeds/discernment/practice-",)  # the self-study practice form's key is public (issue 23, 4.)
    return [f for f in found if not any(c in f for c in (*code, *public))]


# ---------------------------------------------------------------------------- permissions


def as_account(name: str, *cmd: str, timeout: float = 60, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["runuser", "-u", name, "--", *cmd], capture_output=True, text=True, timeout=timeout, cwd="/", input=input
    )


def check_permissions(dep: Deployment) -> None:
    other = f"/home/student2/{COURSE}/{PS}/{PS}.answers.json"
    denied = as_account("student1", "cat", other)
    assert denied.returncode != 0 and "Permission denied" in denied.stderr, denied
    assert as_account("student2", "cat", other).returncode == 0  # the owner can
    denied = as_account("student1", "ls", str(COURSE_DIR))
    assert denied.returncode != 0 and "Permission denied" in denied.stderr, denied
    assert "gradebook" not in as_account("student1", "ls", str(COURSE_DIR)).stdout
    assert PS in as_account(GRADER, "ls", str(COURSE_DIR / "submitted" / "student1")).stdout  # the grader can
    inbound = str(EXCHANGE / COURSE / "inbound")  # everyone's submissions: students may add, not look
    denied = as_account("student1", "ls", inbound)
    assert denied.returncode != 0 and "Permission denied" in denied.stderr, denied
    assert "student2+ps1-sources+" in as_account(GRADER, "ls", inbound).stdout
    socket_dir = str(SRV / "run" / "postgresql")
    query = ["psql", "-X", "-A", "-t", "-h", socket_dir, "-p", str(dep.ports["pg"]), "-d", "medialit_media101"]
    denied = as_account("student1", *query, "-c", "SELECT 1")
    assert denied.returncode != 0 and 'role "student1" does not exist' in denied.stderr, denied
    denied = as_account("student1", *query, "-U", GRADER, "-c", "SELECT 1")  # claiming the grader's role
    assert denied.returncode != 0 and "Peer authentication failed" in denied.stderr, denied
    allowed = as_account(GRADER, *query, "-c", "SELECT count(*) FROM student")
    assert allowed.returncode == 0 and int(allowed.stdout.strip()) >= len(STUDENTS), allowed
    # the course folder is the grader's alone; its folder in the exchange is the grader's, with nbgrader's modes
    grader = pwd.getpwnam(GRADER).pw_uid
    assert stat.S_IMODE(COURSE_DIR.stat().st_mode) == 0o700 and COURSE_DIR.stat().st_uid == grader
    modes = {p: (stat.S_IMODE((EXCHANGE / COURSE / p).stat().st_mode), (EXCHANGE / COURSE / p).stat().st_uid)
             for p in ("", "outbound", "inbound")}  # fmt: skip
    assert modes == {"": (0o755, grader), "outbound": (0o755, grader), "inbound": (0o2733, grader)}, modes
    assert stat.S_IMODE(EXCHANGE.stat().st_mode) == 0o1777
    check_redis_user(dep)
    print("[deployment] permissions: student1 cannot read student2's home, the course folder, the exchange's "
          "submissions, the gradebook database or the broker's password; their owners can; the course's Redis user "
          "reaches its own keys only", flush=True)  # fmt: skip


def check_redis_user(dep: Deployment) -> None:
    """The grader's broker URL names the course's own Redis user, which reaches nothing outside its own keys."""
    import redis

    path = Path(pwd.getpwnam(GRADER).pw_dir) / ".medialit-broker"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.stat().st_uid == pwd.getpwnam(GRADER).pw_uid
    denied = as_account("student1", "cat", str(path))
    assert denied.returncode != 0 and "Permission denied" in denied.stderr, denied
    url = path.read_text().strip()
    assert url.startswith(f"redis://medialit-{COURSE}:"), "the broker URL is not the course's own Redis user"
    client = redis.Redis.from_url(url)
    assert client.ping()
    for command in (("KEYS", "*"), ("LLEN", "medialit-other:celery"), ("GET", "celery-task-meta-x"),
                    ("CONFIG", "GET", "requirepass"), ("ACL", "LIST"), ("SCAN", "0")):  # fmt: skip
        with pytest.raises(redis.exceptions.NoPermissionError):
            client.execute_command(*command)
    client.llen(f"medialit-{COURSE}:celery")  # its own keys: allowed
    nopass = redis.Redis(host="127.0.0.1", port=dep.ports["redis"])
    with pytest.raises(redis.exceptions.AuthenticationError):
        nopass.ping()


# ---------------------------------------------------------------------------- the test


def test_a_class_through_the_hub(deployment: Deployment, request: pytest.FixtureRequest) -> None:
    from medialit.cli.demo import gold_answers
    from medialit.grading.course import Course

    dep = deployment
    with dep.phase("the answer key (the master, run once)"):
        scratch = Course.init(dep.work / "key-course")
        gold = gold_answers(scratch, PS)
    with dep.phase("two students by requests: log in, fetch, answer, submit"):
        student_by_requests(dep, "student1", answers_for(gold, "expert", 1))
        student_by_requests(dep, "student2", answers_for(gold, "partial", 2))
    with dep.phase("one student in Chromium: log in, fetch, Run All, answer with the widgets, submit"):
        student_in_browser(dep, BROWSER_STUDENT, request.getfixturevalue("browser"))
    with dep.phase("the grader: collect, autograde on Celery, export CSV"):
        grader_uid = pwd.getpwnam(GRADER).pw_uid
        pool = [p for p in processes_of({grader_uid}) if "grading-worker" in _cmdline(p)]
        assert len(pool) == 3, [_cmdline(p) for p in pool]  # Celery's main process and its 2 grading processes
        collected = dep.as_grader("medialit", "collect", PS, "exchange", "--course", str(COURSE_DIR), check=False)
        assert all(s in collected.stdout for s in STUDENTS), collected.stdout + collected.stderr
        graded = dep.as_grader(
            "medialit", "autograde", PS, "--course", str(COURSE_DIR), "--executor", "celery", "--quiet", check=False
        )
        assert graded.returncode == 0, graded.stdout + graded.stderr
        worker_log = (SRV / "state" / "log" / f"worker-{COURSE}.log").read_text(encoding="utf-8", errors="replace")
        assert worker_log.count("succeeded in") >= len(STUDENTS), worker_log[-3000:]  # graded by the workers
        exported = dep.as_grader("medialit", "export", PS, "--course", str(COURSE_DIR), "--format", "csv").stdout
        written = Path(re.search(r"^wrote (\S+\.csv)", exported, re.M).group(1))  # type: ignore[union-attr]
        assert written.parent == COURSE_DIR / "exports", exported
        remote = grades_csv(written)
        remote_status = status_of(COURSE_DIR)
    with dep.phase("the same submissions graded locally with SQLite"):
        local_dir, local = grade_locally(dep)
        local_status = status_of(local_dir)
    assert {s: remote_status[s] for s in STUDENTS} == {s: local_status[s] for s in STUDENTS}
    for student in STUDENTS:
        assert remote[student]["score"] == local[student]["score"], (student, remote[student], local[student])
        assert remote[student]["status"] == local[student]["status"] == "graded", remote[student]
    scores = {s: float(remote[s]["score"]) for s in STUDENTS}
    assert scores["student1"] > scores["student2"] > 0 and scores[BROWSER_STUDENT] > 0, scores
    print(f"[deployment] grades (PostgreSQL + Celery = SQLite + local pool): {scores}", flush=True)

    with dep.phase("an instructor opens formgrader; two save manual scores at once"):
        from hub_session import HubUser

        instructor = HubUser(dep.hub, "instructor1", dep.passwords["instructor1"]).login()
        page = instructor.open(f"/services/{COURSE}/formgrader")
        assert page.status_code == 200 and PS in page.text, page.status_code
        listed = [a["name"] for a in formgrader_json(instructor, "/assignments")]
        assert PS in listed, listed
        save_scores_together(dep, scores)
    with dep.phase("a Celery worker process killed mid-task"):
        status, reason = kill_a_worker_mid_task(dep)
        assert status in ("graded", "failed"), (status, reason)
        assert "died" in reason or "lost" in reason.lower(), reason
        print(f"[deployment] killed worker: {KILLED} ended {status}: {reason.splitlines()[0]}", flush=True)
    with dep.phase("hostile students: a link, an impostor, a forged timestamp; collect and grade again"):
        seen = hostile_students(dep)
    said = seen["collect"]
    print(f"[deployment] hostile students, collect said:\n{said}", flush=True)
    assert "Traceback" not in said and "Traceback" not in seen["autograde"], said + seen["autograde"]
    # the link: refused and named; student1 has nothing of student2's
    assert re.search(r"student1\+.*answers\.json: it is a link", said), said
    assert not seen["linked_got"], "student1's link gave them student2's answers"
    # the impostor: refused, listed by both names; student2 keeps their submission and grade
    assert re.search(r"in the name of 'student2'.*made by the account student3", said), said
    assert seen["victim_kept"], "student2's collected submission was replaced"
    before, after = seen["victim_score"]
    assert after[1] == before[1] and float(after[1]) > 0 and after[0] in ("graded", "flagged"), seen["victim_score"]
    # the forged timestamp: late by the exchange's time; the claim is flagged with both times
    assert re.search(r"student3.*timestamp\.txt says 2020-01-01", said), said
    assert seen["forger_late"], "student3's forged timestamp.txt made them on time"
    print(f"[deployment] student2 kept {after}; student3 late: {seen['forger_late']}", flush=True)
    with dep.phase("a student searches the machine for keys"):
        found = search_for_keys("student1")
    assert not found, f"a student can read keys, hidden tests or masters: {found[:20]}"
    with dep.phase("permissions"):
        check_permissions(dep)
