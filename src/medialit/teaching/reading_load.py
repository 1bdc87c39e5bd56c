"""How long each lesson takes to read and answer, so the times the lessons state stay honest.

For every lesson in ``notebooks/`` this counts:

- **prose**: the words of its text cells;
- **shown**: the words its code cells show before any answer: the article, chosen sentences, the
  label scheme, a table, and the widgets' own titles, instructions and questions (not the
  sentences of a choice table, whose reading is part of a choice);
- **feedback**: the words a student reads after a typical partial attempt. The lesson's code
  cells run in this process (answers go to a temporary folder); every widget is answered with
  the answer key, except that every third answer is wrong, then **Check** is pressed. What counts
  is the text that appears or changes in the widget, as the student sees it: text folded away
  behind a *why* toggle is left out;
- **choices**: drop-down lists to set, plus sentences to mark in a highlighter;
- **boxes**: text boxes to write in;
- **grade**: how hard the prose is to read, as a school grade (Flesch-Kincaid, from ``textstat``).
  A lesson's prose must stay at or below :data:`GRADE_TARGET` (readers of 14 to 16).

The estimate is (prose + shown + feedback) words at :data:`WORDS_PER_MINUTE`, plus
:data:`SECONDS_PER_CHOICE` per choice and :data:`SECONDS_PER_BOX` per box, rounded up. A test
fails when a lesson states fewer minutes than this, when its prose reads above the target grade,
or when ``docs/reading-load.md`` is stale:
``medialit reading-load --write`` regenerates it.
"""

from __future__ import annotations

import ast
import contextlib
import math
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORDS_PER_MINUTE = 150  # a 16-year-old reading carefully (silent reading of study text)
SECONDS_PER_CHOICE = 20  # read the sentence or phrase, weigh the options, choose (or click its words)
SECONDS_PER_BOX = 60  # a short written answer of one to three sentences
DOC = Path("docs") / "reading-load.md"
WRONG_EVERY = 3  # the simulated attempt gets every third answer wrong
GRADE_TARGET = 9.0  # Flesch-Kincaid grade of the prose a student must read: 14- to 16-year-olds (grades 9-10)

_WORD = re.compile(r"[^\W_](?:[\w'’.-]*[^\W_])?")
_STATED = re.compile(r"\*About (\d+) minutes")
_FOLDED = re.compile(r"<details\b.*?</details>", re.S | re.I)  # a folded note (for teachers): not read by the student


def count_words(text: str) -> int:
    """Words in plain text: runs of letters and digits (with inner apostrophes, dots, hyphens)."""
    return len(_WORD.findall(text))


def markdown_words(source: str) -> int:
    """Words of a Markdown cell as read: no link targets, table rules, markup characters or folded notes."""
    text = re.sub(r"\]\([^)]*\)", "]", _FOLDED.sub(" ", source))  # [label](url) -> label
    text = re.sub(r"^\s*\|?(\s*:?-+:?\s*\|)+\s*:?-*:?\s*$", "", text, flags=re.M)  # |:---|:---|
    return count_words(text)


