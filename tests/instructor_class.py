"""The small graded class of the instructor-output tests (test_instructor_outputs, test_class_report).

One course: for ps1, ps2, ps3 and ps5 the master is autograded (its saved answers are the
gold answers), then students submit spoiled copies of them with the released notebook; one
submits nothing answered, one a corrupt notebook, and one is on the roster but never submits.
tests/conftest.py builds it once per session (the fixtures ``built`` and ``reports``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

from medialit.cli.demo import answers_file, gold_answers
from medialit.grading.course import Course
from medialit.grading.status import FAILED, FLAGGED, StudentStatus, save_status

ROSTER = """student_id,first_name,last_name,email,lms_id
ana,Ana,Alvarez,ana@example.edu,1001
ben,Ben,Brooks,,1002
carl,Carl,Chen,carl@example.edu,1003
dana,Dana,Diaz,dana@example.edu,1004
"""
CORRUPT_REASON = "ps1-sources.ipynb is not valid JSON (the file is damaged); nothing could be graded"
FLAG_REASON = "the locked cell reliability-score was edited"
KEPT = "ps5-transfer.ipynb is empty (0 bytes); the earlier result is kept"  # as `medialit autograde` says it
REWRITE = "The releases followed pressure from Washington, diplomats say."
COMMENT = "Neutral and attributed; keep 'incomplete' from the original."


def _ps1_ana(a: dict) -> None:
    a["labels"].update(p4s2="framing", p3s1="vague", p6s1=None)  # wrong, accepted alternative, unanswered


def _ps1_ben(a: dict) -> None:
    a["labels"].update(p4s2="framing", p2s2="named", p6s1=None)  # wrong, wrong, unanswered


def _ps2_ana(a: dict) -> None:
    a["reliability"] = dict.fromkeys(a["reliability"], "shaky")  # everything shaky: discernment 0
    a["hedges"]["p10s1"] = []  # misses "several"


def _ps2_ben(a: dict) -> None:
    a["hedges"]["p10s1"] = []  # misses "several"
    a["hedges"]["p4s2"] = []  # misses "may"


def _ps3_ana(a: dict) -> None:
    a["loaded"]["p8s1"] = []  # misses "restraint" (1 of 46 words)
    a["voices"]["p8s3#1"] = "writer"  # one of nine voices wrong
    a["rewrite"] = REWRITE


def _ps3_ben(a: dict) -> None:
    a["rewrite"] = ""  # left empty: the teacher-graded part is still open


def _ps5_ana(a: dict) -> None:
    a["labels"]["h1"] = "unsourced"  # accepted alternative (the key says framing)


SPOILERS: dict[str, dict[str, Callable[[dict], None]]] = {
    "ps1-sources": {"ana": _ps1_ana, "ben": _ps1_ben},
    "ps2-numbers": {"ana": _ps2_ana, "ben": _ps2_ben},
    "ps3-framing": {"ana": _ps3_ana, "ben": _ps3_ben},
    "ps5-transfer": {"ana": _ps5_ana},
}
EXPECTED = {  # the gradebook score of each student, worked out from the spoilers above
    "ps1-sources": {"master": 16, "ana": round(10 * 16.5 / 19, 2) + 6, "ben": round(10 * 16 / 19, 2) + 6, "blank": 0},
    "ps2-numbers": {
        "master": 14,
        "ana": 6 + 0 + round(4 * (2 * 0.9 / 1.9), 2),  # hedges: recall 9/10, precision 1
        "ben": 6 + 4 + round(4 * (2 * 0.8 / 1.8), 2),  # hedges: recall 8/10
    },
    "ps3-framing": {
        "master": 10,  # the rewrite is not graded yet
        "ana": round(6 * 90 / 91, 2) + round(4 * 8 / 9, 2) + 3,  # loaded F1 90/91, voices 8/9, manual 3
        "ben": 10,
    },
    "ps5-transfer": {"master": 14, "ana": round(10 * 8.5 / 9, 2) + 4},
}
ASSIGNMENTS = list(SPOILERS)
NOT_PLAIN = {("ps2-numbers", "ben"): FLAGGED, ("ps5-transfer", "ana"): FAILED}  # statuses the fixture records


def _autograde(course: Course, ps: str, student: str, files: dict) -> None:
    course.add_submission(ps, student, files)
    assert course.api().autograde(ps, student, force=True, create=True)["success"], (ps, student)


def _grade_by_hand(course: Course, ps: str, student: str, task: str, score: float, comment: str) -> None:
    with course.api().gradebook as gb:
        grade = gb.find_grade(task, ps, ps, student)
        grade.manual_score, grade.needs_manual_grade = score, False  # as formgrader saves it
        gb.find_comment(task, ps, ps, student).manual_comment = comment
        gb.db.commit()


def build_class(folder: Path) -> tuple[Course, dict[str, dict[str, dict]]]:
    """The graded class (a course in ``folder``), and each student's submitted answers per assignment."""
    course = Course.init(folder / "course")
    (course.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    answers: dict[str, dict[str, dict]] = {}
    for ps, spoilers in SPOILERS.items():
        release = course.generate(ps)
        extra = {p.name: p for p in release.iterdir() if p.suffix != ".ipynb"}
        notebook = {f"{ps}.ipynb": release / f"{ps}.ipynb"}
        # the master's own answers, saved by running it (the teacher's code): graded like any submission
        master_answers = answers_file(ps, gold_answers(course, ps))
        master = {f"{ps}.ipynb": course.root / "source" / ps / f"{ps}.ipynb", f"{ps}.answers.json": master_answers}
        _autograde(course, ps, "master", {**master, **extra})
        gold = json.loads(master_answers)
        answers[ps] = {"master": gold["answers"]}
        for student, spoil in spoilers.items():
            mine = copy.deepcopy(gold["answers"])
            spoil(mine)
            answers[ps][student] = mine
            saved = json.dumps({**gold, "answers": mine})
            _autograde(course, ps, student, {**notebook, f"{ps}.answers.json": saved, **extra})
    blank = course.root / "release" / "ps1-sources" / "ps1-sources.ipynb"
    _autograde(course, "ps1-sources", "blank", {"ps1-sources.ipynb": blank})
    for ps in ("ps1-sources", "ps2-numbers"):
        course.add_submission(ps, "carl", {f"{ps}.ipynb": "{not json", f"{ps}.answers.json": "{}"})
        assert not course.api().autograde(ps, "carl", force=True, create=True)["success"]
    save_status(course.root, "ps1-sources", {"carl": StudentStatus("carl", FAILED, CORRUPT_REASON)})
    save_status(course.root, "ps5-transfer", {"ana": StudentStatus("ana", FAILED, KEPT)})  # a failed regrade
    save_status(
        course.root,
        "ps2-numbers",
        {
            "carl": StudentStatus("carl", FAILED, "Traceback (most recent call last):\n  File ...\nNotJSONError: ..."),
            "ben": StudentStatus("ben", FLAGGED, FLAG_REASON, flags=[FLAG_REASON]),
        },
    )
    _grade_by_hand(course, "ps3-framing", "ana", "rewrite-rubric", 3, COMMENT)
    return course, answers
