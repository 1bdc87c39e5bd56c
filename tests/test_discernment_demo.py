"""The pre/post discernment test through the real pipeline: `medialit demo` on its synthetic class.

The simulated students were made to improve, so this checks the arithmetic (release, collect,
autograde, report), not real learning; the report must say so. A forged score in a student's
notebook changes nothing: the grader scores the saved answers in its own process.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from medialit.cli.demo import class_list
from medialit.grading.autograde import autograde
from medialit.grading.course import Course
from medialit.reports.discernment_report import CSV
from medialit.reports.report import write_report
from medialit.teaching.discernment import SAME_D, SHIFT_C

TESTS = ("pre-test", "post-test")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "demo"
    args = [sys.executable, "-m", "medialit", "demo", "--dir", str(folder)]
    out = subprocess.run([*args, *(x for t in TESTS for x in ("--assignment", t))], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    return folder / "course", out.stdout


def test_demo_report_shows_the_class_improving_and_flags_the_bias_shifters(demo):
    course, stdout = demo
    assert "Traceback" not in stdout
    assert re.search(r"pre-test → post-test: Δd′ = \+\d\.\d\d over \d+ students; \d+ flagged", stdout)
    assert "this checks the arithmetic, not real learning" in stdout
    page = (course / "reports" / "post-test" / "index.html").read_text(encoding="utf-8")
    assert '<section id="prepost">' in page and "<img" in page
    assert "check the arithmetic of the report, not real learning" in page
    assert "d = 0.37" in page and "26.5%" in page  # the published comparison
    table = pd.read_csv(course / "reports" / "post-test" / CSV, keep_default_na=False)
    both = table[table["delta_d_prime"] != ""]
    assert len(both) >= 20
    assert both["delta_d_prime"].astype(float).mean() > 0  # the class's discernment rose
    sceptics = {sid for sid, *_, profile in class_list(32, 2026) if profile == "sceptic"}
    flagged = set(table.loc[table["notes"].str.contains("shift in bias"), "student"])
    assert sceptics & set(both["student"]) <= flagged  # every student who only shifted their bias is flagged
    for row in both.itertuples():  # and the flag is the documented rule, for every student
        rule = (
            float(row.delta_weak_accuracy) > 0
            and abs(float(row.delta_d_prime)) < SAME_D
            and float(row.delta_c) > SHIFT_C
        )
        assert (row.student in flagged) == rule, row.student
    for row in both.itertuples():
        assert row.form_pre != row.form_post  # each student changed form
    assert set(table["form_pre"]) - {""} == {"A", "B"}  # counterbalanced: both forms in the pre-test
    pre_page = (course / "reports" / "pre-test" / "index.html").read_text(encoding="utf-8")
    assert "Forms for the pre-test" in pre_page


def test_a_forged_score_in_the_students_kernel_changes_nothing(demo):
    course_root, _ = demo
    course = Course(course_root)
    ps = "post-test"
    release = course.root / "release" / ps / f"{ps}.ipynb"
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid == "discernment-answer":  # code that would make the notebook's own check report full marks
            cell.source = "ex.award = lambda *a, **k: 12\ntest = ex.discernment_test()\ntest"
        if gid == "discernment-score":  # and an output claiming them
            cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "12.0"}, execution_count=1)]
    everything_weak = {
        "form": "B",
        "items": {f"b{n:02d}": {"judgement": "weak", "reasons": ["anonymous"]} for n in range(1, 13)},
    }
    answers = {"medialit_answers": 1, "name": ps, "answers": {"discernment": everything_weak}}
    forged = {"format": 2, "writer": "medialit grader", "assignment": ps, "parts": {"discernment": {"points": 12}}}
    course.add_submission(
        ps,
        "s01",
        {
            f"{ps}.ipynb": nbformat.writes(nb),
            f"{ps}.answers.json": json.dumps(answers),
            f"{ps}.results.json": json.dumps(forged),
        },
    )
    statuses = autograde(course, ps, students=["s01"], progress=False)
    assert statuses["s01"].status in ("graded", "flagged")
    # all twelve judged weak: the six weak texts right (2 points each) and "anonymous" right for b07 (its only
    # reason) and for b08 and b12 (one of two): 12 + 1 + 0.5 + 0.5 = 14 of 36, so 4.67 of 12, not the forged 12
    assert course.scores(ps)["s01"]["score"] == pytest.approx(round(12 * 14 / 36, 2))
    results = json.loads((course.root / "autograded" / "s01" / ps / f"{ps}.results.json").read_text())
    assert results["parts"]["discernment"]["details"]["d_prime"] == pytest.approx(0.0)
    write_report(course, ps)
    table = pd.read_csv(course.root / "reports" / ps / CSV, keep_default_na=False).set_index("student")
    assert float(table.at["s01", "d_prime_post"]) == pytest.approx(0.0)
