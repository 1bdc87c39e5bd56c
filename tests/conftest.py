"""Shared fixtures: the repository root, a scratch copy of the seeds, the seed article and an answer store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_ID = "venezuela-prisoner-releases-2026-01-14"


def check_file(path: Path) -> list:
    """Every problem of one annotation file (empty when it is valid): what read_annotation raises."""
    from medialit.content.annotation import AnnotationError, read_annotation

    try:
        read_annotation(path)
    except AnnotationError as exc:
        return exc.problems
    return []


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of seeds/ to break on purpose."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="module")
def article():
    """The seed article, fully annotated."""
    from medialit.content.article import load_article

    return load_article(SEED_ID, SEEDS)


@pytest.fixture
def store(tmp_path: Path):
    """A fresh answer store in a scratch folder."""
    from medialit.grading.answers import AnswerStore

    return AnswerStore("test", tmp_path)
