"""Run the Jupyter kernels that nbgrader starts while autograding inside a bubblewrap sandbox.

Each kernel runs in private network, PID, IPC and UTS namespaces, on a read-only view of
the machine's programs and libraries only (``/usr``, ``/etc`` without what other users
cannot read, ...), plus the venv, the kit's package, the course's seeds and the assignment's
own key: no home folder, no ``/srv``, no other course, no exchange, no gradebook, no socket
of a database. The notebook's own folder is writable; so are a private, size-limited
``/tmp`` and ``/dev/shm`` and the kernel's runtime folder, which vanish with it. Memory,
processes, CPU time and the size of each file are capped with resource limits. The kernel
talks to the grader over Unix sockets in its runtime folder, since it has no network.

Two ways to be somebody else, whichever this machine allows:

- as root: the kernel runs as a throwaway user id (``setpriv``);
- as an ordinary account (a deployment's grader, a Celery worker): in a user namespace
  (``bwrap --unshare-user``), as a throwaway user id inside, with no capabilities, no
  further user namespaces, and nothing of the account's own files but what is bound.

Where neither can start, :func:`sandbox_problem` says why, and a sandboxed kernel refuses to
start: unsandboxed kernels are ``medialit.grading.kernels``, used only when asked for by name.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import functools
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Integer, List, Unicode

import medialit

UID_RANGE = (1_000_000_000, 2_000_000_000)  # far above the ids Linux hands out to users and subordinate ids
SYSTEM_PATHS = (
    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/var/cache/fontconfig",
)  # fmt: skip  # the programs and libraries a kernel runs on; nothing else of the machine is in its view
ALWAYS_MASKED = ("/run", "/var/tmp")  # host sockets (dbus, databases) and other users' leftovers
WRITABLE_TMPFS = ("/tmp", "/dev/shm")  # private to the kernel, gone when it stops
DEFAULT_ENV_KEEP = [
    "PATH", "LANG", "LANGUAGE", "LC_*", "TZ", "TERM", "NBGRADER_*", "MEDIALIT_SEEDS", "MEDIALIT_KEYS",
    "PYTHONHASHSEED", "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONWARNINGS", "MPLBACKEND",
    "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
]  # fmt: skip
ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")  # numeric libraries stay under the limits
TMPFS, DIR, RO_BIND, BIND = range(4)  # mount kinds, in the order they are applied at one depth
AS_ROOT = "as a throwaway user id (grading as root)"
USER_NAMESPACE = "in a user namespace (bwrap --unshare-user), as a throwaway user id inside"
USERNS_SYSCTLS = {  # what a kernel must allow for an ordinary account's sandbox: (file, value that forbids it)
    "kernel.unprivileged_userns_clone": ("/proc/sys/kernel/unprivileged_userns_clone", "0"),
    "user.max_user_namespaces": ("/proc/sys/user/max_user_namespaces", "0"),
    "kernel.apparmor_restrict_unprivileged_userns": ("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1"),
}


def _tool(name: str) -> str:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin") or ""


def sandbox_problem() -> str:
    """'' when a bubblewrap sandbox can start here, else one line saying why not."""
    return _sandbox()[1]


def sandbox_kind() -> str:
    """How kernels are sandboxed here (:data:`AS_ROOT` or :data:`USER_NAMESPACE`), '' when they cannot be."""
    return _sandbox()[0]


@functools.cache
def _sandbox() -> tuple[str, str]:
    """(kind, '') when a sandbox starts here, ('', why not) when none does."""
    if not _tool("bwrap"):
        return "", "bubblewrap (bwrap) is not installed; install it with `apt-get install bubblewrap`"
    needed = ("setpriv", "prlimit") if os.geteuid() == 0 else ("prlimit",)
    missing = [name for name in needed if not _tool(name)]
    if missing:
        return "", f"{' and '.join(missing)} not found; install them with `apt-get install util-linux`"
    kind = AS_ROOT if os.geteuid() == 0 else USER_NAMESPACE
    uid = _fresh_uid()
    probe = [
        *_isolation(kind, uid), *mount_args([], [], [], 1024**2), "--chdir", "/",
        *_limits(kind, uid, ["--core=0", "--nproc=64"]), _tool("true") or "/bin/true",
    ]  # fmt: skip
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=20, env={"PATH": os.defpath})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return "", f"bubblewrap cannot start a sandbox here ({exc})"
    if done.returncode:
        reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        hint = "" if kind == AS_ROOT else _userns_hint()
        return "", f"bubblewrap cannot start a sandbox for this account ({reason}){hint}"
    return kind, ""


def _userns_hint() -> str:
    """Which of the kernel's settings forbids ordinary accounts' user namespaces, if one does."""
    said = []
    for name, (path, forbidding) in USERNS_SYSCTLS.items():
        with contextlib.suppress(OSError):
            if Path(path).read_text().strip() == forbidding:
                said.append(f"{name} = {forbidding}")
    if said:
        return f": this machine's kernel forbids user namespaces for ordinary accounts ({', '.join(said)})"
    return ": the kernel or a security module (AppArmor, SELinux, a container) forbids user namespaces here"


@functools.cache
def _can_disable_userns() -> bool:
    """bubblewrap 0.8 or newer can forbid further user namespaces inside the sandbox."""
    try:
        done = subprocess.run([_tool("bwrap"), "--help"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--disable-userns" in done.stdout + done.stderr


def _isolation(kind: str, uid: int) -> list[str]:
    """bwrap and its namespaces (network, PID, IPC, UTS; a user namespace for an ordinary account)."""
    args = [_tool("bwrap")]
    if kind == USER_NAMESPACE:
        args += ["--unshare-user", "--uid", str(uid), "--gid", str(uid)]
        args += ["--disable-userns"] if _can_disable_userns() else []
    args += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--hostname", "sandbox"]
    return [*args, "--die-with-parent", "--new-session"]


def _limits(kind: str, uid: int, limits: list[str]) -> list[str]:
    """After bwrap's options: resource limits, then (as root) the throwaway user; ends with ``--``."""
    args = ["--", _tool("prlimit"), *limits, "--"]
    if kind == AS_ROOT:
        args += [_tool("setpriv"), "--reuid", str(uid), "--regid", str(uid), "--clear-groups", "--no-new-privs"]
        args += ["--inh-caps", "-all", "--bounding-set", "-all", "--"]
    return args  # in a user namespace bwrap itself drops every capability and sets no_new_privs


