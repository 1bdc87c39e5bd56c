"""A throw-away PostgreSQL cluster for the tests: initdb in a temporary folder, a Unix socket only.

The server runs as the ``postgres`` account (initdb refuses root), listens on no TCP port and
trusts every local connection. Each test asks for a database of its own with :meth:`Server.create_db`.
When PostgreSQL is not installed the tests that need it are skipped, except under ``CI=true``,
where CI installs it and a missing server must fail.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)  # Debian: the newest version first
ACCOUNT = "postgres"


def missing() -> str:
    """Why no test server can be started here ('' when it can)."""
    if not BIN_DIRS or not (BIN_DIRS[0] / "initdb").exists():
        return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; apt-get install postgresql)"
    try:
        pwd.getpwnam(ACCOUNT)
    except KeyError:
        return f"there is no {ACCOUNT!r} account to run the test server as"
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != ACCOUNT:
        return f"the test server runs as {ACCOUNT!r}: run the tests as root or as {ACCOUNT}"
    if not shutil.which("pg_dump") and not (BIN_DIRS[0] / "pg_dump").exists():
        return "pg_dump is not installed"
    return ""


class Server:
    """One cluster: ``start()``, ``url(db)``, ``create_db()``, ``stop()`` (safe to call twice)."""

    def __init__(self) -> None:
        self.bin = BIN_DIRS[0]
        self.base = Path(tempfile.mkdtemp(prefix="medialit-pg-"))
        self.data = self.base / "data"
        self.socket = self.base / "socket"
        self.log = self.base / "server.log"
        self.started = False

    def _as_postgres(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", ACCOUNT, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)

    def start(self) -> Server:
        account = pwd.getpwnam(ACCOUNT)
        self.base.chmod(0o755)
        self.socket.mkdir()
        for path in (self.base, self.socket):
            os.chown(path, account.pw_uid, account.pw_gid)
        done = self._as_postgres("initdb", "-D", str(self.data), "--auth=trust", "--username=postgres", "-E", "UTF8")
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr or done.stdout}")
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.socket}' -c fsync=off"
        done = self._as_postgres("pg_ctl", "start", "-w", "-D", str(self.data), "-l", str(self.log), "-o", options)
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr or done.stdout}\n{log}")
        self.started = True
        return self

    def url(self, database: str, role: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database``, over the socket, as ``role`` (trusted: no password)."""
        return f"postgresql+psycopg://{role}@/{database}?host={self.socket}"

    def create_role(self, name: str) -> None:
        """A login role that owns nothing."""
        done = self._as_postgres("createuser", "-h", str(self.socket), "-U", "postgres", name)
        if done.returncode != 0:
            raise RuntimeError(f"createuser failed: {done.stderr}")

    def create_db(self, prefix: str = "medialit") -> str:
        """A new empty database; return its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        done = self._as_postgres("createdb", "-h", str(self.socket), "-U", "postgres", name)
        if done.returncode != 0:
            raise RuntimeError(f"createdb failed: {done.stderr}")
        return self.url(name)

    def stop(self) -> None:
        if self.started:
            self._as_postgres("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")
            self.started = False
        shutil.rmtree(self.base, ignore_errors=True)
