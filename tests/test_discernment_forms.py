"""A pre-test or post-test answered on the wrong form is FLAGGED in the grade table, its points unchanged.

Through the real autograde: four students on a roster, each answers a form perfectly. Two answer
their own form; one answers the other form on the pre-test; one takes the same form again on the
post-test. The flagged ones say which form they answered, which was theirs and what to do, and
keep the points of their answers; the export's notes carry the same reason.
"""

from __future__ import annotations

import json

import pytest

from medialit.content.discernment_items import FORMS, load_forms
from medialit.grading.autograde import autograde, status_table
from medialit.grading.course import Course
from medialit.reports.export import export_grades
from medialit.teaching.discernment import counterbalance

PRE, POST = "pre-test", "post-test"
STUDENTS = ["ana", "ben", "cem", "dee"]


def _answers(assignment: str, form: str) -> str:
    """Every text of ``form`` judged right, with all its reasons: full points on that form."""
    items = {i.id: {"judgement": i.key, "reasons": list(i.reasons)} for i in load_forms()[form].items}
    answers = {"discernment": {"form": form, "items": items}}
    return json.dumps({"medialit_answers": 1, "name": assignment, "answers": answers})


def _other(form: str) -> str:
    return next(f for f in FORMS if f != form)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("forms")
    roster = tmp / "roster.csv"
    rows = "".join(f"{s},{s.title()},Doe,{s}@school.example,{100 + n}\n" for n, s in enumerate(STUDENTS))
    roster.write_text("student_id,first_name,last_name,email,lms_id\n" + rows, encoding="utf-8")
    course = Course.init(tmp / "course", roster=roster)
    plan = counterbalance(STUDENTS)
    right_pre, wrong_pre, right_post, twice = STUDENTS
    release = {a: (course.generate(a) / f"{a}.ipynb").read_text(encoding="utf-8") for a in (PRE, POST)}
    pre_forms = {s: plan[s][0] for s in STUDENTS} | {wrong_pre: _other(plan[wrong_pre][0])}
    for s, form in pre_forms.items():
        course.add_submission(PRE, s, {f"{PRE}.ipynb": release[PRE], f"{PRE}.answers.json": _answers(PRE, form)})
    pre = autograde(course, PRE, progress=False)
    post_forms = {right_post: _other(pre_forms[right_post]), twice: pre_forms[twice]}
    for s, form in post_forms.items():
        course.add_submission(POST, s, {f"{POST}.ipynb": release[POST], f"{POST}.answers.json": _answers(POST, form)})
    post = autograde(course, POST, progress=False)
    return course, plan, pre_forms, pre, post


def test_the_pre_test_on_the_other_form_is_flagged_with_its_points(graded):
    course, plan, pre_forms, pre, _ = graded
    right, wrong = STUDENTS[0], STUDENTS[1]
    assert pre[right].status == "graded", pre[right].reason
    assert pre[wrong].status == "flagged"
    got, due = pre_forms[wrong], plan[wrong][0]
    assert f"answered form {got}, but this student's pre-test form is {due}" in pre[wrong].reason
    assert f"Give them form {due} on the post-test" in pre[wrong].reason  # the form they have not seen
    scores = course.scores(PRE)
    assert scores[wrong]["score"] == scores[right]["score"] == pytest.approx(12)  # points unchanged
    table = status_table(pre)
    line = next(x for x in table.splitlines() if x.startswith(wrong))
    assert "flagged" in line and f"answered form {got}" in line


def test_the_same_form_twice_is_flagged_on_the_post_test(graded):
    course, _, pre_forms, _, post = graded
    right, twice = STUDENTS[2], STUDENTS[3]
    assert post[right].status == "graded", post[right].reason
    assert post[twice].status == "flagged"
    form = pre_forms[twice]
    reason = post[twice].reason
    assert f"answered form {form}, but this student's post-test form is {_other(form)}" in reason
    assert f"they took form {form} on the pre-test" in reason and "leaves them out of the pre/post change" in reason
    assert f"have them answer form {_other(form)}" in reason
    scores = course.scores(POST)
    assert scores[twice]["score"] == scores[right]["score"] == pytest.approx(12)


def test_the_export_notes_tell_the_teacher(graded, tmp_path):
    course, _, pre_forms, _, _ = graded
    export = export_grades(course, POST, "canvas", tmp_path / "post.csv")
    assert export.notes is not None
    notes = export.notes.read_text(encoding="utf-8")
    twice = STUDENTS[3]
    line = next(x for x in notes.splitlines() if twice in x)
    assert f"answered form {pre_forms[twice]}, but this student's post-test form is" in line
