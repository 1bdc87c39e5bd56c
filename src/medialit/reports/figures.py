"""Figures for the instructor pages: a matplotlib figure as an embedded PNG, so a page needs no other file."""

from __future__ import annotations

import base64
import html
import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def png(fig: Figure, alt: str) -> str:
    """``fig`` as an ``<img>`` with its PNG inline (base64, Agg renderer, no pyplot state) and ``alt`` text."""
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
