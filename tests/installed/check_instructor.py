"""Run by tests/test_wheel.py in the venv of check_installed.py once medialit-instructor is installed too.

Works in the current folder (outside the checkout): inits a course from the instructor install,
releases ps1, submits the master's own answers and autogrades them; then the pre-test, answered
on the student's own form with the form's key. Prints one JSON line with what it saw.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import medialit
from medialit.cli.demo import answers_file, gold_answers
from medialit.content.kit import grading_kit, kit_path, kit_root
from medialit.grading.autograde import autograde
from medialit.grading.collect import collect_exchange, submit_to_exchange
from medialit.grading.course import Course

work = Path.cwd()
seen: dict = {
    "package": medialit.__file__,
    "kit": str(kit_root()),
    "grading_kit": str(grading_kit()),
    "keys": str(kit_path("keys")),
    "solutions": str(kit_path("solutions")),
}
roster = work / "roster.csv"
roster.write_text("student_id,first_name,last_name,email,lms_id\ns01,Sam,One,,\n", encoding="utf-8")
course = Course.init(work / "course", roster=roster)
seen["course_keys"] = sorted(p.relative_to(course.root).as_posix() for p in (course.root / "keys").rglob("*.key.yaml"))
seen["grades"] = {}
for assignment in ("ps1-sources", "pre-test"):
    release = course.release(assignment, to="exchange")
    home = work / "home" / assignment
    home.mkdir(parents=True)
    (home / f"{assignment}.ipynb").write_bytes((release / f"{assignment}.ipynb").read_bytes())
    (home / f"{assignment}.answers.json").write_text(answers_file(assignment, gold_answers(course, assignment)))
    submit_to_exchange(course, assignment, "s01", home)
    collect_exchange(course, assignment)
    status = autograde(course, assignment, jobs=1, progress=False)["s01"]
    seen["grades"][assignment] = {
        "status": status.status,
        "score": status.score,
        "max": status.max_score,
        "reason": status.reason,
    }
print(json.dumps(seen))
sys.exit(0)
