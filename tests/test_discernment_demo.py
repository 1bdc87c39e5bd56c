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


def test_the_class_report_analyses_every_text(demo):
    """Difficulty and discrimination per text, on the new items; negative discrimination is flagged."""
    from medialit.content.discernment_items import load_papers
    from medialit.reports.discernment_report import ITEMS_CSV

    course, _ = demo
    ids = {t.id for p in load_papers(names=("A", "B")).values() for t in p.texts}
    for test in TESTS:
        items = pd.read_csv(course / "reports" / test / ITEMS_CSV, keep_default_na=False)
        assert set(items["text"]) == ids  # the synthetic students answered the new items
        assert items["share_right"].between(0, 1).all()
        r = pd.to_numeric(items["discrimination"], errors="coerce")
        assert r.dropna().between(-1, 1).all() and r.notna().sum() >= 18
        assert (items.loc[r < 0, "flag"] != "").all() and (items.loc[~(r < 0), "flag"] == "").all()
        page = (course / "reports" / test / "index.html").read_text(encoding="utf-8")
        assert "Item analysis: each text's difficulty and discrimination" in page
        if (r < 0).any():
            assert "with negative discrimination" in page


def test_discrimination_is_the_point_biserial_against_the_rest_of_the_test():
    from medialit.grading.results import PartResult, Results
    from medialit.reports.discernment_report import item_table

    # three students on a 3-text form: the strong ones get t1 right, only the weakest gets t3 right
    answers = {"s1": (1, 1, 0), "s2": (1, 1, 0), "s3": (0, 0, 1)}
    results = {}
    for sid, rights in answers.items():
        items = {f"t{n}": {"key": "solid", "status": "correct" if r else "wrong"} for n, r in enumerate(rights, 1)}
        part = PartResult("discernment", "", 1, 1, details={"kind": "discernment", "form": "A", "items": items})
        results[sid] = Results("pre-test", "", {"discernment": part})
    table = item_table(results).set_index("text")
    assert table.at["t1", "share_right"] == pytest.approx(2 / 3, abs=0.001)
    # t1 against the rest (t2 + t3): s1 1, s2 1, s3 1 -> the rest does not vary: no figure
    assert pd.isna(table.at["t1", "discrimination"])
    # t3 (0, 0, 1) against the rest (2, 2, 0): r = -1, flagged
    assert table.at["t3", "discrimination"] == pytest.approx(-1.0) and table.at["t3", "flag"]


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
    # all twelve judged weak: the six weak texts right (2 points each) and "anonymous" right for b08 (its only
    # reason) and for b12 (one of two): 12 + 1 + 0.5 = 13.5 of 36, so 4.5 of 12, not the forged 12
    assert course.scores(ps)["s01"]["score"] == pytest.approx(round(12 * 13.5 / 36, 2))
    results = json.loads((course.root / "autograded" / "s01" / ps / f"{ps}.results.json").read_text())
    assert results["parts"]["discernment"]["details"]["d_prime"] == pytest.approx(0.0)
    write_report(course, ps)
    table = pd.read_csv(course.root / "reports" / ps / CSV, keep_default_na=False).set_index("student")
    assert float(table.at["s01", "d_prime_post"]) == pytest.approx(0.0)
