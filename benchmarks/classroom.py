"""Benchmark: a class at once on the JupyterHub deployment of deploy/ (issue 28).

Run as root on a test machine (it makes Linux accounts and starts servers for them):

    .venv/bin/python benchmarks/classroom.py [--students 30] [--browsers 3] [--cull-wait 180] [--keep-env]

It brings the deployment up as tests/deploy/test_deployment.py does (deploy/bin/build-env, then
deploy/bin/medialit-admin), but apart from it: its own environment (/opt/medialit-bench), folders
(/srv/medialit-bench), course (bench101), accounts (mlb-s01 ...) and loopback ports, so it never
meets a deployment test running beside it. Then N students at once, each with their own account:
log in through the Hub's login form, start their server (asked to wait by the Hub's spawn limit,
they wait and press Spawn again), open lesson 01 (uploaded and read with the contents API), run its
code cells in a kernel (the kernel channels, as JupyterLab's Run All), save it, fetch ps1 from the
exchange, save answers and submit, then open lesson 01 in the app (the Voila page of their own
server, which runs the lesson again). The first --browsers students (default one in ten) do it in
Chromium instead: the login form, Spawn, lesson 01 in JupyterLab (Run All), the app page; their
files go through the APIs. The grader then collects, autogrades on Celery and exports the CSV.

It prints, per phase, p50/p95/max seconds and the failures with their reasons; the machine's peak
memory and each student's (server + kernels); CPU; the kernels and servers alive at the end (and,
with --cull-wait, after the idle limits: none may be left); and the time from the last submission
to grades exported. Everything stops by itself within --time-limit; then every account, folder and
process it made is removed, and it checks and prints that none remains. On a shared machine the
figures are noisy: the load average is printed with every run.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import grp
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "deploy")]
# the deployment test's own helpers (its site file, processes by account, the answers a student gives)
from hub_session import HubError, HubUser  # noqa: E402
from test_deployment import SITE, answers_for, free_port, processes_naming, processes_of, sh, uids_of  # noqa: E402

DEPLOY = ROOT / "deploy"
ADMIN = DEPLOY / "bin" / "medialit-admin"
COURSE = "bench101"
GRADER = f"grader-{COURSE}"
PS = "ps1-sources"
LESSON = "01-anatomy"
GROUP = "medialit-bench-graders"  # build-env's and medialit-admin's group of graders, the benchmark's own
PREFIX_ENV = {"MEDIALIT_GRADERS_GROUP": GROUP}
DEFAULT_PREFIX = Path("/opt/medialit-bench")  # the benchmark's own environment, removed after a run
KERNEL_IDLE = 60  # seconds: the benchmark's kernel idle limit (the site's hub.kernel_idle_timeout)
SERVER_IDLE = 90  # seconds: its server idle limit (hub.server_idle_timeout, jupyterhub-idle-culler)
CULL_EVERY = 15  # seconds between the checks for idle kernels and servers (hub.cull_interval)
# --untuned: JupyterHub's and Jupyter Server's own defaults (no spawn limit to speak of, kernels never culled)
UNTUNED = "concurrent_spawn_limit: 100, kernel_idle_timeout: 0, server_idle_timeout: 0"


def student_names(n: int) -> list[str]:
    return [f"mlb-s{i:02d}" for i in range(1, n + 1)]


# ---------------------------------------------------------------------------- the deployment


@dataclass
class Bench:
    """The benchmark's deployment: where it lives, who it made, and what it measured."""

    prefix: Path
    srv: Path
    students: list[str]
    work: Path
    ports: dict[str, int] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    made_env: bool = False
    untuned: bool = False
    app: bool = True  # each student opens lesson 01 in the app (Voila) after submitting
    browsers: int = 0  # the first this many students drive Chromium, the rest the APIs

    @property
    def site(self) -> Path:
        return self.work / "site.yaml"

    @property
    def hub(self) -> str:
        return f"http://127.0.0.1:{self.ports['hub']}"

    @property
    def course_dir(self) -> Path:
        return self.srv / "courses" / COURSE

    def env(self) -> dict[str, str]:
        return {**os.environ, "MEDIALIT_PREFIX": str(self.prefix), **PREFIX_ENV}

    def admin(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        cmd = [str(self.prefix / "venv" / "bin" / "python"), str(ADMIN), "--site", str(self.site), *args]
        return sh(cmd, f"medialit-admin {args[0]}", check, timeout, env=self.env())

    def as_grader(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.admin("as-grader", COURSE, "--", *cmd, check=check)

    def leftovers(self) -> list[str]:
        found = [str(p) for p in (self.srv,) if p.exists()]
        found += [f"account {n}" for n in [*self.students, GRADER] if uids_of([n])]
        return found

    def up(self) -> None:
        """build-env (if its environment is missing), then medialit-admin: accounts, services, the release."""
        if not (self.prefix / "venv" / "bin" / "medialit").is_file():
            self.made_env = True
            sh([str(DEPLOY / "bin" / "build-env"), str(ROOT)], "build-env", env=self.env(), timeout=1200)
        self.ports = {n: free_port() for n in ("hub", "hub_api", "proxy_api", "pg", "redis", "service")}
        site = SITE.format(prefix=self.prefix, srv=self.srv, exchange=self.srv / "exchange", course=COURSE,
                           instructors="", students=", ".join(self.students), **self.ports)  # fmt: skip
        tuning = (UNTUNED if self.untuned else f"kernel_idle_timeout: {KERNEL_IDLE}, "
                  f"server_idle_timeout: {SERVER_IDLE}, cull_interval: {CULL_EVERY}")  # fmt: skip
        site = site.replace("admins: []}", f"admins: [], {tuning}}}")
        self.site.write_text(site, encoding="utf-8")
        self.passwords = {n: secrets.token_urlsafe(10) for n in self.students}
        pw_file = self.work / "passwords"
        pw_file.write_text("".join(f"{n}:{p}\n" for n, p in self.passwords.items()), encoding="utf-8")
        pw_file.chmod(0o600)
        self.admin("setup")
        self.admin("add-people", "--passwords", str(pw_file))
        self.admin("start", "postgres")
        self.admin("start", "redis")
        self.admin("add-course", COURSE)
        self.admin("start", "workers")
        self.admin("start", "hub")
        self.as_grader("medialit", "release", PS)

    def down(self, keep_env: bool, failed: bool) -> list[str]:
        """Stop everything, remove what was made; what is still there afterwards (empty when clean)."""
        uids = uids_of([*self.students, GRADER])
        if self.site.is_file():
            self.admin("stop", "all", check=False)
            for pid in processes_of(uids):  # a server or kernel the Hub did not stop
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.admin("start", "postgres", check=False)  # remove-course drops the database
            self.admin("remove-course", COURSE, check=False)
            self.admin("stop", "postgres", check=False)
            self.admin("remove-people", check=False)
        needles = [str(self.srv), f"{self.prefix}/"]  # its folders and its environment's programs (as nobody too)
        needles += [f"--api-port {self.ports['proxy_api']}"] if self.ports else []
        for pid in processes_naming(needles):  # the Hub's proxy when the Hub died; its idle culler
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        logs = self.srv / "state" / "log"
        if failed and logs.is_dir():  # kept for a look after a failed run
            kept = Path(tempfile.gettempdir()) / "medialit-classroom-logs"
            shutil.rmtree(kept, ignore_errors=True)
            shutil.copytree(logs, kept)
        shutil.rmtree(self.srv, ignore_errors=True)
        remove_env = not keep_env and (self.made_env or self.prefix == DEFAULT_PREFIX)
        if remove_env:
            shutil.rmtree(self.prefix, ignore_errors=True)
            with contextlib.suppress(KeyError):
                grp.getgrnam(GROUP)
                subprocess.run(["groupdel", GROUP], capture_output=True)
        left = self.leftovers()
        left += [f"process {p}" for p in processes_of(uids)]
        time.sleep(1)
        left += [f"process {p}" for p in processes_naming(needles)]
        if remove_env:
            left += [str(p) for p in (self.prefix,) if p.exists()]
        return left


# ---------------------------------------------------------------------------- measuring the machine


@dataclass
class Sampler:
    """Once a second: the machine's memory in use, its CPU, and each student's processes (server + kernels)."""

    uids: dict[int, str]
    peak_machine: int = 0
    base_machine: int = 0
    peak_user: dict[str, int] = field(default_factory=dict)
    cpu_busy: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    user_cpu: dict[int, float] = field(default_factory=dict)  # pid: seconds (utime + stime)
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Sampler:
        self.base_machine = machine_used()
        threading.Thread(target=self.run, daemon=True).start()
        return self

    def run(self) -> None:
        last = cpu_times()
        tick = os.sysconf("SC_CLK_TCK")
        while not self.stop.wait(1.0):
            self.peak_machine = max(self.peak_machine, machine_used())
            now = cpu_times()
            busy, total = now[0] - last[0], now[1] - last[1]
            last = now
            if total:
                self.cpu_busy.append(100 * busy / total)
            self.loads.append(os.getloadavg()[0])
            per_user: Counter[str] = Counter()
            for pid, uid, rss, ticks in user_processes(set(self.uids)):
                per_user[self.uids[uid]] += rss
                self.user_cpu[pid] = ticks / tick
            for name, rss in per_user.items():
                self.peak_user[name] = max(self.peak_user.get(name, 0), rss)


def machine_used() -> int:
    info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    return (int(info["MemTotal"].split()[0]) - int(info["MemAvailable"].split()[0])) * 1024


def cpu_times() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def user_processes(uids: set[int]) -> list[tuple[int, int, int, int]]:
    """(pid, uid, rss bytes, utime+stime ticks) of every live process of ``uids``."""
    found = []
    for pid in processes_of(uids):
        with contextlib.suppress(OSError, ValueError, IndexError):
            status = Path(f"/proc/{pid}/status").read_text()
            uid = int(status.split("\nUid:\t", 1)[1].split()[0])
            rss = int(status.split("\nVmRSS:", 1)[1].split()[0]) * 1024 if "\nVmRSS:" in status else 0
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            found.append((pid, uid, rss, int(stat[11]) + int(stat[12])))
    return found


def alive(uids: set[int], needle: bytes) -> int:
    """How many live processes of ``uids`` have ``needle`` in their command line."""
    count = 0
    for pid in processes_of(uids):
        with contextlib.suppress(OSError):
            count += needle in Path(f"/proc/{pid}/cmdline").read_bytes()
    return count


def kernels_alive(uids: set[int]) -> int:
    return alive(uids, b"ipykernel")


def servers_alive(uids: set[int]) -> int:
    return alive(uids, b"jupyterhub-singleuser")


# ---------------------------------------------------------------------------- one student


@dataclass
class Timings:
    took: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)
    submitted_at: list[float] = field(default_factory=list)
    retries: list[float] = field(default_factory=list)  # seconds a student was asked to wait (spawn limit)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @contextlib.contextmanager
    def phase(self, name: str, who: str):
        start = time.monotonic()
        try:
            yield
        except Exception as exc:
            with self.lock:
                reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
                self.failures.setdefault(name, []).append(f"{who}: {reason}")
            raise
        with self.lock:
            self.took.setdefault(name, []).append(time.monotonic() - start)


def run_cells(user: HubUser, path: str, deadline: float) -> int:
    """Start a kernel for the notebook at ``path`` (a session, as JupyterLab does) and run its code cells in order."""
    import websocket

    nb = user.server_json("GET", f"/api/contents/{path}", params={"content": "1"})["content"]
    session = user.server_json("POST", "/api/sessions", json={"path": path, "type": "notebook", "name": path,
                                                              "kernel": {"name": "python3"}})  # fmt: skip
    kernel = session["kernel"]["id"]
    url = user.base.replace("http", "ws", 1) + f"/user/{user.name}/api/kernels/{kernel}/channels"
    mine = f"/user/{user.name}/"  # the cookies a browser sends to the server's path
    cookie = "; ".join(f"{c.name}={c.value}" for c in user.http.cookies if mine.startswith(c.path or "/"))
    xsrf = user._xsrf_headers(f"/user/{user.name}/").get("X-XSRFToken", "")  # as JupyterLab sends it
    ws = websocket.create_connection(f"{url}?session_id={uuid.uuid4().hex}&_xsrf={xsrf}", cookie=cookie, timeout=60)
    errors = 0
    try:
        for cell in (c for c in nb["cells"] if c["cell_type"] == "code"):
            msg_id = uuid.uuid4().hex
            header = {"msg_id": msg_id, "msg_type": "execute_request", "username": user.name,
                      "session": uuid.uuid4().hex, "version": "5.3", "date": ""}  # fmt: skip
            content = {"code": cell["source"], "silent": False, "store_history": True, "allow_stdin": False,
                       "user_expressions": {}, "stop_on_error": True}  # fmt: skip
            ws.send(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                                "channel": "shell", "buffers": []}))  # fmt: skip
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{path}: the cells did not finish in time")
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "execute_reply":
                    errors += msg["content"].get("status") != "ok"
                    break
    finally:
        ws.close()
    if errors:
        raise RuntimeError(f"{errors} cell(s) of {path} raised an error")
    return kernel


