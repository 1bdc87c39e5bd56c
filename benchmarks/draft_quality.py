"""Benchmark: how close are `medialit new-article`'s draft labels to the gold annotations?

Run by hand (takes seconds):

    .venv/bin/python benchmarks/draft_quality.py [--real FOLDER]

For each gold text (the seed article, the practice texts, the ps5 key) it drafts an annotation
from the text alone, in a scratch folder, and compares each sentence's draft label with the gold
label: accuracy, Cohen's kappa (medialit.teaching.agreement) and a confusion table (rows: gold,
columns: draft). The drafting rules were built without looking at the held-out text, which is
reported on its own: its figure is the honest estimate for a new article.

Per text it prints exact agreement, "acceptable" (the draft label is the gold label or one the
gold lists under ``also``), Cohen's kappa, and per label how many gold sentences the draft found.

``--real FOLDER``: real news reports, which are not committed (copyright). The folder holds
``NAME.txt`` (the report as a teacher pastes it) and ``NAME.gold.tsv`` (one line per sentence:
the label, a tab, the start of the sentence), annotated blind by the decision order before any draft
was seen, and a SOURCES file saying where each text came from. They are reported as a held-aside set:
run it once, at the end, and report that figure. ``--real`` may be given more than once.

``--real-dev FOLDER``: the same layout, for real reports the rules are developed on (reported as "real, dev").
The public-domain real reports committed in ``benchmarks/real_news/`` (Voice of America, a US federal government
work) are always read as a development set.

At the end it prints a summary table: per text and per set, sentences, exact, kappa, dropped sentences, and per
label how many gold sentences the draft found.
"""

from __future__ import annotations

import argparse
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
REAL_NEWS = ROOT / "benchmarks/real_news"  # public-domain real reports (VOA), a development set


def pairs(gold_path: Path) -> list[tuple[str, str, list[str]]]:
    """(gold label, draft label, gold's other acceptable labels) for every sentence of one gold annotation."""
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / gold["article"]["text_file"]
        shutil.copy(gold_path.parent / gold["article"]["text_file"], text)
        draft = draft_annotation(text)
    drafted = {s["id"]: s["label"] for s in draft["sentences"]}
    missing = [s["id"] for s in gold["sentences"] if s["id"] not in drafted]
    if missing:
        print(f"  {gold_path.name}: the draft split the text differently; no draft sentence for {missing}")
    return [(s["label"], drafted[s["id"]], s.get("also") or []) for s in gold["sentences"] if s["id"] in drafted]


