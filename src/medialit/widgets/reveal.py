"""Text that gives answers away, shown only after the student has answered: "Show the discussion".

A lesson's discussion of a question (which sentence holds the headline up, what the key says, what
each verdict means) belongs after the student's own answer. A :class:`Reveal` is bound to the answer
widget of that question: until the student has answered it completely and pressed **Check**, the
discussion is not on the page at all (absent, not hidden), so neither a glance nor the page's
source gives it away. The **Show** button appears with the feedback; answers restored after a
restart count as answered. Plain ipywidgets, no custom JavaScript: the same in JupyterLab and in
the app (Voila).
"""

from __future__ import annotations

import html
import re
from typing import Any

import ipywidgets as w

from medialit.teaching.tasks.access import LIVE_CLASS
from medialit.widgets.base import STYLE, AnswerWidget, badge, plain

FEEDBACK_CLASS = "medialit-fb"  # what AnswerWidget.check() writes; a restored-answers note has none
REVEAL_CLASS = "medialit-reveal"
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
_ITEM = re.compile(r"^\s*(?:[-*]|\d+\.)\s+")


def inline(text: str) -> str:
    """One line of lesson Markdown as HTML: escaped, with **bold**, *italic* and `code` kept."""
    out = html.escape(text, quote=False)
    out = _CODE.sub(r"<code>\1</code>", out)
    return _EM.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", out))


def markdown_html(source: str) -> str:
    """The Markdown a lesson writes (paragraphs, bulleted or numbered lists, inline marks) as HTML."""
    blocks = []
    for block in re.split(r"\n\s*\n", source.strip()):
        lines = [x for x in block.splitlines() if x.strip()]
        if lines and _ITEM.match(lines[0]):
            items: list[str] = []
            for line in lines:
                if _ITEM.match(line):
                    items.append(_ITEM.sub("", line))
                else:  # a wrapped line of the item before
                    items[-1] += " " + line.strip()
            tag = "ol" if re.match(r"^\s*\d+\.", lines[0]) else "ul"
            blocks.append(f"<{tag}>" + "".join(f"<li>{inline(i)}</li>" for i in items) + f"</{tag}>")
        elif lines:
            blocks.append(f"<p>{inline(' '.join(x.strip() for x in lines))}</p>")
    return "".join(blocks)


def part_html(part: Any) -> str:
    """A part of a discussion: Markdown text, or anything with an HTML view (chosen sentences)."""
    if isinstance(part, str):
        return markdown_html(part)
    if hasattr(part, "_repr_html_"):
        return part._repr_html_() or ""
    raise TypeError(f"a discussion part is Markdown text or has an HTML view, not {type(part).__name__}")


class Reveal:
    """A discussion shown only after the student has answered ``after`` and pressed Check.

    ``parts`` are Markdown strings or displayable objects (for example ``lesson.show_sentences``).
    ``check()`` presses the Show button when it is on offer (the reading-load estimate uses it).
    """

    def __init__(
        self,
        after: AnswerWidget,
        *parts: Any,
        key: str,
        label: str = "Show the discussion",
        store: Any = None,
        graded: bool = False,
    ):
        self.key = key
        self.after = after
        self.label = label
        self.graded = graded
        self.markup = STYLE + f'<div class="{REVEAL_CLASS}">' + "".join(part_html(p) for p in parts) + "</div>"
        self.note = w.HTML()
        self.button = w.Button(
            description=label,
            button_style="info",
            tooltip="Read the discussion of this question",
            layout=w.Layout(width="auto", min_width="12em", display="none"),
        )
        self.button.on_click(lambda _: self.show())
        self.body = w.HTML(layout=w.Layout(width="100%"))  # empty until shown: the text is not on the page
        self.body.add_class(LIVE_CLASS)  # read out when shown (teaching/tasks/access.py)
        self.shown = False
        after.feedback.observe(self._feedback_changed, names="value")
        self._offer(self._answered() and after.store is not None and after.store.get(after.key) is not None)

    def _answered(self) -> bool:
        try:
            return bool(self.after.complete)
        except (TypeError, ValueError, AttributeError, KeyError):
            return False

    def _feedback_changed(self, change: dict[str, Any]) -> None:
        if FEEDBACK_CLASS in (change.get("new") or ""):
            self._offer(self._answered())

    def _offer(self, answered: bool) -> None:
        """Offer the button once the question is answered; until then say what to do first."""
        if self.shown:
            return
        self.available = answered and not self.graded
        self.button.layout.display = None if self.available else "none"
        if self.graded or self.available:
            self.note.value = ""
        else:
            self.note.value = (
                f'{STYLE}<div class="medialit-todo">{badge("missing")} Answer the question above and press '
                f"<b>Check</b> first: then “{html.escape(self.label)}” appears here.</div>"
            )

    def show(self) -> None:
        """Put the discussion on the page (only once the question has been answered)."""
        if not self.available:
            return
        self.shown = True
        self.body.value = self.markup
        self.button.layout.display = "none"
        self.note.value = ""

    def check(self) -> str:
        """Press Show if it is on offer; the discussion as plain text ('' while it is not shown)."""
        self.show()
        return plain(self.body.value)

    @property
    def text(self) -> str:
        """The discussion as plain text, shown or not (for tests and reviews)."""
        return plain(self.markup)

    @property
    def widget(self) -> w.VBox:
        if not hasattr(self, "_box"):
            self._box = w.VBox([self.note, self.button, self.body], layout=w.Layout(width="100%"))
        return self._box

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
