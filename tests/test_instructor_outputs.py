"""Instructor outputs on a small graded class: feedback pages, grade exports, the item-analysis report.

The class is tests/instructor_class.py's, built once per session (conftest's ``built``): for
ps1, ps2, ps3 and ps5 the master is autograded (its saved answers are the gold answers), then
students submit spoiled copies of them with the released notebook; one submits nothing
answered, one a corrupt notebook, and one is on the roster but never submits.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from conftest import ROOT, SEED_ID
from instructor_class import (
    ASSIGNMENTS,
    COMMENT,
    CORRUPT_REASON,
    EXPECTED,
    FLAG_REASON,
    KEPT,
    NOT_PLAIN,
    REWRITE,
    SPOILERS,
)

from medialit.content.article import load_article
from medialit.grading.course import CourseError
from medialit.grading.status import FAILED, FLAGGED
from medialit.reports.classdata import NO_REASON
from medialit.reports.export import CANVAS_COLUMNS, CANVAS_POINTS_ROW, CSV_COLUMNS, export_grades
from medialit.reports.feedback import write_feedback
from medialit.reports.report import write_report


@pytest.fixture(scope="module")
def pages(built) -> dict[str, list[Path]]:
    course, _ = built
    return {ps: write_feedback(course, ps) for ps in ASSIGNMENTS}


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _text(path: Path) -> str:
    """A page's visible text (tags dropped, entities decoded)."""
    markup = re.sub(r"<style>.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


# ---------------------------------------------------------------- export


@pytest.mark.parametrize("ps", ASSIGNMENTS)
def test_csv_export_has_exact_scores(built, ps):
    course, _ = built
    path = export_grades(course, ps, "csv").path
    assert path == course.root / "exports" / f"{ps}-csv.csv"
    table = _csv(path).set_index("student_id")
    roster = {s.student_id for s in course.roster()}
    for student, score in EXPECTED[ps].items():
        if student not in roster:  # the master and 'blank' are graded but not on the roster: never exported
            assert student not in table.index
            continue
        assert float(table.at[student, "score"]) == pytest.approx(score, abs=1e-9), student
        assert table.at[student, "status"] == NOT_PLAIN.get((ps, student), "graded")


def test_a_failed_regrade_keeps_and_exports_the_earlier_result(built, pages, reports):
    course, _ = built
    rows = _csv(export_grades(course, "ps5-transfer", "csv").path).set_index("student_id")
    assert (rows.at["ana", "status"], rows.at["ana", "reason"]) == (FAILED, KEPT)
    assert float(rows.at["ana", "score"]) == pytest.approx(EXPECTED["ps5-transfer"]["ana"])
    moodle = _csv(export_grades(course, "ps5-transfer", "moodle").path).set_index("ID number")
    assert moodle.at["ana", "Feedback: ps5-transfer"] == f"Latest submission not graded: {KEPT}"
    text = _text(course.root / "feedback" / "ana" / "ps5-transfer" / "ps5-transfer.html")
    assert "Your latest submission was not graded." in text and "(from your earlier submission" in text
    assert "Part A — Label every sentence" in text  # the earlier result's feedback is still shown
    assert _csv(reports["ps5-transfer"].parent / "item_accuracy.csv")["students"].eq("2").all()


def test_csv_export_columns_and_failed_rows(built):
    course, _ = built
    done = export_grades(course, "ps1-sources", "csv")
    table = _csv(done.path)
    assert list(table.columns) == CSV_COLUMNS
    assert list(table["student_id"]) == ["ana", "ben", "carl", "dana"]  # the roster's students, in its order
    rows = table.set_index("student_id")
    assert rows.loc["ana", ["first_name", "last_name", "email"]].tolist() == ["Ana", "Alvarez", "ana@example.edu"]
    assert float(rows.at["ana", "max_score"]) == 16 and float(rows.at["ana", "percent"]) == 91.8
    carl = rows.loc["carl"]
    assert (carl["score"], carl["percent"], carl["status"], carl["reason"]) == ("", "", FAILED, CORRUPT_REASON)
    dana = rows.loc["dana"]
    assert (dana["score"], dana["status"], dana["reason"]) == ("", "missing", "no submission received")
    notes = _csv(done.notes).set_index("student_id")  # students not on the roster: listed, never exported
    # graded by nbgrader itself with no answers at all: flagged with why, never a plain "graded" 0 (issue 25)
    assert notes.at["blank", "score"] == "0.0" and notes.at["blank", "status"] == "flagged"
    assert notes.at["blank", "note"].startswith("not on the course roster") and "master" in notes.index


def test_csv_export_flags_review_and_manual_grading(built):
    course, _ = built
    ps2 = _csv(export_grades(course, "ps2-numbers", "csv").path).set_index("student_id")
    assert (ps2.at["ben", "status"], ps2.at["ben", "reason"]) == (FLAGGED, FLAG_REASON)
    assert ps2.at["carl", "score"] == ""
    assert ps2.at["carl", "reason"] == NO_REASON  # a traceback is never exported
    ps3 = _csv(export_grades(course, "ps3-framing", "csv").path).set_index("student_id")
    assert ps3["needs_manual_grade"].to_dict() == {
        "ana": "False",  # graded by hand in the fixture
        "ben": "True",
        "carl": "False",
        "dana": "False",
    }


def test_canvas_export(built, tmp_path):
    course, _ = built
    path = export_grades(course, "ps1-sources", "canvas", out=tmp_path / "canvas.csv").path
    table = _csv(path)
    assert list(table.columns) == [*CANVAS_COLUMNS, "ps1-sources"]
    assert table.iloc[0]["Student"] == CANVAS_POINTS_ROW and float(table.iloc[0]["ps1-sources"]) == 16
    rows = table.iloc[1:].set_index("SIS Login ID")
    assert rows.loc["ana", ["Student", "ID"]].tolist() == ["Alvarez, Ana", "1001"]
    assert float(rows.at["ana", "ps1-sources"]) == pytest.approx(EXPECTED["ps1-sources"]["ana"])
    assert rows.at["carl", "ps1-sources"] == "" and rows.at["dana", "ps1-sources"] == ""  # empty, not 0
    # only the roster's students, each with an ID Canvas matches them by; the others are listed in the notes
    assert "master" not in rows.index and (table.iloc[1:]["ID"] != "").all()
    notes = _csv(tmp_path / "canvas-notes.csv").set_index("student_id")
    assert set(notes.index) == {"carl", "dana", "master", "blank"}  # master, blank: not on the roster
    assert notes.at["carl", "note"] == f"Not graded: {CORRUPT_REASON}"
    assert notes.at["master", "note"].startswith("not on the course roster")


def test_moodle_export(built):
    course, _ = built
    done = export_grades(course, "ps3-framing", "moodle")
    table = _csv(done.path)
    assert list(table.columns) == [
        "First name",
        "Last name",
        "ID number",
        "Email address",
        "ps3-framing",
        "Feedback: ps3-framing",
    ]
    rows = table.set_index("ID number")
    # Moodle reads a blank e-mail as the previous row's student: ben (no e-mail) is left out, and said so
    assert "ben" not in rows.index and (table["Email address"] != "").all()
    assert any(w.startswith("ben is not in the Moodle file: no email in the roster") for w in done.warnings)
    assert "ben" in set(_csv(done.notes)["student_id"])
    assert float(rows.at["ana", "ps3-framing"]) == pytest.approx(EXPECTED["ps3-framing"]["ana"])
    notes = _csv(done.notes)
    ben = notes[notes["student_id"] == "ben"]["note"].tolist()
    assert any(n.endswith("Parts graded by the teacher are still to come.") for n in ben), ben
    assert rows.at["carl", "ps3-framing"] == ""
    assert rows.at["carl", "Feedback: ps3-framing"] == "Not graded: no submission received"


def test_unknown_format_lists_the_formats(built):
    course, _ = built
    with pytest.raises(ValueError, match="choose one of: csv, canvas, moodle"):
        export_grades(course, "ps1-sources", "xlsx")


@pytest.mark.parametrize(
    "run",
    [
        lambda c: write_feedback(c, "ps9-nothing"),
        lambda c: export_grades(c, "ps9-nothing", "csv"),
        lambda c: write_report(c, "ps9-nothing"),
    ],
    ids=["feedback", "export", "report"],
)
def test_unknown_assignment_is_a_course_error(built, run):
    course, _ = built
    with pytest.raises(CourseError, match=r"Unknown assignment 'ps9-nothing'; this course has: .*ps1-sources"):
        run(course)


# ---------------------------------------------------------------- feedback


def test_feedback_pages_where_nbgrader_releases_them(built, pages):
    course, _ = built
    for ps, paths in pages.items():
        students = {"master", *SPOILERS[ps]} | ({"blank", "carl"} if ps == "ps1-sources" else set())
        students |= {"carl"} if ps == "ps2-numbers" else set()
        assert sorted(paths) == sorted(course.root / "feedback" / s / ps / f"{ps}.html" for s in students)
    folder = course.root / "feedback" / "ana" / "ps1-sources"
    assert (folder / "timestamp.txt").read_text() == (
        course.submission_dir("ps1-sources", "ana") / "timestamp.txt"
    ).read_text()


def test_feedback_explains_a_wrong_sentence(built, pages):
    course, _ = built
    text = _text(course.root / "feedback" / "ana" / "ps1-sources" / "ps1-sources.html")
    assert "Problem set 1 — Who says so?" in text
    assert "Feedback for Ana Alvarez (ana)" in text
    assert f"Score: {EXPECTED['ps1-sources']['ana']:g} / 16" in text
    p4s2 = load_article(SEED_ID).sentence("p4s2")
    assert re.search(
        r"\[p4s2\] Others may follow ?\. ✗ Framing or interpretation — Not quite\. Best answer: Speculation", text
    )  # "may follow" is marked: the deciding words (_text puts a space where the <mark> tag ends)
    assert p4s2.rationale in text


def test_feedback_for_a_failed_submission_says_what_to_do(built, pages):
    course, _ = built
    text = _text(course.root / "feedback" / "carl" / "ps1-sources" / "ps1-sources.html")
    assert "Score: not graded (out of 16 points)" in text
    assert f"could not be graded automatically: {CORRUPT_REASON}" in text
    assert "What to do:" in text and "ps1-sources.answers.json" in text
    assert "Score: 0" not in text
    traceback = _text(course.root / "feedback" / "carl" / "ps2-numbers" / "ps2-numbers.html")
    assert f"could not be graded automatically: {NO_REASON}." in traceback


def test_feedback_when_nothing_was_answered(built, pages):
    course, _ = built
    text = _text(course.root / "feedback" / "blank" / "ps1-sources" / "ps1-sources.html")
    assert "Score: 0 / 16" in text
    nothing = "No detailed feedback for this part: neither ps1-sources.answers.json nor the notebook's"
    assert text.count(nothing) == 2
    # the page says what to do (issue 25 §10): submit the answers file, or run the receipt cell and save
    assert "Graded, under review." in text and "What to do: if you did answer" in text
    assert "run the last cell (Submission receipt), save the notebook" in text
    assert "or submit ps1-sources.answers.json too" in text


def test_feedback_shows_teacher_graded_answer_score_and_comment(built, pages):
    course, _ = built
    ana = _text(course.root / "feedback" / "ana" / "ps3-framing" / "ps3-framing.html")
    assert "Part C — Rewrite it neutrally 3 / 4" in ana
    assert REWRITE in ana and COMMENT in ana
    ben = _text(course.root / "feedback" / "ben" / "ps3-framing" / "ps3-framing.html")
    assert "Part C — Rewrite it neutrally – / 4" in ben
    assert "No answer was saved." in ben and "Your teacher has not graded this part yet." in ben
    flagged = _text(course.root / "feedback" / "ben" / "ps2-numbers" / "ps2-numbers.html")
    # the teacher's reason, with the part's heading for the internal id
    shown = FLAG_REASON.replace("reliability-score", "“Part B — How solid is each claim?”")
    assert f"Graded, under review. Your teacher is checking this submission: {shown}." in flagged


def test_feedback_for_chosen_students(built, pages):
    course, _ = built
    [page] = write_feedback(course, "ps3-framing", ["dana"])  # on the roster, never submitted
    text = _text(page)
    assert "Feedback for Dana Diaz (dana)" in text and "We have no submission from you" in text
    with pytest.raises(CourseError, match="No submission and no roster entry for zoe"):
        write_feedback(course, "ps3-framing", ["ana", "zoe"])


def _solution_strings(ps: str) -> list[str]:
    """String literals of 20+ characters inside the master's solution blocks."""
    nb = nbformat.read(ROOT / "solutions" / ps / f"{ps}.ipynb", as_version=4)
    blocks = re.findall(r"### BEGIN SOLUTION(.*?)### END SOLUTION", "\n".join(c.source for c in nb.cells), re.S)
    return [s for block in blocks for s in re.findall(r"\"([^\"]{20,})\"", block)]


def test_feedback_leaks_no_hidden_test_solution_or_traceback(built, pages):
    banned = ["BEGIN HIDDEN TESTS", "HIDDEN TESTS", "award(", "Traceback", "BEGIN SOLUTION", "ex.key(", "NotJSONError"]
    solutions = {ps: _solution_strings(ps) for ps in [*ASSIGNMENTS, "ps4-headline"]}
    assert any("Diplomats are watching the releases closely" in s for s in solutions["ps3-framing"])
    for ps, paths in pages.items():
        for path in paths:
            markup = path.read_text(encoding="utf-8")
            for word in banned:
                assert word not in markup, f"{path} contains {word!r}"
            if path.parts[-3] == "master":  # the master's saved answers are the solution
                continue
            for text in solutions[ps]:
                assert text not in html.unescape(markup), f"{path} contains the solution {text[:40]!r}"
            assert "<script" not in markup and "http" not in markup.split("<body>")[0]


# ---------------------------------------------------------------- report


def test_report_lists_misread_sentences_worst_first(built, reports):
    course, _ = built
    path = reports["ps1-sources"]
    assert path == course.root / "reports" / "ps1-sources" / "index.html"
    items = _csv(path.parent / "item_accuracy.csv")
    top = items.head(4)
    assert top["sentence"].tolist() == ["p4s2", "p6s1", "p2s2", "p3s1"]
    assert top["part"].tolist() == ["labels"] * 4
    p4s2 = top.iloc[0]
    assert (p4s2["correct"], p4s2["wrong"], p4s2["most_common_wrong"]) == ("0.333", "0.667", "framing")
    assert p4s2["text"] == "Others may follow." and p4s2["students"] == "3"  # master, ana, ben
    assert (items.iloc[4:]["credit"] == "1.0").all()
    markup = path.read_text(encoding="utf-8")
    head = markup[: markup.index('<section id="items">')]  # the top of the page, before any table
    assert "Which sentences did the class misread?" in head
    order = [head.index(f'<span class="id">{sid}</span>') for sid in ("p4s2", "p6s1", "p2s2", "p3s1")]
    assert order == sorted(order)
    assert "Others may follow." in head and f"no score: {CORRUPT_REASON} (1): Carl Chen (carl)" in html.unescape(head)


def test_report_confusion_matches_the_submissions(built, reports):
    course, answers = built
    gold = answers["ps1-sources"]["master"]["labels"]
    expected = Counter(
        (gold[sid], chosen or "(no answer)")
        for student in ("master", "ana", "ben")
        for sid, chosen in answers["ps1-sources"][student]["labels"].items()
    )
    matrix = pd.read_csv(reports["ps1-sources"].parent / "confusion.csv", index_col="gold")
    assert list(matrix.columns) == ["named", "vague", "unsourced", "framing", "speculation", "(no answer)"]
    got = Counter({(g, c): n for (g, c), n in matrix.stack().items() if n})
    assert got == expected
    assert matrix.at["speculation", "framing"] == 2 and matrix.at["framing", "named"] == 1
    assert '<section id="confusion">' in reports["ps1-sources"].read_text()


def test_report_missed_phrases_and_discernment(built, reports):
    folder = reports["ps2-numbers"].parent
    missed = _csv(folder / "missed_phrases.csv")
    assert list(missed.columns) == ["field", "sentence", "phrase", "missed", "students", "share_missed"]
    assert missed.head(2)[["sentence", "phrase", "missed"]].values.tolist() == [
        ["p10s1", "several", "2"],
        ["p4s2", "may", "1"],
    ]
    assert (missed.iloc[2:]["missed"] == "0").all() and (missed["students"] == "3").all()
    points = _csv(folder / "discernment.csv").set_index("student")
    assert (points.at["ana", "scepticism"], points.at["ana", "discernment"]) == ("1.0", "0.0")
    assert points.at["master", "discernment"] == "1.0" and "carl" not in points.index
    markup = reports["ps2-numbers"].read_text()
    assert "scepticism 1, discernment 0" in markup and "top left" in markup
    assert '<section id="confusion">' not in markup and not (folder / "confusion.csv").exists()


def test_report_on_the_private_practice_text(built, reports):
    folder = reports["ps5-transfer"].parent
    key = yaml.safe_load((ROOT / "solutions" / "ps5-transfer" / "water-prices.key.yaml").read_text())
    headline = next(s["text"] for s in key["sentences"] if s["id"] == "h1")
    items = _csv(folder / "item_accuracy.csv")
    assert items.iloc[0][["sentence", "text", "alternative"]].tolist() == ["h1", headline, "0.5"]


def test_report_is_self_contained_and_leaves_out_missing_sections(built, reports):
    for path in reports.values():
        markup = path.read_text(encoding="utf-8")
        assert "<script" not in markup and "<link" not in markup
        assert not re.search(r"src=\"(?!data:image/png;base64,)", markup)
        scores = _csv(path.parent / "scores.csv").set_index("student_id")
        assert scores.at["dana", "score"] == "" and scores.at["dana", "status"] == "missing"
        assert '<section id="scores">' in markup
    ps1 = reports["ps1-sources"].read_text()
    assert '<section id="discernment">' not in ps1 and '<section id="missed">' not in ps1
    assert ps1.count("data:image/png;base64,") == 3  # accuracy, confusion, scores
    assert not (reports["ps1-sources"].parent / "discernment.csv").exists()
    ps3 = reports["ps3-framing"].read_text()  # spans, voices (not sentence rows) and a manual task
    assert (
        '<section id="missed">' in ps3 and '<section id="items">' not in ps3 and '<section id="confusion">' not in ps3
    )
