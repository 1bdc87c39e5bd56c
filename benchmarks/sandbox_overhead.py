"""Benchmark: what the bubblewrap kernel sandbox costs per notebook run.

Run by hand (as root, with bubblewrap installed; about a minute):

    .venv/bin/python benchmarks/sandbox_overhead.py [--runs 20] [--notebook exercises/ps1-sources/ps1-sources.ipynb]

Executes the same notebook (a small built-in one, or ``--notebook``) ``--runs`` times with
nbclient's plain AsyncKernelManager and with SandboxedKernelManager (alternating, so both
see the same machine), each run in a fresh work folder, and prints seconds per kernel and
the ratio.
Target: the sandbox costs at most 10% of throughput (ratio <= 1.10).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets.config import Config

import medialit
from medialit.grading.sandbox import SandboxedKernelManager, sandbox_problem

ROOT = Path(__file__).resolve().parents[1]
CELLS = [
    "import medialit, json, re",
    "total = sum(i * i for i in range(100_000))\ntotal",
    "open('answer.txt', 'w').write(json.dumps({'total': total}))",
    "print(re.findall(r'\\w+', 'a few words to count'))",
]


def run_once(manager: type[AsyncKernelManager], base: Path, config: Config, notebook: Path | None) -> float:
    """Seconds to execute the notebook once, kernel start and shutdown included."""
    work = Path(tempfile.mkdtemp(dir=base)) / "autograded" / "student" / "ps1"
    work.mkdir(parents=True)
    if notebook is None:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in CELLS])
    else:
        nb = nbformat.read(notebook, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        kernel_manager_class=manager,
        config=config,
        resources={"metadata": {"path": str(work)}},
        timeout=60,
        allow_errors=notebook is not None,  # an unanswered exercise fails its completeness checks
    ).execute()
    seconds = time.perf_counter() - start
    if notebook is None and not (work / "answer.txt").exists():
        raise SystemExit(f"{manager.__name__}: the notebook did not write its answer")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="notebook runs per kernel manager (default 20)")
    parser.add_argument("--notebook", type=Path, help="a notebook to run instead of the built-in one")
    args = parser.parse_args()
    problem = sandbox_problem()
    if problem:
        raise SystemExit(f"Cannot measure the sandbox: {problem}")
    base = Path(tempfile.mkdtemp(prefix="sandbox-bench-"))
    config = Config()
    config.SandboxedKernelManager.hidden_paths = [str(base), str(ROOT)]
    config.SandboxedKernelManager.readonly_paths = [
        sys.prefix,
        sys.base_prefix,
        str(Path(medialit.__file__).parent),
        str(ROOT / "seeds"),
    ]
    times: dict[str, list[float]] = {"plain": [], "sandboxed": []}
    try:
        run_once(AsyncKernelManager, base, config, args.notebook)  # warm the disk cache for both
        run_once(SandboxedKernelManager, base, config, args.notebook)
        for _ in range(args.runs):
            times["plain"].append(run_once(AsyncKernelManager, base, config, args.notebook))
            times["sandboxed"].append(run_once(SandboxedKernelManager, base, config, args.notebook))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    for name, values in times.items():
        print(
            f"{name:>9}: {statistics.mean(values):.3f} s per kernel "
            f"(median {statistics.median(values):.3f}, min {min(values):.3f}, max {max(values):.3f}, n={len(values)})"
        )
    ratio = statistics.mean(times["sandboxed"]) / statistics.mean(times["plain"])
    median_ratio = statistics.median(times["sandboxed"]) / statistics.median(times["plain"])
    verdict = "within" if ratio <= 1.10 else "over"
    print(f"    ratio: {ratio:.3f} (medians {median_ratio:.3f}); {verdict} the 1.10 target")


if __name__ == "__main__":
    main()
