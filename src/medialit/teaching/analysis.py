"""Tables and charts about an article's annotation, for lessons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from medialit.content.article import Article
from medialit.content.scheme import load_scheme

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def sourcing_profile(article: Article, body_only: bool = True) -> pd.DataFrame:
    """Sentences by source kind: count and share, in the scheme's order."""
    import pandas as pd

    scheme = load_scheme()
    frame = article.to_frame()
    if body_only:
        frame = frame[frame["paragraph"] > 0]
    counts = frame["source_kind"].value_counts().reindex(scheme.ids("source_kinds"), fill_value=0)
    table = pd.DataFrame({"sentences": counts, "share": (counts / counts.sum()).round(3)})
    table.index = [scheme.name("source_kinds", k) for k in table.index]
    table.index.name = "source kind"
    return table


def plot_share(table: pd.DataFrame, title: str) -> Figure:
    """A horizontal bar chart of a profile table's ``share`` column, in percent."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 0.5 + 0.45 * len(table)))
    shares = table["share"] * 100
    ax.barh(list(table.index)[::-1], list(shares)[::-1], color="#337ab7")
    for y, v in enumerate(list(shares)[::-1]):
        ax.text(v + 1, y, f"{v:.0f}%", va="center")
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of sentences (%)")
    ax.set_title(title)
    fig.tight_layout()
    plt.close(fig)
    return fig
