"""ChoiceTable: rows of items, one or more drop-down choices per row (the view of a choice-table task).

The sentence labeler, the source mapper, the claim checker and the reliability
judgement are all choice tables built from the annotation
(:mod:`medialit.teaching.tasks.choices` scores them).
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from medialit.grading.answers import AnswerStore
from medialit.teaching.scoring import ChoiceResult
from medialit.teaching.tasks.access import SR_ONLY
from medialit.teaching.tasks.choices import ChoiceTableTask, Column, Row
from medialit.widgets.base import STYLE, AnswerWidget, plain

__all__ = ["BLANK", "UNSET", "ChoiceTable", "Column", "Row"]

BLANK = "— choose —"
UNSET = ""  # the blank option's value (ipywidgets shows no label at all for None); read back as None


class _SharedLooks:
    """One Layout and one style model per kind of part, shared by every row of one table.

    Each widget otherwise brings its own Layout and style model to the browser (a lesson
    sent ~450 models, most of them these). Nothing sets one row's layout or style alone:
    a row's feedback changes only its ``value``. A part that must look different on its own
    (hidden, coloured) needs its own instance, not one of these.
    """

    def __init__(self) -> None:
        self.dropdown = w.Layout(width="auto", min_width="16em")
        self.dropdown_style = DescriptionStyle(description_width="initial")
        self.prompt = w.Layout(width="100%")
        self.feedback = w.Layout()
        self.html_style = HTMLStyle()
        self.choices = w.Layout(flex_flow="row wrap")
        self.row = w.Layout(border_bottom="1px solid #ddd", padding="4px 0", width="100%")


class ChoiceTable(AnswerWidget):
    """Rows × columns of drop-downs, the view of a :class:`ChoiceTableTask`.

    Saved as {row: choice} (one column) or {row: {column: choice}}.
    """

    task: ChoiceTableTask

    def __init__(
        self,
        rows: list[Row],
        columns: list[Column],
        *,
        key: str,
        store: AnswerStore | None = None,
        graded: bool = False,
        title: str = "",
        instructions: str = "",
        noun: str = "item",
    ):
        task = ChoiceTableTask(rows, columns, key=key, graded=graded, title=title, instructions=instructions, noun=noun)
        self._view(task, store)

    def _view(self, task: ChoiceTableTask, store: AnswerStore | None) -> None:
        """Show ``task``: a drop-down per row and column, then restore the saved answer."""
        self._attach(task, store)
        self.dropdowns: dict[str, dict[str, w.Dropdown]] = {}
        self.row_feedback: dict[str, w.HTML] = {}
        self.prompts: dict[str, w.HTML] = {}
        self._shared = _SharedLooks()
        for row in self.rows:
            self.dropdowns[row.key] = {}
            for col in self.columns:
                dd = w.Dropdown(
                    options=[(BLANK, UNSET), *self.options_for(row, col)],
                    value=UNSET,
                    description=self._name(row, col),
                    description_allow_html=True,
                    layout=self._shared.dropdown,
                    style=self._shared.dropdown_style,
                )
                dd.observe(self._changed, names="value")
                dd.observe(lambda _, k=row.key: self._clear_row(k), names="value")
                self.dropdowns[row.key][col.name] = dd
            self.row_feedback[row.key] = w.HTML(layout=self._shared.feedback, style=self._shared.html_style)
            self.prompts[row.key] = w.HTML(row.prompt, layout=self._shared.prompt, style=self._shared.html_style)
        self._restore()

    def _name(self, row: Row, col: Column) -> str:
        """The drop-down's label: the column's heading, and for screen readers which row it answers."""
        hidden = f"{'' if col.heading else 'Your choice'} for {self.noun} {row.key}"
        return f'{html.escape(col.heading)}<span class="{SR_ONLY}">{html.escape(hidden)}</span>'

    @property
    def rows(self) -> list[Row]:
        return self.task.rows

    @property
    def columns(self) -> list[Column]:
        return self.task.columns

    @property
    def instructions(self) -> str:
        return self.task.instructions

    @property
    def noun(self) -> str:
        return self.task.noun

    # ---------------------------------------------------------------- value

    def get_value(self) -> dict[str, Any]:
        if len(self.columns) == 1:
            name = self.columns[0].name
            return {k: dds[name].value or None for k, dds in self.dropdowns.items()}
        return {k: {c: dd.value or None for c, dd in dds.items()} for k, dds in self.dropdowns.items()}

    def _show(self, clean: dict[str, Any], saved: dict[str, Any]) -> None:
        for row_key in saved:  # only the rows saved: the others keep their choice
            if row_key not in self.dropdowns:
                continue
            per_col = clean[row_key] if len(self.columns) > 1 else {self.columns[0].name: clean[row_key]}
            for name, chosen in per_col.items():
                self.dropdowns[row_key][name].value = UNSET if chosen is None else chosen

    def set(self, row_key: str, choice: str | None, column: str | None = None) -> None:
        """Choose an option, as a click would (``column`` defaults to the first)."""
        name = column or self.columns[0].name
        col = self.task.column(name)
        allowed = [v for _, v in self.options_for(self.task.by_key[row_key], col)]
        if choice is not None and choice not in allowed:
            raise ValueError(f"{choice!r} is not an option; options: {', '.join(allowed)}")
        self.dropdowns[row_key][name].value = UNSET if choice is None else choice

    def options_for(self, row: Row, col: Column) -> list[tuple[str, str]]:
        """The (label, value) options of one row's drop-down: the row's own, else the column's."""
        return self.task.options_for(row, col)

    def _clear_row(self, row_key: str) -> None:
        self.row_feedback[row_key].value = ""
        self.prompts[row_key].value = self.task.by_key[row_key].prompt

    # ---------------------------------------------------------------- scoring

    def results(self) -> dict[str, dict[str, ChoiceResult]]:
        """Per row and column: correct, alternative, wrong or missing."""
        return self.task.results(self.get_value())

    def missing(self) -> list[str]:
        return self.task.missing(self.get_value())

    # ---------------------------------------------------------------- display

    def _controls(self) -> list[w.Widget]:
        parts: list[w.Widget] = []
        if self.instructions:
            parts.append(w.HTML(f"<p>{self.instructions}</p>"))
        for row in self.rows:
            choices = w.HBox(list(self.dropdowns[row.key].values()), layout=self._shared.choices)
            parts.append(w.VBox([self.prompts[row.key], choices, self.row_feedback[row.key]], layout=self._shared.row))
        return parts

    def row_feedback_html(self, row: Row, results: dict[str, ChoiceResult]) -> str:
        return self.task.row_feedback_html(row, results)

    def summary_html(self) -> str:
        return self.task.summary_html(self.get_value())

    def feedback_html(self) -> str:
        """The summary; each row's feedback goes under the row, its deciding words marked in its prompt."""
        lines = []
        for row in self.task.rows_feedback(self.get_value()):
            self.row_feedback[row.key].value = STYLE + f'<div class="medialit-fb">{row.markup}</div>'
            self.prompts[row.key].value = row.prompt
            lines.append(f"<p>{row.prompt}<br>{row.markup}</p>")
        self._last_detail = "".join(lines)  # a full copy, for check() and report_html()
        return self.summary_html()

    def report_html(self) -> str:
        summary = self.feedback_html()
        return getattr(self, "_last_detail", "") + summary

    def check(self) -> str:
        """Show feedback under each row and a summary; return it all as plain text."""
        summary = super().check()
        return summary if self.graded else f"{self.detail_text()}\n{summary}"

    def detail_text(self) -> str:
        """Plain text of the last per-row feedback (after check())."""
        return plain(getattr(self, "_last_detail", ""))

    def completeness_html(self) -> str:
        for fb in self.row_feedback.values():
            fb.value = ""
        for row in self.rows:
            self.prompts[row.key].value = row.prompt
        return self.task.completeness_html(self.get_value())
