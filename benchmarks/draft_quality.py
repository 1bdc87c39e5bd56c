"""Benchmark: how close are `medialit new-article`'s draft labels to the gold annotations?

Run by hand (takes seconds):

    .venv/bin/python benchmarks/draft_quality.py

For each gold text (the seed article, the practice texts, the ps5 key) it drafts an annotation
from the text alone, in a scratch folder, and compares each sentence's draft label with the gold
label: accuracy, Cohen's kappa (medialit.teaching.agreement) and a confusion table (rows: gold,
columns: draft). The drafting rules were built without looking at the held-out text, which is
reported on its own: its figure is the honest estimate for a new article.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from medialit.content.drafting import draft_annotation
from medialit.content.scheme import load_scheme
from medialit.teaching.agreement import cohen_kappa

ROOT = Path(__file__).resolve().parents[1]
DEVELOPMENT = {
    "venezuela": ROOT / "seeds/venezuela-prisoner-releases-2026-01-14.yaml",
    "millbrook (practice)": ROOT / "seeds/practice-millbrook-library-sundays.yaml",
    "water-prices (ps5 key)": ROOT / "solutions/ps5-transfer/water-prices.key.yaml",
}
HELD_OUT = {"harbor-town (practice, held out)": ROOT / "seeds/practice-harbor-town-parking-fees.yaml"}


def pairs(gold_path: Path) -> list[tuple[str, str]]:
    """(gold label, draft label) for every sentence of one gold annotation."""
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / gold["article"]["text_file"]
        shutil.copy(gold_path.parent / gold["article"]["text_file"], text)
        draft = draft_annotation(text)
    drafted = {s["id"]: s["label"] for s in draft["sentences"]}
    missing = [s["id"] for s in gold["sentences"] if s["id"] not in drafted]
    if missing:
        print(f"  {gold_path.name}: the draft split the text differently; no draft sentence for {missing}")
    return [(s["label"], drafted[s["id"]]) for s in gold["sentences"] if s["id"] in drafted]


def report(name: str, found: list[tuple[str, str]]) -> float | None:
    """Print accuracy, kappa and the confusion table; return kappa."""
    labels = [lab["id"] for lab in load_scheme().labels]
    agreement = cohen_kappa(found)
    accuracy = sum(g == d for g, d in found) / len(found)
    kappa = agreement.kappa
    shown = "undefined" if kappa is None else f"{kappa:.2f}"
    print(f"\n{name}: {len(found)} sentences, accuracy {accuracy:.0%}, Cohen's kappa {shown}")
    table = pd.crosstab(
        pd.Categorical([g for g, _ in found], categories=labels),
        pd.Categorical([d for _, d in found], categories=labels),
        rownames=["gold"],
        colnames=["draft"],
        dropna=False,
    )
    print(table.to_string())
    return kappa


def main() -> int:
    dev: list[tuple[str, str]] = []
    for name, path in DEVELOPMENT.items():
        found = pairs(path)
        dev += found
        report(name, found)
    report("ALL DEVELOPMENT TEXTS", dev)
    print("\n--- held out while the rules were written ---")
    for name, path in HELD_OUT.items():
        report(name, pairs(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