def _fresh_uid() -> int:
    return UID_RANGE[0] + secrets.randbelow(UID_RANGE[1] - UID_RANGE[0])


def _real(path: str | Path) -> str:
    return os.path.realpath(os.path.expanduser(path))


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _ancestors(path: str) -> list[str]:
    """Strict ancestors below ``/``, outermost first."""
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def _blocked_ancestor(path: str) -> str | None:
    """The outermost ancestor of ``path`` that other users cannot traverse, if any."""
    for folder in _ancestors(path):
        try:
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                return folder
        except OSError:
            return None
    return None


@functools.cache
def _unreadable(top: str) -> tuple[tuple[str, bool], ...]:
    """(path, is folder) below ``top`` that other users cannot read: masked even where ``top`` is bound."""
    found: list[tuple[str, bool]] = []
    for root, dirs, files in os.walk(top):
        for name in list(dirs):
            path = os.path.join(root, name)
            with contextlib.suppress(OSError):
                info = os.lstat(path)
                if stat.S_ISDIR(info.st_mode) and (info.st_mode & 0o005) != 0o005:
                    found.append((path, True))
                    dirs.remove(name)
        for name in files:
            path = os.path.join(root, name)
            with contextlib.suppress(OSError):
                info = os.lstat(path)
                if stat.S_ISREG(info.st_mode) and not info.st_mode & stat.S_IROTH:
                    found.append((path, False))
    return tuple(found)


