"""Graded exercises: widgets in completeness-only mode, and the checks nbgrader runs.

A master notebook in ``solutions/`` and its student version in ``exercises/`` start with::

    from medialit.teaching.exercise import Exercise
    ex = Exercise("ps1-sources")

Students answer with the widgets; the answers are saved to
``ps1-sources.answers.json`` beside the notebook. Each part ends with a 0-point
completeness cell, ``ex.check_complete("labels", part="Part A")``: in the student's
own session it shows one status line and never stops Run All; when nbgrader runs the
notebook (Validate, ``medialit validate``, autograde) an incomplete part raises
:class:`Incomplete`, which renders as a few short lines instead of a traceback.

When nbgrader autogrades, it re-runs the notebook in a fresh kernel: the widgets
restore the saved answers and the hidden tests score that file, so what is graded
is exactly what was chosen.

Grading never runs this notebook: ``medialit autograde`` reads the plan from the
master's cells (see :mod:`medialit.grading.plan`) and scores the saved answers in
its own process. :meth:`Exercise.award` gives the notebook's own score, used to
check masters and, with ``--execute``, compared with the grader's.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

from medialit.content.article import Article, from_file, load_article, load_text
from medialit.content.keys import KEYS_ENV, SOURCE_FOLDERS, find_key  # noqa: F401  (their old home)
from medialit.grading import score
from medialit.grading.answers import RECEIPT_MIME, document
from medialit.grading.results import Code
from medialit.teaching.completeness import ADVICE, NOT_COMPLETE, RECEIPT_LINE, receipt_problems
from medialit.teaching.lesson import Lesson, RichHTML
from medialit.teaching.tasks.markup import STYLE, badge
from medialit.teaching.tasks.registry import TaskSpec

GRADING_ENV = "NBGRADER_EXECUTION"  # nbgrader sets it ("validate" / "autograde") while it runs a notebook
WRAP = 64  # nbgrader validate cuts lines at 87 characters; its Validate dialog does not wrap (about 70 fit)
SHOWN_IDS = 6  # ids listed in the one-line status before "and N more"


def under_nbgrader() -> bool:
    """True while nbgrader (validate or autograde) runs this notebook, not in a student's session."""
    return bool(os.environ.get(GRADING_ENV))


class Incomplete(AssertionError):
    """A part still missing answers, raised by a completeness cell when nbgrader validates.

    IPython shows an exception through ``_render_traceback_`` when it has one: here a few
    short, wrapped lines (no traceback, no code), which nbgrader's Validate dialog and
    ``nbgrader validate`` print as they are. ``medialit validate`` reads them back.
    """

    def __init__(self, part: str, gap: str):
        self.part = part
        self.gap = gap
        super().__init__(f"{part}{NOT_COMPLETE}{gap}")

    def _render_traceback_(self) -> list[str]:
        return [*_wrapped(str(self)), ADVICE]


class NotSaved(AssertionError):
    """The notebook as saved does not carry the latest answers (raised by the receipt cell under Validate)."""

    def _render_traceback_(self) -> list[str]:
        first, *rest = _wrapped(str(self))
        return [f"{RECEIPT_LINE}{first}", *rest]


def _wrapped(text: str) -> list[str]:
    """``text`` in short lines that fit nbgrader's Validate dialog (ids are never split)."""
    return textwrap.wrap(text, WRAP, subsequent_indent="    ", break_on_hyphens=False, break_long_words=False)


def _gap(widget_key: str, gap: str) -> str:
    """``gap`` without its leading ``KEY:`` (the part's name stands before it)."""
    return gap.removeprefix(f"{widget_key}: ")


