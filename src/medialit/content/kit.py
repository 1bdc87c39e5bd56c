"""Where the kit's own files are: seed articles, lessons, released exercises, and the graders' keys.

Two kinds of folder:

* **public** (``seeds``, ``exercises``, ``notebooks``): what lessons and exercises teach with. The
  student install (the ``medialit`` wheel) carries copies under ``medialit/kit/``, and ``docs``
  (the instructor guide the kit's messages point to).
* **sealed** (``solutions``, ``keys``): the masters with their hidden tests, the private keys of
  transfer texts and the pre/post-test keys. Only graders hold them: in the instructor install
  (the ``medialit-instructor`` wheel, built from the repository's ``instructor/`` folder, whose
  ``medialit_instructor/kit/`` also holds ``seeds/``) or in a checkout.

In a checkout (``make lab``, an editable install) every folder is the repository's own.
"""

from __future__ import annotations

import importlib.util
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
PACKAGED = PACKAGE / "kit"  # present in an installed wheel only
CHECKOUT = PACKAGE.parents[1]  # src/medialit -> the repository, in a checkout
INSTRUCTOR = "medialit_instructor"  # the instructor install's package (its kit/ folder)
INSTRUCTOR_DIST = "medialit-instructor"
PUBLIC = ("seeds", "exercises", "notebooks")
SEALED = ("solutions", "keys")
FOLDERS = ("seeds", "solutions", "exercises", "notebooks", "keys")
SEALED_HELP = (
    "The student install of medialit carries no masters and no answer keys. Graders: install the "
    "instructor package (pip install medialit-instructor, built from the medialit repository's "
    "instructor/ folder: pip wheel --no-deps instructor/), or pass --kit with the medialit checkout."
)


class KitNotFoundError(FileNotFoundError):
    """Neither the installed package nor a checkout holds the kit's files."""


class SealedKitMissing(KitNotFoundError):
    """The masters and keys are not installed here (the student install); the message says how to get them."""


def kit_root() -> Path:
    """The folder holding the public folders: seeds/, exercises/ and notebooks/."""
    for root in (PACKAGED, CHECKOUT):
        if (root / "seeds").is_dir() and (root / "notebooks").is_dir():
            return root
    raise KitNotFoundError(
        f"medialit's lessons and articles are missing (looked in {PACKAGED} and {CHECKOUT}). "
        "Reinstall medialit (pip install --force-reinstall medialit), or run from the medialit checkout."
    )


def instructor_kit() -> Path | None:
    """The instructor install's kit folder (seeds/, solutions/, keys/), or None where it is not installed.

    Looked up without importing it: a folder on ``sys.path`` this account cannot read (a grader-only
    install, deploy/README.md) is simply not there for a student.
    """
    try:
        spec = importlib.util.find_spec(INSTRUCTOR)
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        kit = Path(location) / "kit"
        try:
            if (kit / "solutions").is_dir():
                return kit
        except OSError:
            continue
    return None


def _check_version(kit: Path) -> None:
    """The instructor install must be of this medialit's version: other masters would not match its widgets."""
    try:
        theirs, ours = metadata.version(INSTRUCTOR_DIST), metadata.version("medialit")
    except metadata.PackageNotFoundError:
        return  # a copy without its metadata: nothing to compare
    if theirs != ours:
        raise SealedKitMissing(
            f"The instructor package in {kit.parent} is version {theirs}, but medialit is {ours}. "
            f"Install the same version of both (pip install medialit-instructor=={ours}), "
            "or pass --kit with the medialit checkout."
        )


def grading_kit() -> Path:
    """The folder holding solutions/, keys/ and seeds/, the way a course copies them (``course init``).

    A checkout's own folders first (they match its code), then the instructor install. The student
    install has none: :class:`SealedKitMissing` says what to install.
    """
    if (CHECKOUT / "solutions").is_dir() and (CHECKOUT / "seeds").is_dir():
        return CHECKOUT
    kit = instructor_kit()
    if kit is not None:
        _check_version(kit)
        return kit
    raise SealedKitMissing(f"{SEALED_HELP} (No solutions/ in {CHECKOUT}, and {INSTRUCTOR} is not installed.)")


def sealed_paths() -> list[Path]:
    """Every folder here that holds masters or keys: what code run for a student must never see."""
    paths = [CHECKOUT / folder for folder in SEALED if (CHECKOUT / folder).is_dir()]
    kit = instructor_kit()
    if kit is not None:
        paths.append(kit.parent)
    return paths


def doc_path(name: str = "instructor-guide.md") -> Path:
    """One of the kit's docs (``docs/NAME``): the installed wheel's copy, else the checkout's."""
    for root in (PACKAGED, CHECKOUT):
        if (root / "docs" / name).is_file():
            return root / "docs" / name
    return CHECKOUT / "docs" / name


def kit_path(folder: str) -> Path:
    """One of the kit's folders (``seeds``, ``solutions``, ``exercises``, ``notebooks``, ``keys``).

    ``solutions`` and ``keys`` come from :func:`grading_kit` (raising :class:`SealedKitMissing` in the
    student install); the others from :func:`kit_root`.
    """
    if folder not in FOLDERS:
        raise ValueError(f"unknown kit folder {folder!r}; expected one of {', '.join(FOLDERS)}")
    return (grading_kit() if folder in SEALED else kit_root()) / folder
