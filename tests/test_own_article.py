"""Issue 14: any article, end to end. The invented third article goes through the whole chain.

new-article drafts it; a scripted review (standing in for the teacher) completes it; check-annotations
passes; make-exercise writes a master that autogrades to full marks, a blank student version that
gets 0 and a release with no key in it; make-lesson writes a lesson that runs headless.
"""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest
import yaml
from conftest import ROOT

from medialit.cli.demo import answers_file, gold_answers
from medialit.cli.main import main
from medialit.grading.course import Course
from medialit.teaching.generate import GenerateError, make_lesson, reviewed_article
from medialit.teaching.review import Review

STEM = "invented-ashford-clinic-wait-times"
NAME = "ps-ashford"
MODEL = "Patients now wait longer for appointments than before the clinic introduced its new booking system."


def teacher_review(path) -> None:
    """What a teacher decides in the review notebook, as calls (each clears its draft note)."""
    r = Review(path)
    r.accept_article(
        provenance="Invented for practice by the medialit authors; no real town, clinic or person.",
        headline_claim={
            "span": "Leaves Patients Waiting Longer",
            "kind": "causal",
            "support": ["p2s1"],
            "note": "Only the Westfield study (p2s1) links the shake-up to longer waits, and the director disputes it.",
        },
    )
    r.set("h1", "loaded", [{"span": "Flawed", "voice": "writer"}])
    r.set("h1", "label", "framing")
    r.set("h1", "decisive", ["Flawed"])
    r.set("p3s2", "loaded", [{"span": "a costly mistake", "voice": "writer"}])
    r.set("p3s2", "decisive", ["a costly mistake"])
    r.set("p2s1", "source", {"kind": "named", "span": "researchers at Westfield University"})
    r.set("p2s1", "label", "named")
    r.set("p2s2", "source", {"kind": "named", "span": "Dr. Helen Okafor"})
    assert any("p2s2.label" in str(p) for p in r.problems()), "the review shows the label no longer fits"
    r.set("p2s2", "label", r.decided_label("p2s2")[0])
    for claim in r.sentence("p2s1")["claims"]:
        claim.update(
            vouched_by="a study by researchers at Westfield University",
            source_kind="named",
            status="disputed",
            support="weak",
            rests_on=["researchers at Westfield University"],
            why="The clinic's director disputes the study's figure, so it is contested.",
        )
    r.set("p2s1", "claims", r.sentence("p2s1")["claims"])
    for sid in r.ids:
        for claim in r.sentence(sid)["claims"]:
            claim["why"] = claim["why"].replace("DRAFT: ", "Checked by the teacher: ")
            claim["verify"] = "Ask the clinic and the university for the figures behind it."
        r.set(
            sid, "rationale", f"Reviewed by the teacher: {sid} is {r.sentence(sid)['label']}, see its decisive words."
        )
        r.accept(sid)
    assert not r.drafts()
    assert not r.problems(), "\n".join(map(str, r.problems()))
    r.save()


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    kit = tmp_path_factory.mktemp("kit")
    (kit / "seeds").mkdir()
    shutil.copy(ROOT / "seeds" / f"{STEM}.txt", kit / "seeds")
    shutil.copy(ROOT / "nbgrader_config.py", kit)
    (kit / "solutions").mkdir()
    (kit / "exercises").mkdir()
    annotation = kit / "seeds" / f"{STEM}.yaml"
    assert main(["new-article", str(kit / "seeds" / f"{STEM}.txt"), "--invented"]) == 0
    assert main(["check-annotations", str(annotation)]) == 1, "a draft is reported"
    with pytest.raises(GenerateError, match="still a draft"):
        reviewed_article(annotation)
    teacher_review(annotation)
    return kit, annotation


