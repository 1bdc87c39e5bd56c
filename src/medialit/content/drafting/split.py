"""Split an article text into headline, header lines and sentences with the kit's ids (h1, pNsM)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from medialit.content.article_text import blocks

DATE_FORMATS = ("%m/%d/%y", "%m/%d/%Y", "%d %B %Y", "%B %d, %Y", "%B %d %Y", "%Y-%m-%d", "%d %b %Y", "%b %d, %Y")


@dataclass(frozen=True)
class Split:
    """The parts of an article text."""

    headline: str
    header: tuple[str, ...]
    sentences: tuple[tuple[str, str], ...]  # (id, text), h1 first

    @property
    def byline(self) -> str:
        line = next((h for h in self.header if h.lower().startswith("by ")), "")
        return line[3:].strip()

    def published(self) -> str | None:
        """The date in the header as ISO text, or None when no header line gives one."""
        for line in self.header:
            found = _date(line)
            if found:
                return found.isoformat()
        return None


def _date(line: str) -> date | None:
    text = re.sub(r"^(published|updated|posted)( on)?:?\s*", "", line.strip(), flags=re.I).strip(" .")
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


@cache
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def sentences_of(paragraph_lines: list[str]) -> list[str]:
    """A paragraph's sentences (pysbd), whose texts joined by one space give the paragraph back."""
    out: list[str] = []
    for line in paragraph_lines:  # a line break always ends a sentence (the practice texts' layout)
        parts = [s.strip() for s in _segmenter().segment(line) if s.strip()]
        out += parts if " ".join(parts) == line else [line]
    return out


def split_text(text: str) -> Split:
    """Split the text; raise ValueError saying what is wrong with its layout."""
    parts = blocks(text)
    if len(parts) < 3:
        raise ValueError(
            "expected the headline on the first line, a blank line, the byline and date, a blank line, "
            "then the paragraphs separated by blank lines"
        )
    rows = [("h1", " ".join(parts[0]))]
    for n, lines in enumerate(parts[2:], start=1):
        rows += [(f"p{n}s{m}", s) for m, s in enumerate(sentences_of(lines), start=1)]
    return Split(rows[0][1], tuple(parts[1]), tuple(rows))
