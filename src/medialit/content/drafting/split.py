"""Split an article text into headline, header lines and sentences with the kit's ids (h1, pNsM)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from medialit.content.article_text import Layout, read_layout

QUOTE_END = re.compile(r"[,!?]['’]?[\"”]$")
CLOCK = re.compile(r"\b\d{1,2}(?::\d\d)?\s?[ap]\.m\.$")
DAY = re.compile(
    r"(?:Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.\s\d|(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December)\s\d|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
SPEAKER_TAG = re.compile(r"^(?:[A-Z][\w.'’-]*\s){1,3}(?:said|says|added|asked|wrote|explained)(?:\s[\w-]+){0,4}\.$")


@dataclass(frozen=True)
class Split:
    """The parts of an article text: its layout (what was taken as what) and its sentences."""

    layout: Layout
    sentences: tuple[tuple[str, str], ...]  # (id, text), h1 first
    line_starts: frozenset[str] = frozenset()  # ids of the sentences that begin a line (a bullet, a paragraph)

    @property
    def headline(self) -> str:
        return self.layout.headline

    @property
    def header(self) -> tuple[str, ...]:
        return self.layout.header

    @property
    def byline(self) -> str:
        return self.layout.byline

    def published(self) -> str | None:
        """The date the header gives as ISO text, or None: never a date the text does not give."""
        return self.layout.published or None


@cache
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def sentences_of(paragraph_lines: list[str] | tuple[str, ...]) -> list[str]:
    """A paragraph's sentences (pysbd), whose texts joined by one space give the paragraph back."""
    out: list[str] = []
    for line in paragraph_lines:  # a line break always ends a sentence (the practice texts' layout)
        parts = [s.strip() for s in _segmenter().segment(line) if s.strip()]
        out += _rejoin_speaker(parts) if " ".join(parts) == line else [line]
    return out


def _rejoin_speaker(parts: list[str]) -> list[str]:
    """Put a split-off speaker tag back on its quote: pysbd cuts '"... the word 'failed,'" Doherty said.'
    after the nested quote; "Doherty said." is no sentence of its own. Likewise a clock time before a
    date ("at 3:15 p.m. Dec. 22 when ...") ends no sentence."""
    out: list[str] = []
    for part in parts:
        if out and (QUOTE_END.search(out[-1]) and SPEAKER_TAG.match(part) or CLOCK.search(out[-1]) and DAY.match(part)):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def split_text(text: str) -> Split:
    """Split the text; raise ValueError saying what is wrong with its layout."""
    layout = read_layout(text)
    rows = [("h1", layout.headline)]
    starts = {"h1"}
    for n, lines in enumerate(layout.paragraphs, start=1):
        m = 0
        for line in lines:
            for k, sentence in enumerate(sentences_of([line])):
                m += 1
                rows.append((f"p{n}s{m}", sentence))
                if k == 0:
                    starts.add(f"p{n}s{m}")
    return Split(layout, tuple(rows), frozenset(starts))
