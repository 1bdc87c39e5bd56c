"""The kit's JupyterLab (`make lab`, `make instructor`): notebooks open unchanged.

As soon as a notebook's kernel starts, JupyterLab writes the kernel's ``language_info`` into the
notebook's metadata. When it differs from what the file holds (the kit is committed from one
Python, students run 3.11 to 3.13), the notebook shows as changed although nobody touched it,
and closing it asks whether to save. ``KitContentsManager`` hands JupyterLab each Python notebook
with the ``language_info`` its kernel is about to report, so nothing changes when the kernel starts.
The file on disk is left alone until the student saves.

Enabled by ``jupyter-config/kit/jupyter_server_config.json`` (see jupyter-config/README.md).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

PYTHON_KERNEL = "python3"


@functools.cache
def kernel_language_info() -> dict[str, Any]:
    """The ``language_info`` this environment's Python kernel (ipykernel) reports."""
    from ipykernel.ipkernel import IPythonKernel

    return copy.deepcopy(dict(IPythonKernel.language_info))


def match_kernel(nb: dict[str, Any]) -> bool:
    """Give a notebook run by this environment's Python kernel that kernel's ``language_info``.

    Returns True when the metadata changed. Notebooks for other kernels are left as they are.
    """
    metadata = nb.get("metadata")
    if not isinstance(metadata, dict):
        return False
    spec = metadata.get("kernelspec")
    if not isinstance(spec, dict) or spec.get("name") != PYTHON_KERNEL:
        return False
    info = metadata.get("language_info")
    if isinstance(info, dict) and info.get("name", "python") != "python":
        return False
    wanted = kernel_language_info()
    if info == wanted:
        return False
    metadata["language_info"] = copy.deepcopy(wanted)
    return True


class KitContentsManager(AsyncLargeFileManager):
    """jupyter_server's default contents manager; Python notebooks are read with the kernel's language_info."""

    async def get(self, path: str, content: bool = True, type: str | None = None, format: str | None = None, **kw):
        model = await super().get(path, content=content, type=type, format=format, **kw)
        if model.get("type") == "notebook" and model.get("content"):
            match_kernel(model["content"])
        return model
