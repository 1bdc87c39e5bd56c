"""The feedback's shared HTML: marks, the one style, sentences with their deciding words marked.

Pure string functions: the widgets (what a student sees), the grader and the feedback
pages (what an instructor sends) all draw feedback with them.
"""

from __future__ import annotations

import html
import re

from medialit.content.spans import char_ranges

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
