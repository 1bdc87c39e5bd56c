"""Read and validate coverage files: what other reports say about an article's claims.

A coverage file sits beside the article's annotation, ``seeds/NAME.coverage.yaml``
(format: docs/coverage-format.md). It lists other reports of the same story (outlet,
date, link) and, per claim of the article, short attributed passages from them with
what each does to the claim, the answer a student should give and the kit's why.
Every problem names the file, the line and the place, as annotation problems do::

    seeds/NAME.coverage.yaml:57: claims[comment].others[1].quote: 31 words; quote at most 25

An article without a coverage file still works: :func:`load_coverage` returns None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from medialit.content.annotation import (
    SENTENCE_ID,
    AnnotationError,
    Problem,
    _display,
    _parse,
    problem_recorder,
)
from medialit.content.spans import occurs

SCHEMA_TAG = "medialit-coverage/1"
SUFFIX = ".coverage.yaml"
MAX_QUOTE_WORDS = 25
# What one passage of another report does to the article's claim.
DOES = ("confirms", "adds", "contradicts", "says_less")
# What the other coverage, taken together, does to a claim: the student's answer.
ANSWERS = ("confirms", "adds", "contradicts", "disputed")
# A verdict on the headline's cause, on the article alone and after reading laterally.
VERDICTS = ("shown", "possible", "disputed", "ruled_out")
_WORD = re.compile(r"[^\W_](?:[\w'’.-]*[^\W_])?")


class CoverageError(AnnotationError):
    """A coverage file could not be read or is invalid; ``problems`` lists why."""


@dataclass(frozen=True)
class Report:
    """Another report of the same story."""

    id: str
    outlet: str
    date: str
    url: str
    title: str = ""
    search: str = ""  # words to find the page when ``url`` is the outlet's front page
    cited_in: str = ""  # the sentence of the article that cites this report, if any


@dataclass(frozen=True)
class Passage:
    """What one report says about a claim: a short verbatim quote, the kit's summary, or both."""

    report: Report
    who: str  # who is speaking in the report ("Bloomberg, in its own voice")
    does: str  # one of DOES
    quote: str = ""
    says: str = ""


@dataclass(frozen=True)
class Claim:
    """One claim of the article, what other reports say about it, and the answer key."""

    id: str
    sentences: tuple[str, ...]
    words: tuple[str, ...]  # the article's words for the claim
    others: tuple[Passage, ...]
    answer: str
    also: tuple[str, ...]  # half credit
    accept: tuple[str, ...]  # full credit too
    decisive: tuple[str, ...]  # the quoted words that decide the answer
    why: str


@dataclass(frozen=True)
class Verdict:
    answer: str
    why: str


@dataclass(frozen=True)
class HeadlineCoverage:
    """The headline's causal claim: what other reports say, and the verdict before and after."""

    sentences: tuple[str, ...]
    words: tuple[str, ...]
    others: tuple[Passage, ...]
    before: Verdict
    after: Verdict


@dataclass(frozen=True)
class Coverage:
    article: str
    gathered: str
    reports: dict[str, Report]
    claims: tuple[Claim, ...]
    headline: HeadlineCoverage | None
    path: Path

    def claim(self, claim_id: str) -> Claim:
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise KeyError(f"no claim {claim_id!r} in {self.path.name}; claims: {', '.join(c.id for c in self.claims)}")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


@cache
def _schema() -> dict[str, Any]:
    text = {"type": "string", "minLength": 1}
    why = {"type": "string", "minLength": 20}
    sid = {"type": "string", "pattern": SENTENCE_ID.pattern}
    ids = {"type": "array", "items": sid, "minItems": 1, "uniqueItems": True}
    texts = {"type": "array", "items": text, "minItems": 1}
    passage = {
        "type": "object",
        "required": ["report", "who", "does"],
        "additionalProperties": False,
        "properties": {"report": text, "who": text, "does": {"enum": list(DOES)}, "quote": text, "says": text},
    }
    answers = {"type": "array", "items": {"enum": list(ANSWERS)}, "uniqueItems": True}
    verdict = {
        "type": "object",
        "required": ["answer", "why"],
        "additionalProperties": False,
        "properties": {"answer": {"enum": list(VERDICTS)}, "why": why},
    }
    claim = {
        "type": "object",
        "required": ["id", "sentences", "words", "others", "answer", "decisive", "why"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"},
            "sentences": ids,
            "words": texts,
            "others": {"type": "array", "items": passage, "minItems": 1},
            "answer": {"enum": list(ANSWERS)},
            "also": answers,
            "accept": answers,
            "decisive": texts,
            "why": why,
        },
    }
    headline = {
        "type": "object",
        "required": ["sentences", "words", "others", "before", "after"],
        "additionalProperties": False,
        "properties": {
            "sentences": ids,
            "words": texts,
            "others": {"type": "array", "items": passage, "minItems": 1},
            "before": verdict,
            "after": verdict,
        },
    }
    report = {
        "type": "object",
        "required": ["id", "outlet", "date", "url"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"},
            "outlet": text,
            "title": text,
            "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "url": {"type": "string", "pattern": r"^https?://\S+$"},
            "search": text,
            "cited_in": sid,
        },
    }
    return {
        "type": "object",
        "required": ["schema", "article", "gathered", "reports", "claims"],
        "additionalProperties": False,
        "properties": {
            "schema": {"const": SCHEMA_TAG},
            "article": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"},
            "gathered": text,
            "reports": {"type": "array", "items": report, "minItems": 1},
            "claims": {"type": "array", "items": claim},
            "headline": headline,
        },
    }


