"""The student's JupyterLab (`make lab`): a style sheet for what nbgrader draws there.

nbgrader puts its **Validate** button on every notebook, where on a lesson it only ever says
"Success! Your notebook passes all the tests.", and its dialog for an incomplete exercise opens with
"The following cell failed:" above the completeness cell's code. JupyterLab loads ``custom.css``
when ``LabApp.custom_css`` is on; this server extension serves the kit's (``student_custom/``),
which

- shows Validate only on a notebook holding the exercise mark (``generate.EXERCISE_MARK``, in the
  first cell of every exercise), and
- shows a failed validation as a to-do list: the part's message under "Still to do before you
  hand in", without nbgrader's heading and the cell's code.

Enabled by ``jupyter-config/student/jupyter_server_config.json`` (see jupyter-config/README.md). The
style sheet stands before a ``custom.css`` of your own Jupyter folder, which it then hides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CUSTOM = Path(__file__).with_name("student_custom")  # custom.css (JupyterLab serves it as /custom/custom.css)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "medialit.teaching.student_lab"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Put the kit's folder first where JupyterLab looks for custom.css."""
    paths = serverapp.web_app.settings.setdefault("static_custom_path", [])
    if str(CUSTOM) not in paths:
        paths.insert(0, str(CUSTOM))
