"""The article text file: its one reader.

What teachers paste: the headline on the first line; then, if the text has them, header lines
(a byline "By ...", a date, a note) in the headline's block or in the next block; then paragraphs
separated by blank lines. Within a paragraph a line break is a space, so a text may also put one
sentence per line (the practice texts do: their sentence ids come from the lines). A bullet mark
("- ", "• ", "* ") at the start of a line is layout, not text. A first paragraph that opens with a
dateline ("WASHINGTON (AP) —") keeps it in its text; the place is reported as the dateline.

Nothing is dropped: a line is the headline, a header line or body text, and :func:`read_layout`
says which (``Layout.taken``). A date is only ever one that the text gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

BLANK_LINE = re.compile(r"\n\s*\n")
BULLET = re.compile(r"^(?:[-–—•*·▪●]|\d{1,2}[.)])\s+")
BYLINE = re.compile(r"^by\s+\S.{0,80}$", re.I)
DATE_WORDS = re.compile(r"^(?:published|updated|posted|first published|last updated)\b(?: on)?:?\s*", re.I)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATE_IN_LINE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
    rf"|\b{_MONTH} \d{{1,2}},? \d{{4}}\b|\b\d{{1,2}} {_MONTH},? \d{{4}}\b"
)
DATE_FORMATS = ("%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d", "%b %d, %Y", "%b %d %Y", "%d %b %Y", "%d %b, %Y")
DATELINE = re.compile(
    r"^((?:[A-Z][A-Z.'’-]+)(?: [A-Z][A-Z.'’-]+){0,3}(?:, [A-Z][\w.]+(?: [A-Z][\w.]+)?(?: \d{1,2})?)?"
    r"(?: \((?:AP|Reuters|AFP|UPI|CNN|Bloomberg)\))?)\s*[—–-]{1,2}\s"
)


def blocks(text: str) -> list[list[str]]:
    """The text's blocks (separated by blank lines), each as its stripped, non-empty lines."""
    return [[line.strip() for line in b.splitlines() if line.strip()] for b in BLANK_LINE.split(text.strip())]


def line_text(line: str) -> str:
    """A line's text without a bullet mark."""
    return BULLET.sub("", line, count=1).strip() or line


def parse_date(line: str) -> date | None:
    """The first date a line gives (``03/14/26``, ``March 14, 2026``, ``2026-03-14`` ...), or None."""
    m = DATE_IN_LINE.search(DATE_WORDS.sub("", line.strip()))
    if not m:
        return None
    found = re.sub(r"\b([A-Z][a-z]{2})[a-z]*\.?", r"\1", m.group(0))  # "Sept." and "September" -> "Sep"
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(found, fmt).date()
        except ValueError:
            continue
    return None


def _header_kind(line: str) -> str:
    """'byline', 'date' or '' (not a header line)."""
    if BYLINE.match(line) and not line.rstrip().endswith((".", "?", "!", '"')) and len(line.split()) <= 12:
        return "byline"
    if not parse_date(line):
        return ""
    rest = DATE_IN_LINE.sub("", DATE_WORDS.sub("", line)).split()
    return "date" if DATE_WORDS.match(line) or (len(rest) <= 4 and not line.rstrip().endswith(".")) else ""


def _is_header_block(lines: list[str]) -> bool:
    """A block of header lines: a byline or a date among short lines (a note may stand with them)."""
    kinds = [_header_kind(line) for line in lines]
    return any(kinds) and all(k or len(line.split()) <= 30 for k, line in zip(kinds, lines, strict=True))


@dataclass(frozen=True)
class Layout:
    """What the reader took as what: every line of the text is in exactly one field."""

    headline: str
    header: tuple[str, ...]
    byline: str
    published: str  # ISO date the header gives, or "" (never a date the text does not give)
    dateline: str  # the place (and agency) at the start of the first paragraph, or ""
    paragraphs: tuple[tuple[str, ...], ...]  # body paragraphs, as lines without bullet marks

    def taken(self) -> list[str]:
        """One line per field, in words a teacher reads: what was taken as what, and what was not found."""
        first = " ".join(self.paragraphs[0]) if self.paragraphs else ""
        lines = sum(len(p) for p in self.paragraphs)
        return [
            f"headline: {self.headline!r}",
            f"byline: {self.byline!r}" if self.byline else "byline: none found (left blank)",
            f"publication date: {self.published}"
            if self.published
            else "publication date: none found (left blank: type it in the review)",
            f"dateline: {self.dateline!r}" if self.dateline else "dateline: none",
            "other header lines: " + "; ".join(repr(h) for h in self.header if _header_kind(h) == "")
            if any(_header_kind(h) == "" for h in self.header)
            else "other header lines: none",
            f"body: {len(self.paragraphs)} paragraphs, {lines} lines, starting {first[:60]!r}",
        ]


def read_layout(text: str) -> Layout:
    """Sort the text's lines into headline, header lines and body paragraphs (raises ValueError if no body)."""
    parts = blocks(text)
    if not parts or not parts[0]:
        raise ValueError("the file is empty; put the headline on the first line, then the article's paragraphs")
    headline, rest = parts[0][0], parts[0][1:]
    header: list[str] = []
    while rest and _header_kind(rest[0]):
        header.append(rest.pop(0))
    body = [rest] if rest else []
    later = parts[1:]
    if not rest and later and _is_header_block(later[0]):
        header += later.pop(0)
    body += later
    paragraphs = tuple(tuple(line_text(line) for line in p) for p in body if p)
    if not paragraphs:
        raise ValueError(
            "expected the headline on the first line, then the article's paragraphs separated by blank lines "
            "(a byline and date after the headline are optional); no paragraph found after the headline"
        )
    byline = next((h[3:].strip() for h in header if _header_kind(h) == "byline"), "")
    published = next((d.isoformat() for h in header if (d := parse_date(h))), "")
    m = DATELINE.match(paragraphs[0][0])
    return Layout(headline, tuple(header), byline, published, m.group(1) if m else "", paragraphs)


def headline_and_paragraphs(text: str) -> tuple[str, list[str]]:
    """The headline and the body paragraphs, each paragraph's lines joined by spaces."""
    try:
        layout = read_layout(text)
    except ValueError:  # no body: the validator says which paragraphs are missing
        first = blocks(text)[0]
        return (first[0] if first else ""), []
    return layout.headline, [" ".join(p) for p in layout.paragraphs]