def start_server(user: HubUser, t: Timings, deadline: float) -> None:
    """Start the server as the Spawn button does; asked to wait (429: the Hub's spawn limit), wait and ask again."""
    while True:
        user.http.get(f"{user.base}/hub/home", timeout=30)  # the Hub's _xsrf cookie
        answer = user.hub_api("POST", f"/users/{user.name}/server")
        if answer.status_code != 429:
            break
        wait = float(answer.headers.get("Retry-After") or 30)
        if time.monotonic() + wait > deadline:
            raise TimeoutError(f"still asked to wait (429 Too many users) at the time limit: {answer.text[:120]}")
        with t.lock:
            t.retries.append(wait)
        time.sleep(wait)
    server = None
    while time.monotonic() < deadline:  # as the spawn-pending page: ready, or the Hub gave up on it
        server = (user.hub_api("GET", f"/users/{user.name}").json().get("servers") or {}).get("")
        if not server or server.get("ready") or not server.get("pending"):
            break
        time.sleep(0.5)
    if not (server or {}).get("ready"):
        raise HubError(f"the Hub gave up starting the server: {server}")
    user.start_server(timeout=max(30, deadline - time.monotonic()))  # 400: already running; its cookie


def open_in_app(user: HubUser, path: str) -> None:
    """The lesson as the app shows it: the Voila page of the student's own server (it runs the cells)."""
    answer = user.server("GET", f"/voila/render/{path}", timeout=600)
    if answer.status_code != 200:
        raise HubError(f"the app page of {path} answered {answer.status_code}: {answer.text[:200]}")
    if "application/vnd.jupyter.widget-view+json" not in answer.text:
        raise HubError(f"the app page of {path} shows no widget (a cell failed?)")


