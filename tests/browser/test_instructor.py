"""An instructor in nbgrader's formgrader, in a real browser: assignments, submissions, a flagged one, a rubric.

The course is small and hand-made from the kit's building blocks (run_demo's class of 30 takes too
long here): ps1-sources for three students (s03 deleted a test cell, so medialit flags the
submission) and ps3-framing, whose Part C is a manually graded task with its rubric, for two.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import Locator, Page, expect

from medialit.grading.course import Course
from medialit.grading.roster import Student, write_roster
from medialit.grading.status import StudentStatus

from .jlab import INSTRUCTOR, UI_MS, LabServer, Shots

pytestmark = pytest.mark.browser

PS1, PS3 = "ps1-sources", "ps3-framing"
ROSTER = [
    Student("s01", "Ana", "Silva", "ana@school.example", "101"),
    Student("s02", "Ben", "Novak", "ben@school.example", "102"),
    Student("s03", "Chloe", "Haddad", "chloe@school.example", "103"),
]
TAMPERED = "s03"
WEAK_REWRITE = "It is a cautious, incomplete signal."


@dataclass
class Grading:
    """The course after autograding."""

    course: Course
    statuses: dict[str, dict[str, StudentStatus]]  # assignment -> student -> status


def _files(release: Path, assignment: str, answers: dict[str, Any], tamper: bool = False) -> dict[str, str]:
    from medialit.cli.demo import answers_file

    text = (release / f"{assignment}.ipynb").read_text(encoding="utf-8")
    if tamper:  # delete a hidden-test cell, as in the demo's "tampered" student
        nb = nbformat.reads(text, as_version=4)
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "labels-score"]
        text = nbformat.writes(nb)
    return {f"{assignment}.ipynb": text, f"{assignment}.answers.json": answers_file(assignment, answers)}


@pytest.fixture(scope="module")
def grading(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Grading:
    """Init a course, submit ps1 (one tampered) and ps3, autograde both; the tampered one is flagged in nbgrader."""
    from nbgrader.api import Gradebook

    from medialit.cli.demo import gold_answers
    from medialit.grading.autograde import autograde
    from medialit.grading.status import FLAGGED, GRADED

    base = tmp_path_factory.mktemp("instructor")
    write_roster(base / "roster.csv", ROSTER)
    course = Course.init(base / "course", roster=base / "roster.csv")
    statuses: dict[str, dict[str, StudentStatus]] = {}
    for assignment, students in [(PS1, ["s01", "s02", "s03"]), (PS3, ["s01", "s02"])]:
        release = course.generate(assignment)
        gold = gold_answers(course, assignment)
        for student in students:
            answers = json.loads(json.dumps(gold))
            if student == "s02" and assignment == PS1:
                answers["labels"]["p4s2"] = "framing"
            if student == "s02" and assignment == PS3:
                answers["rewrite"] = WEAK_REWRITE
            course.add_submission(assignment, student, _files(release, assignment, answers, tamper=student == TAMPERED))
        statuses[assignment] = autograde(course, assignment, jobs=2, progress=False)
    for assignment, by_student in statuses.items():
        for student, status in by_student.items():
            want = FLAGGED if (assignment, student) == (PS1, TAMPERED) else GRADED
            assert status.status == want, f"{assignment} {student}: {status.status} ({status.reason})"
    assert "labels-score: test cell was deleted" in statuses[PS1][TAMPERED].reason

    # formgrader shows nbgrader's own per-notebook flag: medialit.grading.autograde sets it on flagged submissions
    with Gradebook(course.db_url, course.course_id) as gb:
        for assignment, by_student in statuses.items():
            for student, status in by_student.items():
                flagged = gb.find_submission_notebook(assignment, assignment, student).flagged
                assert flagged == (status.status == FLAGGED), f"{assignment} {student}: nbgrader flagged={flagged}"
    return Grading(course, statuses)


@pytest.fixture(scope="module")
def instructor_lab(grading: Grading, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab as `make instructor` starts it, on the course folder (formgrader reads its nbgrader_config.py)."""
    root = grading.course.root
    server = LabServer(root, tmp_path_factory.mktemp("instructor-home"), cwd=root, config=INSTRUCTOR)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def manual_score(grading: Grading, student: str) -> float | None:
    from nbgrader.api import Gradebook

    with Gradebook(grading.course.db_url, grading.course.course_id) as gb:
        return gb.find_grade("rewrite-rubric", PS3, PS3, student).manual_score


