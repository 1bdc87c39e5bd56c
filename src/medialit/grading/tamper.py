"""Compare a submitted notebook with the released one: what was deleted, edited, stripped, added or moved.

The autograder restores tampered test cells from the gradebook; this module finds
them first, so the teacher learns which cells were touched, and repairs what nbgrader
cannot: cells with stripped or changed grading settings (a flipped ``solution``/``grade``/
``locked`` flag, an unknown ``schema_version``), graded cells that are not in the release,
deleted answer or read-only cells, cells in the wrong order or of the wrong type. The
repaired copy keeps the student's own answer cells and added cells (as ordinary cells);
only the structure and the grading settings come from the release. A locked cell the student
kept keeps its submission receipt (the saved answers, which grading reads): a notebook with one
deleted check cell is graded from its receipt, not as a notebook without answers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import nbformat

from medialit.grading.answers import RECEIPT_MIME


def _meta(cell: Any) -> dict[str, Any]:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


@dataclass
class TamperReport:
    """What differs from the released notebook, cell by cell, in words."""

    flags: list[str] = field(default_factory=list)
    repaired: nbformat.NotebookNode | None = None  # the student's cells in the release's structure


def _identify(submitted: nbformat.NotebookNode, wanted: list[Any], flags: list[str]) -> list[tuple[str | None, Any]]:
    """(grade id or None, cell) for each submitted cell; stripped metadata is recognised by source."""
    present = {_meta(c).get("grade_id") for c in submitted.cells}
    unclaimed: dict[str, list[Any]] = {}  # release cells not in the submission, by source, in order
    for c in wanted:
        if c.source.strip() and _meta(c)["grade_id"] not in present:
            unclaimed.setdefault(c.source, []).append(c)
    out, stripped = [], []
    for cell in submitted.cells:
        gid = _meta(cell).get("grade_id")
        if not gid and unclaimed.get(cell.source):
            gid = _meta(unclaimed[cell.source].pop(0))["grade_id"]
            stripped.append(gid)
        out.append((gid, cell))
    if stripped:
        flags.append(
            f"nbgrader metadata was stripped from {len(stripped)} cell(s) (restored from the release): "
            + ", ".join(stripped)
        )
    return out


def find_tampering(submitted: nbformat.NotebookNode, released: nbformat.NotebookNode) -> TamperReport:
    """Flag deleted, edited, stripped, added, duplicated, reordered or retyped nbgrader cells, and repair them.

    Answer (solution) cells may be edited freely; read-only and test cells may not, and no
    cell's grading settings may change. Added cells keep their code but lose any settings.
    """
    report = TamperReport()
    wanted = [c for c in released.cells if _meta(c).get("grade_id")]
    order = {_meta(c)["grade_id"]: i for i, c in enumerate(wanted)}
    cells = _identify(submitted, wanted, report.flags)
    first: dict[str, Any] = {}
    positions: list[int] = []
    settings: dict[str, list[str]] = {}  # a change of grading settings -> the cells it was made in
    for gid, cell in cells:
        if gid not in order:
            if gid is not None or cell.get("metadata", {}).get("nbgrader"):
                report.flags += _added(gid, cell)
            continue
        if gid in first:
            report.flags.append(f"{gid}: cell duplicated")
            continue
        first[gid] = cell
        positions.append(order[gid])
        report.flags += _changes(gid, cell, wanted[order[gid]], settings)
    report.flags += [
        f"{', '.join(gids)}: grading settings were changed ({change}); the release's are used"
        for change, gids in settings.items()
    ]
    for gid, i in order.items():
        if gid not in first:
            want = _meta(wanted[i])
            if want.get("grade") and not want.get("solution"):
                what = "test cell was deleted (restored and run)"
            elif want.get("solution"):
                what = "answer cell was deleted (restored; the saved answers count)"
            else:
                what = "read-only cell was deleted (restored)"
            report.flags.append(f"{gid}: {what}")
    if positions != sorted(positions):
        report.flags.append("cells were reordered (put back in order)")
    if report.flags:
        report.repaired = _rebuild(submitted, wanted, first, cells)
    return report


def _changes(gid: str, cell: Any, original: Any, settings: dict[str, list[str]]) -> list[str]:
    """How one of the release's cells was changed: its type, points or locked text; ``settings`` gets the rest."""
    out = []
    meta, want = _meta(cell), _meta(original)
    if cell.cell_type != original.cell_type:
        out.append(f"{gid}: cell type changed from {original.cell_type} to {cell.cell_type}")
    if want.get("grade") and meta and meta.get("points") != want.get("points"):
        out.append(f"{gid}: points changed from {want.get('points')} to {meta.get('points')}")
    if meta and (changed := _settings_changed(meta, want)):
        settings.setdefault("; ".join(changed), []).append(gid)
    editable = want.get("solution") and not want.get("grade")
    if not editable and cell.source != original.source:
        kind = "test cell" if want.get("grade") else "read-only cell"
        out.append(f"{gid}: {kind} was edited (the master's version is used)")
    return out


