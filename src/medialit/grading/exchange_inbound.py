"""Read nbgrader's ``inbound/`` folder without trusting it: whose a submission is, when it came, what is in it.

Every student's account can write into ``inbound/`` (nbgrader makes it ``0733``, and each
submission folder ``0777``), so everything there is hostile input:

- **Whose.** A folder named ``bob+ps1+…`` is bob's only if bob's account owns it, where an
  account of that name exists on this machine (``pwd.getpwnam``). Files inside it must be
  owned by that account too (another student could drop one into the ``0777`` folder). On a
  computer without the students' accounts (a teacher's own laptop) nothing can be checked;
  ``collect`` says so once.
- **When.** The folder name and ``timestamp.txt`` are written by the student's own process, so
  both can say anything. The time kept is the server's: the latest *change time* (``st_ctime``)
  of the student's own files in it (the folder's own, only when it holds none). The kernel sets
  ``st_ctime`` to the clock's time on every change (``touch`` and ``utime`` included), so its owner
  can move it later but never earlier; ``st_mtime`` can be set back with ``touch -d``, which is why
  it is not used. The folder's time is left out because another account can change it (by adding
  a file to the ``0777`` folder), which would make its owner look late. (Copying the exchange with
  ``cp -a``/``rsync`` or restoring it from a backup sets every ``st_ctime`` to the copy's time:
  collect before moving it.)
- **What.** Only regular files are copied, each opened with ``O_NOFOLLOW`` folder by folder:
  links, named pipes, devices and sockets are refused and named, and per-file, per-submission
  and file-count caps hold. Nothing is half copied: a submission is staged in a folder of its
  own and moved into place whole, or not at all.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from medialit.grading.layout import TIMESTAMP, parse_timestamp
from medialit.grading.nbgrader_settings import IGNORE

try:
    import pwd
except ImportError:  # Windows: no accounts to check
    pwd = None  # type: ignore[assignment]

FILE_BYTES = 100_000_000  # one file (nbgrader's own default max_file_size)
SUBMISSION_BYTES = 250_000_000  # one submission, all its files
MAX_FILES = 500  # files and folders in one submission
MAX_DEPTH = 8  # folders inside folders
CLOCK_TOLERANCE = timedelta(minutes=5)  # timestamp.txt may differ from the server's time by this much
CLAIM_BYTES = 200  # a timestamp.txt longer than this is not a time
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)


class Refused(Exception):
    """The whole submission cannot be collected (the reason is the message)."""


@dataclass
class InboundEntry:
    """One entry of ``inbound/`` named for an assignment: ``STUDENT+ASSIGNMENT+TIME[+RANDOM]``."""

    name: str
    student: str  # the student its name claims
    stamp: str  # the time in its name (the student's own process wrote it)
    uid: int
    mode: int
    ctime: float

    @property
    def owner(self) -> str:
        return account_name(self.uid)


@dataclass
class Staged:
    """What was copied from one inbound folder."""

    files: list[str] = field(default_factory=list)  # relative paths, as stored
    refused: list[str] = field(default_factory=list)  # "path: why" for each file not copied
    received: datetime | None = None  # the server's time (UTC, naive): the latest st_ctime of the student's files
    claimed: str = ""  # what the student's timestamp.txt says ('' when there is none)
    size: int = 0


def account_uid(student: str) -> int | None:
    """The uid of the account named ``student`` on this machine (None: no such account, or no accounts)."""
    if pwd is None:
        return None
    try:
        return pwd.getpwnam(student).pw_uid
    except (KeyError, ValueError):
        return None


def account_name(uid: int) -> str:
    """The name of the account with ``uid`` ('uid N' when it has none)."""
    if pwd is not None:
        with contextlib.suppress(KeyError):
            return pwd.getpwuid(uid).pw_name
    return f"uid {uid}"


def entry_pattern(assignment: str) -> re.Pattern:
    """``STUDENT+ASSIGNMENT+TIME`` with nbgrader's optional ``+RANDOM``."""
    return re.compile(rf"^(?P<student>.+?)\+{re.escape(assignment)}\+(?P<stamp>[^+]+)(?:\+[^+]*)?$", re.S)


