"""Run by tests/test_wheel.py with the Python of a fresh venv that has only the medialit wheel (the student install).

Works in the current folder (outside the checkout): copies the lessons with `medialit lessons DIR`
and executes one headless; looks for the masters and keys (they must be missing, with a message
saying what to install); tries `medialit course init`, which must refuse with that message. Prints
one JSON line with what it saw; the test asserts on it.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import medialit
from medialit.cli.main import main
from medialit.content.kit import SealedKitMissing, instructor_kit, kit_path, kit_root
from medialit.grading.kernels import IpcKernelManager

work = Path.cwd()
seen: dict = {"package": medialit.__file__, "kit": str(kit_root()), "instructor_kit": str(instructor_kit() or "")}


def run_headless(lesson: Path) -> tuple[list[str], str]:
    """Execute a lesson as Jupyter would; its errors and its HTML output."""
    nb = nbformat.read(lesson, as_version=4)
    NotebookClient(
        nb,
        timeout=180,
        kernel_name="python3",
        kernel_manager_class=IpcKernelManager,
        resources={"metadata": {"path": str(lesson.parent)}},
    ).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    html = " ".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))
    return [f"{e['ename']}: {e['evalue']}" for e in errors], html


# a student: copy the lessons, run the first one headless, and the self-study discernment check (public keys)
assert main(["lessons", str(work / "lessons")]) == 0
seen["lessons"] = sorted(p.name for p in (work / "lessons").glob("*.ipynb"))
seen["lesson_errors"], html = run_headless(work / "lessons" / "00-start-here.ipynb")
seen["lesson_shows_headline"] = "Venezuela Starts Freeing Prisoners" in html
seen["self_study_errors"], _ = run_headless(work / "lessons" / "discernment-check.ipynb")

# the public folders are there; the sealed ones are not, and say what to install
seen["public"] = {f: kit_path(f).is_dir() for f in ("seeds", "exercises", "notebooks")}
seen["sealed"] = {}
for folder in ("solutions", "keys"):
    try:
        seen["sealed"][folder] = f"found {kit_path(folder)}"
    except SealedKitMissing as exc:
        seen["sealed"][folder] = str(exc)
# every file of the installed package, to search for keys
root = Path(medialit.__file__).parent
seen["files"] = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "__pycache__" not in str(p))

# a teacher with only the student install: course init refuses, with the message, no traceback
err = io.StringIO()
with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
    seen["init_code"] = main(["course", "init", str(work / "course")])
seen["init_message"] = err.getvalue()
seen["init_left_folder"] = (work / "course").exists() and any((work / "course").iterdir())
print(json.dumps(seen))
sys.exit(0)
