"""The base of every answer widget: saved answers, a Check button, readable feedback."""

from __future__ import annotations

import html
import re
from typing import Any

import ipywidgets as w

from medialit.content.spans import char_ranges
from medialit.grading.answers import AnswerStore

# Marks drawn as small coloured badges around a character every common font has (no emoji font
# needed: where none is installed, emoji show as empty boxes). A word always stands beside a mark.
MARKS = {"correct": "✓", "alternative": "½", "wrong": "✗", "missing": "–", "done": "✓", "warning": "!"}
MARK_TITLES = {
    "correct": "correct",
    "alternative": "half points",
    "wrong": "not quite",
    "missing": "no answer yet",
    "done": "done",
    "warning": "attention",
}


def badge(kind: str) -> str:
    """A mark as HTML: a styled span holding a plain character (✓ ½ ✗ – !), never an emoji."""
    return (
        f'<span class="medialit-mark medialit-mark-{kind}" title="{MARK_TITLES[kind]}" '
        f'aria-hidden="true">{MARKS[kind]}</span>'
    )


ICONS = {status: badge(status) for status in ("correct", "alternative", "wrong", "missing")}
HALF_POINTS = "half points"  # the one wording for an accepted alternative's credit (scoring.ALTERNATIVE_CREDIT)
WORDS = {
    "correct": "Correct.",
    "alternative": f"Acceptable alternative ({HALF_POINTS}).",
    "wrong": "Not quite.",
    "missing": "No answer yet.",
}
STYLE = """<style>
.medialit-fb {font-size: 0.95em; line-height: 1.45; margin: 2px 0 8px 0;}
.medialit-fb mark, .medialit-sentence mark {background: #ffe58a; padding: 0 2px;}
.medialit-sentence {line-height: 1.5;}
.medialit-id {font-family: monospace; color: #555; margin-right: 4px;}
.medialit-warning {border-left: 4px solid #d9534f; background: #fdf1f0; padding: 6px 10px;}
.medialit-summary {border-left: 4px solid #337ab7; background: #eef5fb; padding: 6px 10px;}
.medialit-todo {border-left: 4px solid #8a8a8a; background: #f3f3f3; padding: 6px 10px;}
.medialit-mark {display: inline-block; box-sizing: border-box; min-width: 1.35em; height: 1.35em;
  line-height: 1.35em; padding: 0 0.2em; margin-right: 0.1em; border-radius: 0.7em; text-align: center;
  vertical-align: 0.05em; font: bold 0.8em/1.35em "DejaVu Sans", "Segoe UI Symbol", "Arial Unicode MS",
  "Lucida Grande", Arial, sans-serif; color: #fff; background: #666;}
.medialit-mark-correct, .medialit-mark-done {background: #2e7d32;}
.medialit-mark-alternative {background: #8a6100;}
.medialit-mark-wrong {background: #c62828;}
.medialit-mark-missing {background: #fff; color: #555; border: 1px solid #888;}
.medialit-mark-warning {background: #d9534f;}
.medialit-why > summary {cursor: pointer; list-style: none;}
.medialit-why > summary::-webkit-details-marker {display: none;}
.medialit-why-toggle {color: #337ab7; font-size: 0.9em; margin-left: 0.3em; white-space: nowrap;}
.medialit-why-toggle::before {content: "▸ ";}
.medialit-why[open] .medialit-why-toggle::before {content: "▾ ";}
.medialit-why-text {margin: 2px 0 0 1.6em;}
</style>"""


def folded(line: str, why: str, toggle: str = "why") -> str:
    """A line of feedback whose explanation opens on a click of *why* (an HTML <details>)."""
    return (
        f'<details class="medialit-why"><summary>{line} <span class="medialit-why-toggle">{toggle}</span>'
        f'</summary><div class="medialit-why-text">{why}</div></details>'
    )


def mark(text: str, spans: list[str] | tuple[str, ...]) -> str:
    """HTML of ``text`` with every occurrence of ``spans`` wrapped in <mark>."""
    out, pos = [], 0
    for start, end in char_ranges(text, list(spans)):
        out += [html.escape(text[pos:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def sentence_html(sentence_id: str, text: str, spans: tuple[str, ...] = ()) -> str:
    """A sentence with its id, e.g. "[p5s1] Officials in Caracas say ..."."""
    return (
        f'<span class="medialit-sentence"><span class="medialit-id">[{html.escape(sentence_id)}]</span>'
        f"{mark(text, spans)}</span>"
    )


def plain(markup: str) -> str:
    """Feedback HTML as plain text (for tests and logs)."""
    text = re.sub(r"<(style)[^>]*>.*?</\1>", "", markup, flags=re.S)
    text = re.sub(r"<br\s*/?>|</(p|div|li|tr|h\d|summary)>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


class AnswerWidget:
    """An answer widget: a value saved to the answer store, a Check button, feedback.

    ``graded=True`` (in nbgrader exercises) makes Check report only whether the
    answer is complete, never whether it is correct.
    """

    def __init__(self, key: str, store: AnswerStore | None = None, graded: bool = False, title: str = ""):
        self.key = key
        self.store = store
        self.graded = graded
        self.title = title
        self.notes: list[str] = []  # problems met while restoring saved answers
        self.feedback = w.HTML(layout=w.Layout(width="100%"))
        self.check_button = w.Button(
            description="Check completeness" if graded else "Check",
            button_style="primary",
            tooltip="See what is still missing" if graded else "See feedback on your answers",
            layout=w.Layout(width="auto", min_width="10em"),
        )
        self.check_button.on_click(lambda _: self.check())
        self._restoring = False

    # subclasses implement these three
    def _controls(self) -> list[w.Widget]:
        raise NotImplementedError

    def get_value(self) -> Any:
        raise NotImplementedError

    def _apply(self, value: Any) -> None:
        raise NotImplementedError

    def feedback_html(self) -> str:
        raise NotImplementedError

    def completeness_html(self) -> str:
        raise NotImplementedError

    def report_html(self) -> str:
        """The full feedback as HTML (for feedback pages); by default the Check feedback."""
        return self.feedback_html()

    def result_data(self) -> dict[str, Any]:
        """The scored answer as plain data, for class reports. Subclasses add detail."""
        return {"kind": type(self).__name__}

    @property
    def complete(self) -> bool:
        """True when every part has an answer (says nothing about correctness)."""
        raise NotImplementedError

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

    def check(self) -> str:
        """Show feedback (or, when graded, completeness) and return it as plain text."""
        markup = self.completeness_html() if self.graded else self.feedback_html()
        self._restored_note = False
        self.feedback.value = STYLE + f'<div class="medialit-fb">{markup}</div>'
        return plain(markup)

    @property
    def feedback_text(self) -> str:
        return plain(self.feedback.value)

    def build(self) -> w.VBox:
        """The full widget: title, restore notes, controls, Check button, feedback."""
        parts: list[w.Widget] = []
        if self.title:
            parts.append(w.HTML(f"<h4>{html.escape(self.title)}</h4>"))
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

    def __init__(self, key: str, store: AnswerStore | None, graded: bool, title: str, placeholder: str, height: str):
        super().__init__(key, store, graded, title)
        self.text = w.Textarea(placeholder=placeholder, layout=w.Layout(width="100%", height=height))
        self.text.observe(self._changed, names="value")

    def get_value(self) -> str:
        return self.text.value

    def _apply(self, value: Any) -> None:
        if not isinstance(value, str):
            raise TypeError(f"expected text, got {type(value).__name__}")
        self.text.value = value
