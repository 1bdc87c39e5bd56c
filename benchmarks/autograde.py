"""Benchmark: stock nbgrader autograde vs medialit's grading modes vs the nbclient floor, in one run.

Run by hand (takes a few minutes):

    .venv/bin/python benchmarks/autograde.py [--students 60] [--jobs 2] [--assignment ps1-sources]
    .venv/bin/python benchmarks/autograde.py --students 40 --saved-only --repeat 3   # the teacher's command

It builds one course with N synthetic submissions (the demo's class generator), copies
it so every contender grades the same work from scratch, and prints seconds per
submission and the ratios:

- stock ``nbgrader autograde`` (a kernel per submission, serial);
- ``medialit autograde`` from the saved answers (no kernel), as the teacher runs it: the command,
  in a new process (a cold start: Python, the imports, the course), target >= 25x stock;
- the same, in-process (``grading.autograde.autograde`` called from this already-warm process);
- ``medialit autograde --execute`` with and without the bubblewrap sandbox: the sandbox
  may cost at most 10% of execution-mode throughput;
- the floor: nbclient executing the master in a fresh kernel per submission, serially.

All contenders must give every student the same grade. ``--saved-only`` measures the first three
only; ``--repeat N`` runs each of those N times (a fresh copy each time) and reports the medians,
with the machine's load (``os.getloadavg``) before each run: the machine may be shared.

With ``--executor celery`` it measures grading on Celery instead: it starts its own
redis-server and a 2-process ``medialit grading-worker`` (the tests' helpers in
tests/celery_support.py), grades the class there, with the local pool (``--jobs``) and
with stock nbgrader, prints submissions per second and the ratios side by side, and stops
what it started.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from medialit.cli.demo import PROFILES, answers_file, class_list, gold_answers, synthesize
from medialit.grading.autograde import autograde
from medialit.grading.course import Course
from medialit.grading.executors import CeleryExecutor
from medialit.grading.kernels import IpcKernelManager


def build_course(folder: Path, assignment: str, students: int) -> Course:
    course = Course.init(folder)
    release = course.generate(assignment)
    gold = gold_answers(course, assignment)
    rng = random.Random(7)
    skill = {name: p for name, p, _ in PROFILES}
    for sid, _, _, profile in class_list(students, 7):
        profile = profile if profile not in {"broken", "tampered", "blank"} else "good"
        files = {
            f"{assignment}.ipynb": release / f"{assignment}.ipynb",
            f"{assignment}.answers.json": answers_file(assignment, synthesize(gold, profile, skill[profile], rng)),
        }
        course.add_submission(assignment, sid, files)
    return course


STOCK = """
# stock nbgrader: a kernel runs every notebook (medialit's courses grade from the saved answers)
from nbgrader.converters import Autograde
c.Autograde.autograde_preprocessors = Autograde.class_traits()["autograde_preprocessors"].default()
"""


def time_stock(course: Course, assignment: str) -> float:
    with (course.root / "nbgrader_config.py").open("a", encoding="utf-8") as handle:
        handle.write(STOCK)
    start = time.perf_counter()
    bindir = Path(sys.executable).parent
    subprocess.run(
        [str(bindir / "nbgrader"), "autograde", assignment, "--force"], cwd=course.root, check=True, capture_output=True
    )
    return time.perf_counter() - start


def time_medialit(
    course: Course, assignment: str, jobs: int | None, execute: bool = False, sandbox: bool = True, executor=None
) -> float:
    start = time.perf_counter()
    statuses = autograde(
        course, assignment, jobs=jobs, progress=False, execute=execute, sandbox=sandbox, executor=executor
    )
    elapsed = time.perf_counter() - start
    assert all(st.status == "graded" for st in statuses.values()), [
        s for s in statuses.values() if s.status != "graded"
    ]
    return elapsed


def time_command(course: Course, assignment: str, jobs: int) -> float:
    """``medialit autograde`` as the teacher runs it: a new Python process, from its start to its exit."""
    command = [sys.executable, "-m", "medialit", "autograde", assignment, "--course", str(course.root), "--quiet"]
    start = time.perf_counter()
    done = subprocess.run([*command, "--jobs", str(jobs)], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"medialit autograde failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def time_floor(course: Course, assignment: str, students: int) -> float:
    """A fresh kernel executes the master notebook, once per submission, serially."""
    work = course.root / "floor" / assignment
    shutil.copytree(course.root / "source" / assignment, work)
    master = nbformat.read(work / f"{assignment}.ipynb", as_version=4)
    start = time.perf_counter()
    for _ in range(students):
        nb = nbformat.from_dict(json.loads(json.dumps(master)))
        NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            kernel_manager_class=IpcKernelManager,  # as the grader runs them (no TCP warning per kernel)
            resources={"metadata": {"path": str(work)}},
        ).execute()
    return time.perf_counter() - start


def main() -> None:
    from medialit.grading.sandbox import sandbox_problem

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--assignment", default="ps1-sources")
    parser.add_argument("--executor", choices=("local", "celery"), default="local")
    parser.add_argument("--saved-only", action="store_true", help="stock, the command (cold) and in-process only")
    parser.add_argument("--repeat", type=int, default=1, help="with --saved-only: runs of each contender (medians)")
    args = parser.parse_args()
    n, ps = args.students, args.assignment
    if args.executor == "celery":
        return compare_celery(n, ps, args.jobs)
    if args.saved_only:
        return compare_saved(n, ps, args.jobs, max(1, args.repeat))
    if sandbox_problem():
        sys.exit(f"cannot measure the sandbox here: {sandbox_problem()}")
    with tempfile.TemporaryDirectory() as tmp:
        base = build_course(Path(tmp) / "base", ps, n)
        names = ("stock", "saved", "sb", "nosb")
        copies = {name: Course(shutil.copytree(base.root, Path(tmp) / name)) for name in names}
        print(f"{n} submissions of {ps}; {args.jobs} jobs for medialit")

        def line(label: str, seconds: float) -> None:
            print(f"{label:<34}: {seconds:7.1f} s  {seconds / n:6.3f} s/submission")

        stock = time_stock(copies["stock"], ps)
        line("stock nbgrader autograde", stock)
        saved = time_medialit(copies["saved"], ps, args.jobs)
        line(f"medialit (saved answers) --jobs {args.jobs}", saved)
        sandboxed = time_medialit(copies["sb"], ps, args.jobs, execute=True)
        line(f"medialit --execute --jobs {args.jobs}", sandboxed)
        bare = time_medialit(copies["nosb"], ps, args.jobs, execute=True, sandbox=False)
        line("medialit --execute --no-sandbox", bare)
        floor = time_floor(base, ps, n)
        line("floor (nbclient, serial)", floor)
        grades = {name: course.scores(ps) for name, course in copies.items()}
        assert all(g == grades["stock"] for g in grades.values()), "the contenders disagree on grades"
        print("grades: identical for every student in all four")
        print(f"saved answers vs stock      : {stock / saved:6.1f}x faster   (target >= 20x)")
        print(f"sandbox cost in --execute   : {100 * (sandboxed / bare - 1):+6.1f}% time (target <= +10%)")
        print(f"--execute vs stock          : {stock / sandboxed:6.2f}x faster")
        cost = sandboxed * args.jobs / n / (floor / n)
        print(f"--execute per-submission cost (wall x jobs / N): {cost:.2f}x the floor")


def compare_saved(n: int, ps: str, jobs: int, repeat: int) -> None:
    """Stock nbgrader, ``medialit autograde`` as a command (cold) and in-process: one table, medians of ``repeat``."""
    contenders = {
        "stock": ("stock nbgrader autograde (serial)", lambda c: time_stock(c, ps)),
        "command": (f"medialit autograde --jobs {jobs}, command (cold)", lambda c: time_command(c, ps, jobs)),
        "inprocess": (f"medialit autograde --jobs {jobs}, in-process", lambda c: time_medialit(c, ps, jobs)),
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    loads: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = build_course(Path(tmp) / "base", ps, n)
        grades = {}
        for round_ in range(repeat):
            for name, (_, run) in contenders.items():  # interleaved, so a busy spell hits every contender
                course = Course(shutil.copytree(base.root, Path(tmp) / f"{name}-{round_}"))
                loads.append(os.getloadavg()[0])
                times[name].append(run(course))
                grades[name] = course.scores(ps)
                shutil.rmtree(course.root)
        assert all(g == grades["stock"] for g in grades.values()), "the contenders disagree on grades"
    stock = statistics.median(times["stock"])
    print(f"{n} submissions of {ps}, saved answers; {os.cpu_count()} cores; {repeat} run(s) each, medians")
    print(f"load average (1 min) before the runs: {min(loads):.1f} to {max(loads):.1f}")
    print(f"{'contender':<44} {'median s':>9} {'s/subm':>7} {'vs stock':>9}  runs (s)")
    for name, (label, _) in contenders.items():
        median = statistics.median(times[name])
        runs = " ".join(f"{t:.1f}" for t in times[name])
        print(f"{label:<44} {median:9.2f} {median / n:7.3f} {stock / median:8.1f}x  {runs}")
    print("grades: identical for every student in all three (target: the command >= 25x stock)")


def compare_celery(n: int, ps: str, jobs: int, concurrency: int = 2) -> None:
    """Stock nbgrader, the local pool and Celery workers on the same class, in one run."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from celery_support import grading_worker, redis_server

    with tempfile.TemporaryDirectory() as tmp:
        base = build_course(Path(tmp) / "base", ps, n)
        copies = {name: Course(shutil.copytree(base.root, Path(tmp) / name)) for name in ("stock", "local", "celery")}
        times = {"stock": time_stock(copies["stock"], ps)}
        times["local"] = time_medialit(copies["local"], ps, jobs)
        with redis_server() as broker, grading_worker(broker, Path(tmp) / "worker", copies["celery"].root, concurrency):
            executor = CeleryExecutor(broker)
            times["celery"] = time_medialit(copies["celery"], ps, None, executor=executor)
        grades = {name: course.scores(ps) for name, course in copies.items()}
        assert all(g == grades["stock"] for g in grades.values()), "the contenders disagree on grades"
    labels = {
        "stock": "stock nbgrader autograde (serial)",
        "local": f"medialit, local pool --jobs {jobs}",
        "celery": f"medialit, Celery ({concurrency}-process worker)",
    }
    print(f"{n} submissions of {ps}, saved answers; this machine has {os.cpu_count()} cores")
    print(f"{'contender':<38} {'seconds':>8} {'subm/s':>8} {'vs stock':>9} {'vs local':>9}")
    for name, seconds in times.items():
        rate = n / seconds
        print(
            f"{labels[name]:<38} {seconds:8.2f} {rate:8.1f} {times['stock'] / seconds:8.1f}x"
            f" {times['local'] / seconds:8.2f}x"
        )
    print("grades: identical for every student in all three")


if __name__ == "__main__":
    main()
