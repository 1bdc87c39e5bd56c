"""`medialit lessons DIR`: copy the lessons into a student's own working folder.

Works from an installed wheel as from a checkout (the lessons come from
:func:`medialit.content.kit.kit_path`). A lesson already in the folder is the student's work:
it is kept, never overwritten.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from medialit.content.kit import kit_path

INSTRUCTOR_ONLY = "instructor-*.ipynb"


@dataclass
class Copied:
    """What :func:`copy_lessons` did."""

    folder: Path
    copied: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already there: the student's own copy

    @property
    def first(self) -> Path:
        return self.folder / sorted(self.copied + self.kept)[0]


def student_lessons() -> list[Path]:
    """The kit's lesson notebooks a student works through (not the instructor's)."""
    folder = kit_path("notebooks")
    instructor = set(folder.glob(INSTRUCTOR_ONLY))
    return [p for p in sorted(folder.glob("*.ipynb")) if p not in instructor]


def copy_lessons(folder: str | Path) -> Copied:
    """Copy every lesson into ``folder`` (created if needed); keep any lesson already there."""
    folder = Path(folder).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} is a file; choose a folder for the lessons.")
    folder.mkdir(parents=True, exist_ok=True)
    done = Copied(folder)
    for lesson in student_lessons():
        target = folder / lesson.name
        if target.exists():
            done.kept.append(lesson.name)
            continue
        shutil.copyfile(lesson, target)
        done.copied.append(lesson.name)
    return done
