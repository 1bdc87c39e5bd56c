"""Other coverage (issue 11, part B): the coverage file is valid, short, attributed and tied to the article;
its keys follow from what the passages do; a broken file says where and how to fix it; the widgets score
the key in full and quote the deciding words; an article without coverage still works.
"""

from __future__ import annotations

import html
import re

import nbformat
import pytest
from conftest import ROOT, SEED_ID, SEEDS

from medialit.cli.main import main as cli
from medialit.content.article import load_article
from medialit.content.coverage import (
    ANSWERS,
    MAX_QUOTE_WORDS,
    VERDICTS,
    check_coverage_file,
    count_words,
    coverage_path,
    load_coverage,
    read_coverage,
)
from medialit.teaching import lateral
from medialit.teaching.lesson import Lesson
from medialit.widgets import CoverageCheck, HeadlineVerdict
from medialit.widgets.base import plain

FILE = SEEDS / f"{SEED_ID}.coverage.yaml"


@pytest.fixture(scope="module")
def coverage():
    return read_coverage(FILE)


def _passages(coverage):
    blocks = [*coverage.claims, coverage.headline]
    return [(getattr(b, "id", "headline"), p) for b in blocks for p in b.others]


# --------------------------------------------------------------------------- the file


def test_the_coverage_file_validates(coverage):
    assert check_coverage_file(FILE) == []
    assert coverage.article == SEED_ID and coverage_path(load_article(SEED_ID, SEEDS).path) == FILE
    assert [c.id for c in coverage.claims] == ["us-citizen", "count", "comment", "capture"]
    assert cli(["check-annotations", str(SEEDS)]) == 0


def test_every_quote_is_short_verbatim_text_and_attributed(coverage):
    for where, p in _passages(coverage):
        assert p.quote or p.says, where
        assert count_words(p.quote) <= MAX_QUOTE_WORDS, (where, p.quote)
        assert p.who and p.report.outlet and p.report.url.startswith("https://"), where
        assert re.fullmatch(r"2026-01-(0[89]|1[0-3])", p.report.date), (where, p.report.date)  # before the article


def test_every_claim_id_exists_in_the_annotation_and_its_words_in_its_sentences(coverage):
    article = load_article(SEED_ID, SEEDS)
    for block in [*coverage.claims, coverage.headline]:
        texts = [article.sentence(sid).text for sid in block.sentences]  # KeyError if an id is unknown
        for words in block.words:
            assert any(words in t for t in texts), words
    assert {"h1", "p2s2", "p8s3"} <= set(coverage.headline.sentences)
    assert set(coverage.claim("comment").sentences) == {"p8s1", "p8s2"}
    assert {"p6s1", "p6s3"} <= set(coverage.claim("count").sentences)


def test_the_bloomberg_report_is_the_one_the_article_cites(coverage):
    article = load_article(SEED_ID, SEEDS)
    bloomberg = coverage.reports["bloomberg-jan-13"]
    assert bloomberg.cited_in == "p3s1" and "Bloomberg" in article.sentence("p3s1").text


# --------------------------------------------------------------------------- the keys follow the data


@pytest.mark.parametrize(
    "claim_id, answer",
    [("us-citizen", "confirms"), ("count", "adds"), ("comment", "contradicts"), ("capture", "adds")],
)
def test_each_key_agrees_with_what_the_passages_do(coverage, claim_id, answer):
    claim = coverage.claim(claim_id)
    does = {p.does for p in claim.others}
    assert claim.answer == answer and claim.answer in ANSWERS
    assert answer in does  # a passage that does what the key says
    for words in claim.decisive:
        assert any(words in p.quote for p in claim.others), words
    assert any(words in claim.why for words in claim.decisive), "the why quotes the deciding words"


def test_declined_to_comment_is_what_the_cited_source_did_not_say(coverage):
    """Bloomberg: 'didn't immediately respond'; AP: a public statement the day before the article."""
    comment = coverage.claim("comment")
    bloomberg = next(p for p in comment.others if p.report.id == "bloomberg-jan-13")
    assert bloomberg.does == "says_less" and "didn’t immediately respond" in bloomberg.quote
    assert "declined" not in bloomberg.quote
    ap = next(p for p in comment.others if p.does == "contradicts")
    assert ap.report.date == "2026-01-13" and "publicly" in comment.why


def test_far_fewer_hides_numbers(coverage):
    quotes = " ".join(p.quote + " " + p.says for p in coverage.claim("count").others)
    for number in ("41", "70", "56"):
        assert re.search(rf"\b{number}\b", quotes), number


