"""The app's front page: every lesson with its time and objectives, linked to the lesson."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from medialit.app.lessons import LessonEntry

_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")

# Text and links at 4.5:1 or more on white (WCAG 2.1 AA); the focus ring is always visible.
STYLE = """<style>
body { font: 17px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f1f1f; background: #fff;
       margin: 0; }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.8rem; margin: 0.5rem 0; }
ol.lessons { list-style: none; padding: 0; }
ol.lessons > li { border: 1px solid #8a8a8a; border-radius: 6px; padding: 0.8rem 1rem; margin: 0.9rem 0; }
ol.lessons h2 { font-size: 1.25rem; margin: 0; }
a { color: #0b57a4; }
a:focus-visible { outline: 3px solid #0b57a4; outline-offset: 2px; }
.time { color: #4a4a4a; margin: 0.2rem 0 0.4rem; }
.objectives { margin: 0.3rem 0 0; padding-left: 1.4rem; }
</style>"""


def inline_markdown(text: str) -> str:
    """``text`` escaped, with its **bold** and *italic* kept."""
    escaped = html.escape(text, quote=False)
    return _EM.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", escaped))


def lesson_item(entry: LessonEntry, base_url: str) -> str:
    href = html.escape(f"{base_url}voila/render/{quote(entry.file)}")
    objectives = "".join(f"<li>{inline_markdown(o)}</li>" for o in entry.objectives)
    return (
        f'<li><h2><a href="{href}">{html.escape(entry.title)}</a></h2>'
        f'<p class="time">{html.escape(entry.time)}</p>'
        + (f'<p>You will be able to:</p><ul class="objectives">{objectives}</ul>' if objectives else "")
        + "</li>"
    )


def index_page(entries: list[LessonEntry], base_url: str = "/", where: str = "") -> str:
    """The whole HTML page. ``where``: one sentence on where answers are saved."""
    items = "".join(lesson_item(entry, base_url) for entry in entries)
    saved = f"<p>{html.escape(where)}</p>" if where else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>medialit: the lessons</title>{STYLE}</head><body><main>"
        "<h1>medialit: the lessons</h1>"
        "<p>Take one real news article apart and learn to tell what a source actually says from how the "
        "writer frames it. Work through the lessons in order; each one opens in this window. Answer by "
        "clicking, choosing and typing, and press <strong>Check</strong> for feedback.</p>"
        f"{saved}"
        f'<ol class="lessons" aria-label="Lessons">{items}</ol>'
        "</main></body></html>"
    )
