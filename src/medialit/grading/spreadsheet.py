"""Spreadsheet-safe CSV: every CSV file the kit writes goes through here.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)`` in a student's name would be
a live link in the teacher's gradebook). As OWASP's CSV-injection guidance recommends, such a
cell is written with a single quote in front, which a spreadsheet shows as text; quotes and
separators inside cells are quoted as RFC 4180 says (the csv module does this). Numbers are
written as numbers: a score of -1.5 stays a number, only text cells are escaped.
:func:`read_cell` takes the quote off again where the kit reads its own file back (its roster).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list of a formula's first characters
QUOTE = "'"


def _needs_quote(text: str) -> bool:
    """True when ``text`` would be a formula, or is one behind quotes (so reading back is exact)."""
    return text.lstrip(QUOTE).startswith(TRIGGERS)


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet shows it as text: a quote before a formula's first character.

    Anything that is not text (a number, a missing value, a flag) is returned unchanged.
    """
    if isinstance(value, str) and _needs_quote(value):
        return QUOTE + value
    return value


def read_cell(text: str) -> str:
    """The text :func:`safe_cell` was given: its quote taken off (other text is unchanged)."""
    if text.startswith(QUOTE) and _needs_quote(text[1:]):
        return text[1:]
    return text


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell, column name and index label made safe."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    out = frame.copy()
    for column in out.columns:
        if not (is_numeric_dtype(out[column]) or is_bool_dtype(out[column])):
            out[column] = out[column].map(safe_cell).astype(object)
    out.columns = [safe_cell(c) for c in out.columns]
    if not is_numeric_dtype(out.index):
        out.index = out.index.map(safe_cell)
    out.index.names = [safe_cell(n) for n in out.index.names]
    return out


def write_frame(frame: pd.DataFrame, path: Path, *, index: bool = False, bom: bool = False) -> None:
    """Write ``frame`` to ``path`` as spreadsheet-safe UTF-8 CSV (``bom``: with a byte-order mark, for Excel)."""
    safe_frame(frame).to_csv(path, index=index, encoding="utf-8-sig" if bom else "utf-8")


def write_rows(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    """Write a header and rows to ``path`` as spreadsheet-safe UTF-8 CSV."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([safe_cell(c) for c in header])
        writer.writerows([safe_cell(c) for c in row] for row in rows)