def real_pairs(text_path: Path) -> list[tuple[str, str, list[str]]]:
    """Pairs for a real report: gold lines (label, tab, sentence start) matched to the draft's sentences."""
    gold_file = text_path.with_name(text_path.stem + ".gold.tsv")
    gold = [line.split("\t", 1) for line in gold_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / text_path.name
        shutil.copy(text_path, copy)
        sentences = draft_annotation(copy)["sentences"]
    found, missing = [], []
    for label, start in gold:
        hit = next((s for s in sentences if s["text"].startswith(start) or start in s["text"]), None)
        if hit is None:
            missing.append(start)
        else:
            found.append((label, hit["label"], []))
    if missing:
        print(f"  {text_path.name}: no draft sentence holds {missing} (a sentence dropped)")
    return found


def report(name: str, found: list[tuple[str, str, list[str]]]) -> float | None:
    """Print exact, acceptable, kappa, what the draft found per label, and the confusion table; return kappa."""
    labels = [lab["id"] for lab in load_scheme().labels]
    agreement = cohen_kappa([(g, d) for g, d, _ in found])
    exact = sum(g == d for g, d, _ in found)
    acceptable = sum(g == d or d in also for g, d, also in found)
    kappa = agreement.kappa
    shown = "undefined" if kappa is None else f"{kappa:.2f}"
    print(
        f"\n{name}: {len(found)} sentences, accuracy {exact / len(found):.0%}, Cohen's kappa {shown}, "
        f"exact {exact}/{len(found)}, acceptable {acceptable}/{len(found)}"
    )
    print("  found per gold label: " + per_label(found))
    table = pd.crosstab(
        pd.Categorical([g for g, _, _ in found], categories=labels),
        pd.Categorical([d for _, d, _ in found], categories=labels),
        rownames=["gold"],
        colnames=["draft"],
        dropna=False,
    )
    print(table.to_string())
    return kappa


def per_label(found: list[tuple[str, str, list[str]]]) -> str:
    """'named 3/5, vague 1/2, ...': per gold label, how many sentences the draft labelled the same."""
    labels = [lab["id"] for lab in load_scheme().labels]
    return ", ".join(
        f"{lab} {sum(g == d == lab for g, d, _ in found)}/{sum(g == lab for g, _, _ in found)}"
        for lab in labels
        if any(g == lab for g, _, _ in found)
    )


def real_set(folder: Path, tag: str, rows: list[tuple[str, int, str, str, str]]) -> list[tuple[str, str, list[str]]]:
    """Report every NAME.txt with a NAME.gold.tsv in ``folder``; add a summary row per text; return all pairs."""
    if not (folder / "SOURCES.md").is_file() and not (folder / "SOURCES").is_file():
        print(f"  {folder}: no SOURCES.md saying where these texts came from; add one (outlet, date, link).")
    pooled: list[tuple[str, str, list[str]]] = []
    for text in sorted(folder.glob("*.txt")):
        if not text.with_name(text.stem + ".gold.tsv").is_file():
            continue
        found, dropped = real_pairs_counted(text)
        pooled += found
        kappa = report(f"{text.stem} (real, {tag})", found)
        rows.append(_row(text.stem, found, kappa, dropped))
    return pooled


def real_pairs_counted(text: Path) -> tuple[list[tuple[str, str, list[str]]], int]:
    """real_pairs and how many gold sentences no draft sentence holds."""
    gold_lines = [
        line for line in text.with_name(text.stem + ".gold.tsv").read_text("utf-8").splitlines() if line.strip()
    ]
    found = real_pairs(text)
    return found, len(gold_lines) - len(found)


def _row(name: str, found: list[tuple[str, str, list[str]]], kappa: float | None, dropped: int) -> tuple:
    exact = sum(g == d for g, d, _ in found)
    shown = "undefined" if kappa is None else f"{kappa:.2f}"
    return (name, len(found), f"{exact}/{len(found)}", shown, str(dropped), per_label(found))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--real", type=Path, action="append", default=[], help="held-aside real reports: NAME.txt + NAME.gold.tsv"
    )
    parser.add_argument("--real-dev", type=Path, action="append", default=[], help="real reports to develop on")
    args = parser.parse_args([] if argv is None else argv)
    rows: list[tuple] = []
    dev: list[tuple[str, str, list[str]]] = []
    for name, path in DEVELOPMENT.items():
        found = pairs(path)
        dev += found
        rows.append(_row(name, found, report(name, found), 0))
    rows.append(_row("ALL DEVELOPMENT TEXTS", dev, report("ALL DEVELOPMENT TEXTS", dev), 0))
    print("\n--- held out while the rules were written ---")
    for name, path in HELD_OUT.items():
        found = pairs(path)
        rows.append(_row(name, found, report(name, found), 0))
    real_dev: list[tuple[str, str, list[str]]] = []
    start = len(rows)
    for folder in [REAL_NEWS, *args.real_dev]:
        print(f"\n--- real reports, development set ({folder}) ---")
        real_dev += real_set(folder, "dev", rows)
    dropped = sum(int(r[4]) for r in rows[start:])
    rows.append(_row("ALL REAL, DEVELOPMENT", real_dev, report("ALL REAL, DEVELOPMENT", real_dev), dropped))
    if args.real:
        real: list[tuple[str, str, list[str]]] = []
        start = len(rows)
        for folder in args.real:
            print(f"\n--- real reports, held aside ({folder}) ---")
            real += real_set(folder, "held aside", rows)
        dropped = sum(int(r[4]) for r in rows[start:])
        rows.append(_row("ALL REAL REPORTS", real, report("ALL REAL REPORTS", real), dropped))
    print("\n--- summary ---")
    print("| text | sentences | exact | κ | dropped | found per gold label |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
