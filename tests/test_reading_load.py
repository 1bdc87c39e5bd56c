"""The times the lessons state are honest: each covers the reading load that medialit.teaching.reading_load measures.

docs/reading-load.md is that measurement, as `medialit reading-load --write` writes it: when a lesson's
prose, the widgets' feedback or the lesson's questions change, the page is stale until rewritten.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT, SEED_ID, SEEDS

from medialit.cli.main import main as cli
from medialit.content.article import load_article
from medialit.grading.answers import AnswerStore
from medialit.teaching import reading_load
from medialit.teaching.reading_load import LessonLoad, answer_partly, count_words, markdown_words, shown_text
from medialit.widgets import PhraseHighlighter, SentenceLabeler, SourceMapper
from medialit.widgets.base import folded


@pytest.fixture(scope="module")
def loads() -> list[LessonLoad]:
    return reading_load.measure_all(ROOT)


def test_every_lesson_is_measured(loads):
    assert [x.lesson for x in loads] == [p.stem for p in reading_load.lessons(ROOT)]
    for x in loads:
        assert x.prose > 500 and x.shown > 100 and x.feedback > 50 and x.choices + x.boxes > 0, x


def test_stated_times_cover_the_estimate(loads):
    short = [
        f"{x.lesson}: states {x.stated} min, estimate {x.minutes} min" for x in loads if (x.stated or 0) < x.minutes
    ]
    assert not short, "cut the lesson's load, or state more minutes in its first cell (and README.md): " + "; ".join(
        short
    )


def test_prose_reads_at_the_target_grade(loads):
    """The prose a student must read stays at or below the target grade (Flesch-Kincaid, readers of 14 to 16)."""
    hard = [f"{x.lesson}: grade {x.grade:.1f}" for x in loads if not 0 < x.grade <= reading_load.GRADE_TARGET]
    assert not hard, f"shorter sentences and plainer words, to grade {reading_load.GRADE_TARGET:g} at most: " + (
        "; ".join(hard)
    )


def test_reading_grade_tells_plain_from_hard_prose():
    plain = reading_load.prose_text("## 1. Who says so?\n\n- The cat sat on the mat\n- **It** was [sunny](https://x.y)")
    assert plain == "1. Who says so? The cat sat on the mat. It was sunny"
    assert reading_load.reading_grade(plain) < 4
    hard = (
        "Epistemological considerations notwithstanding, the institutional characterisation of unattributed "
        "assertions constitutes a methodological vulnerability for contemporary journalism."
    )
    assert reading_load.reading_grade(hard) > 16
    assert reading_load.reading_grade("") == 0


def test_doc_is_current(loads):
    doc = ROOT / reading_load.DOC
    assert doc.exists(), "run: medialit reading-load --write"
    assert doc.read_text(encoding="utf-8") == reading_load.table_markdown(loads), (
        f"{reading_load.DOC} is stale: run medialit reading-load --write"
    )


def test_readme_states_the_lessons_times(loads):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for x in loads:
        row = re.search(rf"^\| `{x.lesson}` \|.*\| (\d+) min \|$", readme, flags=re.M)
        assert row and int(row.group(1)) == x.stated, f"README.md should give {x.lesson} {x.stated} min"


def test_estimate_arithmetic():
    x = LessonLoad("xx", 10, prose=300, shown=0, feedback=150, choices=3, boxes=1)
    # 450 words at 150 a minute, 3 choices of 20 s, 1 box of 60 s: 3 + 1 + 1 = 5 minutes
    assert x.minutes == 5
    assert LessonLoad("xx", 10, 301, 0, 150, 3, 1).minutes == 6  # rounded up


def test_words_are_counted_as_read():
    assert count_words("U.S. citizens—at least two—remain, Foro Penal's count says.") == 10
    assert markdown_words("| a | b |\n|:---|---:|\n| [AP's blog](https://blog.ap.org/x-y) | **two** |") == 5
    note = "<details><summary>For teachers: where this comes from</summary>\n\nA study, 2006.\n\n</details>"
    assert markdown_words(f"Answer from memory.\n\n{note}") == 3  # a folded note for teachers is not read
    html = "<b>Score</b> — 1 correct." + folded("✓ <b>Named</b> — Correct.", "<p>A long reason here.</p>")
    assert "long reason" not in shown_text(html) and count_words(shown_text(html)) == 6  # the folded why: unread
    assert "long reason" in shown_text(html.replace("<details", "<details open"))


def test_the_partial_attempt_is_partly_wrong(tmp_path):
    article = load_article(SEED_ID, SEEDS)
    store = AnswerStore("load", tmp_path)
    lab = SentenceLabeler(article, ["h1", "p1s1", "p2s1", "p2s2", "p3s1", "p4s1"], store=store)
    answer_partly(lab)
    assert [r["label"].status for r in lab.results().values()] == ["correct", "correct", "wrong"] * 2
    sm = SourceMapper(article, ["p3s1", "p6s1", "p7s2"], store=store)
    answer_partly(sm)  # every third drop-down of the table, row after row
    statuses = [r.status for row in sm.results().values() for r in row.values()]
    assert statuses == ["correct", "correct", "wrong", "correct", "correct", "wrong"]
    hl = PhraseHighlighter(article, ["p1s1", "p3s1", "p4s2"], "hedges", store=store)
    answer_partly(hl)
    assert hl.value["p1s1"] == hl.gold["p1s1"] and hl.value["p3s1"] == hl.gold["p3s1"]
    assert hl.value["p4s2"] == []  # "may": missed


def test_lessons_state_their_time_where_the_measure_reads_it():
    for path in reading_load.lessons(ROOT):
        nb = nbformat.read(path, as_version=4)
        assert reading_load.stated_minutes(nb), f"{path.name}: the first cell should say *About N minutes*"


def test_cli_checks_and_writes_the_doc(tmp_path, monkeypatch, capsys):
    fixed = [
        LessonLoad("00-start-here", 15, 1000, 300, 100, 4, 1, 6.0),
        LessonLoad("01-anatomy", 20, 1500, 800, 700, 45, 1, 11.2),
    ]
    monkeypatch.setattr(reading_load, "measure_all", lambda root: fixed)
    assert cli(["reading-load", "--root", str(tmp_path), "--check"]) == 1
    err = capsys.readouterr().err
    assert "01-anatomy states 20 minutes, but the estimate is 36" in err and "is stale" in err
    assert "01-anatomy reads at grade 11.2, above 9" in err and "00-start-here reads" not in err
    (tmp_path / "docs").mkdir()
    assert cli(["reading-load", "--root", str(tmp_path), "--write"]) == 0
    assert "| `01-anatomy` | 1,500 | 11.2 | 800 | 700 | 45 | 1 | 36 | 20 |" in (tmp_path / reading_load.DOC).read_text()
    assert cli(["reading-load", "--root", str(tmp_path), "--check"]) == 1
    assert "is stale" not in capsys.readouterr().err
    fixed[1] = LessonLoad("01-anatomy", 40, 1500, 800, 700, 45, 1, 8.9)
    assert cli(["reading-load", "--root", str(tmp_path), "--write"]) == 0
    assert cli(["reading-load", "--root", str(tmp_path), "--check"]) == 0
    assert "every lesson states at least its estimate" in capsys.readouterr().out