def student(bench: Bench, name: str, answers: dict[str, Any], lesson: dict, t: Timings, deadline: float) -> None:
    """A student by API: log in, start the server, run lesson 01 in a kernel, hand ps1 in, open lesson 01 in the app."""
    user = HubUser(bench.hub, name, bench.passwords[name])
    with t.phase("log in (the form)", name):
        user.login()
    with t.phase("start the server", name):
        start_server(user, t, deadline)
    path = f"{LESSON}.ipynb"
    with t.phase("open lesson 01 (contents API)", name):
        user.server_json("PUT", f"/api/contents/{path}", json={"type": "notebook", "format": "json", "content": lesson})
        user.server_json("GET", f"/api/contents/{path}", params={"content": "1"})
    with t.phase("run lesson 01's cells (kernel)", name):
        run_cells(user, path, deadline)
    hand_in(user, path, answers, t, deadline)
    if bench.app:
        with t.phase("app: lesson 01 page (Voila)", name):
            open_in_app(user, path)


def hand_in(user: HubUser, path: str, answers: dict[str, Any], t: Timings, deadline: float) -> None:
    """Save the lesson, fetch ps1, save the answers and submit (the contents and nbgrader APIs)."""
    from medialit.cli.demo import answers_file

    name = user.name
    with t.phase("save lesson 01", name):
        model = user.server_json("GET", f"/api/contents/{path}", params={"content": "1"})
        user.server_json("PUT", f"/api/contents/{path}", json={"type": "notebook", "format": "json",
                                                               "content": model["content"]})  # fmt: skip
    with t.phase("fetch ps1 (exchange)", name):
        user.assignment_action("fetch", COURSE, PS)
    with t.phase("save answers + submit ps1", name):
        user.write_text(f"{COURSE}/{PS}/{PS}.answers.json", answers_file(PS, answers))
        user.assignment_action("submit", COURSE, PS)
    with t.lock:
        t.submitted_at.append(time.monotonic())


