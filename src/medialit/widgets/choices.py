"""ChoiceTable: rows of items, one or more drop-down choices per row, scored per choice.

The sentence labeler, the source mapper, the claim checker and the reliability
judgement are all choice tables built from the annotation.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as w

from medialit.grading.answers import AnswerStore
from medialit.teaching.scoring import ChoiceResult, score_choice
from medialit.widgets.base import HALF_POINTS, ICONS, WORDS, AnswerWidget, badge, folded

BLANK = "— choose —"
UNSET = ""  # the blank option's value (ipywidgets shows no label at all for None); read back as None


@dataclass(frozen=True)
class Column:
    """One choice asked for every row: its name and its (label, value) options."""

    name: str
    options: list[tuple[str, str]]
    heading: str = ""

    def label_of(self, value: str | None) -> str:
        return next((label for label, v in self.options if v == value), str(value))


@dataclass(frozen=True)
class Row:
    """One item: what the student sees, the gold answer per column, and the explanation."""

    key: str
    prompt: str  # HTML
    gold: dict[str, str]
    also: dict[str, tuple[str, ...]] = field(default_factory=dict)
    explanation: str = ""  # HTML shown with the feedback
    marked: str = ""  # the prompt with the deciding words marked: replaces it once the row is answered and checked
    accept: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other answers worth full credit
    options: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # this row's own options, per column


class ChoiceTable(AnswerWidget):
    """Rows × columns of drop-downs. Saved as {row: choice} (one column) or {row: {column: choice}}."""

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
        super().__init__(key, store, graded, title)
        self.rows = rows
        self.columns = columns
        self.instructions = instructions
        self.noun = noun
        self.dropdowns: dict[str, dict[str, w.Dropdown]] = {}
        self.row_feedback: dict[str, w.HTML] = {}
        self.prompts: dict[str, w.HTML] = {}
        self._by_key = {row.key: row for row in rows}
        for row in rows:
            self.dropdowns[row.key] = {}
            for col in columns:
                dd = w.Dropdown(
                    options=[(BLANK, UNSET), *self.options_for(row, col)],
                    value=UNSET,
                    description=col.heading,
                    layout=w.Layout(width="auto", min_width="16em"),
                    style={"description_width": "initial"},
                )
                dd.observe(self._changed, names="value")
                dd.observe(lambda _, k=row.key: self._clear_row(k), names="value")
                self.dropdowns[row.key][col.name] = dd
            self.row_feedback[row.key] = w.HTML()
            self.prompts[row.key] = w.HTML(row.prompt, layout=w.Layout(width="100%"))
        self._restore()

    # ---------------------------------------------------------------- value

    def get_value(self) -> dict[str, Any]:
        if len(self.columns) == 1:
            name = self.columns[0].name
            return {k: dds[name].value or None for k, dds in self.dropdowns.items()}
        return {k: {c: dd.value or None for c, dd in dds.items()} for k, dds in self.dropdowns.items()}

    def _apply(self, value: Any) -> None:
        if not isinstance(value, dict):
            raise TypeError(f"expected a mapping of {self.noun}s to choices, got {type(value).__name__}")
        unknown = [k for k in value if k not in self.dropdowns]
        if unknown:
            self.notes.append(f"Ignored saved answers for unknown {self.noun}s: {', '.join(map(str, unknown))}.")
        for row_key, choice in value.items():
            if row_key not in self.dropdowns:
                continue
            per_col = choice if isinstance(choice, dict) else {self.columns[0].name: choice}
            for col in self.columns:
                chosen = per_col.get(col.name)
                allowed = {v for _, v in self.options_for(self._by_key[row_key], col)}
                if chosen is not None and chosen not in allowed:
                    self.notes.append(f"Ignored saved answer {chosen!r} for {row_key} (not an option).")
                    chosen = None
                self.dropdowns[row_key][col.name].value = UNSET if chosen is None else chosen

    def gold_value(self) -> dict[str, Any]:
        """The answer key in the same shape as ``value``."""
        if len(self.columns) == 1:
            name = self.columns[0].name
            return {row.key: row.gold[name] for row in self.rows}
        return {row.key: {c.name: row.gold[c.name] for c in self.columns} for row in self.rows}

    def set(self, row_key: str, choice: str | None, column: str | None = None) -> None:
        """Choose an option, as a click would (``column`` defaults to the first)."""
        name = column or self.columns[0].name
        col = self.columns[self._col_index(name)]
        allowed = [v for _, v in self.options_for(self._by_key[row_key], col)]
        if choice is not None and choice not in allowed:
            raise ValueError(f"{choice!r} is not an option; options: {', '.join(allowed)}")
        self.dropdowns[row_key][name].value = UNSET if choice is None else choice

    def options_for(self, row: Row, col: Column) -> list[tuple[str, str]]:
        """The (label, value) options of one row's drop-down: the row's own, else the column's."""
        return row.options.get(col.name) or col.options

    def _col_index(self, name: str) -> int:
        return [c.name for c in self.columns].index(name)

    def _clear_row(self, row_key: str) -> None:
        self.row_feedback[row_key].value = ""
        self.prompts[row_key].value = self._by_key[row_key].prompt

    # ---------------------------------------------------------------- scoring

    def results(self) -> dict[str, dict[str, ChoiceResult]]:
        """Per row and column: correct, alternative, wrong or missing."""
        value = self.get_value()
        out = {}
        for row in self.rows:
            chosen = value[row.key] if len(self.columns) > 1 else {self.columns[0].name: value[row.key]}
            out[row.key] = {
                c.name: score_choice(
                    chosen[c.name], row.gold[c.name], row.also.get(c.name, ()), row.accept.get(c.name, ())
                )
                for c in self.columns
            }
        return out

    def score(self) -> tuple[float, int]:
        """(points, maximum): one point per row, shared equally between its columns."""
        res = self.results()
        points = sum(r.credit for row in res.values() for r in row.values()) / len(self.columns)
        return points, len(self.rows)

    @property
    def complete(self) -> bool:
        return not self.missing()

    def missing(self) -> list[str]:
        value = self.get_value()
        if len(self.columns) == 1:
            return [k for k, v in value.items() if v is None]
        return [k for k, v in value.items() if any(x is None for x in v.values())]

    # ---------------------------------------------------------------- display

    def _controls(self) -> list[w.Widget]:
        parts: list[w.Widget] = []
        if self.instructions:
            parts.append(w.HTML(f"<p>{self.instructions}</p>"))
        for row in self.rows:
            choices = w.HBox(list(self.dropdowns[row.key].values()), layout=w.Layout(flex_flow="row wrap"))
            parts.append(
                w.VBox(
                    [self.prompts[row.key], choices, self.row_feedback[row.key]],
                    layout=w.Layout(border_bottom="1px solid #ddd", padding="4px 0", width="100%"),
                )
            )
        return parts

    def row_feedback_html(self, row: Row, results: dict[str, ChoiceResult]) -> str:
        parts = []
        for col in self.columns:
            if row.options.get(col.name):
                col = Column(col.name, row.options[col.name], col.heading)  # the row's own labels
            r = results[col.name]
            what = f"{col.heading or 'Your answer'}: " if len(self.columns) > 1 else ""
            if r.status == "missing":
                parts.append(f"{ICONS['missing']} {what}{WORDS['missing']}")
                continue
            line = f"{ICONS[r.status]} {what}<b>{html.escape(col.label_of(r.answer))}</b> — {WORDS[r.status]}"
            if r.status != "correct":
                line += f" Best answer: <b>{html.escape(col.label_of(r.gold))}</b>."
            elif row.accept.get(col.name):
                right = [v for v in (r.gold, *row.accept[col.name]) if v != r.answer]
                names = " and ".join(f"<b>{html.escape(col.label_of(v))}</b>" for v in right)
                line += f" So is {names}: the text does not decide, so either answer gets full points."
            parts.append(line)
        body = "<br>".join(parts)
        answered = any(results[c.name].status != "missing" for c in self.columns)
        if row.explanation and answered:  # never reveal the key for an unanswered row
            if all(results[c.name].status == "correct" for c in self.columns):
                return folded(body, row.explanation)  # right: one line, the why on request
            body += f"<br><i>Why:</i> {row.explanation}"
        return body

    def summary_html(self) -> str:
        points, total = self.score()
        res = self.results()
        counts = {s: sum(r.status == s for row in res.values() for r in row.values()) for s in WORDS}
        names = {
            "correct": "correct",
            "alternative": f"acceptable alternative{'' if counts['alternative'] == 1 else 's'} ({HALF_POINTS})",
            "wrong": "not quite",
            "missing": "not answered",
        }
        said = ", ".join(f"{counts[s]} {names[s]}" for s in names if counts[s]) or "nothing to score"  # no "0 ..."
        return f'<div class="medialit-summary"><b>Score: {points:g} / {total}</b> — {said}.</div>'

    def feedback_html(self) -> str:
        from medialit.widgets.base import STYLE

        results = self.results()
        lines = []
        for row in self.rows:
            markup = self.row_feedback_html(row, results[row.key])
            self.row_feedback[row.key].value = STYLE + f'<div class="medialit-fb">{markup}</div>'
            answered = any(r.status != "missing" for r in results[row.key].values())
            prompt = row.marked if row.marked and answered else row.prompt  # deciding words in place, not repeated
            self.prompts[row.key].value = prompt
            lines.append(f"<p>{prompt}<br>{markup}</p>")
        # per-row feedback shows under each row; the summary (and a full copy for tests) below
        self._last_detail = "".join(lines)
        return self.summary_html()

    def report_html(self) -> str:
        summary = self.feedback_html()
        return getattr(self, "_last_detail", "") + summary

    def result_data(self) -> dict[str, Any]:
        """Per row and column: the answer, the gold answer and the status."""
        results = self.results()
        return {
            "kind": "choices",
            "columns": [c.name for c in self.columns],
            "rows": {
                row: {col: {"answer": r.answer, "gold": r.gold, "status": r.status} for col, r in cols.items()}
                for row, cols in results.items()
            },
        }

    def check(self) -> str:
        """Show feedback under each row and a summary; return it all as plain text."""
        summary = super().check()
        return summary if self.graded else f"{self.detail_text()}\n{summary}"

    def detail_text(self) -> str:
        """Plain text of the last per-row feedback (after check())."""
        from medialit.widgets.base import plain

        return plain(getattr(self, "_last_detail", ""))

    def completeness_html(self) -> str:
        missing = self.missing()
        for fb in self.row_feedback.values():
            fb.value = ""
        for row in self.rows:
            self.prompts[row.key].value = row.prompt
        if not missing:
            return f'<div class="medialit-summary">{badge("done")} All {len(self.rows)} {self.noun}s answered.</div>'
        s = "s" if len(missing) != 1 else ""
        return (
            f'<div class="medialit-warning">{len(missing)} {self.noun}{s} still '
            f"{'have' if s else 'has'} no answer: {', '.join(missing)}</div>"
        )
