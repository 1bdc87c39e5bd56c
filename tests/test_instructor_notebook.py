"""The instructor notebook runs the whole week headless, without errors."""

from __future__ import annotations

import nbformat
from conftest import ROOT
from nbclient import NotebookClient


def test_instructor_notebook_executes(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIALIT_ANSWERS_DIR", str(tmp_path))
    path = ROOT / "notebooks" / "instructor-workflow.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    text = "\n".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for c in nb.cells for o in c.get("outputs", [])
    )
    assert "created the course workspace" in text
    assert "collected 1 submission(s): s02" in text  # the Canvas upload
    assert "failed" in text and "graded" in text  # the status table, with the broken notebook failed
    assert "wrote the class report" in text
