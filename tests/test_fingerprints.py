"""Autograde's check that the files grading relies on did not change (issue 27, point 10: fast, never weaker).

Before every merge the kit's package, masters, release, keys and seeds are checked; a file is read
again only when its stat changed, and a file changed close to its hashing is always read again.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from medialit.cli.demo import answers_file, gold_answers
from medialit.grading import autograde as grading
from medialit.grading import fingerprints
from medialit.grading.course import Course
from medialit.grading.fingerprints import RACY, Fingerprints

PS = "ps1-sources"


def test_a_change_is_found_even_with_its_times_put_back(tmp_path, monkeypatch):
    kit = tmp_path / "kit"
    kit.mkdir()
    (kit / "key.yaml").write_text("answer: framing\n")
    (kit / "__pycache__").mkdir()
    (kit / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    monkeypatch.setattr(fingerprints, "RACY", -RACY)  # the files count as hashed long after they were written
    prints = Fingerprints([kit, tmp_path / "absent"])
    assert list(prints.hashes) == [str(kit / "key.yaml")], "caches are not protected, a missing folder is empty"
    assert prints.stats[str(kit / "key.yaml")] is not None and prints.changed() == ""
    before = os.stat(kit / "key.yaml")
    (kit / "key.yaml").write_text("answer: vaguely\n")  # same size
    os.utime(kit / "key.yaml", ns=(before.st_atime_ns, before.st_mtime_ns))  # modification time put back
    assert prints.changed() == str(kit / "key.yaml"), "the change time moved: read again, and found"


def test_an_unchanged_file_is_not_read_again_unless_it_changed_recently(tmp_path, monkeypatch):
    old = tmp_path / "old.yaml"
    old.write_text("a\n")
    (tmp_path / "other.yaml").write_text("b\n")
    monkeypatch.setattr(fingerprints, "RACY", -RACY)
    prints = Fingerprints([tmp_path])
    read: list[str] = []
    real = fingerprints.file_hash
    monkeypatch.setattr(fingerprints, "file_hash", lambda p: read.append(p.name) or real(p))
    assert prints.changed() == "" and read == [], "unchanged stats: nothing read again"
    old.write_text("c\n")
    assert prints.changed() == str(old) and read == ["old.yaml"]
    monkeypatch.undo()
    fresh = Fingerprints([tmp_path])  # written just now (within RACY seconds): no stat is trusted
    assert all(stat is None for stat in fresh.stats.values()) and fresh.changed() == ""
    old.write_text("d\n")
    assert fresh.changed() == str(old)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = Course.init(tmp_path_factory.mktemp("fingerprints") / "course")
    release = course.generate(PS)
    gold = gold_answers(course, PS)
    for sid in ("s1", "s2", "s3"):
        course.add_submission(
            PS, sid, {f"{PS}.ipynb": release / f"{PS}.ipynb", f"{PS}.answers.json": answers_file(PS, gold)}
        )
    return course


def test_a_kit_file_changed_during_grading_keeps_the_later_results_out(course, monkeypatch):
    master = course.source_root / PS / f"{PS}.ipynb"
    merged: list[str] = []
    real = grading.merge

    def merge_then_edit(course_, assignment, student, *args, **kwargs):
        real(course_, assignment, student, *args, **kwargs)
        merged.append(student)
        if len(merged) == 1:  # someone edits a master while the class is being graded
            master.write_bytes(master.read_bytes() + b"\n")

    monkeypatch.setattr(grading, "merge", merge_then_edit)
    problems: list[str] = []
    statuses = grading.autograde(course, PS, jobs=1, progress=False, warnings_out=problems)
    kept = [s for s, st in statuses.items() if st.status == "graded"]
    assert kept == merged == kept[:1], statuses
    others = [st for s, st in statuses.items() if s not in kept]
    assert others and all(st.status == "failed" and str(master) in st.reason for st in others), others
    assert any("files the grading relies on changed during grading" in p for p in problems), problems


def test_autograde_timings_name_each_stage(course, capsys):
    from medialit.cli.main import main

    code = main(["autograde", PS, "--course", str(course.root), "--jobs", "1", "--quiet", "--timings"])
    out = capsys.readouterr().out
    assert code == 0, out
    table = out.split("Where the time went (seconds):", 1)[1]
    seconds = {line.split()[0]: float(line.split()[1]) for line in table.strip().splitlines()}
    assert {"start-up", "backup", "fingerprints", "prepare", "grading", "merge", "total"} <= set(seconds), table
    assert all(value >= 0 for value in seconds.values())
    assert seconds["merge"] <= seconds["grading"] <= seconds["total"], table


def test_commands_start_without_the_unused_iri_checker():
    """jsonschema's optional IRI checker (seconds of grammar building) is not loaded; validation still works."""
    code = (
        "import sys\n"
        "from medialit.grading.nbgrader_patches import skip_unused_checkers\n"
        "skip_unused_checkers()\n"
        "import nbformat, jsonschema\n"
        "assert sys.modules.get('rfc3987_syntax') is None, 'the IRI checker was loaded'\n"
        "nbformat.validate(nbformat.v4.new_notebook())\n"
        "try:\n"
        "    nbformat.validate({'nbformat': 4, 'nbformat_minor': 5, 'cells': [], 'metadata': 'no'})\n"
        "except nbformat.ValidationError:\n"
        "    print('refused')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "refused", done.stderr
