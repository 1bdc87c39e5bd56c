"""Saved answers: a human-readable JSON file beside the notebook.

Widgets write every change at once, so nothing a student chose is lost when the
kernel restarts, and nbgrader's autograder (which re-runs the notebook in a fresh
kernel, without widget state) reads exactly what the student chose.

The file ``NAME.answers.json`` looks like::

    {"medialit_answers": 1, "name": "01-anatomy", "saved": "2026-11-28T10:00:00+00:00",
     "answers": {"labels": {"h1": "framing", "p1s1": "unsourced"}}}

A missing file means a fresh start. A corrupt file is moved aside under a new
name (never overwritten) and the problem is reported in ``warning``.

An exercise's last cell shows a *submission receipt* whose output carries the same
document under ``RECEIPT_MIME``; saving the notebook saves it, so the notebook alone is a
complete submission. The grader uses the answers file or the receipt, the newer one.

That rule lives in one function, :func:`submitted_answers`; the grader, the feedback pages,
Validate and the receipt check read saved answers through it, so what a page shows is what
was scored.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMAT_KEY = "medialit_answers"
FOLDER_ENV = "MEDIALIT_ANSWERS_DIR"  # tests set it to keep answers out of the repository
MAX_BYTES = 5_000_000  # far above any real answer file; larger files are not read


def answers_path(name: str, folder: str | Path | None = None) -> Path:
    """Where the answers of notebook ``name`` are saved: beside the notebook (the kernel's
    working folder), unless ``folder`` or ``$MEDIALIT_ANSWERS_DIR`` says otherwise."""
    redirect = None if os.environ.get("NBGRADER_EXECUTION") else os.environ.get(FOLDER_ENV)  # never when grading
    return Path(folder or redirect or Path.cwd()) / f"{name}.answers.json"


class AnswerFileError(ValueError):
    """An answers file could not be used; the message says why and what to do."""


MAX_DEPTH = 32  # real answers nest 3 or 4 levels; deeper files are refused before anything recurses
MAX_DIGITS = 15  # integers are ids or counts; longer ones are refused (Python's 4300-digit limit never applies)
_SURROGATE = re.compile("[\ud800-\udfff]")  # a lone "\ud800" escape cannot be written back as UTF-8


class _Refused(Exception):
    """A reason to refuse the file, raised from inside the JSON parser's hooks."""


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused(f"has a number with {len(text.lstrip('-'))} digits (at most {MAX_DIGITS} are accepted)")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"has a number too large to use ({text[:20]}{'...' if len(text) > 20 else ''})")
    return value


