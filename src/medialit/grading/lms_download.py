"""Read an LMS download zip without trusting it: every name first, then only the files the kit will use, capped.

A zip's central directory lists every entry's name and declared size. They are all read, and
checked against the caps, before anything is written: too many entries, or more declared bytes
in the files to extract than ``Caps.total``, stops ``collect`` with the cap named and nothing
extracted. Only entries ``wanted`` (an LMS name that belongs to a roster student) are extracted,
each counted while it is written, so a header that lies about its size cannot write more than
the caps either. Names a zip stores as UTF-8 without saying so (rubyzip's default, which
Canvas uses) are read as UTF-8 when they are valid UTF-8.

A text a student typed in the LMS (Moodle's online text, a Canvas text entry: "I was ill") is
read by :func:`typed_note` as hostile input: capped, decoded whatever its encoding, reduced to
plain text with no control or direction characters, for the teacher to read (pages escape it).
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

UTF8_FLAG = 0x800  # general purpose bit 11: the name is UTF-8
MB = 1_000_000
NOTE_BYTES = 20_000  # a typed note is a few lines; a bigger file is not read
NOTE_CHARS = 2_000  # the text kept of one note
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Caps:
    """How much one download may hold: in all (bytes to extract), entries, and one file (bytes)."""

    total: int = 2_000 * MB  # a class of 300 at over 6 MB each
    entries: int = 20_000
    file: int = 100 * MB


Entry = tuple[str, Path | None, datetime]  # name in the download, staged copy (None: not extracted), its time


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name: UTF-8 when the zip says so, or when the bytes zipfile read as cp437 are valid UTF-8."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def name_problem(name: str) -> str:
    """Why an entry's name is refused ('' when it is a plain relative path)."""
    clean = name.replace("\\", "/")
    if not clean.strip().strip("/"):
        return "its name is empty"
    if clean.startswith("/") or re.match(r"^[A-Za-z]:", clean):
        return "its path is absolute (outside the download)"
    parts = clean.rstrip("/").split("/")
    if ".." in parts:
        return "its path climbs out of the download with '..'"
    if "." in parts:
        return "its path holds a '.' folder"
    if "\0" in clean:
        return "its name holds a NUL character"
    return ""


def _problem(info: zipfile.ZipInfo, name: str, caps: Caps) -> str:
    if stat.S_ISLNK(info.external_attr >> 16):
        return "it is a link stored in the zip, not a file"
    reason = name_problem(name)
    if reason:
        return reason
    if info.file_size > caps.file:
        return f"it is {info.file_size / MB:.0f} MB, over the {caps.file / MB:.0f} MB limit for one file"
    return ""


def zip_entries(source: Path, tmp: Path, skipped: list[str], wanted: Callable[[str], bool], caps: Caps) -> list[Entry]:
    """Every file entry of the zip; those ``wanted`` extracted into ``tmp``. Refused entries go to ``skipped``.

    Raises CourseError, with nothing extracted, when the download is over a cap.
    """
    from medialit.grading.course import CourseError  # here: the CLI reads Caps without loading nbgrader

    fallback = datetime.fromtimestamp(source.stat().st_mtime)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CourseError(f"{source} could not be read as a zip ({exc}); download it again from the LMS") from exc
    with archive:
        infos = [
            i for i in archive.infolist() if not i.filename.endswith("/") and not i.filename.startswith("__MACOSX")
        ]
        if len(infos) > caps.entries:
            raise CourseError(
                f"{source} holds {len(infos)} files, over the cap of {caps.entries} for one download (the entry "
                "count cap): nothing was extracted. If it is a real LMS download, collect again with "
                f"--max-entries {len(infos)}"
            )
        plan: list[tuple[zipfile.ZipInfo, str, str]] = []
        for info in infos:
            name = entry_name(info)
            reason = _problem(info, name, caps)
            plan.append((info, name, reason or ("" if wanted(name) else "-")))
        declared = sum(info.file_size for info, _, why in plan if not why)
        if declared > caps.total:
            raise CourseError(
                f"{source}: its students' files would take {declared / MB:.0f} MB, over the cap of "
                f"{caps.total / MB:.0f} MB for one download (the total size cap): nothing was extracted. If it is a "
                f"real LMS download, collect again with --max-download-mb {declared // MB + 1}"
            )
        entries: list[Entry] = []
        written = 0
        for info, name, why in plan:
            when = _when(info, fallback)
            if why == "-":  # not a file the kit will use: its name is reported, its content never read
                entries.append((name, None, when))
                continue
            if why:
                skipped.append(f"{name}: {why}")
                continue
            target = tmp / str(len(entries))
            size, reason = _extract(archive, info, target, caps)
            written += size
            if written > caps.total:
                raise CourseError(
                    f"{source}: its files expand to more than their headers declare, over the cap of "
                    f"{caps.total / MB:.0f} MB for one download (the total size cap): nothing was collected. "
                    "Download it again from the LMS"
                )
            if reason:
                skipped.append(f"{name}: {reason}")
                continue
            entries.append((name, target, when))
    return entries


