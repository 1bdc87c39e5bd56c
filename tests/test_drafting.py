"""Drafting (issue 14 §1-2): a draft of every text validates, says why, and the benchmark prints its figures."""

from __future__ import annotations

import re
import runpy
import shutil

import pytest
import yaml
from conftest import ROOT

from medialit.cli.main import main
from medialit.content.annotation import draft_marks, validate_data
from medialit.content.drafting import draft_annotation
from medialit.content.drafting.lexicon import lexicons

TEXTS = [
    ROOT / "seeds/venezuela-prisoner-releases-2026-01-14.txt",
    ROOT / "seeds/practice-millbrook-library-sundays.txt",
    ROOT / "seeds/practice-harbor-town-parking-fees.txt",
    ROOT / "seeds/invented-ashford-clinic-wait-times.txt",
    ROOT / "solutions/ps5-transfer/water-prices.txt",
]


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.stem)
def test_a_draft_validates_and_every_sentence_says_why(text, tmp_path):
    copy = tmp_path / text.name
    shutil.copy(text, copy)
    data = draft_annotation(copy)
    assert validate_data(data, "", copy.name, tmp_path) == []
    marks = draft_marks(data)
    assert set(marks) == {"article", *(s["id"] for s in data["sentences"])}
    for s in data["sentences"]:
        assert all(
            s["draft"][f] for f in ("label", "source", "cue", "loaded", "hedges", "speculation", "claims", "part")
        )


def test_every_lexicon_states_its_provenance():
    provenance = lexicons().provenance
    assert set(provenance) == {"cue", "source", "hedges", "loaded"}
    assert "PARC" in provenance["cue"] and "CoNLL-2010" in provenance["hedges"] and "SemEval" in provenance["loaded"]


def test_a_text_without_the_layout_is_refused_with_what_to_do(tmp_path, capsys):
    bad = tmp_path / "one-line.txt"
    bad.write_text("Just a headline and nothing else.\n", encoding="utf-8")
    assert main(["new-article", str(bad)]) == 1
    assert "expected the headline on the first line" in capsys.readouterr().err
    assert not (tmp_path / "one-line.yaml").exists()


def test_the_benchmark_prints_kappa_per_text_and_the_held_out_text_apart(capsys):
    runpy.run_path(str(ROOT / "benchmarks/draft_quality.py"), run_name="not-main")["main"]()
    out = capsys.readouterr().out
    for name in ("venezuela", "millbrook", "water-prices", "ALL DEVELOPMENT TEXTS", "harbor-town"):
        assert f"{name}" in out
    assert out.index("held out while the rules were written") < out.index("harbor-town")
    kappas = {
        line.split(":")[0]: float(re.search(r"kappa (-?[\d.]+)", line).group(1))
        for line in out.splitlines()
        if "kappa" in line
    }
    assert kappas["ALL DEVELOPMENT TEXTS"] >= 0.5 and kappas["harbor-town (practice, held out)"] >= 0.5, kappas


def test_draft_of_the_gold_keeps_the_text(tmp_path):
    gold = yaml.safe_load((ROOT / "seeds/venezuela-prisoner-releases-2026-01-14.yaml").read_text(encoding="utf-8"))
    shutil.copy(ROOT / "seeds/venezuela-prisoner-releases-2026-01-14.txt", tmp_path)
    draft = draft_annotation(tmp_path / "venezuela-prisoner-releases-2026-01-14.txt")
    assert [s["id"] for s in draft["sentences"]] == [s["id"] for s in gold["sentences"]], "pysbd splits as the gold"


def test_a_header_that_says_invented_marks_the_draft_invented(tmp_path):
    shutil.copy(ROOT / "seeds/invented-ashford-clinic-wait-times.txt", tmp_path)
    shutil.copy(ROOT / "seeds/venezuela-prisoner-releases-2026-01-14.txt", tmp_path)
    assert draft_annotation(tmp_path / "invented-ashford-clinic-wait-times.txt")["article"]["invented"] is True
    real = draft_annotation(tmp_path / "venezuela-prisoner-releases-2026-01-14.txt")["article"]
    assert real["invented"] is False and real["published"] == "2026-01-14" and real["byline"] == "Aksah Italo"


def test_the_benchmark_reads_real_reports_from_a_folder_and_reports_them_apart(tmp_path, capsys):
    (tmp_path / "fair.txt").write_text(
        "Rain delays the market\n\nThe market opens on Sunday, the organisers said.\nWhy it matters: It is late.\n",
        encoding="utf-8",
    )
    (tmp_path / "fair.gold.tsv").write_text(
        "unsourced\tRain delays\nvague\tThe market opens\nframing\tWhy it matters\nnamed\tNo such sentence\n",
        encoding="utf-8",
    )
    runpy.run_path(str(ROOT / "benchmarks/draft_quality.py"), run_name="not-main")["main"](["--real", str(tmp_path)])
    out = capsys.readouterr().out
    real = out[out.index("real reports, held aside") :]
    assert "fair (real, held aside): 3 sentences" in real and "exact 3/3, acceptable 3/3" in real
    assert "no draft sentence holds ['No such sentence']" in real and "ALL REAL REPORTS" in real
    assert "found per gold label: vague 1/1" in real


def test_the_benchmark_reads_the_committed_public_domain_reports_as_a_development_set(capsys):
    runpy.run_path(str(ROOT / "benchmarks/draft_quality.py"), run_name="not-main")["main"]()
    out = capsys.readouterr().out
    assert "real reports, development set" in out and "voa-2022-who-second-booster (real, dev)" in out
    summary = out[out.index("--- summary ---") :]
    assert "| ALL REAL, DEVELOPMENT |" in summary and "| harbor-town (practice, held out) |" in summary
    assert "held aside" not in out, "the held-aside set is read only when a folder is given"
