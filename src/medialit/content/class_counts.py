"""The class file: how many students chose each label for each sentence, and nothing else.

``medialit report`` writes it from a graded class's saved labels (``class-labels.json``,
beside the report); lesson 07 reads it to compare a student's labels with the class. It holds
aggregate counts only: no names, no student ids, no order of submission::

    {"medialit_class_labels": 1, "assignment": "ps1-sources",
     "article": "venezuela-prisoner-releases-2026-01-14", "written": "2026-01-21",
     "students": 27, "min_answers": 10,
     "labels": ["named", "vague", "unsourced", "framing", "speculation"],
     "sentences": {"h1": {"named": 0, "vague": 1, "unsourced": 9, "framing": 17, "speculation": 0}},
     "left_out": ["p9s1"]}

``students`` counts those who labelled at least one sentence; a sentence's answers are the sum of
its counts. Privacy: no file is written for fewer than :data:`MIN_ANSWERS` students, and a
sentence fewer than that answered is left out (named in ``left_out``). With two students, your
own answer would give away the other's; from ten on, a count no longer points at one classmate
unless the class was unanimous. Ten is also where the class report stops warning that its
figures describe a few students rather than a class.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMAT_KEY = "medialit_class_labels"
FILE_NAME = "class-labels.json"
FILE_ENV = "MEDIALIT_CLASS_FILE"  # a path the teacher sets instead of the file beside the lessons
MIN_ANSWERS = 10
MAX_BYTES = 1_000_000  # a class file of a long article is a few kilobytes
KEYS = {FORMAT_KEY, "assignment", "article", "written", "students", "min_answers", "labels", "sentences", "left_out"}
FIX = "Ask your teacher for a fresh copy (`medialit report ASSIGNMENT` writes it) and put it in this lesson's folder."


class ClassFileError(ValueError):
    """A class file could not be used; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class ClassCounts:
    """Per sentence, how many students chose each label."""

    assignment: str
    article: str
    students: int
    labels: tuple[str, ...]
    sentences: dict[str, dict[str, int]]
    left_out: tuple[str, ...] = ()
    written: str = ""
    min_answers: int = MIN_ANSWERS
    path: Path | None = field(default=None, compare=False)

    def answered(self, sentence: str) -> int:
        return sum(self.sentences.get(sentence, {}).values())

    def shares(self, sentence: str) -> dict[str, float]:
        """Each label's share of the sentence's answers (empty when the file has no counts for it)."""
        n = self.answered(sentence)
        return {k: c / n for k, c in self.sentences.get(sentence, {}).items()} if n else {}

    def to_dict(self) -> dict[str, Any]:
        return {
            FORMAT_KEY: 1,
            "assignment": self.assignment,
            "article": self.article,
            "written": self.written,
            "students": self.students,
            "min_answers": self.min_answers,
            "labels": list(self.labels),
            "sentences": {sid: {k: counts.get(k, 0) for k in self.labels} for sid, counts in self.sentences.items()},
            "left_out": list(self.left_out),
        }

    def write(self, path: str | Path) -> Path:
        """Write the file atomically (a student never copies half of it)."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        return path


def tally(
    answers: Iterable[Mapping[str, str | None]],
    labels: Iterable[str],
    *,
    assignment: str,
    article: str,
    sentences: Iterable[str] | None = None,
    min_answers: int = MIN_ANSWERS,
) -> ClassCounts | None:
    """Count each student's labels (one mapping of sentence to label per student) into a class file.

    Only the counts are kept. None when fewer than ``min_answers`` students labelled anything;
    a sentence fewer than ``min_answers`` answered is left out. ``sentences`` gives their order
    (by default, the order they were first answered in).
    """
    labels = tuple(labels)
    counts: dict[str, dict[str, int]] = {}
    students = 0
    for student in answers:
        chosen = {sid: label for sid, label in student.items() if label in labels}
        students += bool(chosen)
        for sid, label in chosen.items():
            row = counts.setdefault(sid, dict.fromkeys(labels, 0))
            row[label] += 1
    if students < min_answers:
        return None
    order = list(sentences) if sentences is not None else list(counts)  # default: as first answered
    order += [sid for sid in counts if sid not in order]
    kept = {sid: counts[sid] for sid in order if sum(counts.get(sid, {}).values()) >= min_answers}
    dropped = tuple(sid for sid in order if sid in counts and sid not in kept)
    written = datetime.now(UTC).date().isoformat()
    return ClassCounts(assignment, article, students, labels, kept, dropped, written, min_answers)


def find_class_file(folder: str | Path | None = None) -> Path | None:
    """The class file a lesson should read: ``$MEDIALIT_CLASS_FILE``, else ``class-labels.json`` in ``folder``."""
    if os.environ.get(FILE_ENV):
        return Path(os.environ[FILE_ENV])
    path = Path(folder or Path.cwd()) / FILE_NAME
    return path if path.is_file() else None


def read_class_file(path: str | Path) -> ClassCounts:
    """Read and check a class file; ClassFileError says what is wrong with it and what to do."""
    path = Path(path)
    if not path.is_file():
        raise ClassFileError(f"The class file {path} does not exist. {FIX}")
    if path.stat().st_size > MAX_BYTES:
        raise ClassFileError(f"{path.name} is too large to be a class file. {FIX}")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ClassFileError(f"{path.name} is not UTF-8 text. {FIX}") from None
    except json.JSONDecodeError as exc:
        raise ClassFileError(f"{path.name} is not valid JSON (line {exc.lineno}: {exc.msg}). {FIX}") from None
    except RecursionError:
        raise ClassFileError(f"{path.name} is nested too deeply to be a class file. {FIX}") from None
    problems = _problems(data)
    if problems:
        raise ClassFileError(f"{path.name} is not a usable class file: {'; '.join(problems)}. {FIX}")
    return ClassCounts(
        assignment=data["assignment"],
        article=data["article"],
        students=data["students"],
        labels=tuple(data["labels"]),
        sentences={sid: dict(counts) for sid, counts in data["sentences"].items()},
        left_out=tuple(data.get("left_out", [])),
        written=str(data.get("written", "")),
        min_answers=data["min_answers"],
        path=path,
    )


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _problems(data: Any) -> list[str]:
    """What makes ``data`` unusable as a class file (empty when it is fine)."""
    if not isinstance(data, dict) or data.get(FORMAT_KEY) != 1:
        return [f"it does not start with {FORMAT_KEY!r}: 1"]
    out = [f"it has an unexpected entry {key!r}" for key in sorted(set(data) - KEYS)]
    for key in ("assignment", "article"):
        if not isinstance(data.get(key), str) or not data[key]:
            out.append(f"'{key}' should be a name")
    students, least = data.get("students"), data.get("min_answers")
    if not _count(least) or least < MIN_ANSWERS:
        out.append(f"'min_answers' should be a whole number, at least {MIN_ANSWERS}")
        least = MIN_ANSWERS
    if not _count(students) or students < least:
        out.append(f"'students' should be a whole number, at least {least}")
    labels = data.get("labels")
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
        return [*out, "'labels' should be a list of label names"]
    sentences = data.get("sentences")
    if not isinstance(sentences, dict):
        return [*out, "'sentences' should map sentence ids to counts"]
    for sid, counts in sentences.items():
        if not isinstance(counts, dict) or not all(_count(c) for c in counts.values()):
            out.append(f"the counts of {sid} should be whole numbers per label")
        elif set(counts) - set(labels):
            out.append(f"{sid} counts labels not in 'labels': {', '.join(sorted(set(counts) - set(labels)))}")
        elif sum(counts.values()) < least:
            out.append(f"{sid} has fewer than {least} answers (such sentences are left out, for privacy)")
        elif _count(students) and sum(counts.values()) > students:
            out.append(f"{sid} has more answers than the {students} students")
    left_out = data.get("left_out", [])
    if not isinstance(left_out, list) or not all(isinstance(x, str) for x in left_out):
        out.append("'left_out' should be a list of sentence ids")
    return out
