"""Drafting on news copy (issue 29 §2-5): analysis, carried speakers, titles and group beliefs.

The report below is invented (no real outlet's copy) in the style of Axios politics copy; each
sentence exercises one failure the issue found on a real report.
"""

from __future__ import annotations

import pytest

from medialit.content.annotation import validate_data
from medialit.content.drafting import draft_annotation

REPORT = """Speaker blocks war-powers vote as deadline nears

Speaker Dana Whitfield won a game of brinksmanship with her own conference on Tuesday.
She kept a war-powers resolution off the floor.

Why it matters: The standoff shows how little room the speaker has with a two-seat majority.
- House Republicans are increasingly confident the resolution will fail if it comes up next week.
- Any deal will need strong buy-in from the White House.

The speaker told reporters she had no plans to schedule a vote.
"They want us to limit the power of the executive branch," Whitfield said of Democrats.
"We're not moving."

Between the lines: The effort has been complicated by a split among Democrats over the timing.
Republicans are united, for now, behind the speaker.
"""


@pytest.fixture(scope="module")
def draft(tmp_path_factory):
    path = tmp_path_factory.mktemp("news") / "war-powers.txt"
    path.write_text(REPORT, encoding="utf-8")
    data = draft_annotation(path)
    problems = validate_data(data, "", path.name, path.parent)
    assert [p.where for p in problems] == ["article.published"], "only the date, which the text does not give"
    return {s["id"]: s for s in data["sentences"]}


@pytest.mark.parametrize(
    ("sid", "words"),
    [
        ("p1s1", "won a game of"),
        ("p2s3", "will need"),
        ("p4s1", "Between the lines"),
        ("p4s2", "for now"),
    ],
)
def test_analysis_and_evaluation_in_the_writers_voice_are_framing(draft, sid, words):
    s = draft[sid]
    assert s["label"] == "framing" and s["source"] == {"kind": "none"}
    assert words in [x["span"] for x in s["loaded"]] and all(x["voice"] == "writer" for x in s["loaded"])


def test_an_analysis_lead_in_is_the_writers_voice_not_a_source(draft):
    s = draft["p2s1"]
    assert s["label"] == "framing" and s["decisive"] == ["Why it matters"], "'The standoff shows' is no source"


def test_an_unnamed_groups_belief_is_a_vague_attribution(draft):
    s = draft["p2s2"]
    assert s["label"] == "vague" and s["source"] == {"kind": "anonymous", "span": "House Republicans"}
    assert s["cue"] == ["are increasingly confident"]


def test_the_speaker_by_title_refers_back_to_the_named_speaker(draft):
    s = draft["p3s1"]
    assert s["label"] == "named" and s["source"]["span"] == "The speaker"
    assert "Speaker Dana Whitfield" in s["draft"]["source"]


def test_a_quote_that_follows_carries_its_speaker(draft):
    assert draft["p3s2"]["label"] == "named" and draft["p3s2"]["source"]["span"] == "Whitfield"
    s = draft["p3s3"]
    assert s["label"] == "named" and s["cue"] == ['"'] and "Whitfield" in s["draft"]["source"]


def test_a_quote_after_an_unsourced_sentence_is_not_given_a_speaker(tmp_path):
    path = tmp_path / "quote.txt"
    path.write_text('Rain delays the fair\n\nThe fair opens on Sunday.\n"It will be fine."\n', encoding="utf-8")
    s = {x["id"]: x for x in draft_annotation(path)["sentences"]}["p1s2"]
    assert s["source"] == {"kind": "none"}


WIRE = """Mayor pulls tram plan

LEEDS, England (AP) — Mayor Tom Hale withdrew the city's tram plan on Monday in a bid to win back rural voters.
The plan would have cost too much, he said.
"We listened."
The vote was "a relief," said Councillor Ana Ruiz (Lab).
"""


def test_wire_copy_motive_in_the_writers_voice_a_pronoun_and_a_carried_quote(tmp_path):
    path = tmp_path / "tram.txt"
    path.write_text(WIRE, encoding="utf-8")
    s = {x["id"]: x for x in draft_annotation(path)["sentences"]}
    assert s["p1s1"]["label"] == "framing" and "in a bid to win back rural" in s["p1s1"]["decisive"]
    assert s["p1s2"]["label"] == "named" and "Mayor Tom Hale" in s["p1s2"]["draft"]["source"]
    assert s["p1s3"]["label"] == "named" and "Mayor Tom Hale" in s["p1s3"]["draft"]["source"]
    assert s["p1s4"]["source"] == {"kind": "named", "span": "Councillor Ana Ruiz (Lab)"}, "the speaker after a quote"
