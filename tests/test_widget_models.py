"""A lesson sends few widget models to the browser: rows of a table share their Layout and style.

Every ipywidget brings its own Layout and style model unless it is given a shared one; lesson 01
once sent 669 models (558 KB of widget state), most of them identical Layouts and styles. Sharing
them per table (widgets/choices.py, and per highlighter) brought it to 344 models (265 KB). The bound below is that
count plus about 10%, so the number cannot silently grow back.
"""

from __future__ import annotations

from collections import Counter

import nbformat
from conftest import ROOT, SEED_ID, SEEDS
from nbclient import NotebookClient

from medialit.content.article import load_article
from medialit.widgets import ChoiceTable, Column, PhraseHighlighter, Row

LESSON_01 = ROOT / "notebooks" / "01-anatomy.ipynb"
MAX_MODELS = 380  # measured 344 after sharing (669 before)
STATE = "application/vnd.jupyter.widget-state+json"


def test_lesson_01_sends_few_widget_models(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIALIT_ANSWERS_DIR", str(tmp_path))
    nb = nbformat.read(LESSON_01, as_version=4)
    where = {"metadata": {"path": str(LESSON_01.parent)}}
    NotebookClient(nb, timeout=120, kernel_name="python3", resources=where).execute()
    state = nb.metadata["widgets"][STATE]["state"]
    kinds = Counter(m["model_name"] for m in state.values())
    assert 0 < len(state) <= MAX_MODELS, f"{len(state)} widget models (at most {MAX_MODELS}): {kinds.most_common(6)}"
    assert kinds["LayoutModel"] < len(state) / 4, kinds.most_common(6)  # not one Layout per widget (was 255 of 669)


def test_a_tables_rows_share_layout_and_style_but_keep_their_own_values():
    table = ChoiceTable(
        [Row("a", "First", {"label": "x"}), Row("b", "Second", {"label": "y"}), Row("c", "Third", {"label": "x"})],
        [Column("label", [("X", "x"), ("Y", "y")], heading="Label")],
        key="shared-looks",
    )
    table.build()
    dropdowns = [dds["label"] for dds in table.dropdowns.values()]
    assert len({id(d.layout) for d in dropdowns}) == 1 and len({id(d.style) for d in dropdowns}) == 1
    assert len({id(p.layout) for p in table.prompts.values()}) == 1
    table.set("a", "x")
    table.row_feedback["b"].value = "only b"
    assert [d.value for d in dropdowns] == ["x", "", ""]
    assert [f.value for f in table.row_feedback.values()] == ["", "only b", ""]


def test_a_highlighters_words_share_layout_and_style_but_are_marked_alone():
    hl = PhraseHighlighter(load_article(SEED_ID, SEEDS), ["p8s1"])
    hl.build()
    buttons = hl.buttons["p8s1"]
    assert len(buttons) > 3
    assert len({id(b.layout) for b in buttons}) == 1 and len({id(b.style) for b in buttons}) == 1
    hl.select("p8s1", "restraint")
    marked = [b for b in buttons if b.value]
    assert len(marked) == 1 and marked[0].button_style == "warning"
    assert all(b.button_style == "" for b in buttons if not b.value)