def _constant(text: str) -> Any:
    raise _Refused(f"has {text}, which is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise _Refused(f"has the key {twice[:40]!r} twice (which one counts is ambiguous)")
    return data


def _clean(value: Any, depth: int = 1) -> Any:
    """``value`` with lone surrogates replaced by U+FFFD; refused when nested deeper than MAX_DEPTH."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list | dict) and depth > MAX_DEPTH:
        raise _Refused(f"is nested too deeply (more than {MAX_DEPTH} levels)")
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v, depth + 1) for k, v in value.items()}
    return value


def read_answers(path: str | Path) -> dict[str, Any]:
    """Read an answers file and return its ``answers`` mapping (see ``read_document``)."""
    return read_document(path)["answers"]


def read_document(path: str | Path) -> dict[str, Any]:
    """Read an answers file: the whole document (``answers``, ``saved``, ``name``).

    Raises AnswerFileError (with a reason a teacher can read) when the file is
    missing, too large, not a regular file, not UTF-8 JSON, or not an answers file.
    Any file under MAX_BYTES is either read or refused with a reason, never a crash:

    - refused: nesting deeper than MAX_DEPTH, integers over MAX_DIGITS digits, numbers
      that overflow to infinity (``1e999``), ``NaN``/``Infinity``, a key given twice,
      UTF-16/UTF-32 text (saved in the wrong encoding: save it as UTF-8);
    - read: a UTF-8 byte-order mark (ignored); lone surrogate escapes (``"\\ud800"``) become
      U+FFFD so the answers can be written back as UTF-8; long strings (under MAX_BYTES).
    """
    path = Path(path)
    if not path.exists():
        raise AnswerFileError(f"{path.name} is missing: no answers were saved")
    if not path.is_file():
        raise AnswerFileError(f"{path.name} is not a regular file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise AnswerFileError(f"{path.name} is {size / 1e6:.0f} MB, too large for an answers file")
    with path.open("rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise AnswerFileError(f"{path.name} is too large for an answers file")
    encoding = json.detect_encoding(raw)
    if encoding.startswith(("utf-16", "utf-32")):
        label = "UTF-16" if encoding.startswith("utf-16") else "UTF-32"
        raise AnswerFileError(f"{path.name} is saved as {label} text, not UTF-8: save it again as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnswerFileError(f"{path.name} is not UTF-8 text") from None
    return parse_document(text, path.name)


def parse_document(text: str, label: str) -> dict[str, Any]:
    """An answers document from JSON ``text`` (``label`` names it in messages), read or refused."""
    if len(text) > MAX_BYTES:
        raise AnswerFileError(f"{label} is too large for an answers file")
    try:
        data = _clean(
            json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant, object_pairs_hook=_object)
        )
    except _Refused as exc:
        raise AnswerFileError(f"{label} {exc}") from None
    except RecursionError:  # json's C parser stops at Python's recursion limit (about 1000 levels)
        raise AnswerFileError(f"{label} is nested too deeply (more than {MAX_DEPTH} levels)") from None
    except json.JSONDecodeError as exc:
        raise AnswerFileError(f"{label} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except (ValueError, MemoryError) as exc:  # a last guard: the hooks above should refuse first
        raise AnswerFileError(f"{label} could not be read ({type(exc).__name__})") from None
    if not isinstance(data, dict) or data.get(FORMAT_KEY) != 1 or not isinstance(data.get("answers"), dict):
        raise AnswerFileError(f"{label} is not a medialit answers file (no 'answers' mapping)")
    return data


def document(name: str, answers: dict[str, Any], saved: datetime | None = None) -> dict[str, Any]:
    """The answers document as saved in the file and carried by the receipt (``saved``: default now)."""
    return {
        FORMAT_KEY: 1,
        "name": name,
        "saved": (saved or datetime.now(UTC)).isoformat(timespec="seconds"),
        "answers": answers,
    }


def answers_text(name: str, answers: dict[str, Any], saved: datetime | None = None) -> str:
    """The text of an answers file: the one writer of the format (the answer store and the demo use it)."""
    text = json.dumps(document(name, answers, saved), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return _SURROGATE.sub("\ufffd", text)  # a lone surrogate from the browser cannot be written as UTF-8


def saved_at(doc: dict[str, Any]) -> datetime | None:
    """When a document was saved (None when it does not say, or says it in a form that cannot be read)."""
    try:
        moment = datetime.fromisoformat(str(doc.get("saved", "")))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def saved_later(doc: dict[str, Any], than: dict[str, Any]) -> bool:
    """True when ``doc`` was saved after ``than`` (a document that does not say when counts as oldest)."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return (saved_at(doc) or epoch) > (saved_at(than) or epoch)


# ------------------------------------------------------------------ the receipt in the notebook

RECEIPT_MIME = "application/vnd.medialit.grading.answers+json"  # the receipt output's copy of the answers document
RECEIPT = "the notebook's submission receipt"


def read_receipt(nb: dict[str, Any]) -> dict[str, Any] | None:
    """The answers document carried by a notebook's receipt output (the last one), or None if it has none.

    Raises AnswerFileError when a receipt is there but cannot be used. The notebook is the
    student's file: the receipt is read with the same limits as an answers file.
    """
    found = None
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        for out in cell.get("outputs", []) if isinstance(cell, dict) else []:
            data = out.get("data") if isinstance(out, dict) else None
            if isinstance(data, dict) and RECEIPT_MIME in data:
                found = data[RECEIPT_MIME]
    if found is None:
        return None
    text = found if isinstance(found, str) else json.dumps(found, ensure_ascii=False)
    return parse_document(text, RECEIPT)


NOTEBOOK_CAP = 50_000_000  # bytes: a submitted notebook larger than this is not searched for a receipt


@dataclass(frozen=True)
class Saved:
    """A submission's saved answers by the one rule, or why there are none."""

    answers: dict[str, Any] | None  # None: neither copy can be used
    source: str = ""  # where they came from: the file's name, or the receipt and why it was used
    problem: str = ""  # why there are none ('' when there are)
    submitted: bool = True  # False: neither the answers file nor a receipt was handed in
    receipt_found: bool = False  # the notebook carries a receipt (usable or not)
    receipt_problem: str = ""  # why the receipt cannot be used
    receipt_behind: bool = False  # the answers file was saved after the receipt (the notebook was not saved since)


def submitted_answers(path: str | Path, notebook: str | Path | dict[str, Any] | None = None) -> Saved:
    """The saved answers of a submission: the answers file ``path`` or the receipt in ``notebook``, the newer.

    ``notebook`` is the notebook as the student saved it (a path, or the notebook already read).
    Either copy alone is enough: a student who forgot the answers file but saved the notebook
    after running its receipt cell loses nothing. Both usable: the receipt counts only when it
    was saved later; a document that does not say when counts as oldest.
    """
    path = Path(path)
    file_doc, file_problem = _file_document(path)
    receipt_doc, receipt_problem, found = _receipt_document(notebook)
    receipt = {"receipt_found": found, "receipt_problem": receipt_problem}
    if file_doc is not None and receipt_doc is not None:
        if saved_later(receipt_doc, file_doc):
            return Saved(receipt_doc["answers"], f"{RECEIPT} (newer than {path.name})", **receipt)
        return Saved(file_doc["answers"], path.name, receipt_behind=saved_later(file_doc, receipt_doc), **receipt)
    if file_doc is not None:
        return Saved(file_doc["answers"], path.name, **receipt)
    if receipt_doc is not None:
        why = f"{path.name} was not submitted" if not path.exists() else f"{path.name} was unusable ({file_problem})"
        return Saved(receipt_doc["answers"], f"{RECEIPT} ({why})", **receipt)
    if path.exists() or receipt_problem:
        return Saved(None, problem=file_problem if path.exists() else receipt_problem, **receipt)
    reason = f"neither {path.name} nor {RECEIPT} was submitted (no answers were saved)"
    return Saved(None, problem=reason, submitted=False, **receipt)


def _file_document(path: Path) -> tuple[dict[str, Any] | None, str]:
    """The answers file's document, or (None, why) when it is missing ('') or cannot be used."""
    if not path.exists():
        return None, ""
    try:
        return read_document(path), ""
    except AnswerFileError as exc:
        return None, str(exc)


def _receipt_document(notebook: str | Path | dict[str, Any] | None) -> tuple[dict[str, Any] | None, str, bool]:
    """The receipt's document in the notebook, why it cannot be used ('' when fine or absent), whether there is one."""
    nb = notebook
    if isinstance(notebook, str | Path):
        notebook = Path(notebook)
        if not notebook.is_file():
            return None, "", False
        try:
            if notebook.stat().st_size > NOTEBOOK_CAP:
                return None, f"{notebook.name} is too large to search for a receipt", False
            nb = json.loads(notebook.read_bytes().decode("utf-8-sig"))
        except (OSError, ValueError, RecursionError):
            return None, "", False  # an unreadable notebook is reported where the notebook is read
    if nb is None:
        return None, "", False
    try:
        doc = read_receipt(nb)
    except AnswerFileError as exc:
        return None, str(exc), True
    return doc, "", doc is not None


class AnswerStore:
    """The answers of one notebook, kept in memory and saved on every change."""

    def __init__(self, name: str, folder: str | Path | None = None):
        self.name = name
        self.path = answers_path(name, folder)
        self.warning: str | None = None
        self.answers: dict[str, Any] = {}
        self.listeners: dict[str, Callable[[dict[str, Any]], None]] = {}  # told of every save (the receipt)
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            self.answers = read_answers(self.path)
        except AnswerFileError as exc:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            aside = self.path.with_name(f"{self.name}.answers.corrupt-{stamp}.json")
            n = 1
            while aside.exists():
                aside = self.path.with_name(f"{self.name}.answers.corrupt-{stamp}-{n}.json")
                n += 1
            self.path.rename(aside)
            self.warning = (
                f"Your saved answers could not be read ({exc}). The file was kept as "
                f"{aside.name} and you are starting fresh. Ask your teacher if you need it back."
            )

    def get(self, key: str, default: Any = None) -> Any:
        return self.answers.get(key, default)

    def set(self, key: str, value: Any) -> None:
        """Record one widget's answer and save the file at once (atomically)."""
        self.answers[key] = value
        self.save()

    def save(self) -> None:
        text = answers_text(self.name, self.answers)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for listener in list(self.listeners.values()):
            listener(json.loads(text))  # a copy of exactly what was written