FLAGS = {  # nbgrader's cell flags, and what turning each on or off does, in a teacher's words
    "solution": ("made an answer cell", "no longer an answer cell"),
    "grade": ("made a graded cell", "no longer graded"),
    "locked": ("locked", "unlocked"),
}
IGNORED = {"grade_id", "checksum", "points"}  # identity; nbgrader's own bookkeeping; points are said apart


def _settings_changed(meta: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """How a cell's nbgrader settings differ from the release's, in words ([] when they agree)."""
    out = [
        words[0] if meta.get(key) else words[1]
        for key, words in FLAGS.items()
        if bool(meta.get(key)) != bool(want.get(key))
    ]
    if meta.get("schema_version") != want.get("schema_version"):
        out.append(f"nbgrader format version {meta.get('schema_version')!r} instead of {want.get('schema_version')!r}")
    if not want.get("grade") and meta.get("points") not in (None, want.get("points")):
        out.append(f"given {meta.get('points')!r} points")
    others = sorted(k for k in set(meta) | set(want) if k not in IGNORED | set(FLAGS) | {"schema_version"})
    out += [f"setting {k!r} changed" for k in others if meta.get(k) != want.get(k)]
    return out


def _added(gid: str | None, cell: Any) -> list[str]:
    """The flag for a cell with nbgrader settings that is not one of the release's cells."""
    meta = _meta(cell)
    if gid is not None and meta.get("grade"):
        what = f"a graded cell worth {meta.get('points')!r} points"
    elif gid is not None:
        what = "a cell with grading settings"
    else:
        what = "a cell with partial grading settings (no grade id)"
    name = f"{gid}: " if gid is not None else ""
    return [f"{name}{what} that is not in the release was added (it counts for nothing; kept as an ordinary cell)"]


def _plain(cell: Any) -> nbformat.NotebookNode:
    """A copy of a student's cell without nbgrader settings: nbgrader grades it as an ordinary cell."""
    copy = nbformat.from_dict(cell)
    copy.get("metadata", {}).pop("nbgrader", None)
    return copy


def _receipt_outputs(cell: Any) -> list[Any]:
    """A cell's outputs that carry the submission receipt (the saved answers), which grading reads."""
    outputs = cell.get("outputs", []) if cell.get("cell_type") == "code" else []
    return [o for o in outputs if isinstance(o, dict) and RECEIPT_MIME in (o.get("data") or {})]


def _rebuild(
    submitted: nbformat.NotebookNode, wanted: list[Any], first: dict[str, Any], cells: list[tuple[str | None, Any]]
) -> nbformat.NotebookNode:
    """The release's cells in the release's order, with the student's answer cells and added cells kept."""
    repaired = nbformat.from_dict(submitted)
    rebuilt = []
    for original in wanted:
        gid = _meta(original)["grade_id"]
        mine = first.get(gid)
        editable = _meta(original).get("solution") and not _meta(original).get("grade")
        if mine is not None and editable and mine.cell_type == original.cell_type:
            cell = nbformat.from_dict(mine)
            cell.metadata["nbgrader"] = dict(_meta(original))
        else:
            cell = nbformat.from_dict(original)  # nbgrader restores locked cells from the gradebook anyway
            receipt = _receipt_outputs(mine) if mine is not None and cell.cell_type == "code" else []
            if receipt:  # the receipt's copy of the saved answers stays
                cell.outputs = [nbformat.from_dict(o) for o in receipt]
        rebuilt.append(cell)
    extra = [_plain(c) for gid, c in cells if gid not in first]  # the student's own cells, at the end
    seen: set[str] = set()
    for cell in rebuilt + extra:
        if cell.get("id") in seen or "id" not in cell:
            cell["id"] = uuid.uuid4().hex[:8]
        seen.add(cell["id"])
    repaired.cells = rebuilt + extra
    return repaired
