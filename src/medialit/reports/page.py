"""The one page style of what an instructor hands out or reads: feedback pages and the class report."""

from __future__ import annotations

import html

from medialit.teaching.tasks.access import SR_ONLY
from medialit.teaching.tasks.markup import STYLE

PAGE_STYLE = """<style>
body {font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60em; margin: 2em auto;
      padding: 0 1em; color: #222; line-height: 1.5;}
h1 {margin-bottom: 0.2em;} h2 {border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.7em;}
.meta, .note {color: #555;} .points {float: right; font-weight: bold;} img {max-width: 100%;}
.status-graded {border-left: 4px solid #3c763d; background: #eef7ee; padding: 6px 10px;}
.status-flagged, .small-class {border-left: 4px solid #f0ad4e; background: #fdf6ec; padding: 6px 10px;}
.status-failed, .misread {border-left: 4px solid #d9534f; background: #fdf1f0; padding: 6px 10px;}
.misread li {margin: 0.3em 0;} .id {font-family: monospace; font-weight: bold;}
blockquote {border-left: 3px solid #ccc; margin: 0.5em 0; padding: 0.2em 1em; white-space: pre-wrap;}
table {border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0;}
th, td {border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top;}
th {background: #f4f4f4;} .counts td:first-child {text-align: right;}
"""
# text for screen readers only (a header cell with no visible title), as in the lessons
PAGE_STYLE += f""".{SR_ONLY} {{position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;}}
</style>"""


def page(title: str, body: str) -> str:
    """A self-contained HTML page: the page style, then the feedback's own (marks, highlights, folds)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>{PAGE_STYLE}{STYLE}</head><body><main>{body}</main></body></html>\n"
    )
