"""A course's JSON records of rows (overrides, regrade requests): read whole, written atomically."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from medialit.grading.course import CourseError

Row = TypeVar("Row")


def read_rows(path: Path, key: str, row: type[Row], unreadable: str) -> list[Row]:
    """The rows under ``key`` in the record at ``path`` (none when there is no record).

    Unknown fields are ignored (a record from a newer kit still reads); a record that cannot be
    read raises :class:`CourseError` with ``path``, the reason and ``unreadable`` (what it holds
    and what to do).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise CourseError(f"{path} cannot be read ({exc}); {unreadable}") from exc
    known = set(row.__dataclass_fields__)  # type: ignore[attr-defined]
    return [row(**{k: v for k, v in item.items() if k in known}) for item in data.get(key, [])]


def write_rows(path: Path, assignment: str, key: str, rows: list[Any]) -> Path:
    """Write the record: ``{"assignment": ..., key: [rows]}``, atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    data = {"assignment": assignment, key: [asdict(r) for r in rows]}
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return path
