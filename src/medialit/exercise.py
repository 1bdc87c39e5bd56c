"""Graded exercises: widgets in completeness-only mode, and the checks nbgrader runs.

A master notebook in ``solutions/`` and its student version in ``exercises/`` start with::

    from medialit.exercise import Exercise
    ex = Exercise("ps1-sources")

Students answer with the widgets; the answers are saved to
``ps1-sources.answers.json`` beside the notebook. When nbgrader autogrades, it
re-runs the notebook in a fresh kernel: the widgets restore the saved answers and
the hidden tests score that file, so what is graded is exactly what was chosen.

Partial credit: nbgrader reads a test cell's ``execute_result`` as its score.
:meth:`Exercise.award` publishes the score that way itself, so test cells end in
an assignment (``points = ex.award(...)``), never in a bare expression.
"""

from __future__ import annotations

import html
import json
import os
import sys
from pathlib import Path
from typing import Any

from medialit.answers import AnswerFileError, read_answers
from medialit.article import Article, from_file, load_article, load_text
from medialit.lesson import Lesson, RichHTML
from medialit.widgets.base import STYLE

KEYS_ENV = "MEDIALIT_KEYS"
SOURCE_FOLDERS = ("solutions", "source")


def find_key(assignment: str, filename: str, start: str | Path | None = None) -> Path:
    """Find a private answer key ``filename`` of ``assignment``.

    Looks in ``$MEDIALIT_KEYS``, then the current folder, then in
    ``solutions/ASSIGNMENT/`` or ``source/ASSIGNMENT/`` of any parent folder (the
    nbgrader course root, which holds the autograded folders).
    """
    candidates = []
    if os.environ.get(KEYS_ENV):
        candidates += [Path(os.environ[KEYS_ENV]) / filename, Path(os.environ[KEYS_ENV]) / assignment / filename]
    here = Path(start or Path.cwd()).resolve()
    candidates.append(here / filename)
    for folder in (here, *here.parents):
        candidates += [folder / src / assignment / filename for src in SOURCE_FOLDERS]
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"The answer key {filename} of {assignment} was not found. Grade from the course folder "
        f"(it holds solutions/{assignment}/{filename}) or set {KEYS_ENV} to the folder that holds it."
    )