def system_view() -> list[str]:
    """bwrap options for the machine's programs and libraries, read-only: nothing else of the host is seen.

    Whatever other users cannot read in ``/etc`` is masked too: a grader's account may read it, its kernel not.
    """
    args: list[str] = []
    for path in SYSTEM_PATHS:
        for folder in _ancestors(path):  # bwrap would make them 0700: the throwaway user could not pass
            if folder not in args and os.path.isdir(path):
                args += ["--perms", "0755", "--dir", folder]
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
            for hidden, folder in _unreadable(path) if path == "/etc" else ():
                args += ["--tmpfs", hidden, "--remount-ro", hidden] if folder else ["--ro-bind", os.devnull, hidden]
    return [*args, "--dev", "/dev", "--proc", "/proc"]


def _in_view(path: str) -> bool:
    """True when ``path`` is in the system's folders the kernel sees, or on the way to one (made 0755)."""
    shown = [p for p in SYSTEM_PATHS if os.path.isdir(p) and not os.path.islink(p)]
    return path in ("/dev", "/proc") or any(_is_within(path, p) or _is_within(p, path) for p in shown)


def mount_args(hidden: list[str], readonly: list[str], writable: list[str], tmpfs_size: int) -> list[str]:
    """bwrap options for the filesystem view: the system's programs, masks, and what is bound in.

    Mounts are applied outermost first (a deeper mount lands on top); at one depth masks come
    before folders, read-only binds and writable binds. Folders that bwrap must create inside a
    mask get mode 0755, so the kernel's user can reach what is bound below them. A hidden folder
    is masked wherever it lies, in case it is inside a bound one. Masks, and the empty root bwrap
    builds the view on, are read-only at the end (in a user namespace the kernel would own them).
    """
    ops: dict[str, int] = {}
    for path in [*ALWAYS_MASKED, *hidden]:
        real = _real(path)
        if real != "/" and os.path.isdir(real):
            ops[real] = TMPFS
    for path in [*readonly, *writable]:
        if blocked := _blocked_ancestor(_real(path)):
            ops.setdefault(blocked, TMPFS)
    for kind, paths in ((RO_BIND, readonly), (BIND, writable)):
        for path in paths:
            real = _real(path)
            if real != "/" and os.path.exists(real):
                ops[real] = kind
    for path in WRITABLE_TMPFS:
        ops[path] = TMPFS
    for path in [p for p, kind in ops.items() if kind in (RO_BIND, BIND, TMPFS)]:
        for folder in _ancestors(path):
            covering = max((p for p in ops if _is_within(folder, p)), key=len, default=None)
            if covering is not None and covering != folder and ops[covering] in (TMPFS, DIR):
                ops[folder] = DIR
            elif covering is None and not _in_view(folder):
                ops[folder] = DIR  # on the empty root bwrap builds the view on
    args = system_view()
    for path, kind in sorted(ops.items(), key=lambda item: (len(Path(item[0]).parts), item[1], item[0])):
        if kind == TMPFS and path in WRITABLE_TMPFS:
            args += ["--perms", "1777", "--size", str(tmpfs_size), "--tmpfs", path]
        elif kind == TMPFS:
            args += ["--tmpfs", path]
        elif kind == DIR:
            args += ["--perms", "0755", "--dir", path]
        else:
            args += ["--ro-bind" if kind == RO_BIND else "--bind", path, path]
    for path, kind in ops.items():
        if kind == TMPFS and path not in WRITABLE_TMPFS:
            args += ["--remount-ro", path]
    return [*args, "--remount-ro", "/"]


def _required_paths() -> list[str]:
    """What every Python kernel of this environment needs to read: the venv, its Python, this kit."""
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    return [*sorted(prefixes), os.path.dirname(_real(sys.executable)), os.path.dirname(medialit.__file__)]