def browser_student(bench: Bench, name: str, answers: dict[str, Any], lesson: dict, t: Timings,
                    deadline: float) -> None:  # fmt: skip
    """A student in Chromium: the login form and Spawn, lesson 01 in JupyterLab (Run All), later in the app."""
    from browser.jlab import CHROMIUM, CHROMIUM_ARGS, KERNEL_NAME
    from browser.jlab import KERNEL_IDLE as READY
    from playwright.sync_api import expect, sync_playwright

    prefix = f"{bench.hub}/user/{name}"
    path = f"{LESSON}.ipynb"
    scratch = Path(tempfile.mkdtemp(prefix=f"chromium-{name}-", dir=bench.work))
    env = {**os.environ, "XDG_CONFIG_HOME": str(scratch), "XDG_CACHE_HOME": str(scratch), "HOME": str(scratch)}
    ms = lambda: max(1000, int((deadline - time.monotonic()) * 1000))  # noqa: E731
    with sync_playwright() as playwright:  # one Playwright per thread (its sync API is not thread-safe)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            page.set_default_timeout(min(ms(), 600_000))  # a click on a loaded machine: PAM took > 30 s at N=30
            with t.phase("Chromium: log in + Spawn → Lab", name):
                page.goto(f"{bench.hub}/hub/login", timeout=ms())
                page.fill("#username_input", name)
                page.fill("#password_input", bench.passwords[name])
                page.click("#login_submit")
                page.wait_for_url(lambda url: "/hub/login" not in url, timeout=ms())
                while True:  # the Spawn button; the spawn limit's page (429) says "try again in N seconds"
                    answer = page.goto(f"{bench.hub}/hub/spawn/{name}", timeout=ms())
                    if answer is None or answer.status != 429:
                        break
                    said = re.search(r"Try again in (\d+) seconds", page.content())
                    wait = float(said.group(1)) if said else 30.0
                    if time.monotonic() + wait > deadline - 60:
                        raise TimeoutError("still asked to wait (429 Too many users) at the time limit")
                    with t.lock:
                        t.retries.append(wait)
                    time.sleep(wait)
                page.wait_for_url(re.compile(rf"/user/{name}/lab"), timeout=ms())
            user = HubUser(bench.hub, name, bench.passwords[name]).login()
            start_server(user, t, deadline)  # running: its cookie for the contents API
            with t.phase("open lesson 01 (contents API)", name):
                user.server_json("PUT", f"/api/contents/{path}",
                                 json={"type": "notebook", "format": "json", "content": lesson})  # fmt: skip
            with t.phase("Chromium: Lab, lesson 01 → kernel ready", name):
                page.goto(f"{prefix}/lab/tree/{path}?reset", timeout=ms())
                expect(page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first).to_be_visible(timeout=ms())
                expect(page.locator(KERNEL_NAME)).to_have_text(READY, timeout=ms())
            with t.phase("Chromium: Run All → first widget", name):
                page.locator('.lm-MenuBar-itemLabel:text-is("Run")').click()
                page.locator('.lm-Menu-itemLabel:text-is("Run All Cells")').click()
                expect(page.locator(".jp-OutputArea-output .widget-vbox").first).to_be_visible(timeout=ms())
            hand_in(user, path, answers, t, deadline)
            if bench.app:
                with t.phase("Chromium: app (Voila) lesson 01 → first widget", name):
                    page.goto(f"{prefix}/voila/render/{path}", timeout=ms())
                    expect(page.locator("#loading")).to_have_count(0, timeout=ms())
                    expect(page.locator(".jp-OutputArea-output .widget-vbox").first).to_be_visible(timeout=ms())
        finally:
            browser.close()  # the student closes the laptop: the kernels stay until culled