def _schema_errors(data: Any) -> list[Any]:
    from jsonschema import Draft202012Validator

    return sorted(Draft202012Validator(_schema()).iter_errors(data), key=lambda e: list(map(str, e.path)))


def _where(path: tuple[Any, ...], data: Any) -> str:
    """Name a place: 'claims[comment].others[1].quote' (a claim by its id), 'reports[ap-jan-13].url'."""
    out = ""
    node = data
    for part in path:
        item = node[part] if isinstance(node, list | dict) and _has(node, part) else None
        if isinstance(part, int):
            name = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else part
            out += f"[{name}]"
        else:
            out += f".{part}" if out else str(part)
        node = item
    return out


def _has(node: Any, part: Any) -> bool:
    return (isinstance(node, list) and isinstance(part, int) and part < len(node)) or (
        isinstance(node, dict) and part in node
    )


def _backed(answer: str, does: set[str]) -> str:
    """Why ``answer`` does not follow from what the passages do ('' when it does)."""
    if answer == "disputed":
        return "" if {"confirms", "contradicts"} <= does else "needs a passage that confirms and one that contradicts"
    return "" if answer in does else f"needs a passage that {answer.removesuffix('s')}s"


def _verdict_backed(verdict: str, does: set[str]) -> str:
    need = {
        "shown": ({"confirms"}, {"contradicts"}),
        "disputed": ({"confirms", "contradicts"}, set()),
        "ruled_out": ({"contradicts"}, {"confirms"}),
        "possible": (set(), set()),
    }[verdict]
    if not need[0] <= does:
        return f"needs passages that {' and '.join(sorted(need[0]))}"
    if need[1] & does:
        return f"cannot have a passage that {' or '.join(sorted(need[1]))}"
    return ""


def _check_passages(where: tuple[Any, ...], block: dict[str, Any], reports: set[str], add: Any) -> set[str]:
    """Each passage: a known report, a quote or a summary, a quote of at most 25 words. Returns what they do."""
    for j, p in enumerate(block["others"]):
        at = (*where, "others", j)
        if p["report"] not in reports:
            add(
                (*at, "report"), f"unknown report {p['report']!r}; use an id from reports: {', '.join(sorted(reports))}"
            )
        if "quote" not in p and "says" not in p:
            add(at, "give the report's own words under quote (25 words at most), or the kit's summary under says")
        n = count_words(p.get("quote", ""))
        if n > MAX_QUOTE_WORDS:
            add(
                (*at, "quote"),
                f"{n} words; quote at most {MAX_QUOTE_WORDS} and put the rest in your own words under says",
            )
    return {p["does"] for p in block["others"]}


def _check_words(where: tuple[Any, ...], block: dict[str, Any], article: Any, add: Any) -> None:
    """The sentence ids exist; the article's words occur in one of them."""
    known = [sid for sid in block["sentences"] if sid in article.ids]
    for j, sid in enumerate(block["sentences"]):
        if sid not in article.ids:
            add((*where, "sentences", j), f"unknown sentence id {sid!r}; {article.id} has {', '.join(article.ids)}")
    texts = [article.sentence(sid).text for sid in known]
    for j, words in enumerate(block["words"]):
        if texts and not any(occurs(t, words) for t in texts):
            add(
                (*where, "words", j),
                f"{words!r} does not occur in {', '.join(known)}; copy the article's words exactly",
            )