def _when(info: zipfile.ZipInfo, fallback: datetime) -> datetime:
    try:
        return datetime(*info.date_time)
    except ValueError:  # an impossible date in the zip: use the zip's own time
        return fallback


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, caps: Caps) -> tuple[int, str]:
    """Write one entry to ``target``, counting: (bytes written, '' or why it was refused)."""
    size = 0
    try:
        with archive.open(info) as member, target.open("wb") as out:
            while chunk := member.read(1 << 20):
                size += len(chunk)
                if size > caps.file or size > info.file_size:
                    break
                out.write(chunk)
    except (RuntimeError, NotImplementedError, EOFError, OSError, zipfile.BadZipFile, zlib.error) as exc:
        target.unlink(missing_ok=True)
        return size, f"it could not be read from the zip ({exc})"
    if size > caps.file or size > info.file_size:
        target.unlink(missing_ok=True)
        return size, f"it expands past its declared size or the {caps.file / MB:.0f} MB limit for one file"
    return size, ""


class _Text(HTMLParser):
    """The words of an LMS text entry's HTML: a line per block, nothing of scripts or styles."""

    BLOCKS = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skip += tag in ("script", "style")
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style") and self.skip > 0
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def entry_text(data: bytes, markup: bool = True) -> tuple[str, str]:
    """The plain text of a file a student typed or uploaded in the LMS, and a note when it was not UTF-8.

    The one reader of such text (``typed_note`` here, regrade requests in ``regrades``); the caller
    caps ``data``. UTF-8, else Windows-1252; HTML (when ``markup``) reduced to its text, a line per
    block; control, invisible and text-direction characters dropped; line ends made ``\\n``.
    """
    try:
        text, note = data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        text, note = data.decode("cp1252", errors="replace"), "not saved as UTF-8: read as Windows-1252"
    if markup:
        reader = _Text()
        try:
            reader.feed(text)
            reader.close()
            text = "".join(reader.parts)
        except Exception:  # hostile markup: keep the characters, as text
            pass
    return CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")), note


def typed_note(path: Path) -> str:
    """What a student typed in the LMS (the text entry saved at ``path``), as plain text for the teacher.

    At most ``NOTE_BYTES`` are read (a longer entry says so); read by :func:`entry_text`; blank lines
    and runs of spaces go; the text is cut at ``NOTE_CHARS``.
    """
    with Path(path).open("rb") as handle:
        data = handle.read(NOTE_BYTES + 1)
    if len(data) > NOTE_BYTES:
        return f"(a text over {NOTE_BYTES // 1000} kB: not read here, read it in the LMS)"
    text, _ = entry_text(data)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    return text if len(text) <= NOTE_CHARS else text[: NOTE_CHARS - 1].rstrip() + "…"
