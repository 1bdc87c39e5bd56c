"""A self-learner's own discernment report: practice form P before the lessons, form Q after, in plain words."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from medialit.teaching.discernment import Change, plain_words
from medialit.widgets.base import STYLE

BIAS_ONLY = (
    "You caught more weak texts, but only by calling more texts weak: your discernment (d′) did not "
    "change. Doubting more is not judging better: look again at what makes a text well supported "
    "(a named source on the record, a document you can check, honesty about what is not known)."
)
CHANCE = "Two short tests move by chance too: one changed answer moves d′ by about 0.4."


def report_html(tests: list[tuple[str, Any]]) -> str:
    """The report of ``tests``: (name, DiscernmentTest) pairs, before then after."""
    parts, found = [], []
    for name, test in tests:
        result = test.test_score()
        if result is None or test.missing():
            parts.append(f"<p><b>{html.escape(name)}</b> (form {test.fixed}): not finished yet.</p>")
            continue
        found.append(result.detection)
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in plain_words(result.detection))
        parts.append(f"<p><b>{html.escape(name)}</b> (form {result.form}):</p><ul>{lines}</ul>")
    if len(found) == 2:
        parts.append(_change_html(Change(*found)))
    return STYLE + '<div class="medialit-summary medialit-self-report">' + "".join(parts) + "</div>"


def _change_html(change: Change) -> str:
    out = f"<p><b>The change:</b> d′ {change.d_prime:+.2f}, bias c {change.c:+.2f}.</p>"
    if change.bias_only:
        out += f'<div class="medialit-warning">{BIAS_ONLY}</div>'
    elif change.d_prime > 0:
        out += "<p>You now tell well-supported texts from weak ones better than before.</p>"
    return out + f"<p><i>{CHANCE}</i></p>"


class SelfReport:
    """The report as an output (it stays in the saved notebook) and a button that brings it up to date."""

    def __init__(self, before: Any, after: Any):
        self.tests = [("Before the lessons", before), ("After the lessons", after)]
        self.button = w.Button(description="Show my report", button_style="primary")
        self.button.on_click(lambda _: self.refresh())
        self.handle: Any = None

    def html(self) -> str:
        return report_html(self.tests)

    def refresh(self) -> str:
        """Update the shown report; return it as plain text."""
        from medialit.widgets.base import plain

        markup = self.html()
        if self.handle is not None:
            self.handle.update({"text/html": markup, "text/plain": plain(markup)}, raw=True)
        return plain(markup)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        from medialit.widgets.base import plain

        display(self.button)
        markup = self.html()
        self.handle = display({"text/html": markup, "text/plain": plain(markup)}, raw=True, display_id=True)
