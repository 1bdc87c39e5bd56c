"""Pure parts of overrides and regrade requests, without a course: sharing a score over parts, reading requests."""

from __future__ import annotations

from pathlib import Path

import pytest

from medialit.grading.collect import parse_upload
from medialit.grading.lms_download import entry_text
from medialit.grading.overrides import Part, spread
from medialit.grading.regrades import MAX_FIELD, TEXT_ENTRY, parse, request_text
from medialit.reports.regrade_form import regrade_section


def _parts(*scores: tuple[float, float]) -> list[Part]:
    return [Part(f"p{i}", f"p{i}-score", f"p{i}-answer", top, now, None) for i, (now, top) in enumerate(scores)]


@pytest.mark.parametrize(
    ("scores", "total", "expected"),
    [
        (((10, 10), (2, 6)), 14, {"p0-score": 10, "p1-score": 4}),  # up: a part that was right stays right
        (((10, 10), (2, 6)), 6, {"p0-score": 5, "p1-score": 1}),  # down: each keeps its share
        (((0, 10), (0, 6)), 12, {"p0-score": 7.5, "p1-score": 4.5}),  # nothing scored: in proportion to the points
        (((0, 10), (0, 6)), 0, {"p0-score": 0, "p1-score": 0}),
        (((3, 10), (1, 6), (1, 1)), 7.33, None),  # rounding: the total is exact
    ],
)
def test_spread_adds_up_and_stays_in_range(scores, total, expected):
    parts = _parts(*scores)
    new = spread(parts, total)
    assert round(sum(new.values()), 2) == total
    assert all(0 <= new[p.cell] <= p.max_score for p in parts)
    if expected is not None:
        assert new == pytest.approx(expected)


def test_a_request_reads_back_as_written():
    text = request_text("ps1-sources", "s01", "Part A — Label", "p2s1  should\nbe X", "because")
    fields, why = parse(text)
    assert why == "" and fields == {
        "assignment": "ps1-sources",
        "student": "s01",
        "part": "Part A — Label",
        "what": "p2s1 should be X",
        "why": "because",
    }


def test_a_request_is_read_as_hostile_input():
    text, note = entry_text(b"Regrade request\r\nwhat: caf\xe9\x00\nand more\nwhy: ok", markup=False)
    assert note == "not saved as UTF-8: read as Windows-1252"
    fields, why = parse(text)
    assert why == "" and fields["what"] == "café and more"  # NUL dropped, lines joined
    assert parse("Regrade request\nwhat: a\u202eb\u200bc")[0]["what"] == "abc"  # no bidi or invisible controls
    assert parse("hello\nwhat: x")[1].startswith("its first line is not 'Regrade request'")
    assert parse("Regrade request\npart: A")[1] == "it says neither what should change nor why"
    assert len(parse("Regrade request\nwhat: " + "x" * 50_000)[0]["what"]) == MAX_FIELD
    assert entry_text(b"\xef\xbb\xbfRegrade request", markup=False) == ("Regrade request", "")


def test_an_lms_text_entry_is_reduced_to_its_text():
    markup = "<p>Regrade request</p><p>what: a <b>b</b> &amp; c<script>alert(1)</script></p><style>p{}</style><p>why: d"
    fields, why = parse(entry_text(markup.encode())[0])
    assert why == "" and fields == {"what": "a b & c", "why": "d"}


@pytest.mark.parametrize(
    "name",
    [
        "okafornia_78902_text.html",  # Canvas text entry
        "Nia Okafor_4242_assignsubmission_onlinetext_/onlinetext.html",  # Moodle 4.1+
        "Nia Okafor_4242_assignsubmission_onlinetext_onlinetext.html",  # Moodle, flat
    ],
)
def test_lms_text_entries_are_recognised_with_their_sender(name):
    from datetime import datetime

    assert TEXT_ENTRY.search(name)
    upload = parse_upload(name, Path(), datetime.now())
    assert upload is not None and (upload.uid in ("78902", "4242"))


def test_the_page_offers_the_request_without_a_script():
    markup = regrade_section("ps1-sources", "s01", {"labels": "Part A <i>Label</i>"})
    assert "<script" not in markup and 'download="ps1-sources-regrade.txt"' in markup
    assert "Part A &lt;i&gt;Label&lt;/i&gt;" in markup and "Regrade requests" in markup
