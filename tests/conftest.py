"""Shared fixtures: the repository root and a scratch copy of the seeds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_ID = "venezuela-prisoner-releases-2026-01-14"


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of seeds/ to break on purpose."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target
