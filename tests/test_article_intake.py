"""Article intake (issue 29 §1): what teachers paste is read without dropping a line or inventing a date."""

from __future__ import annotations

import re

import pytest

from medialit.cli.main import main
from medialit.content.annotation import validate_data
from medialit.content.article_text import read_layout
from medialit.content.drafting import draft_annotation

# Invented reports in the layouts teachers paste (wire, Axios-style bullets); no real outlet's copy.
BARE = """Council delays vote on bus lanes

Riverton's city council put off a vote on new bus lanes on Tuesday, the third delay this year.

Council members are increasingly confident the plan will pass in June, two aides said.
"""
HEADER_BLOCK = """Council delays vote on bus lanes
By Dana Cole
March 3, 2026

Riverton's city council put off a vote on new bus lanes on Tuesday.
"""
WIRE = """Dam inspectors find cracks in spillway

By Lee Park, Associated Press
Updated Sept. 4, 2025

FRESNO, Calif. (AP) — Inspectors found cracks in the spillway of the Pine Flat dam, state officials said Thursday.

The dam is safe for now, the officials said.
"""
BULLETS = """Riverton's bus plan stalls again

Riverton's council delayed its bus-lane vote for a third time.

Why it matters: The delay pushes the project past the state's funding deadline.
- The mayor has said the lanes are her top priority.
• "We're not moving," said council member Ana Ruiz.
"""
SHORT_LEDE = """Library closes early

On March 3, 2026, the library closed.

It reopened a day later.
"""


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.replace("’", "'"))


@pytest.mark.parametrize(
    "text", [BARE, HEADER_BLOCK, WIRE, BULLETS, SHORT_LEDE], ids=["bare", "block", "wire", "bullets", "lede"]
)
def test_no_word_of_the_text_is_dropped(text, tmp_path):
    layout = read_layout(text)
    kept = [layout.headline, *layout.header, *(line for p in layout.paragraphs for line in p)]
    assert _words(" ".join(kept)) == _words(text), "every word is the headline, a header line or body"
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    draft = draft_annotation(path)
    drafted = " ".join(s["text"] for s in draft["sentences"])
    body = [layout.headline, *(line for p in layout.paragraphs for line in p)]
    assert _words(drafted) == _words(" ".join(body)), "every body sentence is in the draft"


def test_headline_then_body_keeps_the_lede_and_leaves_the_date_blank(tmp_path, capsys):
    path = tmp_path / "bus-lanes.txt"
    path.write_text(BARE, encoding="utf-8")
    draft = draft_annotation(path)
    assert draft["sentences"][1]["id"] == "p1s1" and draft["sentences"][1]["text"].startswith("Riverton's city council")
    meta = draft["article"]
    assert meta["published"] == "" and "byline" not in meta, "no invented date or byline"
    assert "left blank" in meta["draft"]["published"]
    problems = [p for p in validate_data(draft, "", path.name, tmp_path) if "published" in str(p)]
    assert problems, "the review cannot finish until the teacher types the date"
    assert main(["new-article", str(path)]) == 0
    out = capsys.readouterr().out
    assert "publication date: none found" in out and "byline: none found" in out and "headline: 'Council" in out


def test_byline_and_date_under_the_headline_without_a_blank_line():
    layout = read_layout(HEADER_BLOCK)
    assert layout.byline == "Dana Cole" and layout.published == "2026-03-03"
    assert layout.paragraphs == (("Riverton's city council put off a vote on new bus lanes on Tuesday.",),)


def test_a_wire_dateline_is_reported_and_kept_in_the_first_sentence():
    layout = read_layout(WIRE)
    assert layout.dateline == "FRESNO, Calif. (AP)"
    assert layout.byline == "Lee Park, Associated Press" and layout.published == "2025-09-04"
    assert layout.paragraphs[0][0].startswith("FRESNO, Calif. (AP) — Inspectors found")


def test_bullets_are_sentences_without_their_marks():
    layout = read_layout(BULLETS)
    assert layout.paragraphs[1] == (
        "Why it matters: The delay pushes the project past the state's funding deadline.",
        "The mayor has said the lanes are her top priority.",
        '"We\'re not moving," said council member Ana Ruiz.',
    )


def test_a_short_lede_with_a_date_is_body_not_header():
    layout = read_layout(SHORT_LEDE)
    assert layout.header == () and layout.published == ""
    assert layout.paragraphs[0] == ("On March 3, 2026, the library closed.",)


def test_the_review_shows_what_the_text_was_taken_as(tmp_path):
    from medialit.widgets.review_article import ArticleEditor

    path = tmp_path / "bus-lanes.txt"
    path.write_text(BARE, encoding="utf-8")
    editor = ArticleEditor()
    editor.show(draft_annotation(path)["article"])
    assert "publication date: none found" in editor.taken.value and editor.published.value == ""


def test_the_review_loads_a_draft_without_a_date_and_the_teachers_date_completes_it(tmp_path):
    from medialit.content.drafting import write_draft
    from medialit.teaching.review import Review

    path = tmp_path / "bus-lanes.txt"
    path.write_text(BARE, encoding="utf-8")
    review = Review(write_draft(path))
    assert [p.where for p in review.problems()] == ["article.published"]
    review.accept_article(published="2026-03-03", provenance="Invented for a test.")
    assert review.problems() == [] and "published" not in (review.data["article"].get("draft") or {})