class Exercise(Lesson):
    """A graded notebook: Check reports completeness only; hidden tests score the saved answers.

    ``article`` is a seed article id (its annotation is public) or the file name of a
    practice text in the assignment folder whose key (``NAME.key.yaml``) stays in
    ``solutions/``.
    """

    def __init__(
        self,
        name: str,
        article: str = "venezuela-prisoner-releases-2026-01-14",
        *,
        folder: str | Path | None = None,
    ):
        self._private_key: str | None = None
        here = Path(folder or Path.cwd())
        if article.endswith(".txt"):
            public: Article = load_text(here / article)
            self._private_key = article.removesuffix(".txt") + ".key.yaml"
        else:
            public = load_article(article)
        super().__init__(name, public, graded=True, folder=folder)
        self._specs: dict[str, tuple[Any, tuple[Any, ...], dict[str, Any]]] = {}
        self._key_article: Article | None = None if self._private_key else public

    def _make(self, key: str, factory: Any, *args: Any, **kwargs: Any) -> Any:
        self._specs[key] = (factory, args, kwargs)
        return super()._make(key, factory, *args, **kwargs)

    # ------------------------------------------------------------------ answer key

    def key_article(self) -> Article:
        """The fully annotated article (for a private practice text: its key file)."""
        if self._key_article is None:
            self._key_article = from_file(find_key(self.name, self._private_key or ""))
        return self._key_article

    def _grader(self, widget_key: str) -> Any:
        """The widget ``widget_key`` rebuilt on the annotated article, in feedback mode, unsaved."""
        if widget_key not in self._specs:
            raise AssertionError(
                f"The answer widget '{widget_key}' was not created in this notebook: "
                "was its cell deleted? Run all cells from the top."
            )
        factory, args, kwargs = self._specs[widget_key]
        args = tuple(self.key_article() if a is self.article else a for a in args)
        return factory(*args, key=widget_key, store=None, graded=False, **kwargs)

    def key(self, widget_key: str) -> Any:
        """The answer key of a widget, in the shape of its value (masters use it)."""
        return self._grader(widget_key).gold_value()

    # ------------------------------------------------------------------ tests

    def saved(self) -> dict[str, Any]:
        """The saved answers, read from the file (not from the widgets)."""
        if self.store.warning:  # the file was unreadable and has been moved aside
            raise AssertionError(f"{self.store.path.name} could not be read")
        if not self.store.path.exists():
            raise AssertionError(f"{self.store.path.name} was not submitted (no answers were saved)")
        try:
            return read_answers(self.store.path)
        except AnswerFileError as exc:
            raise AssertionError(f"Your answers could not be read: {exc}. Answer with the widgets again.") from None

    def missing(self, widget_key: str) -> str:
        """What is still missing in a widget's saved answer ('' when complete)."""
        factory, args, kwargs = self._specs.get(widget_key, (None, (), {}))
        if factory is None:
            return f"{widget_key}: the answer widget was not created; run all cells from the top"
        if not self.store.path.exists():
            return f"{widget_key}: nothing answered yet; run the cells from the top and answer with the widget"
        value = self.saved().get(widget_key)
        if value is None:
            return f"{widget_key}: nothing answered yet; answer with the widget"
        widget = factory(*args, key=widget_key, store=None, graded=True, **kwargs)
        try:
            widget.value = value
        except (TypeError, ValueError, AttributeError) as exc:
            return f"{widget_key}: the saved answer has the wrong form ({exc}); answer with the widget again"
        from medialit.widgets.base import plain

        return "" if widget.complete else f"{widget_key}: {plain(widget.completeness_html())}"

    def is_complete(self, widget_key: str) -> bool:
        return not self.missing(widget_key)

    def award(self, widget_key: str, points: float) -> float:
        """Score a widget's saved answer out of ``points`` and publish it as nbgrader's partial credit.

        When the answer cannot be scored (no or unreadable answers file, wrong form), the
        reason is recorded for the teacher's status table and the test fails (0 points).
        """
        try:
            answers = self.saved()
            grader = self._grader(widget_key)
            if widget_key in answers:
                try:
                    grader.value = answers[widget_key]
                except (TypeError, ValueError, AttributeError) as exc:
                    raise AssertionError(f"the saved answer for '{widget_key}' has the wrong form: {exc}") from None
            got, total = grader.score()
        except AssertionError as exc:
            self._write_part(widget_key, {"title": widget_key, "points": 0.0, "max_points": points, "error": str(exc)})
            raise
        earned = round(points * got / total, 2) if total else 0.0
        self._write_part(
            widget_key,
            {
                "title": grader.title,
                "points": earned,
                "max_points": points,
                "html": grader.report_html(),
                "notes": list(grader.notes),
                **grader.result_data(),
            },
        )
        print(f"{widget_key}: {earned:g} of {points:g} points")
        sys.displayhook(earned)  # nbgrader reads the cell's execute_result as partial credit
        return earned

    def results_path(self) -> Path:
        """Where award() records each part's scored detail (read by feedback and class reports)."""
        return self.store.path.with_name(f"{self.name}.results.json")

    def _write_part(self, widget_key: str, part: dict[str, Any]) -> None:
        path = self.results_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict) or data.get("assignment") != self.name:
            data = {"assignment": self.name, "article": self.article.id, "parts": {}}
        data["parts"][widget_key] = part
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)

    # ------------------------------------------------------------------ manual grading

    def show_answer(self, widget_key: str) -> RichHTML:
        """A free-text answer for the grader; pre-checks are added only while nbgrader autogrades."""
        value = self.store.get(widget_key)
        if widget_key not in self._specs:
            return RichHTML(f"<p>No answer widget '{html.escape(widget_key)}' in this notebook.</p>")
        if not value:
            return RichHTML(STYLE + '<div class="medialit-warning">No answer written yet.</div>')
        if isinstance(value, list):  # verification log
            body = "".join(
                "<li>"
                + "<br>".join(f"<b>{html.escape(str(k))}</b>: {html.escape(str(v))}" for k, v in entry.items())
                + "</li>"
                for entry in value
                if isinstance(entry, dict)
            )
            out = f"<ol>{body}</ol>"
        else:
            out = f"<blockquote>{html.escape(str(value))}</blockquote>"
        if os.environ.get("NBGRADER_EXECUTION") == "autograde":
            grader = self._grader(widget_key)
            grader.value = value
            out += "<p><b>Automatic pre-checks (for the grader):</b></p>" + grader.feedback_html()
        return RichHTML(STYLE + "<p><b>Your answer, as saved:</b></p>" + out)
