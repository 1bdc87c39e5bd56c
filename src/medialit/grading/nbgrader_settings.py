"""nbgrader settings shared by the repository's nbgrader_config.py and every course workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from medialit.grading.layout import DEFAULT_COURSE_ID

# Never copied by nbgrader (release, submit, collect, autograde): quarantined answer
# files and private answer keys. Saved answers (*.answers.json) must travel with the
# student's submission, so they are not ignored; see protect_answers().
IGNORE = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "*.answers.corrupt-*",
    "*.results.json",
    "*.key.yaml",
    "*.key.json",
]


def protect_answers(c: Any) -> None:
    """Autograde copies the source folder's files over the student's: never an answers file.

    An answers file left in a master's folder (someone ran the master in place)
    would otherwise replace every student's answers with the key.
    """
    root = Path(c.CourseDirectory.get("root") or Path.cwd())
    source = root / (c.CourseDirectory.get("source_directory") or "source")
    if not source.is_dir():
        return
    c.Autograde.exclude_overwriting = {
        folder.name: [p.name for p in folder.glob("*.answers*.json")] for folder in source.iterdir() if folder.is_dir()
    }


def apply_common(c: Any) -> None:
    """Settings every medialit course needs; call after setting the course's folders.

    A course's own id, gradebook URL and exchange folder are set after this call (see
    ``medialit.grading.course.CONFIG_TEMPLATE``); a course that sets none keeps these defaults.
    """
    c.CourseDirectory.course_id = DEFAULT_COURSE_ID
    c.CourseDirectory.ignore = IGNORE
    # Students answer with widgets, so a cleared solution region needs no code.
    c.ClearSolutions.code_stub = {"python": "# Nothing to type here: answer with the widget."}
    c.ClearSolutions.text_stub = "Answer with the widget above."
    # A deleted test cell is put back and run, instead of being silently skipped.
    c.OverwriteCells.add_missing_cells = True
    c.Execute.timeout = 60
    c.Execute.interrupt_on_timeout = True
    # Grade from the saved answers in the grader's own process, never from what a student's
    # kernel computes: `nbgrader autograde` and formgrader's button grade the same way as
    # `medialit autograde` (which adds --execute, the sandbox and parallel workers).
    from medialit.grading.pipeline import preprocessors

    c.Autograde.autograde_preprocessors = preprocessors(execute=False, sandbox=False)
    protect_answers(c)
