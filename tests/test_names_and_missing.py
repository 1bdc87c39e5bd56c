"""Issue 25 §7: a teacher reads every student as "Name (id)", and a student who submitted nothing is
"missing" (never "failed"), in the saved status files too."""

from __future__ import annotations

import json

import pandas as pd

from medialit.grading.status import (
    GRADED,
    MISSING,
    NO_SUBMISSION,
    StudentStatus,
    load_status,
    record_missing,
    save_status,
    status_path,
)
from medialit.reports.discernment_report import _forms_html, _student_table

PS = "ps1-sources"


def test_missing_is_saved_in_the_status_file_and_never_replaces_a_result(tmp_path):
    save_status(tmp_path, PS, {"ana": StudentStatus("ana", GRADED, score=12.0, max_score=16.0)})
    record_missing(tmp_path, PS, ["ana", "ben"])
    saved = json.loads(status_path(tmp_path, PS).read_text(encoding="utf-8"))["students"]
    assert saved["ben"]["status"] == MISSING and saved["ben"]["reason"] == NO_SUBMISSION
    assert saved["ana"]["status"] == GRADED and saved["ana"]["score"] == 12.0  # a result is kept
    save_status(tmp_path, PS, {"ben": StudentStatus("ben", GRADED, score=9.0)})  # ben hands in, is graded
    record_missing(tmp_path, PS, [])
    assert load_status(tmp_path, PS)["ben"].status == GRADED


def test_the_pre_test_forms_list_and_student_table_name_each_student():
    table = pd.DataFrame(
        {
            "student": ["ana", "ben", "zed"],
            "assigned_pre": ["A", "B", "A"],
            "assigned_post": ["B", "A", "B"],
            "form_pre": ["A", "", "A"],
            "form_post": ["", "", ""],
        }
    )
    names = {"ana": "Ana Alvarez (ana)", "ben": "Ben Brooks (ben)"}
    forms = _forms_html(table, "pre-test", names)
    assert "<b>Form A</b> (2): Ana Alvarez (ana), zed" in forms  # zed: not on the roster, the id alone
    assert "<b>Form B</b> (1): Ben Brooks (ben)" in forms and "tell each student theirs" in forms
    shown = _student_table(table, names)
    assert "Ana Alvarez (ana)" in shown and ">ben<" not in shown  # ben took no test yet: not in the table


def test_a_late_note_shared_by_the_class_is_said_once_under_the_autograde_table():
    from medialit.grading.autograde import status_table

    canvas = "late: marked late by Canvas; the LMS gives no time, so no penalty was applied: apply your policy"
    statuses = {s: StudentStatus(s, GRADED, score=10.0, max_score=16.0, late=canvas if s != "cy" else "") for s in "ab"}
    statuses["cy"] = StudentStatus("cy", GRADED, score=8.0, max_score=16.0, late="late: submitted 3 h after")
    table = status_table(statuses, {"a": "Al Ames (a)"}, missing=["dee"])
    assert table.count(canvas) == 1 and table.splitlines()[-1] == f"[1] {canvas}"
    rows = table.splitlines()
    assert rows[2].startswith("Al Ames (a)") and rows[2].endswith("late [1]") and rows[3].endswith("late [1]")
    assert rows[4].endswith("late: submitted 3 h after")  # a note of one student stays on its row
    assert rows[5].split()[:2] == ["dee", "missing"]
