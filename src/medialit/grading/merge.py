"""Merging one worker's autograde result into the course gradebook: one transaction, one commit.

The main process is the only writer of the course gradebook. Each merge copies a
student's new automatic scores, comments, late penalty and flag from the worker's
gradebook copy; grades a teacher gave by hand are kept. Creating the student and the
submission rows happens in the same transaction (nbgrader's own helpers commit after
each step), so a failed merge leaves nothing half-written and costs one disk sync.

With a PostgreSQL gradebook, graders save scores in formgrader while a merge runs. The
merge never writes a column it did not change (SQLAlchemy's UPDATE names only the changed
attributes), so a manual score a grader commits meanwhile is kept
(``tests/test_gradebook_backends.py`` holds it to that).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from medialit.grading import overrides
from medialit.grading.course import Course
from medialit.grading.layout import DEFAULT_COURSE_ID


def merge(
    course: Course,
    assignment: str,
    student: str,
    worker_db: str,
    flagged: bool = False,
    books: Books | None = None,
    reason: str = "",
) -> None:
    """Copy one student's new autograde result from a worker gradebook into the course gradebook.

    ``flagged`` sets nbgrader's own flag on the submission, so formgrader lists it as flagged, unless
    the teacher's override in force settles it (``reason``, why it is flagged, is the flag they accepted,
    or they set the points: ``Override.resolves``); a flag for another reason is set again.
    ``books`` keeps gradebooks open across merges of one run (each opening costs time).
    """
    if flagged and (found := overrides.active(course, assignment).get(student)) and found.resolves(reason):
        flagged = False
    own = books is None
    books = books or Books()
    try:
        wgb, mgb = books.get(worker_db, course.course_id), books.get(course.db_url, course.course_id)
        wsub = wgb.find_submission(assignment, student)
        with mgb.db.no_autoflush:
            msub = _submission(mgb, assignment, student, wsub.timestamp)
            mine = {nb.name: nb for nb in msub.notebooks}
            for wnb in wsub.notebooks:
                mnb = mine[wnb.name]
                mnb.late_submission_penalty = wnb.late_submission_penalty
                mnb.flagged = flagged or mnb.flagged  # never clear a flag a grader set by hand
                grades = {g.name: g for g in mnb.grades}
                for wg in wnb.grades:
                    mg = grades[wg.name]
                    mg.auto_score = wg.auto_score
                    mg.needs_manual_grade = mg.manual_score is not None or wg.auto_score is None
                comments = {c.name: c for c in mnb.comments}
                for wc in wnb.comments:
                    comments[wc.name].auto_comment = wc.auto_comment
        mgb.db.commit()
        wgb.db.rollback()  # end the read: the worker goes on writing this file
    except Exception:
        books.get(course.db_url, course.course_id).db.rollback()
        raise
    finally:
        if own:
            books.close()


def _submission(gb: Any, assignment: str, student: str, timestamp: datetime | None) -> Any:
    """The student's submission row, created (with nbgrader's full structure) if missing; nothing committed.

    The same rows as nbgrader's ``update_or_create_student`` + ``update_or_create_submission``.
    """
    from nbgrader.api import Comment, Grade, MissingEntry, Student, SubmittedAssignment, SubmittedNotebook

    try:
        person = gb.find_student(student)
    except MissingEntry:
        person = Student(id=student)
        gb.db.add(person)
    try:
        submission = gb.find_submission(assignment, student)
        submission.timestamp = timestamp
        return submission
    except MissingEntry:
        pass
    submission = SubmittedAssignment(assignment=gb.find_assignment(assignment), student=person, timestamp=timestamp)
    for notebook in submission.assignment.notebooks:
        nb = SubmittedNotebook(notebook=notebook, assignment=submission)
        for cell in notebook.grade_cells:  # cell objects, not ids: their names are read before any flush
            Grade(cell=cell, notebook=nb)
        for cell in notebook.solution_cells:
            Comment(cell=cell, notebook=nb)
        for cell in notebook.task_cells:
            Comment(cell=cell, notebook=nb)
            Grade(cell=cell, notebook=nb)
    gb.db.add(submission)
    return submission


class Books:
    """Gradebooks kept open for the merges of one run, by URL."""

    def __init__(self) -> None:
        self.open: dict[str, Any] = {}

    def get(self, url: str, course_id: str = DEFAULT_COURSE_ID) -> Any:
        from nbgrader.api import Gradebook

        if url not in self.open:
            self.open[url] = Gradebook(url, course_id)
        return self.open[url]

    def drop(self, url: str) -> None:
        book = self.open.pop(url, None)
        if book is not None:
            book.close()
            book.engine.dispose()

    def close(self) -> None:
        for url in list(self.open):
            self.drop(url)