def test_the_draft_marks_every_suggestion_with_its_trigger(tmp_path):
    shutil.copy(ROOT / "seeds" / f"{STEM}.txt", tmp_path)
    assert main(["new-article", str(tmp_path / f"{STEM}.txt")]) == 0
    data = yaml.safe_load((tmp_path / f"{STEM}.yaml").read_text(encoding="utf-8"))
    for s in data["sentences"]:
        assert {"label", "source", "cue", "loaded", "hedges", "claims"} <= set(s["draft"]), s["id"]
    p2s3 = next(s for s in data["sentences"] if s["id"] == "p2s3")
    assert p2s3["label"] == "vague" and "'told' is a reporting word" in p2s3["draft"]["cue"]


def test_review_completes_the_draft_and_check_annotations_passes(reviewed, capsys):
    _, annotation = reviewed
    assert main(["check-annotations", str(annotation)]) == 0
    assert "still a draft" not in capsys.readouterr().err


def test_generated_exercise_grades_master_full_and_blank_zero_without_leaks(reviewed, tmp_path, capsys):
    kit, annotation = reviewed
    unfair = "The booking system is a costly mistake."
    assert main(["make-exercise", str(annotation), "--name", NAME, "--root", str(kit), "--rewrite-model", unfair]) == 1
    assert "fails the checks students get" in capsys.readouterr().err
    assert not (kit / "solutions" / NAME).exists()
    assert main(["make-exercise", str(annotation), "--name", NAME, "--root", str(kit), "--rewrite-model", MODEL]) == 0
    assert main(["make-exercise", str(annotation), "--name", NAME, "--root", str(kit)]) == 1
    assert "already exists" in capsys.readouterr().err, "a master is never replaced without --force"
    release = kit / "exercises" / NAME
    assert sorted(p.name for p in release.iterdir()) == [f"{NAME}.ipynb"]
    text = (release / f"{NAME}.ipynb").read_text(encoding="utf-8")
    for banned in (
        "BEGIN SOLUTION",
        "HIDDEN TESTS",
        "ex.key(",
        ".award(",
        "Reviewed by the teacher",
    ):
        assert banned not in text
    course = Course.init(tmp_path / "course", kit=kit)
    generated = course.generate(NAME)
    extra = {p.name: p for p in generated.iterdir() if p.suffix != ".ipynb"}
    master = course.root / "source" / NAME / f"{NAME}.ipynb"
    saved = answers_file(NAME, gold_answers(course, NAME))
    course.add_submission(NAME, "master", {f"{NAME}.ipynb": master, f"{NAME}.answers.json": saved, **extra})
    course.add_submission(NAME, "blank", {f"{NAME}.ipynb": generated / f"{NAME}.ipynb", **extra})
    for student in ("master", "blank"):
        assert course.api().autograde(NAME, student, force=True, create=True)["success"], student
    # Partial credit, scored by the hidden tests: one label wrong of 8, half of one source row wrong of 6
    gold = json.loads((course.root / "autograded" / "master" / NAME / f"{NAME}.answers.json").read_text())
    spoiled = json.loads(json.dumps(gold))
    spoiled["answers"]["labels"]["p1s1"] = "framing"
    spoiled["answers"]["sources"]["p2s3"]["kind"] = "named"
    release_nb = generated / f"{NAME}.ipynb"
    course.add_submission(
        NAME, "partial", {f"{NAME}.ipynb": release_nb, f"{NAME}.answers.json": json.dumps(spoiled), **extra}
    )
    assert course.api().autograde(NAME, "partial", force=True, create=True)["success"]
    nb = nbformat.read(kit / "solutions" / NAME / f"{NAME}.ipynb", as_version=4)
    total = sum(c.metadata["nbgrader"].get("points", 0) for c in nb.cells if c.metadata["nbgrader"].get("grade"))
    scores = course.scores(NAME)
    parts = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## Part")]
    assert [p.split(" — ")[1].split(" (")[0] for p in parts] == [
        "Label every sentence",
        "Who says so?",
        "Mark the loaded language",
        "Rewrite it neutrally",
        "Does the body support the headline?",
    ]
    assert total == 24 and scores["master"]["score"] == pytest.approx(total)
    assert scores["blank"]["score"] == 0
    assert scores["partial"]["score"] == pytest.approx(round(10 * 7 / 8, 2) + round(6 * 5.5 / 6, 2) + 4 + 4)
    assert json.loads(saved)["answers"]


