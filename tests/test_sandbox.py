"""The bubblewrap sandbox for autograding kernels: what student code can and cannot reach.

One sandboxed kernel runs a notebook of probes (shared by the tests below); a kernel whose
sandbox cannot start refuses to start. Without bubblewrap the sandboxed tests are skipped,
except in CI (CI=true), where they fail. The same as an ordinary account, through the CLI:
tests/test_sandbox_nonroot.py.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sys
import sysconfig
import textwrap
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from traitlets.config import Config

import medialit
from medialit.grading import sandbox
from medialit.grading.sandbox import (
    SandboxedExecute,
    SandboxedKernelManager,
    mount_args,
    sandbox_problem,
    user_pids,
)

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(medialit.__file__).resolve().parent
MARKER = f"marker-{secrets.token_hex(6)}.txt"  # placed in hidden folders
PRIVATE = f"private-{secrets.token_hex(6)}.txt"  # written to the kernel's own /tmp and /dev/shm


class RecordingManager(SandboxedKernelManager):
    """Remembers each manager, to look at its kernel after nbclient has shut it down."""

    made: list[SandboxedKernelManager] = []

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        RecordingManager.made.append(self)


def require_sandbox() -> None:
    problem = sandbox_problem()
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must test the kernel sandbox, but: {problem}")
        pytest.skip(problem)


def probe(code: str) -> str:
    """A cell that prints the JSON of what ``code`` leaves in ``result``."""
    return "import json, os\nresult = None\n" + textwrap.dedent(code) + "\nprint(json.dumps(result))"


def outcomes_of(paths: list[str], action: str) -> str:
    """A cell that tries ``action`` (code using ``p``) on each path and records the error name or 'ok'."""
    return probe(
        f"""
        result = {{}}
        for p in {paths!r}:
            try:
                {action}
                result[p] = "ok"
            except Exception as exc:
                result[p] = type(exc).__name__
        """
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the probe notebook once in the sandbox; return its results and where things are."""
    require_sandbox()
    base = tmp_path_factory.mktemp("sandbox")
    course = base / "course"
    work = course / "autograded" / "alice" / "ps1"
    other = course / "autograded" / "bob" / "ps1"
    for folder in (work, other):
        folder.mkdir(parents=True)
    (course / "gradebook.db").write_text("grades")
    (course / MARKER).write_text("course")
    (other / MARKER).write_text("bob's work")
    (other / "ps1.ipynb").write_text("{}")
    (work / "given.txt").write_text("data the assignment hands out\n")
    outside = base / "outside"
    outside.mkdir()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    port = listener.getsockname()[1]

    forbidden = [
        str(course / "new.txt"),
        str(other / "new.txt"),
        str(ROOT / f"new-{MARKER}"),
        str(PACKAGE / f"new-{MARKER}"),
        str(Path(sys.prefix) / f"new-{MARKER}"),
        str(Path(sysconfig.get_paths()["purelib"]) / f"new-{MARKER}"),
        str(outside / "new.txt"),
        str(base / "new.txt"),
        "/new.txt",
        "/var/tmp/new.txt",
        "/etc/new.txt",
    ]
    cells = {
        "sum": "1+1",
        "whoami": probe("import sys, medialit\nresult = [os.getuid(), os.getcwd(), medialit.__file__, sys.prefix]"),
        "write_work": probe("open('answer.txt', 'w').write('42')\nos.mkdir('plots')\nresult = 'ok'"),
        "edit_given": probe("open('given.txt', 'a').write('and a note\\n')\nresult = 'ok'"),
        "write_elsewhere": outcomes_of(forbidden, "open(p, 'x').write('x')"),
        "write_private": outcomes_of([f"/tmp/{PRIVATE}", f"/dev/shm/{PRIVATE}"], "open(p, 'x').write('x')"),
        "read_hidden": outcomes_of(
            [str(course / "gradebook.db"), str(other / MARKER), str(ROOT / "pyproject.toml")], "open(p).read()"
        ),
        "list_hidden": probe(
            f"""
            result = {{}}
            for p in {[str(course), str(other), str(ROOT)]!r}:
                try:
                    result[p] = sorted(os.listdir(p))
                except OSError as exc:
                    result[p] = type(exc).__name__
            """
        ),
        "walk": probe(
            f"""
            result = []
            for root, dirs, files in os.walk('/'):
                if root == '/':
                    dirs[:] = [d for d in dirs if d not in ('proc', 'sys')]
                result += [os.path.join(root, f) for f in files if f == {MARKER!r}]
            """
        ),
        "network": probe(
            f"""
            import socket
            try:
                socket.create_connection(('127.0.0.1', {port}), timeout=3)
                result = 'connected'
            except OSError as exc:
                result = type(exc).__name__
            """
        ),
        "timeout": "import time\ntime.sleep(60)",
        "after_timeout": "'still running'",
        "forks": probe(
            """
            import time
            children = []
            try:
                for _ in range(200):
                    pid = os.fork()
                    if pid == 0:
                        try:
                            time.sleep(120)
                        finally:
                            os._exit(0)
                    children.append(pid)
                result = [len(children), 'no error']
            except OSError as exc:
                result = [len(children), type(exc).__name__]
            """
        ),
        "memory": probe("block = bytearray(8 * 1024**3)\nresult = len(block)"),
    }
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code, id=name) for name, code in cells.items()])
    config = Config()
    config.SandboxedKernelManager.hidden_paths = [str(course), str(ROOT)]
    config.SandboxedKernelManager.readonly_paths = [sys.prefix, sys.base_prefix, str(PACKAGE)]
    RecordingManager.made.clear()
    client = NotebookClient(
        nb,
        kernel_manager_class=RecordingManager,
        config=config,
        resources={"metadata": {"path": str(work)}},
        allow_errors=True,
        timeout=60,
        timeout_func=lambda cell: 2 if cell.id == "timeout" else 60,
        interrupt_on_timeout=True,
        shutdown_kernel="immediate",  # SIGKILL to bwrap: the kernel and its forks must all go with it
    )
    died = False
    try:
        client.execute()
    except DeadKernelError:
        died = True  # the memory bomb, the last cell, may take the kernel down with it
    (km,) = RecordingManager.made
    try:
        accepted = listener.accept()[0] is not None
    except BlockingIOError:
        accepted = False
    listener.close()
    return {
        "cells": {cell.id: cell.outputs for cell in nb.cells},
        "died": died,
        "km": km,
        "accepted": accepted,
        "course": course,
        "work": work,
        "other": other,
        "forbidden": forbidden,
    }