def prose_text(source: str) -> str:
    """A Markdown cell as sentences: headings and list items end where a reader stops, no markup or code."""
    text = re.sub(r"```.*?```", " ", _FOLDED.sub(" ", source), flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [label](url) -> label
    text = re.sub(r"^\s*\|?(\s*:?-+:?\s*\|)+\s*:?-*:?\s*$", "", text, flags=re.M)  # table rules
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(#+|[-*]|\d+\.)\s+", "", line).replace("|", " ")
        line = re.sub(r"[*_`]", "", line).strip()
        if line:
            lines.append(line)
    joined = "\n".join(lines)  # a list item or heading without a stop ends its sentence anyway
    joined = re.sub(r"(?<![.!?:;,])(?<![.!?]\))\n(?=[A-Z(\"'])", ". ", joined)
    return joined.replace("\n", " ")


def reading_grade(text: str) -> float:
    """The Flesch-Kincaid grade of plain text (textstat; 0 for no text)."""
    import textstat

    return float(textstat.flesch_kincaid_grade(text)) if count_words(text) else 0.0


def shown_text(markup: str) -> str:
    """Feedback HTML as the student first sees it: a folded <details> shows its summary only."""
    from medialit.widgets.base import plain

    folded = re.sub(
        r"<details(?![^>]*\bopen\b)[^>]*>\s*(<summary[^>]*>.*?</summary>)?.*?</details>",
        lambda m: m.group(1) or "",
        markup,
        flags=re.S,
    )
    return plain(folded)


@dataclass(frozen=True)
class LessonLoad:
    """One lesson's reading and answering load."""

    lesson: str
    stated: int | None  # minutes the lesson states ("*About 25 minutes.*")
    prose: int
    shown: int
    feedback: int
    choices: int
    boxes: int
    grade: float = 0.0  # Flesch-Kincaid grade of the prose

    @property
    def minutes(self) -> int:
        """The estimate, rounded up to whole minutes."""
        reading = (self.prose + self.shown + self.feedback) / WORDS_PER_MINUTE
        answering = (self.choices * SECONDS_PER_CHOICE + self.boxes * SECONDS_PER_BOX) / 60
        return math.ceil(reading + answering)


def stated_minutes(notebook: Any) -> int | None:
    """The time a lesson states in its first cell, or None."""
    m = _STATED.search(notebook.cells[0].source) if notebook.cells else None
    return int(m.group(1)) if m else None


@contextlib.contextmanager
def _answers_elsewhere() -> Iterator[Path]:
    """Run lesson code with its answer files in a temporary folder, and restore the environment."""
    from medialit.grading.answers import FOLDER_ENV

    before = os.environ.get(FOLDER_ENV)
    with tempfile.TemporaryDirectory(prefix="medialit-reading-load-") as tmp:
        os.environ[FOLDER_ENV] = tmp
        try:
            yield Path(tmp)
        finally:
            if before is None:
                os.environ.pop(FOLDER_ENV, None)
            else:
                os.environ[FOLDER_ENV] = before


def run_lesson(notebook: Any) -> tuple[list[Any], int]:
    """Run a lesson's code cells here, as a kernel would.

    Returns its answer widgets, in the order they were made, and the words that the cells' results
    show apart from widgets (the article, sentences, the scheme, tables).
    """
    import matplotlib

    matplotlib.use("Agg")  # the sourcing-profile chart: drawn, never shown
    from medialit.teaching.lesson import Lesson
    from medialit.widgets.base import plain

    namespace: dict[str, Any] = {}
    shown = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, "<lesson cell>", "exec"), namespace)  # noqa: S102 - the kit's own lessons
        if last is not None:  # the cell's result, which Jupyter displays
            result = eval(compile(ast.Expression(last.value), "<lesson cell>", "eval"), namespace)  # noqa: S307
            if hasattr(result, "_repr_html_") and not isinstance(result, Lesson) and not hasattr(result, "widget"):
                shown += count_words(plain(result._repr_html_() or ""))
    widgets = []
    for value in namespace.values():
        if isinstance(value, Lesson):
            widgets += value._widgets.values()
    return widgets, shown


def widget_words(widget: Any) -> int:
    """Words a widget shows before any answer: title, instructions, questions (not a choice table's rows)."""
    rows = {id(h) for h in getattr(widget, "prompts", {}).values()}
    return sum(count_words(shown_text(h.value)) for h in _html_values(widget.widget) if id(h) not in rows)


def _html_values(box: Any) -> list[Any]:
    import ipywidgets as w

    out: list[Any] = []
    if isinstance(box, w.HTML):
        out.append(box)
    for child in getattr(box, "children", ()):
        out += _html_values(child)
    return out


