"""Choice tables: rows of items, one or more choices per row, scored per choice.

The sentence labeler, the source mapper, the claim checker and the reliability
judgement are all choice tables built from the annotation.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from medialit.teaching.scoring import ChoiceResult, score_choice
from medialit.teaching.tasks.base import Task
from medialit.teaching.tasks.markup import HALF_POINTS, ICONS, WORDS, badge, folded


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


@dataclass(frozen=True)
class RowFeedback:
    """One row after Check: its feedback and the prompt to show (the deciding words marked once answered)."""

    key: str
    markup: str
    prompt: str


class ChoiceTableTask(Task):
    """Rows × columns of choices. Saved as {row: choice} (one column) or {row: {column: choice}}."""

    def __init__(
        self,
        rows: list[Row],
        columns: list[Column],
        *,
        key: str,
        graded: bool = False,
        title: str = "",
        instructions: str = "",
        noun: str = "item",
    ):
        super().__init__(key, graded=graded, title=title)
        self.rows = rows
        self.columns = columns
        self.instructions = instructions
        self.noun = noun
        self.by_key = {row.key: row for row in rows}

    # ---------------------------------------------------------------- value

    def options_for(self, row: Row, col: Column) -> list[tuple[str, str]]:
        """The (label, value) options of one row's drop-down: the row's own, else the column's."""
        return row.options.get(col.name) or col.options

    def blank(self) -> dict[str, Any]:
        if len(self.columns) == 1:
            return {row.key: None for row in self.rows}
        return {row.key: {c.name: None for c in self.columns} for row in self.rows}

    def normalise(self, value: Any, notes: list[str] | None = None) -> dict[str, Any]:
        """Every row with its choices; unknown rows and choices that are not options are dropped, with a note."""
        notes = [] if notes is None else notes
        if not isinstance(value, dict):
            raise TypeError(f"expected a mapping of {self.noun}s to choices, got {type(value).__name__}")
        unknown = [k for k in value if k not in self.by_key]
        if unknown:
            notes.append(f"Ignored saved answers for unknown {self.noun}s: {', '.join(map(str, unknown))}.")
        chosen: dict[str, dict[str, Any]] = {row.key: {c.name: None for c in self.columns} for row in self.rows}
        for row_key, choice in value.items():
            if row_key not in self.by_key:
                continue
            per_col = choice if isinstance(choice, dict) else {self.columns[0].name: choice}
            for col in self.columns:
                answer = per_col.get(col.name)
                allowed = {v for _, v in self.options_for(self.by_key[row_key], col)}
                if answer is not None and answer not in allowed:
                    notes.append(f"Ignored saved answer {answer!r} for {row_key} (not an option).")
                    answer = None
                chosen[row_key][col.name] = answer
        if len(self.columns) == 1:
            name = self.columns[0].name
            return {k: v[name] for k, v in chosen.items()}
        return chosen

    def gold_value(self) -> dict[str, Any]:
        """The answer key in the same shape as an answer."""
        if len(self.columns) == 1:
            name = self.columns[0].name
            return {row.key: row.gold[name] for row in self.rows}
        return {row.key: {c.name: row.gold[c.name] for c in self.columns} for row in self.rows}

    def column(self, name: str) -> Column:
        return self.columns[[c.name for c in self.columns].index(name)]

    # ---------------------------------------------------------------- scoring

    def results(self, value: dict[str, Any]) -> dict[str, dict[str, ChoiceResult]]:
        """Per row and column: correct, alternative, wrong or missing."""
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

    def score(self, value: dict[str, Any]) -> tuple[float, int]:
        """(points, maximum): one point per row, shared equally between its columns."""
        res = self.results(value)
        points = sum(r.credit for row in res.values() for r in row.values()) / len(self.columns)
        return points, len(self.rows)

    def complete(self, value: dict[str, Any]) -> bool:
        return not self.missing(value)

    def missing(self, value: dict[str, Any]) -> list[str]:
        if len(self.columns) == 1:
            return [k for k, v in value.items() if v is None]
        return [k for k, v in value.items() if any(x is None for x in v.values())]

    # ---------------------------------------------------------------- feedback

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

    def rows_feedback(self, value: dict[str, Any]) -> list[RowFeedback]:
        """Each row's feedback, and its prompt with the deciding words marked once it is answered."""
        results = self.results(value)
        out = []
        for row in self.rows:
            markup = self.row_feedback_html(row, results[row.key])
            answered = any(r.status != "missing" for r in results[row.key].values())
            prompt = row.marked if row.marked and answered else row.prompt  # deciding words in place, not repeated
            out.append(RowFeedback(row.key, markup, prompt))
        return out

    def detail_html(self, value: dict[str, Any]) -> str:
        """Every row's prompt and feedback, one paragraph each."""
        return "".join(f"<p>{r.prompt}<br>{r.markup}</p>" for r in self.rows_feedback(value))

    def summary_html(self, value: dict[str, Any]) -> str:
        points, total = self.score(value)
        res = self.results(value)
        counts = {s: sum(r.status == s for row in res.values() for r in row.values()) for s in WORDS}
        names = {
            "correct": "correct",
            "alternative": f"acceptable alternative{'' if counts['alternative'] == 1 else 's'} ({HALF_POINTS})",
            "wrong": "not quite",
            "missing": "not answered",
        }
        said = ", ".join(f"{counts[s]} {names[s]}" for s in names if counts[s]) or "nothing to score"  # no "0 ..."
        return f'<div class="medialit-summary"><b>Score: {points:g} / {total}</b> — {said}.</div>'

    def feedback_html(self, value: dict[str, Any]) -> str:
        """The summary (a widget shows each row's feedback under the row)."""
        return self.summary_html(value)

    def report_html(self, value: dict[str, Any]) -> str:
        return self.detail_html(value) + self.feedback_html(value)

    def result_data(self, value: dict[str, Any]) -> dict[str, Any]:
        """Per row and column: the answer, the gold answer and the status."""
        results = self.results(value)
        return {
            "kind": "choices",
            "columns": [c.name for c in self.columns],
            "rows": {
                row: {col: {"answer": r.answer, "gold": r.gold, "status": r.status} for col, r in cols.items()}
                for row, cols in results.items()
            },
        }

    def completeness_html(self, value: dict[str, Any]) -> str:
        missing = self.missing(value)
        if not missing:
            return f'<div class="medialit-summary">{badge("done")} All {len(self.rows)} {self.noun}s answered.</div>'
        s = "s" if len(missing) != 1 else ""
        return (
            f'<div class="medialit-warning">{len(missing)} {self.noun}{s} still '
            f"{'have' if s else 'has'} no answer: {', '.join(missing)}</div>"
        )