def _shorten_ids(gap: str, keep: int = SHOWN_IDS) -> str:
    """A gap ending in a long id list ("...: p1s1, p2s1, ...") cut to ``keep`` ids and "and N more"."""
    found = re.match(r"^(.*: )([\w#-]+(?:, [\w#-]+)+)$", gap)
    if not found:
        return gap
    ids = found.group(2).split(", ")
    if len(ids) <= keep + 1:
        return gap
    return f"{found.group(1)}{', '.join(ids[:keep])} and {len(ids) - keep} more"


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
        self._specs: dict[str, TaskSpec] = {}
        self._key_article: Article | None = None if self._private_key else public

    def _task(self, factory: str, *args: Any, **kwargs: Any) -> Any:
        widget = super()._task(factory, *args, **kwargs)
        self._specs[widget.key] = TaskSpec(factory, self.article, args, kwargs)
        return widget

    # ------------------------------------------------------------------ answer key

    def key_article(self) -> Article:
        """The fully annotated article (for a private practice text: its key file)."""
        if self._key_article is None:
            self._key_article = from_file(find_key(self.name, self._private_key or ""))
        return self._key_article

    def key(self, widget_key: str) -> Any:
        """The answer key of a widget, in the shape of its value (masters use it)."""
        spec = self._spec(widget_key)
        if spec is None:
            raise KeyError(f"no answer widget '{widget_key}' in this notebook")
        return spec.build().gold_value()

    # ------------------------------------------------------------------ tests

    def saved(self) -> dict[str, Any]:
        """The saved answers, read from the file (not from the widgets)."""
        if self.store.warning:  # the file was unreadable and has been moved aside
            raise AssertionError(f"{self.store.path.name} could not be read")
        answers, problem, _ = score.read_saved(self.store.path, self._saved_notebook())
        if answers is None:
            raise AssertionError(problem.message if problem else "no answers")
        return answers

    def _saved_notebook(self) -> Path | None:
        """Under Validate, the notebook as saved: its receipt counts as the grader counts it (the newer copy)."""
        return Path.cwd() / f"{self.name}.ipynb" if os.environ.get(GRADING_ENV) == "validate" else None

    def _spec(self, widget_key: str) -> TaskSpec | None:
        """The task of a widget, on the fully annotated article (the private key of a practice text)."""
        if widget_key not in self._specs:
            return None
        return replace(self._specs[widget_key], article=self.key_article())

    def missing(self, widget_key: str) -> str:
        """What is still missing in a widget's saved answer ('' when complete)."""
        answers = None
        notebook = self._saved_notebook()
        if self.store.path.exists() or notebook is not None:
            answers, problem, _ = score.read_saved(self.store.path, notebook)
            if answers is None and problem is not None and problem.code == Code.UNREADABLE:
                return f"{widget_key}: {problem.message}"
        return score.missing(self._specs.get(widget_key), widget_key, answers)  # the public article is enough

    def is_complete(self, widget_key: str) -> bool:
        return not self.missing(widget_key)

    def completeness(self, widget_key: str, part: str = "") -> RichHTML:
        """One status line for a part: complete, or what its saved answers still miss."""
        gap = _gap(widget_key, self.missing(widget_key))
        name = f"<b>{html.escape(part or widget_key)}</b>"
        if gap:
            line = f'<div class="medialit-todo">{badge("missing")} {name}: {html.escape(_shorten_ids(gap))}</div>'
        else:
            line = f'<div class="medialit-summary">{badge("done")} {name}: complete.</div>'
        return RichHTML(STYLE + line)

    def check_complete(self, widget_key: str, part: str = "") -> None:
        """A completeness cell (0 points): show one live status line; under nbgrader, fail if incomplete.

        The line is redrawn whenever an answer is saved, so it never contradicts the widget above it
        (nor, once saved, in the handed-in notebook). In a student's session it never raises, so Run All
        runs every cell and no traceback shows.
        When nbgrader validates (toolbar Validate, ``nbgrader validate``, ``medialit validate``) or
        autogrades, an incomplete part raises :class:`Incomplete` (short lines, no traceback), so the
        cell counts as failed. Returns None: a grade cell's value would be read as partial credit.
        """
        gap = self.missing(widget_key)
        if gap and under_nbgrader():
            raise Incomplete(part or widget_key, _gap(widget_key, gap))
        from IPython.display import display

        handle = display(self.completeness(widget_key, part), display_id=True)
        if handle is not None:  # the line follows every later change of an answer, as the receipt does
            self.store.listeners[f"complete:{widget_key}"] = lambda _doc: handle.update(
                self.completeness(widget_key, part)
            )

    def award(self, widget_key: str, points: float) -> float:
        """This notebook's own score of a widget's saved answer, shown as nbgrader's partial credit.

        Only for checking masters and for ``medialit autograde --execute``, which compares it with
        the grader's own score: the points a student gets are always computed by the grader.
        """
        spec = self._spec(widget_key)
        if spec is None:
            raise AssertionError(
                f"The answer widget '{widget_key}' was not created in this notebook: "
                "was its cell deleted? Run all cells from the top."
            )
        part = score.score_part(spec, widget_key, points, self.saved())
        if not part.scored:
            raise AssertionError(part.message)
        print(f"{widget_key}: {part.points:g} of {points:g} points")
        sys.displayhook(part.points)  # nbgrader reads the cell's execute_result as partial credit
        return part.points

    # ------------------------------------------------------------------ manual grading

    def show_answer(self, widget_key: str) -> RichHTML:
        """A free-text answer as saved (the grader adds the automatic pre-checks for teachers)."""
        value = self.store.get(widget_key)
        if widget_key not in self._specs:
            return RichHTML(f"<p>No answer widget '{html.escape(widget_key)}' in this notebook.</p>")
        if not value:
            return RichHTML(STYLE + '<div class="medialit-warning">No answer written yet.</div>')
        return RichHTML(STYLE + "<p><b>Your answer, as saved:</b></p>" + score.saved_html(value))

    # ------------------------------------------------------------------ submission

    def receipt(self) -> None:
        """The submission receipt (the last cell): what will be graded, and a copy of the saved answers.

        The copy travels inside the notebook when it is saved, so the notebook alone is a
        complete submission. The receipt follows every later change of an answer.
        """
        from IPython.display import display

        handle = display(self._receipt_bundle(document(self.name, self.store.answers)), raw=True, display_id=True)
        if handle is not None:
            self.store.listeners["receipt"] = lambda doc: handle.update(self._receipt_bundle(doc), raw=True)
        if os.environ.get(GRADING_ENV) == "validate":  # Validate: does the notebook as saved carry the answers?
            self._check_saved_receipt()

    def _check_saved_receipt(self) -> None:
        path = Path.cwd() / f"{self.name}.ipynb"
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # nbgrader reports an unreadable notebook itself
        problems = receipt_problems(nb, path)
        if problems:
            raise NotSaved(problems[0])

    def _receipt_bundle(self, doc: dict[str, Any]) -> dict[str, Any]:
        lines = []
        for key in self._specs:
            gap = _gap(key, self.missing(key))
            mark, state = (badge("missing"), html.escape(_shorten_ids(gap))) if gap else (badge("done"), "complete")
            lines.append(f"<li>{mark} <b>{html.escape(key)}</b>: {state}</li>")
        when = str(doc.get("saved", ""))[:16].replace("T", " ")
        markup = (
            f'{STYLE}<div class="medialit-summary"><b>Submission receipt</b> (answers saved {html.escape(when)} UTC)'
            f"<ul>{''.join(lines)}</ul>"
            f"This receipt keeps a copy of your answers inside the notebook and updates when you change one. "
            f"<b>Save the notebook</b> (Ctrl+S) before you submit <code>{html.escape(self.name)}.ipynb</code>: "
            "then the notebook alone is enough.</div>"
        )
        plain = f"Submission receipt of {self.name}: answers saved {when} UTC. Save the notebook before you submit it."
        return {"text/html": markup, "text/plain": plain, RECEIPT_MIME: doc}
