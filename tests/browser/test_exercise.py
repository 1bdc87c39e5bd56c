"""A student does ps1-sources in a real browser; `medialit validate` and the autograder see exactly what was clicked."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from medialit.content.article import Article, load_article
from medialit.content.scheme import load_scheme
from medialit.teaching.scoring import score_choice
from medialit.widgets.labeler import NOBODY

from .jlab import UI_MS, LabServer, Notebook, Shots, open_and_run, row, wait_saved

pytestmark = pytest.mark.browser

PS = "ps1-sources"
SEED_ID = "venezuela-prisoner-releases-2026-01-14"
SOURCE_ROWS = ["p1s1", "p3s1", "p5s1", "p6s1", "p6s2", "p6s3", "p7s2", "p8s2", "p8s3", "p10s1"]  # as in the master
LEFT_FOR_LATER = ["p9s1", "p10s1"]  # labelled only after the first validation
LABEL_POINTS, SOURCE_POINTS = 10, 6  # ex.award("labels", 10), ex.award("sources", 6) in the master


def seed() -> Article:
    return load_article(SEED_ID, folder=Path(__file__).resolve().parents[2] / "seeds")


def label_plan(article: Article) -> dict[str, str]:
    """A label for every sentence: two accepted alternatives, two wrong answers, the rest correct."""
    ids = [s.id for s in article.sentences]
    label_ids = load_scheme().label_ids
    alternatives = [s for s in article.sentences if s.also][:2]
    wrong = [article.sentence("p4s2"), article.sentence("p8s1")]
    plan = {sid: article.sentence(sid).label for sid in ids}
    for s in alternatives:
        plan[s.id] = s.also[0]
    for s in wrong:
        plan[s.id] = next(lab for lab in label_ids if lab != s.label and lab not in s.also)
    return plan


def source_plan(article: Article) -> dict[str, dict[str, str]]:
    """Who and what kind for each source row: one wrong kind, one wrong source, one row wrong twice."""
    plan = {
        sid: {"who": article.sentence(sid).source.get("span", NOBODY), "kind": article.sentence(sid).source["kind"]}
        for sid in SOURCE_ROWS
    }
    plan["p3s1"]["kind"] = "anonymous"  # gold: second-hand
    plan["p8s3"]["who"] = "Officials in Caracas"  # gold: "officials"
    plan["p6s2"] = {"who": NOBODY, "kind": "none"}  # gold: Human-rights groups, anonymous
    return plan


def label_results(article: Article, labels: dict[str, str]) -> dict:
    """Each sentence's label scored against the key, as the labeller scores it."""
    sentences = {sid: article.sentence(sid) for sid in labels}
    return {sid: score_choice(answer, sentences[sid].label, sentences[sid].also) for sid, answer in labels.items()}


def expected_points(
    article: Article, labels: dict[str, str], sources: dict[str, dict[str, str]]
) -> tuple[float, float]:
    """The points the hidden tests must give, computed with medialit.teaching.scoring as Exercise.award does."""
    results = label_results(article, labels)
    label_points = round(LABEL_POINTS * sum(r.credit for r in results.values()) / len(results), 2)
    credit = 0.0
    for sid, chosen in sources.items():
        s = article.sentence(sid)
        gold = {"who": s.source.get("span", NOBODY), "kind": s.source["kind"]}
        credit += sum(score_choice(chosen[c], gold[c]).credit for c in ("who", "kind")) / 2
    return label_points, round(SOURCE_POINTS * credit / len(sources), 2)


def choose_labels(labeler: Locator, labels: dict[str, str]) -> None:
    names = load_scheme().label_names()
    for sid, label in labels.items():
        row(labeler, sid).locator("select").select_option(value=names[label])


def validate(nb: Notebook, lab: LabServer) -> subprocess.CompletedProcess[str]:
    """`medialit validate` on the saved notebook, as a student would run it."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "medialit"), "validate", str(nb.path)],
        cwd=nb.path.parent,
        env=lab.env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_ps1_answer_validate_and_autograde(
    page: Page, lab: LabServer, notebook_copy: Callable[[str], str], tmp_path: Path
) -> None:
    """Answer ps1 with the widgets, save, validate (incomplete, then complete), autograde: the score is the clicks'."""
    from nbgrader.api import Gradebook

    from medialit.grading.autograde import autograde
    from medialit.grading.course import Course

    article = seed()
    labels, sources = label_plan(article), source_plan(article)
    outcomes = {r.status for r in label_results(article, labels).values()}
    assert outcomes == {"correct", "alternative", "wrong"}

    shot = Shots(page, "exercise")
    nb = open_and_run(page, lab, notebook_copy(f"exercises/{PS}/{PS}.ipynb"), shot)
    answers_file = nb.path.with_name(f"{PS}.answers.json")
    labeler = nb.widget("Label each sentence")
    expect(labeler).to_be_visible(timeout=UI_MS)
    first = {sid: lab_ for sid, lab_ in labels.items() if sid not in LEFT_FOR_LATER}
    choose_labels(labeler, first)
    labeler.get_by_role("button", name="Check completeness").click()
    expect(labeler.locator(".medialit-warning")).to_contain_text(
        f"{len(LEFT_FOR_LATER)} sentences still have no answer: {', '.join(LEFT_FOR_LATER)}", timeout=UI_MS
    )
    expect(labeler).not_to_contain_text("Correct.")  # graded: completeness only, never correctness
    shot("labels-incomplete", labeler.locator(".medialit-warning"))
    wait_saved(answers_file, "labels", first)
    nb.save()

    result = validate(nb, lab)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"still have no answer: {', '.join(LEFT_FOR_LATER)}" in result.stderr
    assert f"Part A: {len(LEFT_FOR_LATER)} sentences still have no answer" in result.stderr
    assert "Part B: nothing answered yet" in result.stderr

    choose_labels(labeler, {sid: labels[sid] for sid in LEFT_FOR_LATER})
    wait_saved(answers_file, "labels", labels)
    nb.run_all()  # the completeness checks show a status line; they never stop Run All
    nb.wait_run_finished()
    mapper = nb.widget("Who says so?")
    expect(mapper).to_be_visible(timeout=UI_MS)
    kinds = {k["id"]: k["name"] for k in load_scheme().raw["source_kinds"]}
    for sid, chosen in sources.items():
        who, kind = row(mapper, sid).locator("select").all()
        who.select_option(value=chosen["who"])
        kind.select_option(value=kinds[chosen["kind"]])
    mapper.get_by_role("button", name="Check completeness").click()
    expect(mapper.locator(".medialit-summary")).to_contain_text(
        f"All {len(SOURCE_ROWS)} sentences answered.", timeout=UI_MS
    )
    shot("sources-complete", mapper.locator(".medialit-summary"))
    wait_saved(answers_file, "sources", sources)
    nb.save()

    result = validate(nb, lab)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed" in result.stdout

    course = Course.init(tmp_path / "course")
    course.generate(PS)
    course.add_submission(PS, "browser-student", {f"{PS}.ipynb": nb.path, f"{PS}.answers.json": answers_file})
    status = autograde(course, PS, jobs=1, progress=False)["browser-student"]
    label_points, source_points = expected_points(article, labels, sources)
    assert status.status == "graded", status.reason
    assert status.score == pytest.approx(label_points + source_points)
    with Gradebook(course.db_url, course.course_id) as gb:
        assert gb.find_grade("labels-score", PS, PS, "browser-student").score == pytest.approx(label_points)
        assert gb.find_grade("sources-score", PS, PS, "browser-student").score == pytest.approx(source_points)