def show_all_names(page: Page, count: int) -> Locator:
    """Wait for formgrader's list of ``count`` submissions (loaded by script), then reveal the names."""
    rows = page.locator("#main-table tr").filter(has=page.locator("td.flagged"))
    expect(rows).to_have_count(count, timeout=UI_MS)  # the button does nothing before the rows exist
    page.locator("#toggle_names").click()
    expect(page.locator("#toggle_names")).to_have_text("Hide All Names", timeout=UI_MS)
    return rows


def test_formgrader_lists_assignment_submissions_flag_and_rubric(
    page: Page, instructor_lab: LabServer, grading: Grading
) -> None:
    """Formgrader shows both assignments, ps1's submissions, s03's flag, and Part C's rubric for grading."""
    lab = instructor_lab
    shot = Shots(page, "instructor")
    assert "nbgrader.server_extensions.formgrader | extension was successfully loaded" in lab.log_tail(20_000)

    # JupyterLab's Nbgrader menu opens formgrader in a tab
    page.goto(f"{lab.url}/lab?reset&token={lab.token}")
    page.locator('.lm-MenuBar-itemLabel:text-is("Nbgrader")').click(timeout=60_000)
    page.locator('.lm-Menu-itemLabel:text-is("Formgrader")').click()
    frame = page.frame_locator(".jp-MainAreaWidget iframe")
    expect(frame.locator("#main-table").get_by_text(PS1, exact=True)).to_be_visible(timeout=60_000)
    shot("lab-formgrader-tab")

    # the assignments, with their number of submissions
    page.goto(f"{lab.url}/formgrader/manage_assignments?token={lab.token}")
    for assignment, count in [(PS1, 3), (PS3, 2)]:
        tr = page.locator("#main-table tr").filter(has=page.locator("td.name", has_text=assignment))
        expect(tr.locator("td.num-submissions")).to_have_text(str(count), timeout=UI_MS)
    shot("assignments")

    # the submissions of ps1-sources: every student, graded, with the autograder's score
    page.goto(f"{lab.url}/formgrader/manage_submissions/{PS1}?token={lab.token}")
    for student in ROSTER:
        tr = page.locator("#main-table tr").filter(has=page.locator("td.student-id", has_text=student.student_id))
        expect(tr.locator("td.student-name")).to_have_text(f"{student.last_name}, {student.first_name}")
        expect(tr.locator("td.status")).to_have_text("graded")
        score = grading.statuses[PS1][student.student_id].score
        expect(tr.locator("td.score")).to_have_text(f"{score:g} / 16")
    shot("submissions")

    # the flagged submission (manual grading list of the notebook, names shown)
    page.goto(f"{lab.url}/formgrader/gradebook/{PS1}/{PS1}?token={lab.token}")
    rows = show_all_names(page, 3)
    for student in ROSTER:
        tr = rows.filter(has=page.locator("a.name-shown", has_text=f"{student.last_name}, {student.first_name}"))
        flags = tr.locator("td.flagged .glyphicon-flag")
        expect(flags).to_have_count(1 if student.student_id == TAMPERED else 0)
    shot("flagged-submission")

    # a manually graded task: Part C's rubric, the saved answer and the pre-checks; give 3 of 4 points
    page.goto(f"{lab.url}/formgrader/gradebook/{PS3}/{PS3}?token={lab.token}")
    needs = show_all_names(page, 2).filter(has=page.locator("a.name-shown", has_text="Novak, Ben"))
    expect(needs.locator("td.needs-manual-grade .glyphicon")).to_have_count(1, timeout=UI_MS)
    with page.expect_navigation():
        needs.locator("a.name-shown").click()
    task = page.locator(".nbgrader_cell").filter(has_text="Rubric for Part C")
    expect(task).to_be_visible(timeout=UI_MS)
    expect(task.locator(".nbgrader-label")).to_have_text("Student's task")
    expect(task).to_contain_text("no invented source")
    score = task.locator("input#rewrite-rubric")
    expect(score).to_have_class("score tabbable needs_manual_grade")
    expect(page.locator(".output_html").filter(has_text="Your answer, as saved:")).to_contain_text(WEAK_REWRITE)
    expect(page.get_by_text("Automatic pre-checks (for the grader):")).to_be_visible()
    shot("rubric", task)
    score.fill("3")
    score.press("Tab")
    deadline = time.monotonic() + 15
    while manual_score(grading, "s02") != 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert manual_score(grading, "s02") == 3
    shot("rubric-graded", task)
