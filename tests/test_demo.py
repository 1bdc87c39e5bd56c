"""`medialit demo` runs the whole week headless on a synthetic class, deterministically."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys

from medialit.cli.demo import class_list, synthesize


def test_class_is_deterministic_and_has_every_profile():
    first, again = class_list(32, 2026), class_list(32, 2026)
    assert first == again and len(first) == 32
    profiles = {p for *_, p in first}
    assert profiles == {"expert", "good", "partial", "careless", "sceptic", "blank", "tampered", "broken"}
    assert class_list(40, 1) != class_list(40, 2)


def test_synthetic_answers_are_deterministic():
    gold = {"labels": {"h1": "unsourced", "p1s1": "named"}, "reliability": {"p1s1#1": "solid"}}
    a = synthesize(gold, "partial", 0.5, random.Random(3))
    b = synthesize(gold, "partial", 0.5, random.Random(3))
    assert a == b
    assert synthesize(gold, "sceptic", 0.6, random.Random(3))["reliability"] == {"p1s1#1": "shaky"}


def test_demo_runs_end_to_end(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "medialit", "demo", "--dir", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    text = out.stdout
    assert "32 simulated students" in text
    for assignment in ("ps1-sources", "ps2-numbers", "pre-test", "post-test"):
        assert (tmp_path / "demo" / "course" / "reports" / assignment / "index.html").exists()
        for fmt in ("csv", "canvas", "moodle"):
            assert (tmp_path / "demo" / "course" / "exports" / f"{assignment}-{fmt}.csv").exists()
    rows = re.findall(r"^[^\n(]+ \((s\d\d)\)\s+(graded|flagged|failed)\s", text, flags=re.M)
    assert len(rows) == 32 * 4  # ps1, ps2, and the discernment pre-test and post-test
    first = class_list(32, 2026)[0]
    named = re.findall(rf"^{re.escape(first[1] + ' ' + first[2])} \(s01\)\s+(?:graded|flagged|failed)\s", text, re.M)
    assert len(named) == 4, "each table says 'Name (id)', as medialit autograde does"
    statuses = {s for _, s in rows}
    assert statuses == {"graded", "flagged", "failed"}
    assert "not a readable notebook" in text  # the broken uploads fail with a reason
    assert "class report:" in text and "Traceback" not in text
    class_file = tmp_path / "demo" / "course" / "reports" / "ps1-sources" / "class-labels.json"
    assert f"Lesson 07's class file: {class_file}" in text  # where it is, and how to hand it out
    counts = json.loads(class_file.read_text(encoding="utf-8"))
    assert counts["students"] == 28  # 32, less the blank and broken submissions
    assert not re.search(r'"s\d\d"', class_file.read_text(encoding="utf-8")), "a student id in the class file"
    assert not (tmp_path / "demo" / "course" / "reports" / "ps2-numbers" / "class-labels.json").exists()
    noise = [x for x in out.stderr.splitlines() if re.search(r"warning|TCP without", x, flags=re.I)]
    assert noise == [], noise[:3]  # the terminal says only what concerns the teacher
    sources = {}
    for path in (tmp_path / "demo" / "course" / "autograded").glob("*/ps1-sources/ps1-sources.results.json"):
        sources[path.parts[-3]] = json.loads(path.read_text(encoding="utf-8"))["source"]
    receipt_only = {s for s, src in sources.items() if src.startswith("the notebook's submission receipt")}
    assert receipt_only, "students who uploaded the notebook alone are graded from its receipt"
    graded = dict(rows[:32])
    assert all(graded[s] == "graded" for s in receipt_only), {s: graded[s] for s in receipt_only}
    nothing = re.findall(r"\((s\d\d)\)\s+flagged\s+0 / 16\s+neither ps1-sources.answers.json", text, flags=re.M)
    assert nothing, "a submission with no saved answers at all is flagged, never a plain 0"
