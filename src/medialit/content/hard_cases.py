"""Lesson 07's data about an article: the sentences students label, and the hard cases to discuss.

The file is ``seeds/hard-cases/ARTICLE.yaml`` (format: docs/annotation-format.md, "Hard cases").
A hard case is one the key itself leaves open: a sentence with a second accepted label, or
(with ``phrase``) a loaded phrase whose voice either answer gets right. What the key says about
it is read from the annotation, never written twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from medialit.content.article import Article

SCHEMA = "medialit-hard-cases/1"
FOLDER = "hard-cases"


class HardCasesError(ValueError):
    """The hard-cases file of an article is missing or wrong; the message names the file and the fix."""


@dataclass(frozen=True)
class HardCase:
    """A sentence (or, with ``phrase``, the voice of a loaded phrase) the key leaves open."""

    sentence: str
    question: str
    model: str
    phrase: str = ""


@dataclass(frozen=True)
class HardCases:
    """The sentences lesson 07 asks students to label, and the hard cases among them."""

    article: str
    label: tuple[str, ...]
    cases: tuple[HardCase, ...]
    path: Path


def hard_cases_path(article: Article) -> Path:
    """Where an article's hard cases are kept: ``hard-cases/ID.yaml`` beside its annotation."""
    return article.path.parent / FOLDER / f"{article.id}.yaml"


def load_hard_cases(article: Article) -> HardCases:
    """Read and check the hard cases of ``article``; HardCasesError lists every problem."""
    path = hard_cases_path(article)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise HardCasesError(
            f"{path}: not found. Lesson 07 needs a hard-cases file for {article.id} "
            "(see docs/annotation-format.md, 'Hard cases')."
        ) from None
    except yaml.YAMLError as exc:
        raise HardCasesError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    problems = check(data, article)
    if problems:
        raise HardCasesError("\n".join(f"{path}: {p}" for p in problems))
    cases = tuple(
        HardCase(c["sentence"], " ".join(c["question"].split()), " ".join(c["model"].split()), c.get("phrase", ""))
        for c in data["cases"]
    )
    return HardCases(data["article"], tuple(data["label"]), cases, path)


def check(data: Any, article: Article) -> list[str]:
    """Every problem of a hard-cases file for ``article`` (empty when it is fine)."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return [f"the first line should be 'schema: {SCHEMA}'"]
    out = []
    if data.get("article") != article.id:
        out.append(f"article: should be {article.id}, the article this file is about")
    label = data.get("label")
    if not isinstance(label, list) or not label:
        return [*out, "label: should list the sentence ids students label, e.g. [h1, p1s1]"]
    out += [f"label: {sid!r} is not a sentence of {article.id}" for sid in label if sid not in article.ids]
    cases = data.get("cases")
    if not isinstance(cases, list) or not cases:
        return [*out, "cases: should list the hard cases (sentence, question, model)"]
    for n, case in enumerate(cases, start=1):
        out += [f"cases[{n}]: {p}" for p in _case_problems(case, article, label)]
    return out


def _case_problems(case: Any, article: Article, label: list[Any]) -> list[str]:
    if not isinstance(case, dict):
        return ["should be a mapping with sentence, question and model"]
    extra = sorted(set(case) - {"sentence", "phrase", "question", "model"})
    out = [f"unexpected field {key!r}" for key in extra]
    for key in ("question", "model"):
        if not isinstance(case.get(key), str) or len(case[key].split()) < 5:
            out.append(f"{key}: should be a few sentences of text")
    sid = case.get("sentence")
    if sid not in article.ids:
        return [*out, f"sentence: {sid!r} is not a sentence of {article.id}"]
    if sid not in label:
        out.append(f"sentence: {sid} should also be in 'label', so that students have labelled it")
    s = article.sentence(sid)
    phrase = case.get("phrase")
    if phrase is None:
        if not s.also:
            out.append(f"{sid}: the key accepts only {s.label!r}, so it is not a hard case by the key's own account")
        return out
    loaded = {item["span"]: item for item in s.loaded}
    if phrase not in loaded:
        out.append(f"phrase: {phrase!r} is not a loaded phrase of {sid} ({', '.join(loaded) or 'none'})")
    elif not loaded[phrase].get("accept"):
        out.append(f"phrase: the key gives one voice for {phrase!r}, so it is not a hard case")
    return out