class SandboxedKernelManager(AsyncKernelManager):
    """An AsyncKernelManager that starts the kernel inside bubblewrap, as a throwaway user.

    Refuses to start a kernel when :func:`sandbox_problem` is not '' (never a silent
    unsandboxed kernel). As root the kernel's folder (``cwd`` of ``start_kernel``) is handed
    to the throwaway user while the kernel runs and given back afterwards; in a user
    namespace it stays the grader's. Either way, links out, special files and set-id bits
    the kernel left in it are removed when it stops.
    """

    hidden_paths = List(
        Unicode(), help="Folders the kernel must not see (each is masked by an empty one; files are not masked)."
    ).tag(config=True)
    readonly_paths = List(
        Unicode(), help="Paths the kernel may read even inside a hidden folder (the venv and kit are always added)."
    ).tag(config=True)
    memory_limit = Integer(2 * 1024**3, help="Address space of each kernel process, in bytes (RLIMIT_AS).").tag(
        config=True
    )
    process_limit = Integer(128, help="Processes and threads of the kernel's user (RLIMIT_NPROC).").tag(config=True)
    cpu_limit = Integer(300, help="CPU seconds of each kernel process (RLIMIT_CPU).").tag(config=True)
    file_size_limit = Integer(
        256 * 1024**2, help="Largest file a kernel process may write, in bytes (RLIMIT_FSIZE)."
    ).tag(config=True)
    tmpfs_size = Integer(64 * 1024**2, help="Size of the kernel's private /tmp and /dev/shm, in bytes.").tag(
        config=True
    )
    env_keep = List(
        Unicode(), DEFAULT_ENV_KEEP, help="Environment variables (glob patterns) passed on to the kernel."
    ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem = sandbox_problem()
        self.sandboxed: bool = self.problem == ""
        self.kind = sandbox_kind() if self.sandboxed else ""
        self.uid: int | None = None  # the kernel's user id (inside its user namespace, for an ordinary account)
        self.pid_namespace = ""  # the kernel's PID namespace, once started
        self._runtime: str | None = None
        self._cwd: str | None = None
        self._owners: dict[str, tuple[int, int]] = {}
        self.transport = "ipc"  # the kernel has no network, not even loopback
        self.cache_ports = False

    async def _async_start_kernel(self, **kw: Any) -> None:
        try:
            await super()._async_start_kernel(**kw)
        except BaseException:
            self._release()
            raise
        self.pid_namespace = await _pid_namespace(getattr(self.provisioner, "pid", None))

    start_kernel = _async_start_kernel  # type: ignore[assignment]

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if not self.sandboxed:
            raise RuntimeError(
                f"the kernel sandbox cannot start here: {self.problem}. No student code was run "
                "(unsandboxed execution only when asked for: autograde --execute --no-sandbox)"
            )
        self._prepare(kw.get("cwd"))
        assert self._cwd is not None and self._runtime is not None and self.uid is not None
        kw["cwd"] = self._cwd
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        if self.kind == AS_ROOT:
            os.chown(self.connection_file, self.uid, self.uid)
        kw["env"] = self._kernel_env(kw.get("env") or dict(os.environ))
        return self._wrap(cmd), kw

    pre_start_kernel = _async_pre_start_kernel  # type: ignore[assignment]

    def _prepare(self, cwd: str | None) -> None:
        """Pick the kernel's user, make its runtime folder and hand it the kernel's folder (once)."""
        if self._runtime is not None:
            return  # a restart keeps user, folders and connection file
        self.uid = _fresh_uid()
        base = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()  # short: Unix socket paths are limited
        self._runtime = tempfile.mkdtemp(prefix="medialit-kernel-", dir=base)
        if self.kind == AS_ROOT:
            os.chown(self._runtime, self.uid, self.uid)
        self.connection_file = os.path.join(self._runtime, "kernel.json")
        self.ip = os.path.join(self._runtime, "kernel-ipc")
        if cwd is None:
            cwd = os.path.join(self._runtime, "work")
            os.mkdir(cwd, 0o755)
        self._cwd = _real(cwd)
        for path in [*self.hidden_paths, *self.readonly_paths, *_required_paths()]:
            if _is_within(_real(path), self._cwd):
                self._release()
                raise ValueError(f"the kernel's folder {self._cwd} holds {path}, which the kernel must not change")
        self._owners = {}
        if self.kind != AS_ROOT:
            return  # in a user namespace the kernel writes as the grader's account: nothing to hand over
        for path in self._tree(self._cwd):
            info = os.lstat(path)
            self._owners[path] = (info.st_uid, info.st_gid)
            os.lchown(path, self.uid, self.uid)

    @staticmethod
    def _tree(folder: str) -> list[str]:
        """``folder`` and everything below it, without following symbolic links."""
        paths = [folder]
        for root, dirs, files in os.walk(folder):
            paths += [os.path.join(root, name) for name in dirs + files]
        return paths

    def _kernel_env(self, env: dict[str, str]) -> dict[str, str]:
        """Only what the kernel needs: nothing that leads back into the course or holds a secret."""
        spec_env = set(self.kernel_spec.env) if self.kernel_spec else set()
        kept = {
            name: value
            for name, value in env.items()
            if name in spec_env or any(fnmatch.fnmatchcase(name, pattern) for pattern in self.env_keep)
        }
        for name in ("MEDIALIT_COURSE", "MEDIALIT_ANSWERS_DIR", "PWD", "OLDPWD", "JPY_PARENT_PID"):
            kept.pop(name, None)
        kept.setdefault("PATH", os.defpath)
        for name in ONE_THREAD:
            kept.setdefault(name, "1")
        kept.update(HOME="/tmp", TMPDIR="/tmp")
        return kept

    def _wrap(self, cmd: list[str]) -> list[str]:
        """The kernel command inside bwrap, with resource limits, as the kernel's user."""
        assert self._cwd is not None and self._runtime is not None and self.uid is not None
        readonly = [*_required_paths(), *self.readonly_paths]
        limits = [
            f"--as={self.memory_limit}", f"--nproc={self.process_limit}", f"--cpu={self.cpu_limit}",
            f"--fsize={self.file_size_limit}", "--core=0",
        ]  # fmt: skip
        return [
            *_isolation(self.kind, self.uid),
            *mount_args(self.hidden_paths, readonly, [self._runtime, self._cwd], self.tmpfs_size),
            "--chdir", self._cwd,
            "--setenv", "JPY_PARENT_PID", "1",  # its parent is the sandbox's init (launch_kernel sets the grader's)
            *_limits(self.kind, self.uid, limits), *cmd,
        ]  # fmt: skip

    async def _async_signal_kernel(self, signum: int) -> None:
        """Signal the kernel's process group inside the sandbox (signalling bwrap would kill it)."""
        if not self.sandboxed or not self.has_kernel or self.provisioner is None:
            return await super()._async_signal_kernel(signum)
        bwrap_pid = getattr(self.provisioner, "pid", None)
        pid = _kernel_pid(bwrap_pid) if bwrap_pid else None
        if pid is None:
            if signum != signal.SIGINT:
                await super()._async_signal_kernel(signum)
            return None
        try:
            os.killpg(os.getpgid(pid), signum)
        except OSError:
            os.kill(pid, signum)
        return None

    signal_kernel = _async_signal_kernel  # type: ignore[assignment]

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._release()

    cleanup_resources = _async_cleanup_resources  # type: ignore[assignment]

    def _release(self) -> None:
        """Stop whatever the kernel still runs, give the folder back, remove the runtime folder."""
        if self.uid is not None and self.kind == AS_ROOT:
            _kill_user(self.uid)
        if self.pid_namespace:
            _kill_namespace(self.pid_namespace)
        if self._cwd is not None and self.uid is not None and os.path.isdir(self._cwd):
            self._give_back(self._cwd, self.uid if self.kind == AS_ROOT else os.geteuid())
        if self._runtime is not None:
            shutil.rmtree(self._runtime, ignore_errors=True)
        self._runtime = self._cwd = None
        self.pid_namespace = ""
        self._owners = {}

    def _give_back(self, folder: str, uid: int) -> None:
        """Return ownership; drop set-id bits, and special files and outward links the kernel made."""
        default = self._owners.get(folder, (0, 0))
        for path in self._tree(folder):
            try:
                info = os.lstat(path)
                if info.st_uid != uid and info.st_gid != uid:
                    continue
                if stat.S_ISLNK(info.st_mode) and not _is_within(_real(path), folder):
                    os.unlink(path)  # a grader reading it would read outside the folder
                    continue
                if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode) or stat.S_ISLNK(info.st_mode)):
                    os.unlink(path)  # fifos and sockets would block or confuse the grader
                    continue
                if not stat.S_ISLNK(info.st_mode) and info.st_mode & 0o6000:
                    os.chmod(path, stat.S_IMODE(info.st_mode) & ~0o6000)
                if self.kind == AS_ROOT:
                    os.lchown(path, *self._owners.get(path, default))
            except OSError as exc:
                self.log.warning("Could not give %s back after the sandboxed kernel: %s", path, exc)


