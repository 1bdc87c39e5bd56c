"""Benchmark: stock nbgrader autograde vs `medialit autograde --jobs 2` vs the nbclient floor.

Run by hand (takes a few minutes):

    .venv/bin/python benchmarks/autograde.py [--students 60] [--jobs 2] [--assignment ps1-sources]

It builds one course with N synthetic submissions (the demo's class generator), copies
it so every contender grades the same work from scratch, and prints seconds per
submission and the ratios. Targets: medialit throughput >= 1.8x stock nbgrader on
2 cores; per-submission cost (wall time x jobs / N) within 1.3x of the floor.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from medialit.autograde import autograde
from medialit.course import Course
from medialit.demo import PROFILES, _answers_file, class_list, gold_answers, synthesize


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
            f"{assignment}.answers.json": _answers_file(assignment, synthesize(gold, profile, skill[profile], rng)),
        }
        course.add_submission(assignment, sid, files)
    return course


def time_stock(course: Course, assignment: str) -> float:
    start = time.perf_counter()
    bindir = Path(sys.executable).parent
    subprocess.run(
        [str(bindir / "nbgrader"), "autograde", assignment, "--force"], cwd=course.root, check=True, capture_output=True
    )
    return time.perf_counter() - start


def time_medialit(course: Course, assignment: str, jobs: int) -> float:
    start = time.perf_counter()
    statuses = autograde(course, assignment, jobs=jobs, progress=False)
    elapsed = time.perf_counter() - start
    assert all(st.status == "graded" for st in statuses.values()), [
        s for s in statuses.values() if s.status != "graded"
    ]
    return elapsed


def time_floor(course: Course, assignment: str, students: int) -> float:
    """A fresh kernel executes the master notebook, once per submission, serially."""
    work = course.root / "floor" / assignment
    shutil.copytree(course.root / "source" / assignment, work)
    master = nbformat.read(work / f"{assignment}.ipynb", as_version=4)
    start = time.perf_counter()
    for _ in range(students):
        nb = nbformat.from_dict(json.loads(json.dumps(master)))
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--assignment", default="ps1-sources")
    args = parser.parse_args()
    n, ps = args.students, args.assignment
    with tempfile.TemporaryDirectory() as tmp:
        base = build_course(Path(tmp) / "base", ps, n)
        stock_course = Course(shutil.copytree(base.root, Path(tmp) / "stock"))
        ours_course = Course(shutil.copytree(base.root, Path(tmp) / "ours"))
        print(f"{n} submissions of {ps}; {args.jobs} jobs for medialit")
        stock = time_stock(stock_course, ps)
        print(f"stock nbgrader autograde : {stock:7.1f} s  {stock / n:5.2f} s/submission")
        ours = time_medialit(ours_course, ps, args.jobs)
        print(f"medialit --jobs {args.jobs}      : {ours:7.1f} s  {ours / n:5.2f} s/submission (wall)")
        floor = time_floor(base, ps, n)
        print(f"floor (nbclient, serial) : {floor:7.1f} s  {floor / n:5.2f} s/submission")
        assert stock_course.scores(ps) == ours_course.scores(ps), "medialit and stock nbgrader disagree on grades"
        print("grades: medialit == stock nbgrader for every student")
        print(f"throughput ratio medialit / stock : {stock / ours:.2f}x   (target >= 1.8x)")
        cost = ours * args.jobs / n
        print(
            f"per-submission cost (wall x jobs / N) : {cost:.2f} s = "
            f"{cost / (floor / n):.2f}x the floor (target <= 1.3x)"
        )


if __name__ == "__main__":
    main()
