"""The lessons' titles, times and objectives, read from their notebooks (as the app shows them)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from medialit.app.notebook import app_text

LESSON_GLOB = "[0-9][0-9]-*.ipynb"
_TIME = re.compile(r"^\*(About [^*]+)\*\s*$", re.M)
_TITLE = re.compile(r"^#\s+(.+)$", re.M)
_BULLET = re.compile(r"^\s*(?:[-*]|\d+\.)\s+")


@dataclass(frozen=True)
class LessonEntry:
    """One lesson as the index lists it."""

    file: str
    title: str
    time: str
    objectives: tuple[str, ...]


def _first_markdown(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            app = app_text(cell)  # the index is the app's: its version of the text
            return app if app is not None else "".join(source) if isinstance(source, list) else source
    return ""


def objectives(markdown: str) -> tuple[str, ...]:
    """The list after "Learning objectives": one string per item (wrapped lines joined)."""
    _, found, rest = markdown.partition("Learning objectives")
    if not found:
        return ()
    items: list[str] = []
    started = False
    for line in rest.splitlines()[1:]:
        if _BULLET.match(line):
            items.append(_BULLET.sub("", line).strip())
            started = True
        elif started and line.startswith(" ") and line.strip():
            items[-1] += " " + line.strip()
        elif started:
            break
    return tuple(items)


def read_entry(path: Path) -> LessonEntry:
    """A lesson notebook's title (its first heading), time ("About 35 minutes") and objectives."""
    text = _first_markdown(path)
    title = _TITLE.search(text)
    time = _TIME.search(text)
    return LessonEntry(
        file=path.name,
        title=title.group(1).strip() if title else path.stem,
        time=time.group(1).strip().rstrip(".") if time else "",
        objectives=objectives(text),
    )


def lesson_entries(folder: str | Path) -> list[LessonEntry]:
    """Every lesson in ``folder`` (00-start-here, 01-anatomy, ...), in order."""
    return [read_entry(path) for path in sorted(Path(folder).glob(LESSON_GLOB))]
