"""Whose answers folder a page of the app uses.

- One student (``medialit app``): none of its own; the lesson saves beside the notebook, the very
  file JupyterLab uses, so the student can move between the app and Lab.
- Several students on one server (``medialit app --per-student DIR``): ``DIR/<user>/``, where
  ``<user>`` is the server's login identity of the browser (a cookie signed with a secret kept in
  ``DIR``, so logins survive a restart). It never comes from the page or the address.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

_SAFE = re.compile(r"[^A-Za-z0-9_-]")
SECRET_FILE = ".cookie_secret"


def folder_name(username: str) -> str:
    """A folder name for a user: their name when it is plain letters, digits, - and _, else a hash of it."""
    if username and not _SAFE.search(username) and len(username) <= 64:
        return username
    digest = hashlib.sha256(username.encode("utf-8")).hexdigest()[:16]
    return f"{_SAFE.sub('_', username)[:32]}-{digest}"


def student_folder(base: str | Path, username: str) -> Path:
    """``base/<user>``, created (private to the server's account) if it does not exist."""
    folder = Path(base) / folder_name(username)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def cookie_secret(base: str | Path) -> bytes:
    """The login-cookie secret kept in ``base`` (made once), so a student's login outlives a restart."""
    path = Path(base) / SECRET_FILE
    if path.is_file():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    Path(base).mkdir(mode=0o700, parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secret.hex())
    return secret
