"""Build hooks of medialit-instructor: medialit's version, and the kit's sealed folders as package data.

The files come from the checkout around this folder (``../solutions``, ``../keys``, ``../seeds``),
without what .gitignore keeps out of the repository (students' answers files, checkpoints, caches).
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.metadata.plugin.interface import MetadataHookInterface

FOLDERS = ("solutions", "keys", "seeds")
TARGET = "medialit_instructor/kit"
SKIPPED = ("*.answers.json", "*.answers.corrupt-*.json", "*.answers.*.json", "*.pyc")


def _repository(root: str) -> Path:
    repo = Path(root).resolve().parent
    if not (repo / "src" / "medialit" / "__init__.py").is_file():
        raise FileNotFoundError(
            f"{repo} is not the medialit checkout: build medialit-instructor from the repository's instructor/ folder."
        )
    return repo


def medialit_version(root: str) -> str:
    text = (_repository(root) / "src" / "medialit" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if not found:
        raise ValueError("src/medialit/__init__.py has no __version__ line")
    return found.group(1)


def sealed_files(root: str) -> dict[str, str]:
    """Every file of the kit's sealed folders (and seeds/), mapped to its place in the wheel."""
    repo = _repository(root)
    files: dict[str, str] = {}
    for folder in FOLDERS:
        base = repo / folder
        if not base.is_dir():
            raise FileNotFoundError(f"{base} is missing: build medialit-instructor from a complete checkout.")
        for path in sorted(base.rglob("*")):
            parts = path.relative_to(base).parts
            if path.is_dir() or any(p.startswith(".") or p == "__pycache__" for p in parts):
                continue
            if any(fnmatch.fnmatch(path.name, pattern) for pattern in SKIPPED):
                continue
            files[str(path)] = f"{TARGET}/{folder}/{'/'.join(parts)}"
    return files


class CustomMetadataHook(MetadataHookInterface):
    def update(self, metadata: dict) -> None:
        version = medialit_version(self.root)
        metadata["version"] = version
        metadata["dependencies"] = [f"medialit=={version}"]


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        build_data["force_include"].update(sealed_files(self.root))