# ---------------------------------------------------------------------------- the run


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def mb(n: float) -> str:
    return f"{n / 2**20:.0f} MB"


def prepare(bench: Bench) -> tuple[dict[str, Any], dict]:
    """Each student's answers to ps1 (the demo's profiles, from the key) and lesson 01's notebook."""
    from medialit.cli.demo import gold_answers
    from medialit.grading.course import Course

    gold = gold_answers(Course.init(bench.work / "key-course"), PS)
    profiles = ["expert", "good", "partial", "careless"]
    answers = {n: answers_for(gold, profiles[i % len(profiles)], i) for i, n in enumerate(bench.students)}
    lesson = json.loads((ROOT / "notebooks" / f"{LESSON}.ipynb").read_text(encoding="utf-8"))
    return answers, lesson


def one_student(run: Any, bench: Bench, name: str, *args: Any) -> None:
    """One student's thread: a failure outside the timed phases is counted too, with its reason."""
    t: Timings = args[2]
    try:
        run(bench, name, *args)
    except Exception as exc:
        if not any(f.startswith(f"{name}: ") for fails in t.failures.values() for f in fails):
            with t.lock:
                t.failures.setdefault("other", []).append(f"{name}: {type(exc).__name__}: {str(exc)[:160]}")


def run_class(bench: Bench, args: argparse.Namespace, prepared: tuple[dict[str, Any], dict], deadline: float) -> dict:
    answers, lesson = prepared
    uids = {pwd.getpwnam(n).pw_uid: n for n in bench.students}
    sampler = Sampler(uids).start()
    t = Timings()
    started = time.monotonic()
    # Daemon threads, not a pool: a student stuck in a request cannot hold up the cleanup after Ctrl-C or the limit.
    threads = [
        threading.Thread(
            target=one_student,
            args=(browser_student if i < bench.browsers else student, bench, n, answers[n], lesson, t, deadline),
            daemon=True,
        )
        for i, n in enumerate(bench.students)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1, deadline - time.monotonic()))
    class_took = time.monotonic() - started
    kernels_end = kernels_alive(set(uids))
    servers_end = servers_alive(set(uids))
    last_submit = max(t.submitted_at, default=time.monotonic())
    grading = {}
    for name, cmd in (
        ("collect", ["medialit", "collect", PS, "exchange", "--course", str(bench.course_dir)]),
        (
            "autograde (Celery)",
            ["medialit", "autograde", PS, "--course", str(bench.course_dir), "--executor", "celery", "--quiet"],
        ),  # fmt: skip
        ("export CSV", ["medialit", "export", PS, "--course", str(bench.course_dir), "--format", "csv"]),
    ):
        start = time.monotonic()
        result = bench.as_grader(*cmd, check=False)
        grading[name] = (time.monotonic() - start, result.returncode, (result.stdout + result.stderr)[-400:])
    to_grades = time.monotonic() - last_submit
    graded = 0
    status = bench.course_dir / "status" / f"{PS}.json"
    if status.is_file():
        data = json.loads(status.read_text(encoding="utf-8"))
        graded = sum(v.get("status") == "graded" for v in data.get("students", data).values())
    culled = servers_left = None
    waited = 0.0
    if args.cull_wait:  # counted from the class's last step (the app page after submitting)
        waited = min(args.cull_wait, max(0, deadline - time.monotonic() - 60))
        time.sleep(max(0, started + class_took + waited - time.monotonic()))
        culled, servers_left = kernels_alive(set(uids)), servers_alive(set(uids))
    sampler.stop.set()
    return {"t": t, "sampler": sampler, "class_took": class_took, "kernels_end": kernels_end, "grading": grading,
            "to_grades": to_grades, "graded": graded, "kernels_after_wait": culled, "servers_end": servers_end,
            "servers_after_wait": servers_left, "waited": waited}  # fmt: skip