def _count(box: Any, kind: type) -> int:
    return int(isinstance(box, kind)) + sum(_count(c, kind) for c in getattr(box, "children", ()))


def answer_partly(widget: Any) -> None:
    """Answer like a student part-way there: the key, with every third answer wrong."""
    from medialit.widgets import ChoiceTable, NoteBox, PhraseHighlighter, RewriteBox, VerificationLog
    from medialit.widgets.highlighter import word_pieces

    n = 0
    if isinstance(widget, ChoiceTable):
        for row in widget.rows:
            for col in widget.columns:
                widget.set(row.key, row.gold[col.name], col.name)
                if n % WRONG_EVERY == WRONG_EVERY - 1:  # the first option scored wrong (not an alternative)
                    for _, option in widget.options_for(row, col):
                        widget.set(row.key, option, col.name)
                        if widget.results()[row.key][col.name].status == "wrong":
                            break
                    else:
                        widget.set(row.key, row.gold[col.name], col.name)
                n += 1
    elif isinstance(widget, PhraseHighlighter):
        for i, s in enumerate(widget.sentences):
            if i % WRONG_EVERY != WRONG_EVERY - 1:
                for phrase in widget.gold[s.id]:
                    widget.select(s.id, phrase)
            elif not widget.gold[s.id]:  # wrong: a word marked where there is nothing to mark
                first = next(p for p in word_pieces(s.text) if p.word is not None)
                widget.buttons[s.id][first.word].value = True
    elif isinstance(widget, RewriteBox):
        widget.text.value = getattr(widget, "model", "") or widget.sentence.text  # a model rewrite, if any
    elif isinstance(widget, NoteBox):
        widget.text.value = "I think the article says more than its sources show, and I would check it."
    elif isinstance(widget, VerificationLog):
        claims = list(widget.claims)
        for i, entry in enumerate(widget.entries):
            entry["claim"].value = claims[i % len(claims)]
            for j, name in enumerate(("search", "sources", "change_mind")):
                short = (3 * i + j) % WRONG_EVERY == WRONG_EVERY - 1
                entry[name].value = "the article" if short else "Foro Penal's own count of prisoners released"


def feedback_words(widget: Any) -> int:
    """Words that appear in the widget when Check is pressed after a partial attempt.

    Text already on show does not count again when Check only marks words in it.
    """
    box = widget.widget
    answer_partly(widget)
    before = {id(h): count_words(shown_text(h.value)) for h in _html_values(box)}
    widget.check()
    return sum(max(0, count_words(shown_text(h.value)) - before.get(id(h), 0)) for h in _html_values(box))


def measure(path: Path) -> LessonLoad:
    """The load of one lesson notebook."""
    import ipywidgets as w
    import nbformat

    from medialit.widgets import PhraseHighlighter

    nb = nbformat.read(path, as_version=4)
    prose = sum(markdown_words(c.source) for c in nb.cells if c.cell_type == "markdown")
    grade = reading_grade(" ".join(prose_text(c.source) for c in nb.cells if c.cell_type == "markdown"))
    feedback = choices = boxes = 0
    with _answers_elsewhere():
        widgets, shown = run_lesson(nb)
        for widget in widgets:
            shown += widget_words(widget)
            box = widget.widget
            choices += _count(box, w.Dropdown)
            if isinstance(widget, PhraseHighlighter):
                choices += len(widget.sentences)
            boxes += _count(box, w.Textarea)
            feedback += feedback_words(widget)
    return LessonLoad(path.stem, stated_minutes(nb), prose, shown, feedback, choices, boxes, grade)


def lessons(root: Path) -> list[Path]:
    return sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def measure_all(root: Path) -> list[LessonLoad]:
    return [measure(p) for p in lessons(root)]


