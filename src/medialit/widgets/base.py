"""The base of every answer widget: the view of a task model, with saved answers and a Check button.

The task (:mod:`medialit.teaching.tasks`) knows the question, the key and the feedback; the
widget holds the controls, reads the answer from them and asks its task about it.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from medialit.grading.answers import AnswerStore
from medialit.teaching.tasks.access import LIVE_CLASS
from medialit.teaching.tasks.base import Task, TextTask
from medialit.teaching.tasks.markup import (  # noqa: F401  (the widgets' names for them)
    HALF_POINTS,
    ICONS,
    MARK_TITLES,
    MARKS,
    STYLE,
    WORDS,
    badge,
    folded,
    mark,
    plain,
    sentence_html,
)

TITLE_CLASS = "medialit-title"
# A widget sits in a lesson's "##" section: its title is an h3 (the next level), drawn as the h4 it
# used to be (the browser's h4 size and margins), inline so it holds wherever the widget is shown
TITLE_STYLE = "font-size: 1em; margin: 1.33em 0;"


def title_html(title: str) -> str:
    """A widget's title: the heading level under a lesson's section, the look of the old h4."""
    return f'<h3 class="{TITLE_CLASS}" style="{TITLE_STYLE}">{html.escape(title)}</h3>'


class AnswerWidget:
    """An answer widget: a value saved to the answer store, a Check button, feedback.

    The widget is the view of ``self.task`` (a :class:`~medialit.teaching.tasks.base.Task`):
    a subclass builds its controls, reads and shows an answer (``get_value``, ``_show``), and
    leaves the key, the scoring and the feedback to the task. ``graded=True`` (in nbgrader
    exercises) makes Check report only whether the answer is complete, never whether it is correct.
    """

    def __init__(self, task: Task, store: AnswerStore | None = None):
        self._view(task, store)

    @classmethod
    def of(cls, task: Task, store: AnswerStore | None = None) -> AnswerWidget:
        """The widget showing ``task`` (built by the task registry), its answer saved to ``store``."""
        widget = cls.__new__(cls)
        widget._view(task, store)
        return widget

    def _view(self, task: Task, store: AnswerStore | None) -> None:
        """Show ``task``: build the controls, then restore the saved answer (every view implements it)."""
        raise NotImplementedError(f"{type(self).__name__} is not the view of a task")

    def _attach(self, task: Task, store: AnswerStore | None) -> None:
        """Show ``task``: the feedback area and the Check button (the subclass adds its controls)."""
        self.task = task
        self.store = store
        self.notes: list[str] = []  # problems met while restoring saved answers
        self.feedback = w.HTML(layout=w.Layout(width="100%"))
        self.feedback.add_class(LIVE_CLASS)  # read out when Check writes it (teaching/tasks/access.py)
        self.check_button = w.Button(
            description="Check completeness" if self.graded else "Check",
            button_style="primary",
            tooltip="See what is still missing" if self.graded else "See feedback on your answers",
            layout=w.Layout(width="auto", min_width="10em"),
        )
        self.check_button.on_click(lambda _: self.check())
        self._restoring = False

    @property
    def key(self) -> str:
        return self.task.key

    @property
    def graded(self) -> bool:
        return self.task.graded

    @property
    def title(self) -> str:
        return self.task.title

    # a view implements _view (above) and these: its controls, reading the answer in them, showing one
    def _controls(self) -> list[w.Widget]:
        raise NotImplementedError

    def get_value(self) -> Any:
        raise NotImplementedError

    def _show(self, clean: Any, saved: Any) -> None:
        """Set the controls to ``clean``, the task's normal form of the answer ``saved``."""
        raise NotImplementedError

    def _apply(self, value: Any) -> None:
        """Check ``value`` with the task (dropped parts go to ``notes``), then show it (or override this)."""
        self._show(self.task.normalise(value, self.notes), value)

    # the task answers these about the answer in the controls
    def feedback_html(self) -> str:
        return self.task.feedback_html(self.get_value())

    def completeness_html(self) -> str:
        return self.task.completeness_html(self.get_value())

    def report_html(self) -> str:
        """The full feedback as HTML (for feedback pages); by default the Check feedback."""
        return self.task.report_html(self.get_value())

    def result_data(self) -> dict[str, Any]:
        """The scored answer as plain data, for class reports."""
        return self.task.result_data(self.get_value())

    def score(self) -> tuple[float, int]:
        return self.task.score(self.get_value())

    def gold_value(self) -> Any:
        """The answer key in the same shape as ``value``."""
        return self.task.gold_value()

    @property
    def complete(self) -> bool:
        """True when every part has an answer (says nothing about correctness)."""
        return self.task.complete(self.get_value())

    # shared behaviour
    @property
    def value(self) -> Any:
        return self.get_value()

    @value.setter
    def value(self, value: Any) -> None:
        self._restoring = True
        try:
            self._apply(value)
        finally:
            self._restoring = False
        self._save()

    def _restore(self) -> None:
        """Load the saved answer, if any, into the controls."""
        if self.store is None:
            return
        saved = self.store.get(self.key)
        if saved is None:
            return
        self._restoring = True
        try:
            self._apply(saved)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            self.notes.append(f"Saved answers for '{self.key}' could not be restored ({exc}); starting fresh.")
        else:
            self.feedback.value = STYLE + self.restored_html()  # a note, not feedback: no medialit-fb box
            self._restored_note = True
        finally:
            self._restoring = False

    def restored_html(self) -> str:
        """Shown where the feedback goes when saved answers come back (feedback is not saved)."""
        button, what = ("Check completeness", "what is still missing") if self.graded else ("Check", "feedback again")
        return (
            f'<div class="medialit-summary medialit-restored">{badge("done")} Your saved answers are back. '
            f"Press <b>{button}</b> to see {what}.</div>"
        )

    def _changed(self, *_: Any) -> None:
        if not self._restoring:
            if getattr(self, "_restored_note", False):  # the note is about the restored answers only
                self._restored_note = False
                self.feedback.value = ""
            self._save()

    def _save(self) -> None:
        if self.store is not None:
            self.store.set(self.key, self.get_value())
        if self.graded and getattr(self, "_checked", False):  # what is still missing follows the answer
            self.feedback.value = STYLE + f'<div class="medialit-fb">{self.completeness_html()}</div>'

    def check(self) -> str:
        """Show feedback (or, when graded, completeness) and return it as plain text."""
        markup = self.completeness_html() if self.graded else self.feedback_html()
        self._restored_note = False
        self._checked = True
        self.feedback.value = STYLE + f'<div class="medialit-fb">{markup}</div>'
        return plain(markup)

    @property
    def feedback_text(self) -> str:
        return plain(self.feedback.value)

    def build(self) -> w.VBox:
        """The full widget: title, restore notes, controls, Check button, feedback."""
        parts: list[w.Widget] = []
        if self.title:
            parts.append(w.HTML(title_html(self.title)))
        warnings = ([self.store.warning] if self.store is not None and self.store.warning else []) + self.notes
        for note in warnings:
            parts.append(w.HTML(STYLE + f'<div class="medialit-warning">{badge("warning")} {html.escape(note)}</div>'))
        parts += [*self._controls(), self.check_button, self.feedback]
        return w.VBox(parts, layout=w.Layout(width="100%"))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        if not hasattr(self, "_box"):
            self._box = self.build()
        display(self._box)

    @property
    def widget(self) -> w.VBox:
        if not hasattr(self, "_box"):
            self._box = self.build()
        return self._box


class TextAnswer(AnswerWidget):
    """A free-text answer in a text area, saved as a string."""

    def _text_box(self, task: TextTask, store: AnswerStore | None, placeholder: str, height: str) -> None:
        """Show ``task`` as a text area (what a subclass's ``_view`` calls)."""
        self._attach(task, store)
        self.text = w.Textarea(placeholder=placeholder, layout=w.Layout(width="100%", height=height))
        self.text.observe(self._changed, names="value")
        self._restore()

    def get_value(self) -> str:
        return self.text.value

    def _show(self, clean: str, saved: Any) -> None:
        self.text.value = clean
