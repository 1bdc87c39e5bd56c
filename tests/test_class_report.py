"""The class report says who each figure counts, shows percentages, mean, median and part averages,
and warns when the class is too small for its figures to mean much.

The graded class is tests/instructor_class.py's, shared through conftest's ``built`` (ps1-sources:
the master, ana and ben with answers, blank with a score of 0 and no answers, carl failed, dana
never submitted). The teacher reads every roster student as "Name (id)".
"""

from __future__ import annotations

import html
import re
import statistics

import pandas as pd
import pytest
from instructor_class import CORRUPT_REASON, EXPECTED

from medialit.grading.results import Code, PartResult, Results
from medialit.reports.report import SMALL_CLASS, _who_html, counted_students, left_out

PS = "ps1-sources"


def _visible(markup: str) -> str:
    markup = re.sub(r"<style>.*?</style>", "", markup, flags=re.S)
    markup = re.sub(r"<img[^>]*>", " ", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _csv(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def ps1(built, reports):
    course, _ = built
    path = reports[PS]
    return course, path, path.read_text(encoding="utf-8")


def test_the_head_counts_match_the_rows(ps1):
    _, path, markup = ps1
    text = _visible(markup)
    assert "6 students in the class" in text
    assert "4 have a score: the mean, the median, the part averages and the score distribution count them" in text
    assert "3 have answers the grader scored: the per-sentence figures count them (each row says how many)" in text
    items = _csv(path.parent / "item_accuracy.csv")
    assert set(items["students"]) == {"3"}  # every row counts the 3 the head says
    assert "students counted" in markup and "students analysed" not in text
    assert re.search(r"p4s2 \(labels\): of 3 students, 33% correct, 67% wrong", text)


def test_everyone_left_out_is_named_with_why(ps1):
    _, _, markup = ps1
    text = _visible(markup)
    assert "Left out of the per-sentence figures, and why:" in text
    assert f"no score: {CORRUPT_REASON} (1): Carl Chen (carl)" in text  # "Name (id)", as everywhere
    assert "no score: no submission received (1): Dana Diaz (dana)" in text
    assert "a score (in the mean and median), but no answers to analyse:" in text
    assert re.search(r"no answers to analyse: [^()]*\(no answers were saved\) \(1\): blank", text)


def test_the_score_table_names_each_student_and_flags_the_blank_one(ps1):
    course, path, markup = ps1
    scores = _csv(path.parent / "scores.csv").set_index("student_id")
    assert scores.at["ana", "student"] == "Ana Alvarez (ana)" and scores.at["blank", "student"] == "blank"
    assert scores.at["dana", "status"] == "missing" and scores.at["carl", "status"] == "failed"
    # graded by nbgrader itself (no status recorded), with no answers: flagged with why, never a plain "graded 0"
    assert scores.at["blank", "status"] == "flagged" and scores.at["blank", "score"] == "0.0"
    assert "no answers were saved" in scores.at["blank", "reason"]
    assert scores.at["master", "status"] == "graded" and scores.at["master", "reason"] == ""
    section = re.search(r'<section id="scores">.*?</section>', markup, flags=re.S).group(0)
    assert "Ana Alvarez (ana)" in section and "Dana Diaz (dana)" in section


def test_shares_are_percentages_on_the_page(ps1):
    _, path, markup = ps1
    tables = " ".join(re.findall(r"<table.*?</table>", markup, flags=re.S))
    cells = re.findall(r"<td>([^<]*)</td>", tables)
    assert "33%" in cells and "67%" in cells  # p4s2: 1 of 3 correct, 2 of 3 wrong
    assert not [c for c in cells if re.fullmatch(r"0\.\d+", c)], "a share shown as 0.xxx"
    assert _csv(path.parent / "item_accuracy.csv").iloc[0]["correct"] == "0.333"  # the CSV keeps the share
    assert "shares there run from 0 to 1" in _visible(markup)


def test_no_header_cell_is_empty_for_screen_readers(ps1):
    """The confusion table's second header row (the rows' name) names the columns to screen readers only."""
    _, _, markup = ps1
    heads = re.findall(r"<thead>.*?</thead>", markup, flags=re.S)
    assert any("chosen" in h and "gold" in h for h in heads), "the confusion table is on the page"
    cells = [c for h in heads for c in re.findall(r"<th[^>]*>(.*?)</th>", h, flags=re.S)]
    assert cells and all(_visible(c) for c in cells), [c for c in cells if not _visible(c)]
    hidden = re.findall(r'<th><span class="medialit-sr-only">([^<]*)</span></th>', markup)
    assert hidden and set(hidden) == {"chosen"}
    assert ".medialit-sr-only {position: absolute !important" in markup  # not shown: the look is kept


def test_mean_median_and_part_averages(ps1):
    course, path, markup = ps1
    scores = [EXPECTED[PS][s] for s in ("master", "ana", "ben", "blank")]
    text = _visible(markup)
    found = re.search(
        r"Mean score ([\d.]+) / 16 \((\d+)%\) ?, median ([\d.]+) / 16 \((\d+)%\) ?, over the 4 students", text
    )
    assert found, text[:800]
    mean, median = statistics.mean(scores), statistics.median(scores)
    assert float(found.group(1)) == pytest.approx(mean, abs=0.006)
    assert int(found.group(2)) == round(100 * mean / 16)
    assert float(found.group(3)) == pytest.approx(median, abs=0.006)
    parts = _csv(path.parent / "parts.csv").set_index("part")
    assert parts.loc["labels", ["students", "max_points"]].tolist() == ["4", "10.0"]
    assert parts.loc["sources", "max_points"] == "6.0" and parts.at["labels", "heading"].startswith("Part A")
    # the part averages add up to the mean score (no late penalty here)
    assert float(parts["average"].astype(float).sum()) == pytest.approx(mean, abs=0.02)
    assert '<section id="parts">' in markup and "Average per part" in text


def test_a_small_class_is_warned(ps1):
    _, _, markup = ps1
    assert f"Only 3 students have answers the grader could score. With fewer than {SMALL_CLASS}" in _visible(markup)


# ---------------------------------------------------------------- the counts on their own


def _class(n_scored: int, n_blank: int = 0, n_failed: int = 0) -> tuple[pd.DataFrame, dict[str, Results]]:
    rows, results = [], {}
    for i in range(n_scored + n_blank + n_failed):
        student = f"s{i:02d}"
        failed = i >= n_scored + n_blank
        rows.append(
            {
                "student_id": student,
                "score": None if failed else float(i % 10),
                "max_score": 10.0,
                "reason": "no submission received" if failed else "",
            }
        )
        if failed:
            continue
        blank = i >= n_scored
        part = PartResult("labels", "Labels", float(i % 10), 10.0, details={"kind": "choices"})
        if blank:
            part = PartResult("labels", "Labels", 0.0, 10.0, Code.NOT_SUBMITTED, "no answers were saved")
        results[student] = Results(PS, "x", {"labels": part})
    return pd.DataFrame(rows), results


def test_counts_reasons_and_the_warning_threshold():
    table, results = _class(SMALL_CLASS, n_blank=2, n_failed=3)
    assert counted_students(results) == [f"s{i:02d}" for i in range(SMALL_CLASS)]
    reasons = left_out(table, results)
    assert reasons == {
        "a score (in the mean and median), but no answers to analyse: no answers were saved": ["s10", "s11"],
        "no score: no submission received": ["s12", "s13", "s14"],
    }
    page = _visible(_who_html(table, results))
    assert "15 students in the class" in page and "12 have a score" in page and "10 have answers" in page
    assert "Only" not in page  # 10 counted: no warning
    small = _visible(_who_html(*_class(SMALL_CLASS - 1)))
    assert f"Only {SMALL_CLASS - 1} students have a score." in small


def test_scores_without_answers_are_not_called_only_0():
    """Every scored student saved no answers: the page says so, never "Only 0 students"."""
    page = _visible(_who_html(*_class(0, n_blank=3)))
    assert "No student has answers the grader could score" in page and "Only 0" not in page
    assert "3 have a score" in page
    nobody = _visible(_who_html(*_class(0, n_failed=2)))
    assert "No student has a score yet" in nobody and "Only 0" not in nobody
