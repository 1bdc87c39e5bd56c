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


# Real-news failures found on the development set (benchmarks/real_news, issue 29); each sentence
# below is written for the test, in the style of the real copy, not taken from it.
TOWN = """Council tells parks board to cut fees

Mayor Lena Ortiz passed the budget on Monday — a win she claimed would help every ward.
Leadership thought they had the votes.

"My office called, they said 'come back,'" exclaimed a tired Councillor Ana Ruiz.
"We are done" after the vote, said one member of the board.
Members left the hall after being told the vote was over.

Mayor Lena Ortiz opened what she described as a historic session.
Mayor Lena Ortiz closed the meeting early, saying the room was too cold.

Why it matters: Hopes that the budget would calm the council have faded.

Why it matters: The budget will shape the vote. But so will the weather. The vote is on Friday.
- Councillor Ben Ada showed up despite a broken leg.

The parks board recommends lower fees. It says families use the parks most.

"We will cut fees," Ortiz said. "Parks are for everyone.
Nobody should pay to walk."

Older residents are at highest risk in the heat.
The State Department declined to comment.
WHO experts recommend a second booster.
NASA recommends a second test.
Turnout is high, according to a new Harbor Gazette poll.
Councillor Ben Ada called a meeting for Friday.
Rivals could win the seat.
City Hall Labour hardliners pressed the mayor, warning of a revolt.
"""


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("town") / "parks.txt"
    path.write_text(TOWN, encoding="utf-8")
    data = draft_annotation(path)
    assert [p.where for p in validate_data(data, "", path.name, path.parent)] == ["article.published"]
    return {s["id"]: s for s in data["sentences"]}


def test_a_headline_that_reports_someone_is_attributed(town):
    assert town["h1"]["label"] == "named" and town["h1"]["cue"] == ["tells"]


def test_a_pronoun_after_a_dash_is_the_person_named_earlier_in_the_sentence(town):
    assert town["p1s1"]["label"] == "named" and "Mayor Lena Ortiz" in town["p1s1"]["draft"]["source"]


def test_leadership_as_a_believer_is_a_vague_source(town):
    assert town["p1s2"]["label"] == "vague" and town["p1s2"]["source"]["span"] == "Leadership"


def test_a_reporting_word_inside_a_quote_is_not_the_articles_the_speaker_after_it_is(town):
    assert town["p2s1"]["label"] == "named" and town["p2s1"]["cue"] == ["exclaimed"]
    assert "Ana Ruiz" in town["p2s1"]["source"]["span"]


def test_a_split_quote_takes_the_speaker_after_the_reporting_word(town):
    assert town["p2s2"]["source"] == {"kind": "anonymous", "span": "one member of the board"}
    assert town["p2s2"]["label"] == "vague"


def test_an_agentless_passive_has_no_source(town):
    assert town["p2s3"]["source"] == {"kind": "none"} and town["p2s3"]["label"] == "unsourced"


def test_what_she_described_as_attributes_a_phrase_not_the_sentence(town):
    assert town["p3s1"]["cue"] == [] and town["p3s1"]["label"] == "framing"


def test_a_participle_after_a_comma_has_the_sentence_subject_as_source(town):
    assert town["p3s2"]["source"] == {"kind": "named", "span": "Mayor Lena Ortiz"}


def test_a_lead_in_is_never_the_source_and_a_capitalised_noun_is_no_reporting_verb(town):
    assert town["p4s1"]["cue"] == [] and town["p4s1"]["label"] == "framing"


def test_an_analysis_lead_in_reaches_the_rest_of_its_line_not_the_next_bullet(town):
    assert town["p5s2"]["label"] == "framing" and "Why it matters" in town["p5s2"]["draft"]["loaded"]
    assert town["p5s3"]["label"] == "unsourced", "only a sentence that goes on ('But ...') carries the analysis"
    assert town["p5s4"]["label"] == "unsourced", "'showed up' is no reporting word; a bullet ends the lead-in"


def test_it_says_refers_back_to_the_body_that_spoke_before(town):
    assert town["p6s1"]["label"] == "named" and town["p6s1"]["cue"] == ["recommends"]
    assert town["p6s2"]["label"] == "named" and "The parks board" in town["p6s2"]["draft"]["source"]


def test_a_quote_that_goes_on_into_the_next_line_keeps_its_speaker(town):
    assert town["p7s2"]["label"] == "named" and town["p7s3"]["label"] == "named"
    assert "Ortiz" in town["p7s3"]["draft"]["source"]


