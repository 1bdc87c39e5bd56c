"""Tables for the class report's pages: a data frame as HTML, shares as percentages, page column names."""

from __future__ import annotations

import html

import pandas as pd

from medialit.teaching.tasks.access import SR_ONLY

SHARE_COLUMNS = {"correct", "alternative", "wrong", "missing", "credit", "share_missed"}
SHARE_COLUMNS |= {"hit_rate", "false_alarm_rate", "scepticism"}
PAGE_HEADERS = {  # column names on the page (the CSV files keep theirs)
    "students": "students counted",
    "share_missed": "missed by",
    "max_points": "out of",
    "average_share": "average %",
    "by_hand": "graded by hand",
    "hit_rate": "hit rate",
    "false_alarm_rate": "false alarms",
    "most_common_wrong": "most common wrong answer",
}


def percent(value: object) -> str:
    """A share from 0 to 1 as a whole percentage ('' when empty)."""
    return "" if value is None or pd.isna(value) else f"{100 * float(value):.0f}%"


def table_html(frame: pd.DataFrame, index: bool = False) -> str:
    """A table for the page: shares as percentages, a score's percent with its sign."""
    shown = frame.copy()
    for column in shown.columns:
        if column in SHARE_COLUMNS or column == "average_share":
            shown[column] = shown[column].map(percent)
        elif column == "percent":
            shown[column] = shown[column].map(lambda x: "" if pd.isna(x) else f"{x:g}%")
        elif column == "discernment":
            shown[column] = shown[column].map(lambda x: "" if pd.isna(x) else f"{x:+.2f}")
    shown = shown.rename(columns=PAGE_HEADERS)
    out = shown.to_html(index=index, na_rep="", border=0, float_format=lambda x: f"{x:g}")
    if index and shown.index.name and shown.columns.name:
        # pandas gives the index's name a header row of its own, empty under every column: there the
        # columns' name is read out (by screen readers only), so no header cell is empty
        head, _, body = out.partition("</thead>")
        hidden = f'<th><span class="{SR_ONLY}">{html.escape(str(shown.columns.name))}</span></th>'
        out = head.replace("<th></th>", hidden) + "</thead>" + body
    return out
