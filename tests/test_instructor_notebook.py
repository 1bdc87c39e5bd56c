"""The instructor notebook runs the whole week headless, and what it leaves is what a teacher relies on."""

from __future__ import annotations

import json

import nbformat
import pandas as pd
from conftest import ROOT
from nbclient import NotebookClient

from medialit.grading.course import Course
from medialit.grading.status import load_status


def test_instructor_notebook_runs_the_week(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIALIT_ANSWERS_DIR", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebook's tempfile.mkdtemp() lands here
    path = ROOT / "notebooks" / "instructor-workflow.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "Traceback" not in text

    (workspace,) = tmp_path.glob("medialit-instructor-*")
    course = Course(workspace / "course")
    assert [s.student_id for s in course.roster()] == ["s01", "s02", "s03"]

    # collected: s01 and s03 through the exchange, s02 from the Canvas download
    records = json.loads(course.collected_file("ps1-sources").read_text(encoding="utf-8"))
    via = {student: r["via"] for student, r in records["students"].items()}
    assert via == {"s01": "exchange", "s02": "canvas", "s03": "exchange"}

    # graded from the saved answers: the expert above the partial student; the truncated upload failed
    status = load_status(course.root, "ps1-sources")
    assert {s: st.status for s, st in status.items()} == {"s01": "graded", "s02": "graded", "s03": "failed"}
    assert status["s01"].max_score == status["s02"].max_score == 16
    assert status["s01"].score > status["s02"].score > 0
    assert "not a readable notebook" in status["s03"].reason
    gradebook = course.scores("ps1-sources")
    assert {s: gradebook[s]["score"] for s in ("s01", "s02")} == {s: status[s].score for s in ("s01", "s02")}

    # every student gets a page; Canvas's table carries the gradebook's scores under the assignment's column
    assert len(course.feedback_pages("ps1-sources")) == 3
    canvas = pd.read_csv(course.exports_dir / "ps1-sources-canvas.csv", dtype=str, keep_default_na=False)
    rows = canvas[canvas["SIS Login ID"].isin(["s01", "s02"])].set_index("SIS Login ID")["ps1-sources"]
    assert {s: float(v) for s, v in rows.items()} == {s: status[s].score for s in ("s01", "s02")}
    assert canvas.loc[canvas["SIS Login ID"] == "s03", "ps1-sources"].tolist() == [""]  # failed: no grade

    # the class report's item table, and no lesson-07 class file for 2 labelling students (privacy)
    items = pd.read_csv(course.report_dir("ps1-sources") / "item_accuracy.csv")
    assert set(items["students"]) == {2}
    assert items["credit"].between(0, 1).all() and len(items) > 10
    assert not (course.report_dir("ps1-sources") / "class-labels.json").exists()
    assert "No class file for lesson 07" in text