def table_markdown(loads: list[LessonLoad]) -> str:
    """docs/reading-load.md: the table and how it is made."""
    rows = "\n".join(
        f"| `{x.lesson}` | {x.prose:,} | {x.grade:.1f} | {x.shown:,} | {x.feedback:,} | {x.choices} | {x.boxes} | "
        f"{x.minutes} | {x.stated if x.stated is not None else '–'} |"
        for x in loads
    )
    return f"""# Reading load per lesson

Generated by `medialit reading-load --write` (from `src/medialit/teaching/reading_load.py`); do not edit
by hand. `tests/test_reading_load.py` fails when this page is stale, when a lesson states
fewer minutes than the estimate, or when its prose reads above grade {GRADE_TARGET:g}.

| lesson | prose | grade | shown by code | feedback | choices | boxes | estimate (min) | stated (min) |
|:---|---:|---:|---:|---:|---:|---:|---:|---:|
{rows}

How the columns are counted:

Prose, shown by code and feedback count words.

- **Prose**: the lesson's text cells (link addresses, table rules and folded notes for teachers left out).
- **Grade**: the Flesch-Kincaid grade of that prose (the `textstat` library): about the school year
  whose readers can follow it. The target is at most {GRADE_TARGET:g} for the prose a student must read
  (readers of 14 to 16). It measures sentence and word length only: it cannot tell a plain word from
  a term the lesson has not explained yet.
- **Shown by code**: what the code cells show before any answer: the article, chosen sentences,
  the label scheme, a table, and the widgets' titles, instructions and questions. The sentences in a
  table of drop-down lists are not counted here: reading one is part of its choice.
- **Feedback**: a typical partial attempt. Every widget of the lesson is answered with the
  answer key, except that every {_ordinal(WRONG_EVERY)} answer is wrong, and **Check** is pressed.
  What counts is the text that appears under the widget and its rows; text folded away behind a
  *why* toggle is not counted.
- **Choices**: drop-down lists, plus sentences to mark in a word highlighter.
- **Boxes**: boxes to write in: note boxes, rewrite boxes and the boxes of a verification plan.
- **Estimate**: all these words at {WORDS_PER_MINUTE} a minute, plus {SECONDS_PER_CHOICE} seconds a choice
  and {SECONDS_PER_BOX} seconds a box, rounded up. It leaves out time spent in a web browser afterwards
  (lesson 06 says so).
"""


def _ordinal(n: int) -> str:
    return {2: "second", 3: "third", 4: "fourth"}.get(n, f"{n}th")


def problems(root: Path, loads: list[LessonLoad], text: str) -> list[str]:
    """What keeps the stated times honest: every lesson states at least its estimate; the doc is current."""
    out = []
    for x in loads:
        if x.stated is None:
            out.append(f"{x.lesson} states no time: its first cell should say *About N minutes.*")
        elif x.stated < x.minutes:
            out.append(f"{x.lesson} states {x.stated} minutes, but the estimate is {x.minutes}: cut, or state more")
        if x.grade > GRADE_TARGET:
            out.append(
                f"{x.lesson} reads at grade {x.grade:.1f}, above {GRADE_TARGET:g}: shorter sentences, plainer words"
            )
    doc = root / DOC
    if not doc.exists() or doc.read_text(encoding="utf-8") != text:
        out.append(f"{DOC} is stale: run medialit reading-load --write")
    return out


def main(root: Path, write: bool = False, check: bool = False) -> int:
    """Print the table, or write it to docs/; ``check`` exits 1 on a short stated time or a stale doc."""
    import sys

    loads = measure_all(root)
    text = table_markdown(loads)
    if write:
        (root / DOC).write_text(text, encoding="utf-8")
        print(f"wrote {root / DOC}")
    elif not check:
        print(text, end="")
    found = problems(root, loads, text) if check else []
    for p in found:
        print(f"error: {p}", file=sys.stderr)
    if check and not found:
        print(f"{DOC} is current; every lesson states at least its estimate, at grade {GRADE_TARGET:g} or less")
    return 1 if found else 0
