"""A lesson as the app shows it: the same cells, with the Lab-only text swapped for its app version.

A markdown cell whose text only makes sense in JupyterLab ("choose Run → Run All Cells") carries
its app version in its metadata::

    "metadata": {"medialit": {"app": "The lesson has loaded: answer with the buttons ..."}}

An empty ``app`` text drops the cell from the app. Code cells are never changed (Voila hides
their code and runs them as Lab does), so the widgets, the feedback and the answer files are
the ones Lab shows. In a per-student app a first cell, added here and never saved, points the
lesson's answers at the student's own folder.
"""

from __future__ import annotations

from typing import Any

from medialit.grading.answers import FOLDER_ENV

APP_KEY = "app"


def app_text(cell: Any) -> str | None:
    """The cell's app version, or None when it reads the same in both."""
    text = cell.get("metadata", {}).get("medialit", {}).get(APP_KEY)
    return text if isinstance(text, str) else None


def answers_cell(folder: str) -> dict[str, Any]:
    """A hidden first code cell: this kernel saves its answers in ``folder`` (set by the server)."""
    source = f"import os as _os\n_os.environ[{FOLDER_ENV!r}] = {folder!r}\ndel _os"
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": "medialit-app-answers-folder",
        "metadata": {"jupyter": {"source_hidden": True}, "tags": ["medialit-app"]},
        "outputs": [],
        "source": source,
    }


def back_link_cell(index_url: str, where: str) -> dict[str, Any]:
    """A markdown cell linking back to the app's list of lessons (``where``: top or end)."""
    return {
        "cell_type": "markdown",
        "id": f"medialit-app-back-{where}",
        "metadata": {"tags": ["medialit-app"]},
        "source": f"[← All lessons]({index_url})",
    }


def for_app(nb: Any, answers_folder: str | None = None, index_url: str | None = None) -> Any:
    """``nb`` (an nbformat notebook, changed in place and returned) as the app shows it.

    ``index_url``: the app's list of lessons, linked at the top and at the end of the page.
    """
    cells = []
    for cell in nb.cells:
        text = app_text(cell) if cell.get("cell_type") == "markdown" else None
        if text is None:
            cells.append(cell)
        elif text.strip():
            cell.source = text
            cells.append(cell)
    import nbformat

    if index_url is not None:
        cells.insert(0, nbformat.from_dict(back_link_cell(index_url, "top")))
        cells.append(nbformat.from_dict(back_link_cell(index_url, "end")))
    if answers_folder is not None:
        cells.insert(0, nbformat.from_dict(answers_cell(answers_folder)))
    nb.cells = cells
    return nb
