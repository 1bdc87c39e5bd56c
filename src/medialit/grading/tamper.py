"""Compare a submitted notebook with the released one: what was deleted, edited, stripped or moved.

The autograder restores tampered test cells from the gradebook; this module finds
them first, so the teacher learns which cells were touched, and repairs what nbgrader
cannot: cells with stripped metadata, deleted answer or read-only cells, cells in
the wrong order or of the wrong type. The repaired copy keeps the student's own
answer cells and added cells; only the structure comes from the release.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import nbformat


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
    """Flag deleted, edited, stripped, duplicated, reordered or retyped nbgrader cells, and repair them.

    Answer (solution) cells may be edited freely; read-only and test cells may not.
    """
    report = TamperReport()
    wanted = [c for c in released.cells if _meta(c).get("grade_id")]
    order = {_meta(c)["grade_id"]: i for i, c in enumerate(wanted)}
    cells = _identify(submitted, wanted, report.flags)
    first: dict[str, Any] = {}
    positions: list[int] = []
    for gid, cell in cells:
        if gid not in order:
            continue
        if gid in first:
            report.flags.append(f"{gid}: cell duplicated")
            continue
        first[gid] = cell
        positions.append(order[gid])
        original = wanted[order[gid]]
        meta, want = _meta(cell), _meta(original)
        if cell.cell_type != original.cell_type:
            report.flags.append(f"{gid}: cell type changed from {original.cell_type} to {cell.cell_type}")
        if want.get("grade") and meta and meta.get("points") != want.get("points"):
            report.flags.append(f"{gid}: points changed from {want.get('points')} to {meta.get('points')}")
        editable = want.get("solution") and not want.get("grade")
        if not editable and cell.source != original.source:
            kind = "test cell" if want.get("grade") else "read-only cell"
            report.flags.append(f"{gid}: {kind} was edited (the master's version is used)")
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
        rebuilt.append(cell)
    extra = [nbformat.from_dict(c) for gid, c in cells if gid is None]  # the student's own cells, at the end
    seen: set[str] = set()
    for cell in rebuilt + extra:
        if cell.get("id") in seen or "id" not in cell:
            cell["id"] = uuid.uuid4().hex[:8]
        seen.add(cell["id"])
    repaired.cells = rebuilt + extra
    return repaired
