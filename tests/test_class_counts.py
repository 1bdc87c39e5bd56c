"""Lesson 07's class file: label counts per sentence only (no names, no ids), a privacy threshold,
and a message that says what to do when a file cannot be used."""

from __future__ import annotations

import json
import random
import re

import pytest
from conftest import SEED_ID

from medialit.cli.demo import class_list, synthesize
from medialit.content.class_counts import (
    FILE_ENV,
    FILE_NAME,
    MIN_ANSWERS,
    ClassFileError,
    find_class_file,
    read_class_file,
    tally,
)
from medialit.content.scheme import load_scheme
from medialit.grading.results import Code, PartResult, Results
from medialit.reports.class_labels import label_answers, write_class_labels

PS = "ps1-sources"


def _results(article, people: list[tuple[str, str, str, str]], seed: int = 7) -> dict[str, Results]:
    """A synthetic graded class: each student's labels part as the grader records it."""
    gold = {"labels": {s.id: s.label for s in article.sentences}}
    rng = random.Random(seed)
    out = {}
    for sid, first, last, _profile in people:
        chosen = synthesize(gold, "good", 0.7, rng)["labels"]
        rows = {
            s: {"label": {"answer": chosen[s], "gold": g, "status": "correct" if chosen[s] == g else "wrong"}}
            for s, g in gold["labels"].items()
        }
        part = PartResult(
            "labels", "Label each sentence", 5.0, 10.0, details={"kind": "choices", "columns": ["label"], "rows": rows}
        )
        sources = PartResult(
            "sources", "Who says so?", 3.0, 6.0, details={"kind": "choices", "columns": ["who", "kind"]}
        )
        out[sid] = Results(PS, SEED_ID, {"labels": part, "sources": sources}, source=f"{first} {last}")
    return out


def test_the_file_holds_counts_only(tmp_path, article):
    people = [
        (f"student-{first}-{last}-{n:04d}".lower(), first, last, p)
        for n, (_, first, last, p) in enumerate(class_list(32, 5))
    ]
    results = _results(article, people)
    note = write_class_labels(tmp_path, PS, results)
    path = tmp_path / FILE_NAME
    assert str(path) in note and "07-agreement.ipynb" in note and "no names" in note
    text = path.read_text(encoding="utf-8")
    for sid, first, last, _ in people:
        assert sid not in text and first not in text and last not in text
    data = json.loads(text)
    assert set(data) == {
        "medialit_class_labels",
        "assignment",
        "article",
        "written",
        "students",
        "min_answers",
        "labels",
        "sentences",
        "left_out",
    }
    assert data["students"] == 32 and data["article"] == SEED_ID and data["assignment"] == PS
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", data["written"])  # a day, not a submission time
    assert list(data["sentences"]) == article.ids  # the article's order
    _, answers = label_answers(results)
    for s in article.ids:
        counts = data["sentences"][s]
        assert list(counts) == load_scheme().label_ids and all(isinstance(c, int) for c in counts.values())
        assert counts == {k: sum(a[s] == k for a in answers) for k in counts}
    counts = read_class_file(path)
    assert counts.students == 32 and counts.path == path
    assert abs(sum(counts.shares("h1").values()) - 1) < 1e-9


def test_privacy_threshold(tmp_path, article):
    few = [(f"s{i}", "A", "B", "good") for i in range(MIN_ANSWERS - 1)]
    note = write_class_labels(tmp_path, PS, _results(article, few))
    assert not (tmp_path / FILE_NAME).exists()
    assert f"{MIN_ANSWERS - 1} students labelled sentences" in note and f"from {MIN_ANSWERS} on" in note
    enough = [(f"s{i}", "A", "B", "good") for i in range(MIN_ANSWERS)]
    assert write_class_labels(tmp_path, PS, _results(article, enough))
    assert (tmp_path / FILE_NAME).exists()
    write_class_labels(tmp_path, PS, _results(article, few))
    assert not (tmp_path / FILE_NAME).exists(), "a stale file from a bigger class is removed"
    # a sentence fewer than MIN_ANSWERS answered is left out, and named
    answers = [{"h1": "framing", "p1s1": "unsourced" if i < MIN_ANSWERS - 1 else None} for i in range(12)]
    counts = tally(answers, load_scheme().label_ids, assignment=PS, article=SEED_ID)
    assert counts is not None and list(counts.sentences) == ["h1"] and counts.left_out == ("p1s1",)
    assert counts.students == 12


def test_no_labels_no_file_and_no_note(tmp_path):
    blank = PartResult("labels", "Labels", 0.0, 10.0, Code.NOT_SUBMITTED, "no answers were saved")
    results = {f"s{i}": Results("ps2-numbers", SEED_ID, {"labels": blank}) for i in range(20)}
    (tmp_path / FILE_NAME).write_text("{}", encoding="utf-8")
    assert write_class_labels(tmp_path, "ps2-numbers", results) == ""
    assert not (tmp_path / FILE_NAME).exists()


GOOD = {
    "medialit_class_labels": 1,
    "assignment": PS,
    "article": SEED_ID,
    "written": "2026-01-21",
    "students": 12,
    "min_answers": 10,
    "labels": ["named", "framing"],
    "sentences": {"h1": {"named": 2, "framing": 10}},
    "left_out": [],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"medialit_class_labels": 2}, "does not start with 'medialit_class_labels': 1"),
        ({"names": ["Ana"]}, "unexpected entry 'names'"),
        ({"students": 3}, "'students' should be a whole number, at least 10"),
        ({"min_answers": 2}, "'min_answers' should be a whole number, at least 10"),
        ({"sentences": {"h1": {"named": 1, "framing": 2}}}, "h1 has fewer than 10 answers"),
        ({"sentences": {"h1": {"named": "2", "framing": 10}}}, "the counts of h1 should be whole numbers"),
        ({"sentences": {"h1": {"opinion": 12}}}, "h1 counts labels not in 'labels': opinion"),
        ({"sentences": {"h1": {"named": 10, "framing": 10}}}, "h1 has more answers than the 12 students"),
        ({"sentences": []}, "'sentences' should map sentence ids to counts"),
    ],
)
def test_a_malformed_file_says_what_to_do(tmp_path, change, message):
    path = tmp_path / FILE_NAME
    path.write_text(json.dumps({**GOOD, **change}), encoding="utf-8")
    with pytest.raises(ClassFileError, match=re.escape(message)) as err:
        read_class_file(path)
    assert "Ask your teacher for a fresh copy" in str(err.value) and "Traceback" not in str(err.value)


def test_broken_json_and_a_missing_file(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_text('{"medialit_class_labels": 1,', encoding="utf-8")
    with pytest.raises(ClassFileError, match=r"is not valid JSON \(line 1"):
        read_class_file(path)
    path.write_bytes(b"\xff\xfe{")
    with pytest.raises(ClassFileError, match="not UTF-8"):
        read_class_file(path)
    with pytest.raises(ClassFileError, match="does not exist"):
        read_class_file(tmp_path / "nowhere.json")
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    assert read_class_file(path).sentences == {"h1": {"named": 2, "framing": 10}}


def test_where_a_lesson_finds_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv(FILE_ENV, raising=False)
    assert find_class_file(tmp_path) is None
    (tmp_path / FILE_NAME).write_text(json.dumps(GOOD), encoding="utf-8")
    assert find_class_file(tmp_path) == tmp_path / FILE_NAME
    monkeypatch.setenv(FILE_ENV, str(tmp_path / "elsewhere.json"))
    assert find_class_file(tmp_path) == tmp_path / "elsewhere.json"