def test_terms_of_art_capitalised_names_and_acronyms(town):
    assert town["p8s1"]["label"] == "unsourced", "'at highest risk' is a term of public health, not a judgement"
    assert town["p8s2"]["cue"] == [], "'State' in 'the State Department' is no reporting verb"
    assert town["p8s3"]["source"] == {"kind": "anonymous", "span": "WHO experts"}, "AP: like 'White House officials'"
    assert town["p8s4"]["source"] == {"kind": "named", "span": "NASA"}, "an acronym is a name, even first"
    assert town["p8s5"]["label"] == "named", "a named poll with 'a new' before it is still named"
    assert town["p8s6"]["cue"] == [], "'called a meeting' reports no words"
    assert town["p8s7"]["label"] == "speculation", "'win' the seat is no judgement; 'could' makes it a guess"
    assert town["p8s8"]["source"] == {"kind": "anonymous", "span": "City Hall Labour hardliners"}


def test_a_strongly_evaluative_adjective_of_the_pattern_lexicon_is_the_writers_framing(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("Council backs tram plan\n\nThe tram plan is absurd.\nThe tram plan costs $4 million.\n", "utf-8")
    s = {x["id"]: x for x in draft_annotation(path)["sentences"]}
    assert s["p1s1"]["label"] == "framing" and "Pattern subjectivity lexicon" in s["p1s1"]["draft"]["loaded"]
    assert s["p1s2"]["label"] == "unsourced"


WIRE_TWO = """Mayor defends tram plan

Mayor Tom Hale praised the plan, and told reporters the council was pleased.
Fares stay low for the 40,000 riders expected by the transport board to use it.
Trams run if winds stay below predicted levels.
The route crosses the river — land that Hale still claims for a park.
Ana Ruiz, director of policy at a think tank, said the plan was sound.
Some councillors feel that the cost is too high.
Several councillors have found themselves at odds with the mayor.
"""


def test_noun_and_adjective_uses_relative_clauses_and_coordinated_verbs(tmp_path):
    path = tmp_path / "tram2.txt"
    path.write_text(WIRE_TWO, encoding="utf-8")
    s = {x["id"]: x for x in draft_annotation(path)["sentences"]}
    assert s["p1s1"]["label"] == "named" and s["p1s1"]["source"]["span"] == "Mayor Tom Hale", "'..., and told'"
    assert s["p1s2"]["source"] == {"kind": "named", "span": "the transport board"}, "the agent after 'expected by'"
    assert s["p1s3"]["cue"] == [], "'below predicted levels': an adjective, not a report"
    assert s["p1s4"]["cue"] == [], "'land that Hale still claims': the cue of a relative clause"
    assert s["p1s5"]["source"]["span"] == "Ana Ruiz", "'a think tank' is a noun; the speaker of 'said' is Ana Ruiz"
    assert s["p1s6"]["label"] == "vague" and s["p1s6"]["cue"] == ["feel that"]
    assert s["p1s7"]["cue"] == [], "'found themselves' reports nothing"


def test_an_agentless_report_is_vague_and_a_modal_in_a_when_clause_is_no_guess(tmp_path):
    path = tmp_path / "ferry.txt"
    path.write_text(
        "Ferry delays\n\nDelays were reported at both piers on Monday.\n"
        "The pier is said to be unsafe.\n"
        "The mayor met the crews who asked when the ferry could sail again.\n"
        "The ferry could sail on Friday.\n",
        encoding="utf-8",
    )
    s = {x["id"]: x for x in draft_annotation(path)["sentences"]}
    assert s["p1s1"]["label"] == "vague" and s["p1s1"]["source"]["kind"] == "anonymous"
    assert s["p1s2"]["label"] == "vague"
    assert s["p1s3"]["label"] == "unsourced", "'when the ferry could sail' is a question reported, not a guess"
    assert s["p1s4"]["label"] == "speculation"


MARKET = """Market stalls return

Ana Ruiz has added about 40 stalls to the Sunday market since May.
Those states, along with two others, keep their markets open.
Oregon is the only coastal state among the leaders.
"It has been a slow climb," said Ruiz, who runs the market.
With rents hobbled by the closures, "I never see the old crowds coming back" this year.
"I don't know that I used the word 'failed,'" Ruiz said. "We need help."
In an interview last week, Ruiz was quoted calling the council "lazy" on rents.
The market has been hurt by the closure of the bridge.
"""


def test_added_and_state_as_nouns_a_speaker_tag_cut_off_and_an_embedded_quote(tmp_path):
    path = tmp_path / "market.txt"
    path.write_text(MARKET, encoding="utf-8")
    s = {x["id"]: x for x in draft_annotation(path)["sentences"]}
    assert s["p1s1"]["cue"] == [] and s["p1s2"]["cue"] == [] and s["p1s3"]["cue"] == [], "nouns, not reports"
    assert s["p1s5"]["label"] == "named" and "Ruiz" in s["p1s5"]["draft"]["source"], "a quote with no verb"
    tagged = next(x for x in s.values() if x["text"].startswith("\"I don't know"))
    assert tagged["text"].endswith("Ruiz said.") and tagged["label"] == "named", "the speaker tag stays on its quote"
    quoted = next(x for x in s.values() if x["text"].startswith("In an interview"))
    assert quoted["label"] == "named"
    hurt = next(x for x in s.values() if x["text"].startswith("The market has been hurt"))
    assert hurt["label"] == "framing", "'hurt by' gives a cause in the writer's voice"


LONG_QUOTE = """Coaches disagree

Both coaches, Ana Holt and Ben May, talk about the game on the radio.
"Ben is a fine man," Holt said. "I love him, but he played, I coached.
He made suggestions, I made decisions.

"We just see things differently."

During a segment called "Last Word" on the show, Holt teased May about the final.
"""


def test_a_name_like_may_is_no_hedge_a_long_quote_reopens_and_a_segment_called_x_is_no_report(tmp_path):
    path = tmp_path / "coaches.txt"
    path.write_text(LONG_QUOTE, encoding="utf-8")
    s = {x["id"]: x for x in draft_annotation(path)["sentences"]}
    assert s["p1s1"]["hedges"] == [] and s["p1s1"]["label"] == "unsourced", "'Ben May' is a name, not 'may'"
    assert s["p1s4"]["label"] == "named", "the quote goes on without a mark of its own"
    assert s["p2s1"]["label"] == "named", "the next paragraph of the quote opens with a quotation mark again"
    assert s["p3s1"]["cue"] == [] and s["p3s1"]["label"] == "unsourced", "a quote closed in p2 is not still open"


def test_a_speaker_between_a_quote_and_said_in_a_statement_a_fair_by_name_and_would_in_a_that_clause(tmp_path):
    path = tmp_path / "centre.txt"
    path.write_text(
        "Centre opens\n\n"
        '"The centre will serve everyone," Ana Ruiz, president of the board, said in a statement.\n'
        "The Harbor Fair opened the centre's first season.\n"
        "Ruiz founded the first festival, the model for all festivals that would follow.\n"
        "Ruiz is credited with saving the old hall.\n",
        encoding="utf-8",
    )
    s = {x["id"]: x for x in draft_annotation(path)["sentences"]}
    assert s["p1s1"]["source"] == {"kind": "named", "span": "Ana Ruiz"}
    assert s["p1s2"]["label"] == "unsourced", "'Harbor Fair' is a name, not the judgement 'fair'"
    assert s["p1s3"]["hedges"] == [], "'that would follow' is the future seen from the past, no guess"
    assert s["p1s4"]["label"] == "vague", "'is credited with': someone credits her, unnamed"


JUDGEMENTS = """Library vote

The council chose the harshest of the three budget cuts on Monday.
A crucial question is whether the branch library can stay open.
The mayor was the natural pick to chair the new committee.
There is ample ground for the delay.
The new lending rule is just a start.
The library opened a branch in 2019.
Residents see a long winter ahead for the branch.
The closure is baffling to many parents.
Ana Ruiz saw the branch close in 2019.
"""


def test_writer_judgements_by_grade_rank_and_minimizer_and_beliefs_of_unnamed_groups(tmp_path):
    path = tmp_path / "library.txt"
    path.write_text(JUDGEMENTS, encoding="utf-8")
    s = {x["id"]: x for x in draft_annotation(path)["sentences"]}
    assert s["p1s1"]["label"] == "framing" and s["p1s1"]["loaded"][0]["span"] == "harshest", "a superlative of 'harsh'"
    assert s["p1s2"]["label"] == "framing", "'A crucial question': the writer ranks it"
    assert s["p1s3"]["label"] == "framing", "'the natural pick'"
    assert s["p1s4"]["label"] == "framing", "'ample ground'"
    assert s["p1s5"]["label"] == "framing", "'is just a start' belittles in the writer's voice"
    assert s["p1s6"]["label"] == "unsourced", "a plain fact stays unsourced"
    assert s["p1s7"]["label"] == "vague" and s["p1s7"]["cue"] == ["see"], "'Residents see': an unnamed group's belief"
    assert s["p1s8"]["label"] == "vague" and s["p1s8"]["source"]["span"] == "many parents", "'is baffling to X'"
    assert s["p1s9"]["cue"] == [] and s["p1s9"]["label"] == "unsourced", "'Ana Ruiz saw': a sight, not a belief"


def test_a_progressive_cue_is_active_not_passive(tmp_path):
    path = tmp_path / "panel.txt"
    path.write_text("Panel advice\n\nThe city health board is recommending masks on buses.\n", encoding="utf-8")
    s = draft_annotation(path)["sentences"][1]
    assert s["cue"] == ["recommending"] and s["source"] == {"kind": "named", "span": "The city health board"}


PURPOSES = """Harbor grants

The grants pay for classes aimed at older readers.
The council cut the bus fares, aimed at winning back commuters.
The shelter opened in 2015 thanks to many donations from residents.
The shelter stayed open thanks to the mayor's stubborn pride.
A panel of Harbor Health Trust doctors is urging flu shots for nurses.
Ana Ruiz, a storied harbor pilot, retired in May.
"""


def test_a_stated_purpose_or_funding_is_fact_a_named_panel_and_words_of_reputation(tmp_path):
    path = tmp_path / "grants.txt"
    path.write_text(PURPOSES, encoding="utf-8")
    s = {x["id"]: x for x in draft_annotation(path)["sentences"]}
    assert s["p1s1"]["label"] == "unsourced", "'classes aimed at': what a thing is for, told as fact"
    assert s["p1s2"]["label"] == "framing", "', aimed at winning back': a motive the writer gives"
    assert s["p1s3"]["label"] == "unsourced", "'thanks to many donations': how it was paid for"
    assert s["p1s4"]["label"] == "framing", "'thanks to the mayor's stubborn pride': a cause the writer gives"
    assert s["p1s5"]["label"] == "named", "'A panel of Harbor Health Trust doctors': a body the reader can find"
    assert s["p1s6"]["label"] == "framing", "'a storied harbor pilot': praise in the writer's voice"


def test_a_cue_in_a_side_remark_is_not_the_sentences_report(tmp_path):
    path = tmp_path / "ferry2.txt"
    path.write_text(
        "Ferry crowds\n\n"
        "It is a bleak week for Ana Ruiz, who runs one of the ferries the board says will close.\n"
        "The board, which met on Monday, said the ferries will close in June.\n",
        encoding="utf-8",
    )
    s = {x["id"]: x for x in draft_annotation(path)["sentences"]}
    assert s["p1s1"]["cue"] == [] and s["p1s1"]["label"] == "framing", "'bleak' is the writer's; 'says' a side remark"
    assert s["p1s2"]["label"] == "named" and s["p1s2"]["source"]["span"] == "The board", "the cue after the remark"


THEFT = """Bike theft

Ana Ruiz, a detective, spoke to reporters on Monday.
The theft took place at about 9:40 p.m. Nov. 3 when a man cut a lock, Ruiz said.
The man, described as tall, took a red bike and rode off, she said.
"Harbor Lights" opens at the Rex cinema on Friday.
Ben Cole will star in two films next year, and "The Long Harbor Road" is the first.
Ruiz attributed the rise in thefts to the new cycle lanes.
"""


def test_a_clock_time_before_a_date_a_side_description_a_closing_tag_titles_and_attributed(tmp_path):
    path = tmp_path / "theft.txt"
    path.write_text(THEFT, encoding="utf-8")
    s = {x["id"]: x for x in draft_annotation(path)["sentences"]}
    assert s["p1s2"]["text"].endswith("Ruiz said.") and s["p1s2"]["label"] == "named", "'9:40 p.m. Nov. 3' ends nothing"
    assert s["p1s3"]["cue"] == ["said"] and s["p1s3"]["label"] == "named", "', described as tall,' is no report"
    assert s["p1s4"]["cue"] == [] and s["p1s4"]["label"] == "unsourced", "a film's title in quotes is no quotation"
    assert s["p1s5"]["cue"] == [] and s["p1s5"]["label"] == "unsourced", "a title inside the sentence neither"
    assert s["p1s6"]["label"] == "named" and s["p1s6"]["cue"] == ["attributed"], "'attributed X to Y' is a belief"


def test_a_noun_like_state_before_its_head_is_no_report_and_a_reading_declared_plain_is_framing(tmp_path):
    path = tmp_path / "port.txt"
    path.write_text(
        "Port sale\n\n"
        "The port is run by a private firm or state enterprise.\n"
        "It is becoming clear that the sale has changed the town more than the flood did.\n"
        "The port rules state that ships must dock by noon.\n",
        encoding="utf-8",
    )
    s = {x["id"]: x for x in draft_annotation(path)["sentences"]}
    assert s["p1s1"]["cue"] == [] and s["p1s1"]["label"] == "unsourced", "'state enterprise' is a noun"
    assert s["p1s2"]["label"] == "framing", "'It is becoming clear that': the writer's reading, declared plain"
    assert s["p1s3"]["cue"] == ["state"], "'the port rules state that' still reports"
