"""The article text file: its one reader.

Layout: the headline, a blank line, header lines (byline, date), a blank line, then paragraphs
separated by blank lines. Within a paragraph a line break is a space, so a text may also put one
sentence per line (the practice texts do: their sentence ids come from the lines).
"""

from __future__ import annotations

import re

BLANK_LINE = re.compile(r"\n\s*\n")


def blocks(text: str) -> list[list[str]]:
    """The text's blocks (headline, header, paragraphs), each as its stripped, non-empty lines."""
    return [[line.strip() for line in b.splitlines() if line.strip()] for b in BLANK_LINE.split(text.strip())]


def headline_and_paragraphs(text: str) -> tuple[str, list[str]]:
    """The headline and the body paragraphs, each paragraph's lines joined by spaces."""
    parts = [" ".join(lines) for lines in blocks(text)]
    return (parts[0] if parts else ""), parts[2:]
