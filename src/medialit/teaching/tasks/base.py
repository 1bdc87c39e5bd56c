"""The base of every task model: a key, a title, and pure functions of a saved answer.

A task model knows the question and its answer key. Given an answer (the value a widget
saves), it checks and normalises it and says what it scores and what feedback it earns.
It never holds the answer itself, and it has no controls: the widgets (the view) hold
those and ask their task, and the grader asks the task alone, in its own process.
"""

from __future__ import annotations

from typing import Any


class Task:
    """One question: its key, its title, and what any answer to it scores.

    ``graded=True`` (nbgrader exercises) leaves the explanations out of the task, so a
    graded notebook never holds the reasons behind the key.
    """

    kind = "Task"  # result_data's "kind" when a task adds no detail (the widget's name, kept in results files)

    def __init__(self, key: str, *, graded: bool = False, title: str = ""):
        self.key = key
        self.graded = graded
        self.title = title

    # every task implements these
    def normalise(self, value: Any, notes: list[str] | None = None) -> Any:
        """``value`` checked and in its one canonical form, the form a widget saves.

        Raises TypeError or ValueError (the message says what is wrong) for an answer of the wrong
        form; parts it must ignore are dropped, each with a line appended to ``notes``.
        """
        raise NotImplementedError

    def blank(self) -> Any:
        """The answer before anything is chosen or written."""
        raise NotImplementedError

    def score(self, value: Any) -> tuple[float, int]:
        """(points, maximum) for a normalised answer."""
        raise NotImplementedError

    def complete(self, value: Any) -> bool:
        """True when every part has an answer (says nothing about correctness)."""
        raise NotImplementedError

    def feedback_html(self, value: Any) -> str:
        """What Check shows in a lesson."""
        raise NotImplementedError

    def completeness_html(self, value: Any) -> str:
        """What Check shows in an exercise: what is still missing, never what is right."""
        raise NotImplementedError

    # shared defaults
    def report_html(self, value: Any) -> str:
        """The full feedback as HTML (for feedback pages); by default the Check feedback."""
        return self.feedback_html(value)

    def result_data(self, value: Any) -> dict[str, Any]:
        """The scored answer as plain data, for class reports. Tasks add detail."""
        return {"kind": self.kind}

    def gold_value(self) -> Any:
        """The answer key in the shape of an answer."""
        raise NotImplementedError(f"{type(self).__name__} has no single right answer")


class TextTask(Task):
    """A free-text answer, saved as a string."""

    def normalise(self, value: Any, notes: list[str] | None = None) -> str:
        if not isinstance(value, str):
            raise TypeError(f"expected text, got {type(value).__name__}")
        return value

    def blank(self) -> str:
        return ""