def validate_data(data: Any, text: str, shown: str, folder: Path) -> list[Problem]:
    """All problems of one parsed coverage document."""
    errors = _schema_errors(data)
    problems, add = problem_recorder(data, text, shown, _where, errors)
    if errors:
        return sorted(problems, key=lambda p: p.line or 0)
    from medialit.content.article import find_article, from_file

    try:
        article = from_file(find_article(data["article"], folder))
    except (FileNotFoundError, AnnotationError) as exc:
        add(("article",), f"no valid annotation for {data['article']!r} beside this file ({str(exc).splitlines()[0]})")
        return problems
    reports = [r["id"] for r in data["reports"]]
    for i, rid in enumerate(reports):
        if reports.index(rid) != i:
            add(("reports", i, "id"), f"duplicate report id {rid!r}; every report needs its own id")
        cited = data["reports"][i].get("cited_in")
        if cited and cited not in article.ids:
            add(("reports", i, "cited_in"), f"unknown sentence id {cited!r}")
    claim_ids = [c["id"] for c in data["claims"]]
    for i, claim in enumerate(data["claims"]):
        at = ("claims", i)
        if claim_ids.index(claim["id"]) != i:
            add((*at, "id"), f"duplicate claim id {claim['id']!r}; every claim needs its own id")
        _check_words(at, claim, article, add)
        does = _check_passages(at, claim, set(reports), add)
        for field, answers in (("answer", [claim["answer"]]), ("accept", claim.get("accept", []))):
            for answer in answers:
                if reason := _backed(answer, does):
                    add((*at, field), f"{answer!r} {reason}: change the answer, or what the passages do")
        for field in ("also", "accept"):
            if claim["answer"] in claim.get(field, []):
                add((*at, field), f"repeats the answer {claim['answer']!r}; list only other answers")
        quotes = [p.get("quote", "") for p in claim["others"]]
        for j, words in enumerate(claim["decisive"]):
            if not any(occurs(q, words) for q in quotes):
                add((*at, "decisive", j), f"{words!r} does not occur in any quote of this claim")
        if not any(words in claim["why"] for words in claim["decisive"]):
            add((*at, "why"), "quotes none of the decisive words; quote the words that decide the answer")
    head = data.get("headline")
    if head is not None:
        _check_words(("headline",), head, article, add)
        does = _check_passages(("headline",), head, set(reports), add)
        if reason := _verdict_backed(head["after"]["answer"], does):
            add(("headline", "after", "answer"), f"{head['after']['answer']!r} {reason}")
    return sorted(problems, key=lambda p: p.line or 0)


def read_coverage(path: str | Path) -> Coverage:
    """Parse and validate a coverage file; raise CoverageError listing every problem."""
    path = Path(path)
    shown = _display(path)
    try:
        data, text = _parse(path, shown)
    except AnnotationError as exc:
        raise CoverageError(exc.problems) from None
    problems = validate_data(data, text, shown, path.parent)
    if problems:
        raise CoverageError(problems)
    reports = {r["id"]: Report(**r) for r in data["reports"]}

    def passages(block: dict[str, Any]) -> tuple[Passage, ...]:
        return tuple(Passage(**{**p, "report": reports[p["report"]]}) for p in block["others"])

    claims = tuple(
        Claim(
            id=c["id"],
            sentences=tuple(c["sentences"]),
            words=tuple(c["words"]),
            others=passages(c),
            answer=c["answer"],
            also=tuple(c.get("also", ())),
            accept=tuple(c.get("accept", ())),
            decisive=tuple(c["decisive"]),
            why=" ".join(c["why"].split()),
        )
        for c in data["claims"]
    )
    head = data.get("headline")
    headline = None
    if head:
        headline = HeadlineCoverage(
            sentences=tuple(head["sentences"]),
            words=tuple(head["words"]),
            others=passages(head),
            before=Verdict(head["before"]["answer"], " ".join(head["before"]["why"].split())),
            after=Verdict(head["after"]["answer"], " ".join(head["after"]["why"].split())),
        )
    gathered = " ".join(data["gathered"].split())
    return Coverage(data["article"], gathered, reports, claims, headline, path)


def check_coverage_file(path: str | Path) -> list[Problem]:
    """Every problem of one coverage file (empty when the file is valid)."""
    try:
        read_coverage(path)
    except CoverageError as exc:
        return exc.problems
    return []


def is_coverage_file(path: str | Path) -> bool:
    return Path(path).name.endswith(SUFFIX)


def coverage_path(annotation: str | Path) -> Path:
    """Where the coverage file of an article lives: beside its annotation, NAME.coverage.yaml."""
    annotation = Path(annotation)
    return annotation.with_name(annotation.stem + SUFFIX)


def load_coverage(article: Any) -> Coverage | None:
    """The coverage of an article (an Article with a path), or None when it has no coverage file."""
    path = coverage_path(article.path)
    return read_coverage(path) if path.exists() else None
