"""Where a private answer key is: a practice text's ``NAME.key.yaml``, kept out of the students' folders."""

from __future__ import annotations

import os
from pathlib import Path

KEYS_ENV = "MEDIALIT_KEYS"
SOURCE_FOLDERS = ("solutions", "source")


def find_key(assignment: str, filename: str, start: str | Path | None = None) -> Path:
    """Find a private answer key ``filename`` of ``assignment``.

    Looks in ``$MEDIALIT_KEYS``, then the current folder, then in
    ``solutions/ASSIGNMENT/`` or ``source/ASSIGNMENT/`` of any parent folder (the
    nbgrader course root, which holds the autograded folders).
    """
    candidates = []
    if os.environ.get(KEYS_ENV):
        candidates += [Path(os.environ[KEYS_ENV]) / filename, Path(os.environ[KEYS_ENV]) / assignment / filename]
    here = Path(start or Path.cwd()).resolve()
    candidates.append(here / filename)
    for folder in (here, *here.parents):
        candidates += [folder / src / assignment / filename for src in SOURCE_FOLDERS]
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"The answer key {filename} of {assignment} was not found. Grade from the course folder "
        f"(it holds source/{assignment}/{filename}) or set {KEYS_ENV} to the folder that holds it. "
        "The student install of medialit carries no keys: a course made with `medialit course init` "
        "from the instructor install (medialit-instructor) or from the checkout (--kit) has them."
    )
