"""Fingerprints of the files grading relies on (the kit's package, masters, release, keys, seeds).

``autograde`` hashes them before grading and after, and checks them again before every merge:
a result graded after one of them changed is not kept. The check before a merge reads a file
again only when its stat (inode, size, modification and change time, in ns) differs from the
one taken when it was hashed, as git does for its index: a write changes the change time
(ctime), which no user can set back. A file changed within ``RACY`` seconds of its hashing
could share that stat with its old content (a coarse clock, another host's clock): such a file
is hashed again at every check.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

RACY = 60  # seconds: a file changed this close to its hashing is always hashed again
Stat = tuple[int, int, int, int]


def file_hash(path: Path) -> str:
    """The file's SHA-256 ('' when it does not exist)."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def _stat(path: Path) -> Stat | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class Fingerprints:
    """The protected files' hashes by path, and the stat each was hashed at."""

    def __init__(self, folders: list[Path]) -> None:
        self.hashes: dict[str, str] = {}
        self.stats: dict[str, Stat | None] = {}
        since = time.time_ns() - RACY * 1_000_000_000
        for folder in folders:
            if not folder.exists():
                continue
            for path in sorted(folder.rglob("*")):
                if "__pycache__" in path.parts or not path.is_file():
                    continue
                stat = _stat(path)
                self.hashes[str(path)] = file_hash(path)
                self.stats[str(path)] = stat if stat is not None and stat[3] < since else None  # racy: hash again

    def changed(self) -> str:
        """The first protected file that changed since it was hashed ('' if none)."""
        for path, digest in self.hashes.items():
            stat = self.stats[path]
            if stat is not None and _stat(Path(path)) == stat:
                continue
            if file_hash(Path(path)) != digest:
                return path
        return ""
