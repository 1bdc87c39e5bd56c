"""Benchmark: a class at once on the JupyterHub deployment of deploy/ (issue 28).

Run as root on a test machine (it makes Linux accounts and starts servers for them):

    .venv/bin/python benchmarks/classroom.py [--students 30] [--time-limit 1800] [--keep-env]

It brings the deployment up as tests/deploy/test_deployment.py does (deploy/bin/build-env, then
deploy/bin/medialit-admin), but apart from it: its own environment (/opt/medialit-bench), folders
(/srv/medialit-bench), course (bench101), accounts (mlb-s01 ...) and loopback ports, so it never
meets a deployment test running beside it. Then N students at once, each with their own account:
log in through the Hub's login form, start their server, open lesson 01 (uploaded and read with the
contents API), run its code cells in a kernel (the kernel channels, as JupyterLab's Run All), save
it, fetch ps1 from the exchange, save answers and submit. The grader then collects, autogrades on
Celery and exports the CSV.

It prints, per phase, p50/p95/max seconds and the failures with their reasons; the machine's peak
memory and each student's (server + kernels); CPU; the kernels alive at the end (and after the
kernel idle limit, with --cull-wait); and the time from the last submission to grades exported.
Everything stops by itself within --time-limit; then every account, folder and process it made is
removed, and it checks and prints that none remains. On a shared machine the figures are noisy:
the load average is printed with every run.
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import json
import os
import pwd
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "deploy")]
# the deployment test's own helpers (its site file, processes by account, the answers a student gives)
from hub_session import HubUser  # noqa: E402
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
KERNEL_IDLE = 90  # seconds: the benchmark's kernel idle limit (the site's hub.kernel_idle_timeout)
# --untuned: JupyterHub's and Jupyter Server's own defaults (no spawn limit to speak of, kernels never culled)
UNTUNED = "concurrent_spawn_limit: 100, kernel_idle_timeout: 0"


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
        tuning = UNTUNED if self.untuned else f"kernel_idle_timeout: {KERNEL_IDLE}, cull_interval: 30"
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


def kernels_alive(uids: set[int]) -> int:
    count = 0
    for pid in processes_of(uids):
        with contextlib.suppress(OSError):
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                count += 1
    return count


# ---------------------------------------------------------------------------- one student


@dataclass
class Timings:
    took: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)
    submitted_at: list[float] = field(default_factory=list)
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


def student(bench: Bench, name: str, answers: dict[str, Any], lesson: dict, t: Timings, deadline: float) -> None:
    from medialit.cli.demo import answers_file

    user = HubUser(bench.hub, name, bench.passwords[name])
    with t.phase("log in (the form)", name):
        user.login()
    with t.phase("start the server", name):
        user.start_server(timeout=max(30, deadline - time.monotonic()))
    path = f"{LESSON}.ipynb"
    with t.phase("open lesson 01 (contents API)", name):
        user.server_json("PUT", f"/api/contents/{path}", json={"type": "notebook", "format": "json", "content": lesson})
        user.server_json("GET", f"/api/contents/{path}", params={"content": "1"})
    with t.phase("run lesson 01's cells (kernel)", name):
        run_cells(user, path, deadline)
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


def run_class(bench: Bench, args: argparse.Namespace, prepared: tuple[dict[str, Any], dict], deadline: float) -> dict:
    answers, lesson = prepared
    uids = {pwd.getpwnam(n).pw_uid: n for n in bench.students}
    sampler = Sampler(uids).start()
    t = Timings()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(bench.students)) as pool:
        futures = [pool.submit(student, bench, n, answers[n], lesson, t, deadline) for n in bench.students]
        for future in futures:
            with contextlib.suppress(Exception):
                future.result(timeout=max(1, deadline - time.monotonic()))
    class_took = time.monotonic() - started
    kernels_end = kernels_alive(set(uids))
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
    culled = None
    if args.cull_wait:
        time.sleep(min(args.cull_wait, max(0, deadline - time.monotonic() - 60)))
        culled = kernels_alive(set(uids))
    sampler.stop.set()
    return {"t": t, "sampler": sampler, "class_took": class_took, "kernels_end": kernels_end, "grading": grading,
            "to_grades": to_grades, "graded": graded, "kernels_after_wait": culled}  # fmt: skip


def report(bench: Bench, args: argparse.Namespace, r: dict[str, Any], load_before: tuple[float, ...]) -> str:
    t: Timings = r["t"]
    s: Sampler = r["sampler"]
    n = len(bench.students)
    lines = [f"classroom benchmark: N = {n} students, {os.cpu_count()} cores, "
             f"{machine_total() / 2**30:.0f} GB; load average before {load_before[0]:.1f} "
             f"(1 min), during {statistics.mean(s.loads or [0]):.1f} (mean) / {max(s.loads or [0]):.1f} (max)",
             f"label: {args.label}", "",
             f"{'phase':34} {'ok':>5} {'fail':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7}"]  # fmt: skip
    phases = list(dict.fromkeys([*t.took, *t.failures]))
    for name in phases:
        took = t.took.get(name, [])
        nums = [f"{pct(took, q):7.1f}" for q in (0.5, 0.95, 1.0)] if took else ["      -"] * 3
        lines.append(f"{name:34} {len(took):5d} {len(t.failures.get(name, [])):5d} {' '.join(nums)}")
    for name, (took, rc, _) in r["grading"].items():
        lines.append(f"{'grader: ' + name:34} {'ok' if rc == 0 else 'FAIL':>5} {'':5} {took:7.1f}")
    lines.append("")
    lines.append(f"whole class, first login to last submission: {r['class_took']:.0f} s; "
                 f"submitted {len(t.submitted_at)}/{n}; graded {r['graded']}/{n}")  # fmt: skip
    lines.append(f"last submission -> grades exported: {r['to_grades']:.0f} s")
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
    lines.append(f"kernels alive at the end: {r['kernels_end']}")
    if r["kernels_after_wait"] is not None:
        lines.append(f"kernels alive {args.cull_wait:.0f} s later (kernel idle limit {KERNEL_IDLE} s): "
                     f"{r['kernels_after_wait']}")  # fmt: skip
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
    parser.add_argument("--cull-wait", type=float, default=0, help=f"wait this long (> {KERNEL_IDLE} s + 30 s) and "
                        "count the kernels again: the idle ones must be gone")  # fmt: skip
    parser.add_argument("--prefix", type=Path, default=DEFAULT_PREFIX)
    parser.add_argument("--srv", type=Path, default=Path("/srv/medialit-bench"))
    parser.add_argument("--keep-env", action="store_true", help="keep the built environment (--prefix) for a rerun")
    parser.add_argument("--untuned", action="store_true", help="JupyterHub's defaults, not deploy/'s tuning")
    parser.add_argument("--label", default="", help="what this run is (e.g. 'before tuning')")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("classroom: run it as root (it makes accounts and starts servers as them).", file=sys.stderr)
        return 2
    if not 1 <= args.students <= 99:
        print("classroom: --students must be between 1 and 99.", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="medialit-classroom-"))
    bench = Bench(args.prefix, args.srv, student_names(args.students), work, untuned=args.untuned)
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
        if left:
            print("classroom: LEFT BEHIND: " + "; ".join(left), flush=True)
        else:
            kept = f" (kept the environment {args.prefix}: --keep-env)" if args.keep_env else ""
            print(f"classroom: cleaned up: no account, folder or process of the benchmark remains{kept}", flush=True)
    return 1 if left or not text else 0


if __name__ == "__main__":
    sys.exit(main())
