"""Local kernels reached over Unix sockets in a private folder, not over TCP.

A kernel on TCP listens on a port any local user can reach, and ipykernel prints
"Kernel is running over TCP without encryption" on every start: noise in a teacher's
terminal. These kernels talk through sockets in a fresh folder only their user can open.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute


class IpcKernelManager(AsyncKernelManager):
    """An ordinary local kernel whose connection file and sockets live in a private folder."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.cache_ports = False
        self._private: str | None = None

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if self._private is None:  # a restart keeps the folder and connection file
            base = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()  # Unix socket paths are short
            self._private = tempfile.mkdtemp(prefix="medialit-kernel-", dir=base)
            self.connection_file = os.path.join(self._private, "kernel.json")
            self.ip = os.path.join(self._private, "kernel-ipc")
        return await super()._async_pre_start_kernel(**kw)

    pre_start_kernel = _async_pre_start_kernel  # type: ignore[assignment]

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None

    cleanup_resources = _async_cleanup_resources  # type: ignore[assignment]


class IpcExecute(Execute):
    """nbgrader's Execute with its kernels on Unix sockets (Execute hard-codes its kernel manager class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_manager_class", IpcKernelManager)
        super().__init__(*args, **kwargs)
