"""Saved answers: a human-readable JSON file beside the notebook.

Widgets write every change at once, so nothing a student chose is lost when the
kernel restarts, and nbgrader's autograder (which re-runs the notebook in a fresh
kernel, without widget state) reads exactly what the student chose.

The file ``NAME.answers.json`` looks like::

    {"medialit_answers": 1, "name": "01-anatomy", "saved": "2026-11-28T10:00:00+00:00",
     "answers": {"labels": {"h1": "framing", "p1s1": "unsourced"}}}

A missing file means a fresh start. A corrupt file is moved aside under a new
name (never overwritten) and the problem is reported in ``warning``.
"""

from __future__ import annotations

import json
import os
import tempfile
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


def read_answers(path: str | Path) -> dict[str, Any]:
    """Read an answers file and return its ``answers`` mapping.

    Raises AnswerFileError (with a reason a teacher can read) when the file is
    missing, too large, not JSON, or not an answers file.
    """
    path = Path(path)
    if not path.exists():
        raise AnswerFileError(f"{path.name} is missing: no answers were saved")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise AnswerFileError(f"{path.name} is {size / 1e6:.0f} MB, too large for an answers file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise AnswerFileError(f"{path.name} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise AnswerFileError(f"{path.name} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or data.get(FORMAT_KEY) != 1 or not isinstance(data.get("answers"), dict):
        raise AnswerFileError(f"{path.name} is not a medialit answers file (no 'answers' mapping)")
    return data["answers"]


class AnswerStore:
    """The answers of one notebook, kept in memory and saved on every change."""

    def __init__(self, name: str, folder: str | Path | None = None):
        self.name = name
        self.path = answers_path(name, folder)
        self.warning: str | None = None
        self.answers: dict[str, Any] = {}
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
        data = {
            FORMAT_KEY: 1,
            "name": self.name,
            "saved": datetime.now(UTC).isoformat(timespec="seconds"),
            "answers": self.answers,
        }
        text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