def inbound_entries(inbound: Path, assignment: str) -> tuple[list[InboundEntry], list[str]]:
    """The folders of ``inbound`` named for ``assignment``, and "name: why" for entries that are no folder."""
    pattern = entry_pattern(assignment)
    found: list[InboundEntry] = []
    refused: list[str] = []
    with os.scandir(inbound) as listing:
        for item in listing:
            m = pattern.match(item.name)
            if not m:
                continue
            try:
                info = item.stat(follow_symlinks=False)
            except OSError as exc:
                refused.append(f"{item.name}: it could not be read ({exc.strerror or exc})")
                continue
            if not stat.S_ISDIR(info.st_mode):
                what = file_kind(info.st_mode)
                refused.append(f"{item.name}: it is {what}, not a submission folder")
                continue
            found.append(
                InboundEntry(item.name, m.group("student"), m.group("stamp"), info.st_uid, info.st_mode, info.st_ctime)
            )
    return sorted(found, key=lambda e: (e.ctime, e.name)), sorted(refused)


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words (for refusals)."""
    if stat.S_ISLNK(mode):
        return "a link"
    if stat.S_ISFIFO(mode):
        return "a named pipe (fifo)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def _ignored(name: str) -> bool:
    """Files nbgrader never copies (checkpoints, caches, answer keys): left out quietly, as nbgrader does."""
    return any(fnmatch.fnmatch(name, pattern) for pattern in IGNORE)


def size_text(size: int) -> str:
    """A size in words: MB, or kB below one MB."""
    return f"{size / 1e6:.0f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1e3))} kB"


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


@contextlib.contextmanager
def _opened(name: str, dir_fd: int, flags: int) -> Iterator[int]:
    fd = os.open(name, flags | _NOFOLLOW, dir_fd=dir_fd)
    try:
        yield fd
    finally:
        os.close(fd)


def stage(inbound: Path, entry: InboundEntry, dest: Path, owner_uid: int | None) -> Staged:
    """Copy the regular files of ``inbound/ENTRY`` into ``dest`` (an empty folder); Refused if it cannot be.

    ``owner_uid``: every file must belong to it (None: not checked). timestamp.txt is read as the
    student's claim, never copied.
    """
    if os.open not in os.supports_dir_fd or not _NOFOLLOW:
        raise Refused("this system cannot open files without following links, so the exchange cannot be read safely")
    staged = Staged()
    top = os.open(inbound, os.O_RDONLY | _DIRECTORY)  # the exchange's own folder: the administrator's
    try:
        with _opened(entry.name, top, os.O_RDONLY | _DIRECTORY) as fd:
            info = os.fstat(fd)
            if info.st_uid != entry.uid:
                raise Refused("its owner changed while it was being collected")
            _copy_folder(fd, "", dest, staged, owner_uid, 0)
            if staged.received is None:  # no file: the folder's own time
                staged.received = _utc(info.st_ctime)
    except OSError as exc:
        raise Refused(f"it could not be read ({exc.strerror or exc})") from exc
    finally:
        os.close(top)
    return staged


def _copy_folder(fd: int, rel: str, dest: Path, staged: Staged, owner_uid: int | None, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise Refused(f"its folders nest more than {MAX_DEPTH} deep")
    for name in sorted(os.listdir(fd)):
        path = f"{rel}{name}"
        if _ignored(name):
            continue
        if len(staged.files) + len(staged.refused) >= MAX_FILES:
            raise Refused(f"it holds more than {MAX_FILES} files (the limit for one submission)")
        try:
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except OSError as exc:
            staged.refused.append(f"{path}: it could not be read ({exc.strerror or exc})")
            continue
        if owner_uid is not None and info.st_uid != owner_uid:
            staged.refused.append(f"{path}: it belongs to the account {account_name(info.st_uid)}, not the student's")
            continue
        if stat.S_ISLNK(info.st_mode):
            staged.refused.append(f"{path}: it is a link (to {_readlink(name, fd)}); links are never followed")
        elif stat.S_ISDIR(info.st_mode):
            try:
                with _opened(name, fd, os.O_RDONLY | _DIRECTORY) as inner:
                    if os.fstat(inner).st_ino != info.st_ino:
                        raise OSError(0, "it was replaced while being read")
                    (dest / name).mkdir()
                    _copy_folder(inner, path + "/", dest / name, staged, owner_uid, depth + 1)
            except OSError as exc:
                staged.refused.append(f"{path}/: the folder could not be read ({exc.strerror or exc})")
        elif not stat.S_ISREG(info.st_mode):
            staged.refused.append(f"{path}: it is {file_kind(info.st_mode)}, not a file")
        elif info.st_size > FILE_BYTES:
            staged.refused.append(
                f"{path}: it is {size_text(info.st_size)}, over the {size_text(FILE_BYTES)} cap for one file"
            )
        else:
            _copy_file(name, fd, path, dest, staged, info, rel == "" and name == TIMESTAMP)


def _readlink(name: str, fd: int) -> str:
    try:
        return os.readlink(name, dir_fd=fd)
    except OSError:
        return "somewhere"


def _copy_file(name: str, fd: int, path: str, dest: Path, staged: Staged, before: os.stat_result, claim: bool) -> None:
    """Copy one regular file (opened without following links, never blocking); or say why not."""
    try:
        with _opened(name, fd, os.O_RDONLY | _NONBLOCK | _NOCTTY) as src:
            info = os.fstat(src)
            if not stat.S_ISREG(info.st_mode) or info.st_ino != before.st_ino:
                staged.refused.append(f"{path}: it was replaced while being read")
                return
            if claim:
                staged.claimed = os.read(src, CLAIM_BYTES + 1).decode("utf-8", "replace").strip()
                staged.received = max(staged.received or _utc(0), _utc(os.fstat(src).st_ctime))
                return
            size = 0
            with open(dest / name, "wb") as out:
                while chunk := os.read(src, 1 << 20):
                    size += len(chunk)
                    if size > FILE_BYTES:
                        break
                    if staged.size + size > SUBMISSION_BYTES:
                        raise Refused(f"it holds more than {size_text(SUBMISSION_BYTES)} (the cap for one submission)")
                    out.write(chunk)
            if size > FILE_BYTES:
                (dest / name).unlink()
                staged.refused.append(
                    f"{path}: it grew over the {size_text(FILE_BYTES)} cap for one file while being read"
                )
                return
            staged.size += size
            staged.received = max(staged.received or _utc(0), _utc(os.fstat(src).st_ctime))
            staged.files.append(path)
    except OSError as exc:
        staged.refused.append(f"{path}: it could not be read ({exc.strerror or exc})")


def time_flag(staged: Staged, entry: InboundEntry) -> str:
    """Why the student's own times disagree with the server's ('' when they agree within CLOCK_TOLERANCE)."""
    received = staged.received
    if received is None:
        return ""
    server = f"the exchange received it at {received:%Y-%m-%d %H:%M:%S} UTC"
    if not staged.claimed:
        return f"it has no timestamp.txt (its folder name says {entry.stamp[:40]!r}); {server}, which is the time used"
    claimed = parse_timestamp(staged.claimed)
    if claimed is None:
        return f"its timestamp.txt holds {staged.claimed[:40]!r}, not a time; {server}, which is the time used"
    if abs(claimed - received) > CLOCK_TOLERANCE:
        return (
            f"its timestamp.txt says {claimed:%Y-%m-%d %H:%M:%S} UTC but {server}; the exchange's time is used "
            "for lateness (a student's own file can say anything)"
        )
    return ""
