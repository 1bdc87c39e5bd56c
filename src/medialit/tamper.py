"""Compare a submitted notebook with the released one: what was deleted, edited, stripped or moved.

The autograder restores tampered test cells from the gradebook; this module finds
them first, so the teacher learns which cells were touched, and repairs what
nbgrader cannot (cells whose nbgrader metadata was stripped).
"""

from __future__ import annotations

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
    repaired: nbformat.NotebookNode | None = None  # a copy with stripped metadata put back


def inspect(submitted: nbformat.NotebookNode, released: nbformat.NotebookNode) -> TamperReport:
    """Flag deleted, edited, stripped, duplicated, reordered or retyped nbgrader cells.

    Answer (solution) cells may be edited freely; read-only and test cells may not.
    """
    report = TamperReport()
    wanted = [c for c in released.cells if _meta(c).get("grade_id")]
    order = {_meta(c)["grade_id"]: i for i, c in enumerate(wanted)}
    seen: dict[str, int] = {}
    positions: list[int] = []
    by_source = {c.source: c for c in wanted}
    repaired = nbformat.from_dict(submitted)
    changed = False
    for cell in repaired.cells:
        gid = _meta(cell).get("grade_id")
        if not gid and cell.source in by_source and cell.source.strip():
            original = by_source[cell.source]
            gid = _meta(original)["grade_id"]
            report.flags.append(f"{gid}: nbgrader metadata was stripped (restored from the release)")
            cell.metadata["nbgrader"] = dict(_meta(original))
            changed = True
        if not gid or gid not in order:
            continue
        seen[gid] = seen.get(gid, 0) + 1
        if seen[gid] == 2:
            report.flags.append(f"{gid}: cell duplicated")
        positions.append(order[gid])
        original = wanted[order[gid]]
        meta, want = _meta(cell), _meta(original)
        if cell.cell_type != original.cell_type:
            report.flags.append(f"{gid}: cell type changed from {original.cell_type} to {cell.cell_type}")
        if want.get("grade") and meta.get("points") != want.get("points"):
            report.flags.append(f"{gid}: points changed from {want.get('points')} to {meta.get('points')}")
        editable = want.get("solution") and not want.get("grade")
        if not editable and want.get("locked", want.get("grade")) and cell.source != original.source:
            kind = "test cell" if want.get("grade") else "read-only cell"
            report.flags.append(f"{gid}: {kind} was edited (the master's version is used)")
    for gid, i in order.items():
        if gid not in seen:
            want = _meta(wanted[i])
            if want.get("grade") and not want.get("solution"):
                report.flags.append(f"{gid}: test cell was deleted (restored and run)")
            elif want.get("solution"):
                report.flags.append(f"{gid}: answer cell was deleted (its widget's saved answers still count)")
            else:
                report.flags.append(f"{gid}: read-only cell was deleted")
    if positions != sorted(positions):
        report.flags.append("cells were reordered")
    if changed:
        report.repaired = repaired
    return report
