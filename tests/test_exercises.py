"""Graded exercises: the masters grade to full marks, blanks to 0, partial answers to the expected score.

Also: exercises/ is in sync with solutions/ (regenerated and compared), leaks no answer key,
and the student-side validation passes on complete work and names what is missing otherwise.
"""

from __future__ import annotations

import ast
import filecmp
import json
import re
import shutil
import subprocess
import sys
import time

import nbformat
import pytest
import yaml
from conftest import ROOT

from medialit.cli.demo import answers_file, gold_answers
from medialit.grading.course import Course
from medialit.grading.nbgrader_env import assignments, build

ASSIGNMENTS = assignments(ROOT)


def _set(answers: dict, key: str, row: str, value, column: str | None = None) -> None:
    if column:
        answers[key][row][column] = value
    else:
        answers[key][row] = value


def _partial(assignment: str, answers: dict) -> tuple[dict, float]:
    """Spoil a complete (gold) answer file in known ways; return it with the expected auto score."""
    a = json.loads(json.dumps(answers))["answers"]
    if assignment == "ps1-sources":
        _set(a, "labels", "p3s1", "vague")  # accepted alternative: half a point
        _set(a, "labels", "p4s2", "framing")  # wrong
        _set(a, "labels", "p6s1", None)  # not answered
        _set(a, "sources", "p7s2", "anonymous", "kind")  # half the row wrong
        expected = round(10 * 16.5 / 19, 2) + round(6 * 9.5 / 10, 2)
    elif assignment == "ps2-numbers":
        _set(a, "claims", "p6s1#1", "attributed", "status")  # half the row wrong
        a["reliability"] = dict.fromkeys(a["reliability"], "shaky")  # everything shaky: no discernment
        a["hedges"]["p10s1"] = []  # one hedge word of ten missed: recall 0.9, precision 1
        claims = len(a["claims"])  # every checkable claim of the key (12 since issue 24 added p4s1's and p8s2's)
        expected = round(6 * (claims - 0.5) / claims, 2) + 0 + round(4 * (2 * 0.9 / 1.9), 2)
    elif assignment == "ps3-framing":
        _set(a, "voices", "p8s3#1", "writer")  # one of nine voices wrong
        expected = 6 + round(4 * 8 / 9, 2)
    elif assignment == "ps4-headline":
        _set(a, "headline", "p9s1", "yes")  # timing mistaken for cause
        expected = round(6 * 17 / 18, 2)
    elif assignment == "ps5-transfer":
        _set(a, "labels", "h1", "unsourced")  # accepted alternative (the key says framing)
        expected = round(10 * 8.5 / 9, 2) + 4
    elif assignment in ("pre-test", "post-test"):
        items = a["discernment"]["items"]
        items["a01"]["judgement"] = "weak"  # wrong judgement: 0 of 3, whatever the reasons
        items["a07"]["reasons"].append("confident")  # two right, one wrong of its two reasons: 2 + 1/2
        items["a12"]["reasons"].remove("loaded")  # one of its two reasons: 2 + 1/2
        expected = round(12 * (36 - 3 - 1 / 2 - 1 / 2) / 36, 2)
    else:  # a new assignment must add its own partial case here
        raise AssertionError(f"no partial-credit case for {assignment}")
    return {**answers, "answers": a}, round(expected, 2)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course with, per assignment: the master, a blank student version, and a partial answer."""
    course = Course.init(tmp_path_factory.mktemp("course") / "course")
    timings: dict[str, list[float]] = {}
    expected: dict[str, float] = {}
    for ps in ASSIGNMENTS:
        release = course.generate(ps)
        master = course.root / "source" / ps / f"{ps}.ipynb"
        extra = {p.name: p for p in release.iterdir() if p.suffix != ".ipynb"}
        saved = answers_file(ps, gold_answers(course, ps))  # running the master saves its answers
        course.add_submission(ps, "master", {f"{ps}.ipynb": master, f"{ps}.answers.json": saved, **extra})
        course.add_submission(ps, "blank", {f"{ps}.ipynb": release / f"{ps}.ipynb", **extra})
        timings[ps] = []
        for student in ("master", "blank"):
            start = time.perf_counter()
            assert course.api().autograde(ps, student, force=True, create=True)["success"], (ps, student)
            timings[ps].append(time.perf_counter() - start)
        gold = json.loads((course.root / "autograded" / "master" / ps / f"{ps}.answers.json").read_text())
        spoiled, expected[ps] = _partial(ps, gold)
        course.add_submission(
            ps,
            "partial",
            {f"{ps}.ipynb": release / f"{ps}.ipynb", f"{ps}.answers.json": json.dumps(spoiled), **extra},
        )
        start = time.perf_counter()
        assert course.api().autograde(ps, "partial", force=True, create=True)["success"]
        timings[ps].append(time.perf_counter() - start)
    for ps, times in timings.items():
        print(f"{ps}: autograde {sum(times) / len(times):.1f} s per submission")
    return course, expected


def _auto_points(ps: str) -> float:
    nb = nbformat.read(ROOT / "solutions" / ps / f"{ps}.ipynb", as_version=4)
    return sum(
        c.metadata["nbgrader"]["points"]
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
    )


def test_there_are_at_least_four_assignments_one_on_a_private_text():
    assert len(ASSIGNMENTS) >= 4
    keys = list((ROOT / "solutions").glob("*/*.key.yaml"))
    assert keys, "a transfer assignment keeps its answer key in solutions/"
    for key in keys:
        assert yaml.safe_load(key.read_text(encoding="utf-8"))["article"]["invented"] is True


@pytest.mark.parametrize("ps", ASSIGNMENTS)
def test_master_autogrades_to_full_marks(graded, ps):
    course, _ = graded
    row = course.scores(ps)["master"]
    assert row["autograded"]
    assert row["score"] == pytest.approx(_auto_points(ps))
    assert row["score"] > 0


@pytest.mark.parametrize("ps", ASSIGNMENTS)
def test_untouched_student_version_autogrades_to_zero(graded, ps):
    course, _ = graded
    row = course.scores(ps)["blank"]
    assert row["autograded"] and row["score"] == 0


@pytest.mark.parametrize("ps", ASSIGNMENTS)
def test_partial_submission_gets_expected_score(graded, ps):
    course, expected = graded
    row = course.scores(ps)["partial"]
    assert row["autograded"]
    assert row["score"] == pytest.approx(expected[ps], abs=0.011)
    assert 0 < row["score"] < _auto_points(ps)


@pytest.mark.parametrize("ps", ASSIGNMENTS)
def test_student_validation(graded, ps, tmp_path):
    course, _ = graded
    work = tmp_path / ps
    shutil.copytree(ROOT / "exercises" / ps, work)
    cmd = [sys.executable, "-m", "medialit", "validate", str(work / f"{ps}.ipynb")]
    incomplete = subprocess.run(cmd, capture_output=True, text=True, cwd=work)
    assert incomplete.returncode == 1
    assert "nothing answered yet" in incomplete.stderr
    gold = course.root / "autograded" / "master" / ps / f"{ps}.answers.json"
    shutil.copyfile(gold, work / f"{ps}.answers.json")
    unsaved = subprocess.run(cmd, capture_output=True, text=True, cwd=work)
    assert unsaved.returncode == 1, "answered, but the notebook was never run and saved with its receipt"
    assert "run the last cell (Submission receipt), then save the notebook (Ctrl+S)" in unsaved.stderr
    _run_and_save(work / f"{ps}.ipynb")  # what a student does: Run All, then Ctrl+S
    complete = subprocess.run(cmd, capture_output=True, text=True, cwd=work)
    assert complete.returncode == 0, complete.stderr
    assert "passed" in complete.stdout
    assert "TCP" not in complete.stderr


def _run_and_save(path) -> None:
    from nbclient import NotebookClient

    from medialit.grading.kernels import IpcKernelManager

    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_manager_class=IpcKernelManager, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    nbformat.write(nb, path)


def test_validation_names_missing_sentences(graded, tmp_path):
    course, _ = graded
    work = tmp_path / "ps1-sources"
    shutil.copytree(ROOT / "exercises" / "ps1-sources", work)
    gold = json.loads((course.root / "autograded" / "master" / "ps1-sources" / "ps1-sources.answers.json").read_text())
    for sid in ("p4s2", "p6s1", "p8s3"):
        gold["answers"]["labels"][sid] = None
    (work / "ps1-sources.answers.json").write_text(json.dumps(gold))
    out = subprocess.run(
        [sys.executable, "-m", "medialit", "validate", "ps1-sources.ipynb"], capture_output=True, text=True, cwd=work
    )
    assert out.returncode == 1
    assert "Part A: 3 sentences still have no answer: p4s2, p6s1, p8s3" in out.stderr


def test_exercises_are_in_sync_with_solutions(tmp_path):
    build(ROOT, out=tmp_path)
    committed = sorted(p.relative_to(ROOT / "exercises") for p in (ROOT / "exercises").rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert committed == fresh, "run `medialit build` and commit exercises/"
    for rel in committed:
        assert filecmp.cmp(ROOT / "exercises" / rel, tmp_path / rel, shallow=False), (
            f"exercises/{rel} differs from a fresh build: run `medialit build` and commit (never edit it by hand)"
        )


def test_exercises_leak_no_answers():
    banned = ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "HIDDEN TESTS", "ex.key(", ".award("]
    private_text = []
    for key in (ROOT / "solutions").glob("*/*.key.yaml"):
        data = yaml.safe_load(key.read_text(encoding="utf-8"))
        private_text += [" ".join(s["rationale"].split()) for s in data["sentences"]]
    for path in (ROOT / "exercises").rglob("*"):
        if not path.is_file():
            continue
        assert not re.search(r"\.key\.|\.answers.*\.json$", path.name), f"{path} must not be released"
        text = path.read_text(encoding="utf-8")
        for word in banned:
            assert word not in text, f"{path} contains {word!r}"
        flat = " ".join(text.split())
        for rationale in private_text:
            assert rationale[:60] not in flat, f"{path} contains the private key's rationale {rationale[:40]!r}"
    for ps in ASSIGNMENTS:
        nb = nbformat.read(ROOT / "exercises" / ps / f"{ps}.ipynb", as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), f"{ps} ships outputs"


@pytest.mark.parametrize("ps", ASSIGNMENTS)
def test_master_follows_nbgrader_rules(ps):
    nb = nbformat.read(ROOT / "solutions" / ps / f"{ps}.ipynb", as_version=4)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)), "grade ids must be unique"
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    assert tests
    for cell in tests:
        body = ast.parse(cell.source).body
        meta = cell.metadata["nbgrader"]
        if meta["points"] > 0:
            assert "BEGIN HIDDEN TESTS" in cell.source, "scored tests are hidden"
            assert body and not isinstance(body[-1], ast.Expr), (
                f"test cell {meta['grade_id']} ends in an expression: nbgrader reads it as a score"
            )
        else:  # a completeness check ex.check_complete(KEY, part=...) or the receipt: both return None (no score)
            assert "BEGIN HIDDEN TESTS" not in cell.source
            assert [type(n) for n in body] == [ast.Expr], f"{meta['grade_id']}: one call, ending in no value"
            call = body[0].value
            name = getattr(call.func, "attr", "") if isinstance(call, ast.Call) else ""
            assert name in ("check_complete", "receipt"), meta["grade_id"]
            if name == "check_complete":
                assert re.fullmatch(r"Part [A-Z]", ast.literal_eval(call.keywords[0].value)), "part= names the part"
    receipts = [c for c in tests if c.source.strip().endswith("ex.receipt()")]
    assert len(receipts) == 1 and nb.cells[-1] is receipts[0], "the last cell is the submission receipt"
    manual = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("task")]
    for cell in manual:
        assert "Rubric" in cell.source, "a manually graded task carries its rubric"
