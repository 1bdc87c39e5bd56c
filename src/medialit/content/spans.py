"""Find annotation spans in sentence text.

A span is an exact, case-sensitive piece of the sentence made of whole words
(so "as" is not found inside "releases"). A span written with
" ... " (for example "view ... as") is discontinuous: its parts must occur in
that order.
"""

from __future__ import annotations

GAP = " ... "


def span_parts(text: str, span: str) -> list[tuple[int, int]] | None:
    """Return the (start, end) of each part of ``span`` in ``text``, or None."""
    parts = [p for p in span.split(GAP)] if GAP in span else [span]
    if any(not p for p in parts):
        return None
    found: list[tuple[int, int]] = []
    pos = 0
    for part in parts:
        start = _find_whole(text, part, pos)
        if start < 0:
            return None
        found.append((start, start + len(part)))
        pos = start + len(part)
    return found


def _find_whole(text: str, part: str, pos: int) -> int:
    """Index of ``part`` in ``text`` from ``pos``, not starting or ending inside a word; -1 if none."""
    start = text.find(part, pos)
    while start >= 0:
        end = start + len(part)
        cut_before = part[0].isalnum() and start > 0 and text[start - 1].isalnum()
        cut_after = part[-1].isalnum() and end < len(text) and text[end].isalnum()
        if not (cut_before or cut_after):
            return start
        start = text.find(part, start + 1)
    return -1


def occurs(text: str, span: str) -> bool:
    """True if ``span`` occurs verbatim in ``text`` (parts in order)."""
    return span_parts(text, span) is not None


def char_ranges(text: str, spans: list[str]) -> list[tuple[int, int]]:
    """Merged character ranges covered by all ``spans`` that occur in ``text``."""
    ranges = sorted(r for s in spans for r in (span_parts(text, s) or []))
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