def _children(pid: int) -> list[tuple[int, int]]:
    """(start time, pid) of the processes whose parent is ``pid``."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append((int(fields[19]), int(entry.name)))
    return sorted(found)


def _kernel_pid(bwrap_pid: int) -> int | None:
    """The kernel's pid (as seen from here): the first child of bwrap's init process."""
    for _, init in _children(bwrap_pid):
        kernels = _children(init)
        if kernels:
            return kernels[0][1]
    return None


def user_pids(uid: int) -> list[int]:
    """Processes whose real user id is ``uid`` (read from /proc/PID/status, which no process can hide)."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status") as f:
                line = next(line for line in f if line.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        if int(line.split()[1]) == uid:
            pids.append(int(entry.name))
    return pids


async def _pid_namespace(bwrap_pid: int | None) -> str:
    """The PID namespace bwrap made for the kernel ('' if it cannot be found within a few seconds)."""
    if not bwrap_pid:
        return ""
    own = os.readlink("/proc/self/ns/pid")
    for _ in range(100):
        for _, child in _children(bwrap_pid):
            with contextlib.suppress(OSError):
                namespace = os.readlink(f"/proc/{child}/ns/pid")
                if namespace != own:
                    return namespace
        await asyncio.sleep(0.05)
    return ""


def namespace_pids(namespace: str) -> list[int]:
    """Processes in the PID namespace ``namespace`` (as ``/proc/PID/ns/pid`` names it)."""
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{entry.name}/ns/pid") == namespace:
                    pids.append(int(entry.name))
    return pids


def _kill_until_gone(find: Callable[[], list[int]], attempts: int = 100) -> None:
    """SIGKILL every process ``find`` lists, again and again, until it lists none."""
    for _ in range(attempts):
        pids = find()
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)


def _kill_namespace(namespace: str) -> None:
    """SIGKILL every process left in the kernel's PID namespace (its init's death normally takes them all)."""
    _kill_until_gone(lambda: namespace_pids(namespace))


def _kill_user(uid: int) -> None:
    """SIGKILL every process of ``uid`` until none is left (the uid belongs to one kernel only)."""
    _kill_until_gone(lambda: user_pids(uid))


class SandboxedExecute(Execute):
    """nbgrader's Execute with its kernels in the sandbox (Execute hard-codes its kernel manager class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)
