"""Completeness lines follow the answers live (issue 26 §1): a line never contradicts the widget.

A completeness cell's line and a widget's "Check completeness" feedback are redrawn whenever an
answer is saved, so the stale text "all answered" above a widget that still misses answers (and
that text saved into the handed-in notebook) cannot happen.
"""

from __future__ import annotations

import IPython.display
import pytest

from medialit.teaching.exercise import Exercise
from medialit.widgets.base import plain


class Handle:
    """Stands in for IPython's DisplayHandle: records what the output shows now."""

    def __init__(self, obj):
        self.shown = obj

    def update(self, obj):
        self.shown = obj


@pytest.fixture
def ex(tmp_path, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("MEDIALIT_ANSWERS_DIR", raising=False)
    handles: list[Handle] = []

    def display(obj, display_id=None, **_):
        handles.append(Handle(obj))
        return handles[-1] if display_id else None

    monkeypatch.setattr(IPython.display, "display", display)
    exercise = Exercise("ps1-sources", folder=tmp_path)
    exercise.labeler()
    exercise.source_mapper(["p1s1", "p3s1"])
    exercise.handles = handles
    return exercise


def test_completeness_line_follows_every_answer(ex):
    ex.check_complete("sources", part="Part B")
    line = ex.handles[-1]
    assert "nothing answered yet" in plain(line.shown._repr_html_())
    widget = ex._widgets["sources"]
    key = ex.key("sources")
    widget.value = {"p1s1": key["p1s1"]}
    assert "Part B: 1 sentence" in plain(line.shown._repr_html_()), plain(line.shown._repr_html_())
    widget.value = key
    assert plain(line.shown._repr_html_()) == "✓ Part B: complete."
    widget.value = {"p1s1": key["p1s1"], "p3s1": {"who": None, "kind": None}}  # an answer taken back
    assert "complete." not in plain(line.shown._repr_html_())


def test_check_completeness_feedback_follows_the_answer(ex):
    widget = ex._widgets["sources"]
    key = ex.key("sources")
    widget.value = key
    assert "All 2 sentences answered" in widget.check()
    widget.value = {"p1s1": key["p1s1"], "p3s1": {"who": None, "kind": None}}
    assert "All 2" not in widget.feedback_text and "still" in widget.feedback_text, widget.feedback_text