def printed(outputs: list[Any]) -> Any:
    """The JSON a probe cell printed."""
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stdout")
    assert text, f"the cell printed nothing: {outputs}"
    return json.loads(text.strip().splitlines()[-1])


def error_name(outputs: list[Any]) -> str | None:
    return next((o["ename"] for o in outputs if o.get("output_type") == "error"), None)


def test_sandbox_problem_is_one_line() -> None:
    problem = sandbox_problem()
    assert isinstance(problem, str) and "\n" not in problem
    assert (problem == "") == (sandbox.sandbox_kind() != "")


def test_a_normal_notebook_runs_as_a_throwaway_user(run: dict[str, Any]) -> None:
    km = run["km"]
    assert km.sandboxed
    assert run["cells"]["sum"][0]["data"]["text/plain"] == "2"
    uid, cwd, package, prefix = printed(run["cells"]["whoami"])
    assert uid == km.uid and uid >= sandbox.UID_RANGE[0]
    assert cwd == str(run["work"].resolve())
    assert Path(package).resolve() == PACKAGE / "__init__.py"
    assert prefix == sys.prefix


def test_the_work_folder_is_writable_and_given_back(run: dict[str, Any]) -> None:
    work = run["work"]
    assert printed(run["cells"]["write_work"]) == "ok"
    assert printed(run["cells"]["edit_given"]) == "ok"
    assert (work / "answer.txt").read_text() == "42"
    assert (work / "given.txt").read_text().endswith("and a note\n")
    for path in [work, *work.rglob("*")]:
        assert path.lstat().st_uid == os.geteuid(), f"{path} still belongs to the kernel's user"
    (work / "answer.txt").unlink()
    (work / "plots").rmdir()


def test_nothing_outside_the_work_folder_is_writable(run: dict[str, Any]) -> None:
    outcomes = printed(run["cells"]["write_elsewhere"])
    assert set(outcomes) == set(run["forbidden"])
    assert all(outcome != "ok" for outcome in outcomes.values()), outcomes
    for path in run["forbidden"]:
        assert not os.path.lexists(path), f"the kernel left {path} behind"


def test_private_tmp_is_writable_and_vanishes(run: dict[str, Any]) -> None:
    outcomes = printed(run["cells"]["write_private"])
    assert set(outcomes.values()) == {"ok"}, outcomes
    for path in outcomes:
        assert not os.path.lexists(path), f"{path} reached the machine's own /tmp"


