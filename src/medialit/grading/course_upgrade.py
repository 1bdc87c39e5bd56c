"""Bring a course workspace up to the installed kit: its copy of the seeds and the masters.

A course copies the kit's seeds and masters when it is created, so a key never changes
under a class by itself. After upgrading medialit, a course made by an older version may
hold a key that the new version's checks refuse (or lacks new cells, such as the
submission receipt). ``medialit course upgrade`` copies the kit's versions in, keeps the
old ones in ``.medialit-backups/``, says which key labels changed, and regenerates the
releases already made. Grades change only when the teacher autogrades again.
"""

from __future__ import annotations

import filecmp
import shutil
from datetime import UTC, datetime
from pathlib import Path

import yaml

from medialit.content.kit import grading_kit
from medialit.grading.course import BACKUPS_DIR, Course, CourseError


def upgrade(course: Course, kit: str | Path | None = None) -> list[str]:
    """Copy the kit's seeds, masters and keys into ``course``; return what changed, in plain lines."""
    kit = Path(kit) if kit else grading_kit()
    if not (kit / "solutions").is_dir() or not (kit / "seeds").is_dir():
        raise CourseError(f"{kit} has no solutions/ and seeds/ folders; pass the medialit folder with --kit.")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    backup = course.root / BACKUPS_DIR / f"before-upgrade-{stamp}"
    changes: list[str] = []
    folders = [(kit / "seeds", course.seeds), (kit / "solutions", course.source_root)]
    if (kit / "keys").is_dir():  # the pre/post-test keys
        folders.append((kit / "keys", course.root / "keys"))
    for kit_dir, mine in folders:
        for path in sorted(p for p in kit_dir.rglob("*") if p.is_file() and ".answers" not in p.name):
            target = mine / path.relative_to(kit_dir)
            if target.exists() and filecmp.cmp(path, target, shallow=False):
                continue
            if target.exists():
                kept = backup / target.relative_to(course.root)
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(target, kept)
                changes += _label_changes(target, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            changes.append(f"updated {target.relative_to(course.root)}")
    for assignment in course.assignments() if changes else []:
        if course.release_dir(assignment).is_dir():
            course.generate(assignment)
            changes.append(f"regenerated the release of {assignment} (release it again to reach students)")
    if changes and backup.exists():
        changes.append(f"the old files are kept in {backup}")
    return changes


def _label_changes(old: Path, new: Path) -> list[str]:
    """The sentences whose key label changed between two annotation files (none for other files)."""
    if not new.name.endswith(".yaml"):
        return []
    try:
        before, after = (_labels(p) for p in (old, new))
    except (OSError, yaml.YAMLError, TypeError, AttributeError, KeyError):
        return []
    return [
        f"{new.name}: {sid} is now {after[sid]!r} (was {before[sid]!r})"
        for sid in after
        if sid in before and before[sid] != after[sid]
    ]


def _labels(path: Path) -> dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(s["id"]): str(s.get("label")) for s in data.get("sentences", [])}
