"""Annotation validation: every mistake gets a message naming file, line, id, field and fix."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import SEED_ID, check_file

from medialit.cli.main import main
from medialit.content.annotation import AnnotationError, read_annotation


def _write(seeds: Path, text: str, name: str = "broken.yaml") -> Path:
    path = seeds / name
    path.write_text(text, encoding="utf-8")
    return path


def _gold(seeds: Path) -> str:
    return (seeds / f"{SEED_ID}.yaml").read_text(encoding="utf-8")


def _messages(path: Path) -> list[str]:
    return [str(p) for p in check_file(path)]


def test_gold_file_is_valid(seeds_copy):
    assert check_file(seeds_copy / f"{SEED_ID}.yaml") == []


def test_missing_field(seeds_copy):
    text = _gold(seeds_copy).replace("    label: speculation\n", "", 1)
    [msg] = _messages(_write(seeds_copy, text))
    assert "broken.yaml:" in msg and "p4s2: missing field 'label'" in msg


def test_unknown_label(seeds_copy):
    text = _gold(seeds_copy).replace("label: speculation", "label: rumour", 1)
    [msg] = _messages(_write(seeds_copy, text))
    assert "p4s2.label: 'rumour' is not allowed; expected one of: named, vague" in msg


def test_span_not_in_sentence(seeds_copy):
    text = _gold(seeds_copy).replace("cue: [says]", "cue: [said]", 1)
    [msg] = _messages(_write(seeds_copy, text))
    assert msg.startswith(str(seeds_copy / "broken.yaml") + ":") or msg.startswith("broken.yaml:")
    assert "p7s2.cue[0]: 'said' does not occur in the sentence text" in msg


def test_duplicate_id(seeds_copy):
    text = _gold(seeds_copy).replace("  - id: p6s2\n", "  - id: p6s1\n", 1)
    msgs = _messages(_write(seeds_copy, text))
    assert any("p6s1.id: duplicate id 'p6s1'" in m for m in msgs)


def test_unknown_sentence_id(seeds_copy):
    text = _gold(seeds_copy).replace("support: [p8s3]", "support: [p8s9]")
    [msg] = _messages(_write(seeds_copy, text))
    assert "article.headline_claim.support[0]: unknown sentence id 'p8s9'" in msg


def test_wrong_type(seeds_copy):
    text = _gold(seeds_copy).replace("hedges: [may]", "hedges: may", 1)
    [msg] = _messages(_write(seeds_copy, text))
    assert "p4s2.hedges: expected a list, found text ('may')" in msg


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_syntax_error_gives_line(seeds_copy, fmt):
    if fmt == "yaml":
        text = _gold(seeds_copy).replace("  - id: p4s1\n", "  - id: p4s1\n   part: [\n", 1)
        line = text.splitlines().index("   part: [") + 1
    else:
        data = yaml.safe_load(_gold(seeds_copy))
        lines = json.dumps(data, indent=1, ensure_ascii=False).splitlines()
        lines[40] = lines[40] + ","
        text, line = "\n".join(lines), 42
    [problem] = check_file(_write(seeds_copy, text, f"broken.{fmt}"))
    assert "syntax error" in problem.message
    assert problem.line is not None and abs(problem.line - line) <= 1


def test_all_errors_reported_in_one_run(seeds_copy):
    text = (
        _gold(seeds_copy)
        .replace("cue: [says]", "cue: [said]", 1)
        .replace("label: speculation", "label: rumour", 1)
        .replace("hedges: [far fewer]", "hedges: [far more]", 1)
    )
    with pytest.raises(AnnotationError) as info:
        read_annotation(_write(seeds_copy, text))
    assert len(info.value.problems) == 3
    assert str(info.value).startswith("3 problems in ")


def test_text_mismatch_is_located(seeds_copy):
    text = _gold(seeds_copy).replace("Others may follow.", "Others will follow.", 1)
    text = text.replace("hedges: [may]", "hedges: []")
    text = text.replace("decisive: [may follow]", "decisive: [will follow]")
    text = text.replace('"may follow" is a guess', '"will follow" is a guess')
    msgs = _messages(_write(seeds_copy, text))
    assert any("paragraph 4 does not match the article text" in m and "'will follow." in m for m in msgs)


def test_json_annotation_is_accepted(seeds_copy):
    data = yaml.safe_load(_gold(seeds_copy))
    path = _write(seeds_copy, json.dumps(data, ensure_ascii=False), "copy.json")
    assert check_file(path) == []


def test_cli_good_and_bad(seeds_copy, capsys):
    assert main(["check-annotations", str(seeds_copy / f"{SEED_ID}.yaml")]) == 0
    out = capsys.readouterr().out
    assert "OK: 19 sentences" in out and out.count("\n") == 1
    bad = _write(seeds_copy, _gold(seeds_copy).replace("cue: [says]", "cue: [said]", 1))
    assert main(["check-annotations", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "'said' does not occur" in err and "Traceback" not in err


def test_cli_entry_point_runs():
    out = subprocess.run([sys.executable, "-m", "medialit", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("medialit ")


def test_cli_missing_file(tmp_path, capsys):
    assert main(["check-annotations", str(tmp_path / "nope.yaml")]) == 1
    assert "file not found" in capsys.readouterr().err


def test_cli_bad_argument(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check-annotations"])
    assert info.value.code == 2
