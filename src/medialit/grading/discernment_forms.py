"""The discernment test's forms at grading: a pre-test or post-test on the wrong form is flagged.

Each student answers one form (A or B) on the pre-test and the other on the post-test; which
comes first is counterbalanced over the class (:func:`medialit.teaching.tasks.discernment.form_due`,
the rule the class report uses). A student who answered another form keeps their points, but the
class report cannot use them for the pre/post change as planned: the grade table flags them, with
what to do.
"""

from __future__ import annotations

from pathlib import Path

from medialit.content.discernment_items import FORMS
from medialit.grading.course import Course
from medialit.grading.results import Results, results_path
from medialit.teaching.tasks.discernment import POST_TEST, PRE_TEST, form_due


def form_taken(results: Results | None) -> str:
    """The form of the discernment part of recorded results ('' when there is none)."""
    for part in results.parts.values() if results else ():
        form = part.details.get("form")
        if part.details.get("kind") == "discernment" and form in FORMS:
            return str(form)
    return ""


def class_students(course: Course, grading: list[str] | None = None) -> list[str]:
    """Who the forms are counterbalanced over: the roster, and anyone else graded on either test.

    ``grading``: the students a run is grading now, counted as graded (read once per run, so every
    submission of the run is judged against the same class, whatever order they finish in).
    """
    try:
        students = [s.student_id for s in course.roster()]
    except ValueError:  # an unreadable roster is reported where it is imported; grading goes on
        students = []
    root = course.autograded_root
    if root.is_dir():
        others = {p.name for p in root.iterdir() if any((p / t).is_dir() for t in (PRE_TEST, POST_TEST))}
        students += sorted(others - set(students))
    students += sorted(set(grading or ()) - set(students))
    return students


def tested_class(course: Course, assignment: str, grading: list[str]) -> list[str]:
    """The class the forms of ``assignment`` are counterbalanced over (empty for other assignments)."""
    return class_students(course, grading) if assignment in (PRE_TEST, POST_TEST) else []


def _taken(course: Course, assignment: str, student: str) -> str:
    return form_taken(Results.read(results_path(course.autograded_dir(assignment, student), assignment)))


def wrong_form(course: Course, assignment: str, student: str, graded: Path, students: list[str]) -> str:
    """Why this submission's form is not the student's, with what to do ('' when it is, or no form was chosen).

    ``graded`` is the submission's freshly graded folder (its results); ``students`` the class
    (:func:`class_students`); the pre-test form the post-test depends on is read from the course.
    """
    if assignment not in (PRE_TEST, POST_TEST):
        return ""
    got = form_taken(Results.read(results_path(graded, assignment)))
    if not got:
        return ""
    pre = _taken(course, PRE_TEST, student) if assignment == POST_TEST else ""
    due = form_due(assignment, student, students, pre)
    if got == due:
        return ""
    head = f"answered form {got}, but this student's {assignment} form is {due}"
    unseen = next(f for f in FORMS if f != got)
    if assignment == PRE_TEST:
        return (
            f"{head} (see 'Forms for the {assignment}' in the class report): the points stand. Give them "
            f"form {unseen} on the post-test, the one they have not seen, so that their pre/post change still counts"
        )
    if pre:
        return (
            f"{head} (they took form {pre} on the pre-test): the points stand, but a second go at the same "
            "texts could measure memory rather than discernment, so the class report leaves them out of the "
            f"pre/post change. To count them, have them answer form {due} and collect and autograde again"
        )
    return (
        f"{head} (see 'Forms for the {assignment}' in the class report): the points stand. They have no graded "
        f"pre-test; if they take it later, give them form {unseen}, the one they have not seen"
    )