def test_the_headline_verdict_follows_lesson_05_then_the_coverage(coverage):
    """Before: lesson 05's "possible, not shown", on the article alone; after: disputed, in lesson 06."""
    head = coverage.headline
    assert head.before.answer == "possible" and head.after.answer == "disputed"
    assert {"confirms", "contradicts"} <= {p.does for p in head.others}
    lesson_05 = "\n".join(c.source for c in nbformat.read(ROOT / "notebooks" / "05-headline.ipynb", as_version=4).cells)
    label = dict((v, k) for k, v in lateral.VERDICTS)["possible"]
    assert label.startswith("possible, not shown") and "possible, not shown" in lesson_05
    # lesson 05 teaches the article alone, so it must not reach lesson 06's verdict already
    assert "lesson.other_coverage()" not in lesson_05 and "unilateral gesture" not in lesson_05
    assert "**disputed**" not in lesson_05 and "lesson 06" in lesson_05
    assert lateral.STAGES["before"] == "On the article alone (lesson 05)"
    quotes = " ".join(p.quote for p in head.others)
    assert "Washington’s demands" in quotes and "unilateral gesture" in quotes
    assert {v for _, v in lateral.VERDICTS} == set(VERDICTS)
    assert {v for _, v in lateral.COMPARISONS} == set(ANSWERS)


# --------------------------------------------------------------------------- a broken file


def _broken(seeds_copy, old: str, new: str):
    path = seeds_copy / FILE.name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_an_unknown_sentence_id_is_named_with_file_line_and_place(seeds_copy):
    path = _broken(seeds_copy, "sentences: [p8s1, p8s2]", "sentences: [p8s1, p8s9]")
    problems = check_coverage_file(path)
    assert [(p.where, p.line is not None) for p in problems][0] == ("claims[comment].sentences[1]", True)
    assert "unknown sentence id 'p8s9'" in problems[0].message
    assert str(problems[0]).startswith(f"{path}:")


def test_a_long_quote_is_refused(seeds_copy):
    long = "didn’t immediately respond to requests for comment " + "and so on " * 10
    path = _broken(seeds_copy, "quote: didn’t immediately respond to requests for comment", f"quote: {long}")
    [problem] = check_coverage_file(path)
    assert problem.where == "claims[comment].others[0].quote"
    assert "quote at most 25" in problem.message and "says" in problem.message


def test_a_key_no_passage_backs_is_refused(seeds_copy):
    path = _broken(seeds_copy, "    answer: contradicts\n", "    answer: confirms\n")
    [problem] = check_coverage_file(path)
    assert problem.where == "claims[comment].answer" and "needs a passage that confirms" in problem.message


def test_a_verdict_no_passage_backs_is_refused(seeds_copy):
    # the passages that deny the cause (El País, Dominican Today) no longer do: nothing contradicts it
    for report in ("dominican-today-jan-8", "bloomberg-jan-13\n      who: Bloomberg, in its own voice, naming"):
        path = _broken(
            seeds_copy, f"      does: contradicts\n    - report: {report}", f"      does: adds\n    - report: {report}"
        )
    [problem] = check_coverage_file(path)
    assert problem.where == "headline.after.answer" and "'disputed'" in problem.message


def test_schema_and_syntax_errors_say_what_to_write(seeds_copy, capsys):
    path = _broken(
        seeds_copy,
        "    answer: adds\n    also: [confirms, disputed]\n    decisive: [only 41",
        "    answer: maybe\n    also: [confirms, disputed]\n    decisive: [only 41",
    )
    [problem] = check_coverage_file(path)
    assert problem.where == "claims[count].answer" and "expected one of: confirms, adds" in problem.message
    path.write_text("schema: medialit-coverage/1\nreports: [\n", encoding="utf-8")
    [problem] = check_coverage_file(path)
    assert "YAML syntax error" in problem.message and problem.line
    assert cli(["check-annotations", str(path)]) == 1
    assert "YAML syntax error" in capsys.readouterr().err


def test_words_not_in_the_article_are_refused(seeds_copy):
    path = _broken(
        seeds_copy, "words: [restraint, has declined to comment publicly]", "words: [restraint, has refused to comment]"
    )
    [problem] = check_coverage_file(path)
    assert problem.where == "claims[comment].words[1]" and "copy the article's words exactly" in problem.message


# --------------------------------------------------------------------------- the widgets and the lessons


