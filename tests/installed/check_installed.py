"""Run by tests/test_wheel.py with the Python of a fresh venv that has only the medialit wheel.

Works in the current folder (outside the checkout): copies the lessons and executes one
headless, then inits a course, releases ps1, submits the master's own answers and autogrades
them. Prints one JSON line with what it saw; the test asserts on it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import medialit
from medialit.cli.demo import answers_file, gold_answers
from medialit.cli.main import main
from medialit.content.kit import kit_root
from medialit.grading.autograde import autograde
from medialit.grading.collect import collect_exchange, submit_to_exchange
from medialit.grading.course import Course
from medialit.grading.kernels import IpcKernelManager

work = Path.cwd()
seen: dict = {"package": medialit.__file__, "kit": str(kit_root())}

# a student: copy the lessons, run the first one headless
assert main(["lessons", str(work / "lessons")]) == 0
lesson = work / "lessons" / "00-start-here.ipynb"
nb = nbformat.read(lesson, as_version=4)
NotebookClient(
    nb,
    timeout=180,
    kernel_name="python3",
    kernel_manager_class=IpcKernelManager,
    resources={"metadata": {"path": str(lesson.parent)}},
).execute()
errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
html = " ".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))
seen["lessons"] = sorted(p.name for p in (work / "lessons").glob("*.ipynb"))
seen["lesson_errors"] = [f"{e['ename']}: {e['evalue']}" for e in errors]
seen["lesson_shows_headline"] = "Venezuela Starts Freeing Prisoners" in html

# a teacher: init a course, release, submit the master's answers, autograde
course = Course.init(work / "course")
release = course.release("ps1-sources", to="exchange")
home = work / "home" / "ps1-sources"
home.mkdir(parents=True)
(home / "ps1-sources.ipynb").write_bytes((release / "ps1-sources.ipynb").read_bytes())
(home / "ps1-sources.answers.json").write_text(answers_file("ps1-sources", gold_answers(course, "ps1-sources")))
submit_to_exchange(course, "ps1-sources", "s01", home)
collect_exchange(course, "ps1-sources")
status = autograde(course, "ps1-sources", jobs=1, progress=False)["s01"]
seen["grade"] = {"status": status.status, "score": status.score, "max": status.max_score, "reason": status.reason}
print(json.dumps(seen))
sys.exit(0)