def report(bench: Bench, args: argparse.Namespace, r: dict[str, Any], load_before: tuple[float, ...]) -> str:
    t: Timings = r["t"]
    s: Sampler = r["sampler"]
    n = len(bench.students)
    lines = [f"classroom benchmark: N = {n} students, {os.cpu_count()} cores, "
             f"{machine_total() / 2**30:.0f} GB; load average before {load_before[0]:.1f} "
             f"(1 min), during {statistics.mean(s.loads or [0]):.1f} (mean) / {max(s.loads or [0]):.1f} (max)",
             f"label: {args.label}", "",
             f"{'phase':48} {'ok':>5} {'fail':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7}"]  # fmt: skip
    phases = list(dict.fromkeys([*t.took, *t.failures]))
    for name in phases:
        took = t.took.get(name, [])
        nums = [f"{pct(took, q):7.1f}" for q in (0.5, 0.95, 1.0)] if took else ["      -"] * 3
        lines.append(f"{name:48} {len(took):5d} {len(t.failures.get(name, [])):5d} {' '.join(nums)}")
    for name, (took, rc, _) in r["grading"].items():
        lines.append(f"{'grader: ' + name:48} {'ok' if rc == 0 else 'FAIL':>5} {'':5} {took:7.1f}")
    lines.append("")
    lines.append(f"whole class, first login to the last student's last step: {r['class_took']:.0f} s; "
                 f"submitted {len(t.submitted_at)}/{n}; graded {r['graded']}/{n}")  # fmt: skip
    grading = sum(took for took, _, _ in r["grading"].values())
    lines.append(f"last submission -> grades exported: {r['to_grades']:.0f} s (the grader started when the class "
                 f"was done; collect + autograde + export: {grading:.0f} s)")  # fmt: skip
    users = list(s.peak_user.values()) or [0]
    lines.append(f"machine memory in use: {mb(s.base_machine)} before, peak {mb(s.peak_machine)} "
                 f"(+{mb(s.peak_machine - s.base_machine)}, {mb((s.peak_machine - s.base_machine) / n)} per student; "
                 f"other engineers' work counts too)")  # fmt: skip
    lines.append(f"per student (server + kernels, RSS): peak mean {mb(statistics.mean(users))}, max {mb(max(users))}")
    busy = s.cpu_busy or [0]
    lines.append(
        f"CPU: machine busy mean {statistics.mean(busy):.0f}%, peak {max(busy):.0f}%; students' servers and "
        f"kernels used {sum(s.user_cpu.values()):.0f} CPU s ({sum(s.user_cpu.values()) / n:.1f} per student)"
    )
    if t.retries:
        lines.append(f"asked to wait by the spawn limit (429, then Spawn again): {len(t.retries)} times, "
                     f"{statistics.mean(t.retries):.0f} s each on average")  # fmt: skip
    lines.append(f"kernels alive at the end: {r['kernels_end']}; students' servers running: {r['servers_end']}")
    if r["kernels_after_wait"] is not None:
        lines.append(f"kernels alive {r['waited']:.0f} s after the class's last step (kernel idle limit "
                     f"{KERNEL_IDLE} s): {r['kernels_after_wait']}")  # fmt: skip
        lines.append(f"students' servers running {r['waited']:.0f} s after the class's last step (server idle limit "
                     f"{SERVER_IDLE} s, checked every {CULL_EVERY} s): {r['servers_after_wait']}")  # fmt: skip
    reasons = Counter(f"{phase}: {why.split(': ', 1)[1]}" for phase, f in t.failures.items() for why in f)
    for reason, count in reasons.most_common(10):
        lines.append(f"FAILED x{count}: {reason}")
    for name, (_, rc, out) in r["grading"].items():
        if rc:
            lines.append(f"grader {name} FAILED: {out}")
    return "\n".join(lines)


