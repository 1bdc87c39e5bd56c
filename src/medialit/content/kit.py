"""Where the kit's own files are: seed articles, masters, released exercises, lessons.

In a checkout (``make lab``, an editable install) they are the repository's top-level folders.
An installed wheel carries copies under ``medialit/kit/`` (see pyproject.toml's wheel sources),
so the kit works without the repository.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
PACKAGED = PACKAGE / "kit"  # present in an installed wheel only
CHECKOUT = PACKAGE.parents[1]  # src/medialit -> the repository, in a checkout
FOLDERS = ("seeds", "solutions", "exercises", "notebooks", "keys")


class KitNotFoundError(FileNotFoundError):
    """Neither the installed package nor a checkout holds the kit's files."""


def kit_root() -> Path:
    """The folder holding seeds/, solutions/, exercises/ and notebooks/."""
    for root in (PACKAGED, CHECKOUT):
        if (root / "seeds").is_dir() and (root / "solutions").is_dir():
            return root
    raise KitNotFoundError(
        f"medialit's lessons and articles are missing (looked in {PACKAGED} and {CHECKOUT}). "
        "Reinstall medialit (pip install --force-reinstall medialit), or run from the medialit checkout."
    )


def kit_path(folder: str) -> Path:
    """One of the kit's folders (``seeds``, ``solutions``, ``exercises``, ``notebooks``, ``keys``)."""
    if folder not in FOLDERS:
        raise ValueError(f"unknown kit folder {folder!r}; expected one of {', '.join(FOLDERS)}")
    return kit_root() / folder
