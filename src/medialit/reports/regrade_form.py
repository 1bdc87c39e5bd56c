"""How a student asks for a regrade, on their feedback page (no script: the page stays a plain page).

The section shows the lines to write, filled in with the assignment, the student and the page's
parts (``medialit.grading.regrades.request_text`` is the format ``medialit regrades`` reads), to
type as the text entry of the course's regrade-requests assignment in the LMS, and offers the same
lines as a file to download, fill in and upload (a ``data:`` link: nothing leaves the page).
"""

from __future__ import annotations

import html
from urllib.parse import quote

from medialit.grading import overrides, regrades
from medialit.grading.course import Course
from medialit.grading.regrades import request_text

ASSIGNMENT_NAME = "Regrade requests"  # what the docs tell the teacher to call the LMS assignment


def regrade_section(assignment: str, student: str, headings: dict[str, str]) -> str:
    """The page's "Think a part was graded wrong?" section."""
    parts = [h for h in dict.fromkeys(headings.values()) if h]
    example = parts[0] if parts else "the whole assignment"
    template = request_text(assignment, student, example, "", "")
    file_name = f"{assignment}-regrade.txt"
    link = "data:text/plain;charset=utf-8," + quote(template)
    choices = "".join(f"<li>{html.escape(p)}</li>" for p in [*parts, "the whole assignment"])
    return (
        '<section class="regrade"><h2>Think a part was graded wrong?</h2>'
        "<p>Ask your teacher to look again. In your course's LMS (Canvas or Moodle), open the assignment "
        f"<b>{ASSIGNMENT_NAME}</b> (or the one your teacher names for it) and submit these lines as its text "
        "entry, with <b>what</b> you think should change and <b>why</b> after the colons (quote the article's "
        "words where you can):</p>"
        f"<pre>{html.escape(template)}</pre>"
        f"<p>For <b>part</b>, write one of:</p><ul>{choices}</ul>"
        f'<p>Or <a href="{html.escape(link)}" download="{html.escape(file_name)}">download these lines as '
        f"<code>{html.escape(file_name)}</code></a>, fill them in with a text editor, save, and upload the file "
        "there (or send it to your teacher). One request per part; your teacher answers each one.</p></section>"
    )


def answers_section(course: Course, assignment: str, student: str) -> str:
    """The student's own regrade requests and what became of each ('' when they made none)."""
    mine = [r for r in regrades.load(course, assignment) if r.student == student]
    if not mine:
        return ""
    current = overrides.active(course, assignment)
    items = []
    for request in mine:
        state, _ = regrades.status(request, current)
        said = {
            regrades.OPEN: "Your teacher has not answered it yet.",
            regrades.ANSWERED: "Your teacher looked again and changed your score (see the top of this page).",
            regrades.CLOSED: "Your teacher looked again and kept the score. Why: "
            + html.escape(request.closed.get("reason", "")),
        }[state]
        part = html.escape(request.part or "the whole assignment")
        items.append(f"<li>About <b>{part}</b>: “{html.escape(request.what or request.why)}”. {said}</li>")
    return f'<section class="regrade-answers"><h2>Your regrade requests</h2><ul>{"".join(items)}</ul></section>'