def test_the_key_scores_full_and_the_feedback_quotes_the_deciding_words(coverage, store):
    article = load_article(SEED_ID, SEEDS)
    check = CoverageCheck(article, coverage, store=store)
    for row in check.rows:
        assert lateral.score_comparison(coverage.claim(row.key), row.gold["does"]).status == "correct"
        check.set(row.key, row.gold["does"])
    assert check.score() == (4.0, 4)
    check.set("comment", "confirms")
    text = check.check()
    assert "Not quite" in text and "didn’t immediately respond" in text
    assert check.score() == (3.0, 4)
    marked = check.prompts["comment"].value
    assert "<mark>didn’t immediately respond</mark>" in html.unescape(marked)
    assert 'href="https://www.boston25news.com/' in check.rows[0].prompt  # a link to the report


def test_an_alternative_earns_half_and_says_why(coverage, store):
    check = CoverageCheck(load_article(SEED_ID, SEEDS), coverage, ["count"], store=store)
    check.set("count", "confirms")
    assert check.score() == (0.5, 1) and "only 41" in check.check()


def test_the_verdict_widget_revises_the_headline(coverage, store):
    verdict = HeadlineVerdict(load_article(SEED_ID, SEEDS), coverage.headline, store=store)
    verdict.set("before", "possible")
    verdict.set("after", "shown")
    text = verdict.check()
    assert verdict.score() == (1.0, 2) and "unilateral gesture" in text and "disputed" in text
    assert lateral.score_verdicts(coverage.headline, {"before": "possible", "after": "disputed"})["after"].credit == 1
    assert "Washington’s demands" in plain(verdict.instructions)


def test_an_article_without_coverage_says_so_and_falls_back_to_the_plan(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIALIT_ANSWERS_DIR", str(tmp_path))
    lesson = Lesson("x", article="practice-millbrook-library-sundays")
    assert load_coverage(lesson.article) is None
    for shown in (lesson.coverage_check(), lesson.headline_verdict(), lesson.other_coverage()):
        text = plain(shown._repr_html_())
        assert "no other coverage" in text and "verification plan" in text
    assert not lesson._widgets


def test_lesson_06_uses_the_coverage():
    nb = nbformat.read(ROOT / "notebooks" / "06-verify.ipynb", as_version=4)
    assert "lesson.coverage_check()" in [c.source for c in nb.cells if c.cell_type == "code"]
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert (
        code.index("lesson.headline_verdict()")
        > code.index("lesson.coverage_check()")
        > code.index("lesson.verification_log(entries=2)")
    )


# --------------------------------------------------------------------------- issue 24: sources in a position to know


def test_disputed_rests_on_the_record_from_both_sides(coverage):
    """Not an outlet's own voice: the US president's claim and Caracas's "unilateral gesture", each attributed."""
    head = coverage.headline
    on_record = [p for p in head.others if "own voice" not in p.who]
    assert {"confirms", "contradicts"} <= {p.does for p in on_record}
    us = next(p for p in on_record if p.does == "confirms")
    caracas = [p for p in on_record if p.does == "contradicts"]
    assert "Trump" in us.who and "request of the United States" in us.quote
    assert any("Jorge Rodríguez" in p.who and "unilateral gesture" in p.quote for p in caracas)
    assert "request of the United States" in head.after.why and "unilateral gesture" in head.after.why
    own = [p for p in head.others if "own voice" in p.who]
    assert own and "does not" in head.after.why  # Bloomberg's own voice reports the view, it does not show it


def test_the_count_says_disputed_earns_half_points(coverage):
    """116, 41, 56, about 70 and 400: "they disagree with each other" is half right, and the why says why."""
    count = coverage.claim("count")
    assert lateral.score_comparison(count, "disputed").credit == 0.5
    assert lateral.score_comparison(count, "adds").credit == 1
    assert '"disputed"' in count.why


def test_the_capture_date_comes_from_a_report_that_gives_it(coverage):
    """3 January is quoted from a report that says it; AP's passages only say "earlier this month"."""
    capture = coverage.claim("capture")
    dated = [p for p in capture.others if "January 3" in p.quote]
    assert dated and dated[0].report.id != "ap-jan-13" and dated[0].does == "contradicts"
    assert not any("3 January" in p.says for p in capture.others if "3" not in p.quote)
    assert "contradicts" in capture.accept and "last week’s" in capture.words


def test_each_report_links_its_own_page_or_says_how_to_find_it(coverage):
    """A trustworthy host for Bloomberg (Bloomberg itself), and an article page, not a front page."""
    from urllib.parse import urlparse

    for report in coverage.reports.values():
        url = urlparse(report.url)
        assert url.scheme == "https" and url.netloc, report.id
        assert url.path.strip("/") or report.search, f"{report.id}: a front page needs search words"
    assert urlparse(coverage.reports["bloomberg-jan-13"].url).netloc.endswith("bloomberg.com")
    assert urlparse(coverage.reports["dominican-today-jan-8"].url).path.startswith("/dr/world/2026/01/08/")