def machine_total() -> int:
    return int(Path("/proc/meminfo").read_text().split()[1]) * 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30, help="how many students at once (default 30)")
    parser.add_argument("--time-limit", type=float, default=1800, help="seconds; then it stops and cleans up")
    parser.add_argument("--cull-wait", type=float, default=0, help="wait this long after the class's last step "
                        f"(> {SERVER_IDLE} s + 2 x {CULL_EVERY} s) and count the kernels and servers again: the idle "
                        "ones must be gone")  # fmt: skip
    parser.add_argument("--prefix", type=Path, default=DEFAULT_PREFIX)
    parser.add_argument("--srv", type=Path, default=Path("/srv/medialit-bench"))
    parser.add_argument("--keep-env", action="store_true", help="keep the built environment (--prefix) for a rerun")
    parser.add_argument("--untuned", action="store_true", help="JupyterHub's defaults, not deploy/'s tuning")
    parser.add_argument("--browsers", type=int, default=None, metavar="K",
                        help="the first K students use Chromium (/usr/bin/chromium) instead of the APIs "
                        "(default: one in ten)")  # fmt: skip
    parser.add_argument("--no-app", action="store_true", help="skip opening lesson 01 in the app (Voila)")
    parser.add_argument("--label", default="", help="what this run is (e.g. 'before tuning')")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("classroom: run it as root (it makes accounts and starts servers as them).", file=sys.stderr)
        return 2
    if not 1 <= args.students <= 99:
        print("classroom: --students must be between 1 and 99.", file=sys.stderr)
        return 2
    # One run at a time per environment: a second run's build-env reinstalling the packages under a running
    # Hub left a server without nbformat/reader.py ("No module named 'nbformat.reader'", seen last session).
    lock_path = Path("/run/lock") / f"medialit-classroom{str(args.prefix).replace('/', '-')}.lock"
    lock = open(lock_path, "w")  # noqa: SIM115 (held until the process ends)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"classroom: another run is using {args.prefix} ({lock_path}): wait until it has finished.",
              file=sys.stderr)  # fmt: skip
        return 1
    work = Path(tempfile.mkdtemp(prefix="medialit-classroom-"))
    browsers = args.students // 10 if args.browsers is None else min(max(args.browsers, 0), args.students)
    bench = Bench(args.prefix, args.srv, student_names(args.students), work, untuned=args.untuned,
                  app=not args.no_app, browsers=browsers)  # fmt: skip
    left = bench.leftovers()
    if left:
        print(f"classroom: refusing to overwrite {', '.join(left)}. If an earlier run left them: "
              f"userdel -r NAME for each account, rm -rf {args.srv}", file=sys.stderr)  # fmt: skip
        return 1
    deadline = time.monotonic() + args.time_limit
    load_before = os.getloadavg()
    timer = threading.Timer(args.time_limit + 60, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.daemon = True
    timer.start()  # a hung request cannot keep it running: the main thread is interrupted, the cleanup runs
    text = ""
    try:
        start = time.monotonic()
        prepared = prepare(bench)
        bench.up()
        print(f"classroom: deployment up in {time.monotonic() - start:.0f} s", flush=True)
        result = run_class(bench, args, prepared, deadline)
        text = report(bench, args, result, load_before)
        print(text, flush=True)
        if args.json:
            args.json.write_text(json.dumps({"report": text, "students": args.students}, indent=1), encoding="utf-8")
    finally:
        timer.cancel()
        left = bench.down(args.keep_env, failed=not text)
        shutil.rmtree(work, ignore_errors=True)
        lock_path.unlink(missing_ok=True)
        if left:
            print("classroom: LEFT BEHIND: " + "; ".join(left), flush=True)
        else:
            kept = f" (kept the environment {args.prefix}: --keep-env)" if args.keep_env else ""
            print(f"classroom: cleaned up: no account, folder or process of the benchmark remains{kept}", flush=True)
    return 1 if left or not text else 0


if __name__ == "__main__":
    sys.exit(main())