def test_generated_lesson_runs_headless(reviewed, tmp_path):
    from nbclient import NotebookClient

    _, annotation = reviewed
    lesson = make_lesson(annotation, tmp_path)
    nb = nbformat.read(lesson, as_version=4)
    assert nb.cells[0].source.startswith("# Read it like a fact-checker: Ashford's Flawed Clinic")
    assert re.search(r"\*About \d+ minutes\.\*", nb.cells[0].source) and "About 40 minutes" not in nb.cells[0].source
    assert not list(tmp_path.glob("*.answers.json")), "estimating the time leaves no answers behind"
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    shown = " ".join(json.dumps(c.outputs) for c in nb.cells if c.cell_type == "code")
    assert "Waiting times could fall" in shown
    headings = [c.source.split("\n")[0] for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert headings[-3:] == [
        "## 6. Does the body support the headline?",
        "## 7. Rewrite it neutrally",
        "## 8. What would you check?",
    ]


def test_review_widget_changes_a_label_and_saves(tmp_path):
    from medialit.widgets.review import ReviewWidget

    shutil.copy(ROOT / "seeds" / f"{STEM}.txt", tmp_path)
    assert main(["new-article", str(tmp_path / f"{STEM}.txt")]) == 0
    path = tmp_path / f"{STEM}.yaml"
    widget = ReviewWidget(path)
    widget.sid.value = "h1"
    widget.loaded.value = "Flawed | writer"
    widget.label.value = "framing"
    widget.decisive.value = "Flawed"
    widget.accept()
    assert widget.review.drafts()["h1"] == ["rationale"], "the drafter's DRAFT rationale is for the teacher to write"
    widget.rationale.value = "Nobody is quoted: the headline writer judges the shake-up 'Flawed'."
    widget.accept()
    assert "h1" not in widget.review.drafts() and "No problems" in widget.problems.value
    widget.save()
    h1 = yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"][0]
    assert h1["label"] == "framing" and "draft" not in h1
    widget.sid.value = "p2s1"  # the study's number: the teacher marks it disputed, and drops the other claims
    rows = widget.claims.rows
    assert [r.span.value for r in rows] == ["about five days"]
    rows[0].status.value = "disputed"
    rows[0].why.value = "The clinic's director disputes the study's figure."
    rows[0].verify.value = "Read the Westfield study and the clinic's own waiting-time figures."
    widget.claims.add_button.click()
    assert len(widget.claims.rows) == 2
    widget.claims.rows[1].keep.value = False
    widget.rationale.value = "A reporting word, 'found', and who found it: researchers at a named university."
    widget.accept()
    widget.save()
    p2s1 = next(s for s in yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"] if s["id"] == "p2s1")
    assert [(c["span"], c["status"], c["support"]) for c in p2s1["claims"]] == [("about five days", "disputed", "weak")]
    assert "draft" not in p2s1
    widget.confirm_article()  # the provenance is still the drafter's DRAFT text: it stays a draft
    assert widget.review.drafts()["article"] == ["provenance"] and "Still to write: provenance" in widget.status.value
    widget.article.provenance.value = "Invented for practice by the medialit authors."
    widget.article.claim_span.value = "Leaves Patients Waiting Longer"
    widget.article.claim_support.value = "p2s1"
    widget.article.claim_note.value = "Only the study links the shake-up to the longer waits."
    widget.confirm_article()
    assert "article" not in widget.review.drafts() and "No problems" in widget.problems.value
    widget.save()
    meta = yaml.safe_load(path.read_text(encoding="utf-8"))["article"]
    assert meta["headline_claim"]["support"] == ["p2s1"] and "draft" not in meta
    widget.sid.value = "h1"
    widget.label.value = "speculation"  # a label the fields do not give: the problem shows at once
    widget.accept()
    assert "does not follow the scheme" in widget.problems.value