def test_hidden_folders_are_invisible(run: dict[str, Any]) -> None:
    assert all(outcome == "FileNotFoundError" for outcome in printed(run["cells"]["read_hidden"]).values())
    listed = printed(run["cells"]["list_hidden"])
    assert listed[str(run["course"])] == ["autograded"]  # only the way down to the work folder
    assert listed[str(run["other"])] == "FileNotFoundError"
    assert set(listed[str(ROOT)]) <= {".venv", "src"}  # only the way to the venv and the kit's package
    assert printed(run["cells"]["walk"]) == []
    assert (run["course"] / MARKER).exists() and (run["other"] / MARKER).exists()  # they were there all along


def test_the_network_is_unreachable(run: dict[str, Any]) -> None:
    assert printed(run["cells"]["network"]) != "connected"
    assert not run["accepted"]


def test_a_cell_that_runs_too_long_is_interrupted(run: dict[str, Any]) -> None:
    assert error_name(run["cells"]["timeout"]) in ("KeyboardInterrupt", "CellTimeoutError")
    assert run["cells"]["after_timeout"][0]["data"]["text/plain"] == "'still running'"


def test_forks_stop_at_the_process_limit_and_die_with_the_kernel(run: dict[str, Any]) -> None:
    count, error = printed(run["cells"]["forks"])
    assert count < 200 and error in ("BlockingIOError", "OSError"), (count, error)
    assert user_pids(run["km"].uid) == []  # the kernel is gone, and every process it forked with it


def test_a_memory_bomb_fails_inside_the_kernel(run: dict[str, Any]) -> None:
    assert run["died"] or error_name(run["cells"]["memory"]) == "MemoryError"


def test_the_runtime_folder_is_removed(run: dict[str, Any]) -> None:
    km = run["km"]
    assert km.transport == "ipc"
    assert not Path(km.connection_file).parent.exists()


def test_without_a_sandbox_no_kernel_starts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sandbox, "sandbox_problem", lambda: "bubblewrap (bwrap) is not installed (testing)")
    RecordingManager.made.clear()
    (tmp_path / "ran.txt").unlink(missing_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("open('ran.txt', 'w').write('x')")])
    client = NotebookClient(
        nb, kernel_manager_class=RecordingManager, resources={"metadata": {"path": str(tmp_path)}}, timeout=60
    )
    with pytest.raises(RuntimeError) as refused:
        client.execute()
    assert "bubblewrap (bwrap) is not installed (testing)" in str(refused.value)
    assert "--no-sandbox" in str(refused.value)
    (km,) = RecordingManager.made
    assert not km.sandboxed and not km.has_kernel
    assert not (tmp_path / "ran.txt").exists()


def test_execute_preprocessor_uses_the_sandbox(tmp_path: Path) -> None:
    assert SandboxedExecute().kernel_manager_class is SandboxedKernelManager
    require_sandbox()
    course = tmp_path / "course"
    work = course / "autograded" / "alice" / "ps1"
    work.mkdir(parents=True)
    (course / "gradebook.db").write_text("grades")
    config = Config()
    config.SandboxedKernelManager.hidden_paths = [str(course)]
    code = probe(f"result = [os.getuid(), os.path.exists({str(course / 'gradebook.db')!r})]")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb, _ = SandboxedExecute(config=config).preprocess(nb, {"metadata": {"path": str(work)}})
    uid, seen = printed(nb.cells[0].outputs)
    assert uid >= sandbox.UID_RANGE[0] and not seen


def test_mounts_mask_first_then_bind_back(tmp_path: Path) -> None:
    hidden = tmp_path / "course"
    keep = hidden / "keys"
    work = hidden / "autograded" / "alice" / "ps1"
    for folder in (keep, work):
        folder.mkdir(parents=True)
    args = mount_args([str(hidden)], [str(keep)], [str(work)], 1024)
    joined = " ".join(args)
    assert "--ro-bind / /" not in joined  # only the system's programs and libraries, not the whole machine
    assert "--ro-bind /usr /usr" in joined and "--ro-bind /etc /etc" in joined
    for private in ("/home", "/root", "/srv", "/opt", "/mnt"):
        assert f" {private} " not in f" {joined} "
    assert "--ro-bind /dev/null /etc/shadow" in joined or not os.path.exists("/etc/shadow")
    assert joined.index(f"--tmpfs {hidden} ") < joined.index(f"--ro-bind {keep} {keep}")
    assert joined.index(f"--tmpfs {hidden} ") < joined.index(f"--bind {work} {work}")
    assert f"--perms 0755 --dir {hidden / 'autograded' / 'alice'}" in joined
