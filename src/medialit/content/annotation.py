"""Read and validate annotation files.

Every problem names the file, the line where it can be found, the sentence id,
the field and what is expected, for example::

    seeds/x.yaml:57: p5s1.cue: 'says' does not occur in the sentence text

All problems of a file are reported in one run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from medialit.content.article_text import headline_and_paragraphs
from medialit.content.scheme import load_scheme
from medialit.content.spans import occurs

SCHEMA_TAG = "medialit-annotation/1"
SENTENCE_ID = re.compile(r"^(h1|p([1-9][0-9]*)s([1-9][0-9]*))$")
# The tasks besides labelling that a sentence's ``why`` can explain, each for its own question:
# part (which part of the story), source (who says so) and headline (does it support the
# headline's claim?). The label's explanation is the sentence's ``rationale``.
TASKS = ("part", "source", "headline")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an annotation file."""

    file: str
    where: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.where}: {self.message}" if self.where else f"{place}: {self.message}"


class AnnotationError(ValueError):
    """An annotation file could not be read or is invalid; ``problems`` lists why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = len(problems)
        head = f"{count} problem{'s' if count != 1 else ''} in {problems[0].file}" if problems else ""
        super().__init__("\n".join([head, *map(str, problems)]))


def _schema() -> dict[str, Any]:
    scheme = load_scheme()
    span = {"type": "string", "minLength": 1}
    spans = {"type": "array", "items": span}
    label = {"enum": scheme.ids("labels")}
    why = {"type": "string", "minLength": 20}
    # A draft's notes (medialit new-article): field -> the words that triggered the suggestion.
    draft = {"type": "object", "additionalProperties": {"type": "string"}}

    def choices(group: str) -> dict[str, Any]:
        return {"type": "array", "items": {"enum": scheme.ids(group)}, "uniqueItems": True}

    claim = {
        "type": "object",
        "required": ["span", "type", "vouched_by", "source_kind", "status", "support", "rests_on", "why", "verify"],
        "additionalProperties": False,
        "properties": {
            "span": span,
            "type": {"enum": ["number", "date", "event"]},
            "vouched_by": span,
            "source_kind": {"enum": scheme.ids("source_kinds")},
            "status": {"enum": scheme.ids("claim_status")},
            "accept": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"source_kind": choices("source_kinds"), "status": choices("claim_status")},
            },
            "support": {"enum": scheme.ids("support")},
            "rests_on": {**spans, "minItems": 1},
            "why": why,
            "differs": why,
            "verify": span,
        },
    }
    sentence = {
        "type": "object",
        "required": [
            "id",
            "part",
            "text",
            "label",
            "also",
            "source",
            "cue",
            "loaded",
            "hedges",
            "claims",
            "decisive",
            "rationale",
        ],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": SENTENCE_ID.pattern},
            "part": {"enum": scheme.ids("parts")},
            "text": span,
            "label": label,
            "also": {"type": "array", "items": label, "uniqueItems": True},
            "source": {
                "type": "object",
                "required": ["kind"],
                "additionalProperties": False,
                "properties": {
                    "kind": {"enum": scheme.ids("source_kinds")},
                    "span": span,
                    "relayed": span,
                    "sounds_like": span,
                },
            },
            "cue": spans,
            "loaded": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["span", "voice"],
                    "additionalProperties": False,
                    "properties": {
                        "span": span,
                        "voice": {"enum": scheme.ids("voices")},
                        "accept": choices("voices"),
                        "why": why,
                    },
                },
            },
            "hedges": spans,
            "claims": {"type": "array", "items": claim},
            "decisive": {**spans, "minItems": 1},
            "rationale": why,
            "why": {
                "type": "object",
                "additionalProperties": False,
                "properties": {task: why for task in TASKS},
            },
            "draft": draft,
        },
    }
    return {
        "type": "object",
        "required": ["schema", "article", "sentences"],
        "additionalProperties": False,
        "properties": {
            "schema": {"const": SCHEMA_TAG},
            "article": {
                "type": "object",
                "required": ["id", "text_file", "title", "published", "invented", "provenance"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"},
                    "text_file": span,
                    "title": span,
                    "byline": span,
                    "published": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                    "invented": {"type": "boolean"},
                    "provenance": span,
                    "draft": draft,
                    "headline_claim": {
                        "type": "object",
                        "required": ["span", "kind", "support", "note"],
                        "additionalProperties": False,
                        "properties": {
                            "span": span,
                            "kind": {"enum": ["causal", "event", "number"]},
                            "support": {"type": "array", "items": {"type": "string"}},
                            "note": span,
                        },
                    },
                },
            },
            "sentences": {"type": "array", "items": sentence, "minItems": 1},
        },
    }


_TYPE_NAMES = {
    "string": "text",
    "array": "a list",
    "object": "a mapping (key: value pairs)",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
}


def _describe(value: Any) -> str:
    kinds = {
        bool: "true/false",
        str: "text",
        list: "a list",
        dict: "a mapping",
        int: "a number",
        float: "a number",
        type(None): "nothing",
    }
    for kind, name in kinds.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _schema_message(error: Any) -> str:
    """Turn a jsonschema error into a sentence a teacher can act on."""
    v = error.validator
    if v == "required":
        missing = [k for k in error.validator_value if k not in (error.instance or {})]
        return f"missing field {missing[0]!r}" if missing else error.message
    if v == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        return f"unknown field {', '.join(map(repr, extra))}; allowed fields: {', '.join(allowed)}"
    if v == "enum":
        return f"{error.instance!r} is not allowed; expected one of: {', '.join(error.validator_value)}"
    if v == "const":
        return f"expected {error.validator_value!r}, found {error.instance!r}"
    if v == "type":
        want = _TYPE_NAMES.get(error.validator_value, error.validator_value)
        path = list(error.path)
        if path[:3] == ["article", "headline_claim", "support"]:
            if len(path) == 4:
                return f"expected a sentence id such as 'p3s1', found {_describe(error.instance)} ({error.instance!r})"
            return (
                f"expected a list of sentence ids (for example [p3s1, p4s2]), "
                f"found {_describe(error.instance)} ({error.instance!r})"
            )
        return f"expected {want}, found {_describe(error.instance)} ({error.instance!r})"
    if v == "pattern":
        hint = "like p3s1 (paragraph 3, sentence 1) or h1 for the headline"
        if error.validator_value != SENTENCE_ID.pattern:
            hint = f"matching {error.validator_value}"
        return f"{error.instance!r} has the wrong form; expected {hint}"
    if v == "minLength":
        return "is empty; write the text"
    if v == "minItems":
        return "is empty; give at least one item"
    if v == "uniqueItems":
        return "lists the same item twice"
    return error.message


def _line_map(text: str) -> dict[tuple[Any, ...], int]:
    """Map each path in a YAML document (keys and list indices) to its 1-based line."""
    lines: dict[tuple[Any, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, (*path, key.value))
                lines[(*path, key.value)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if root is not None:
        walk(root, ())
    return lines


def _parse(path: Path, shown: str) -> tuple[Any, str]:
    """Read and parse a YAML or JSON file; raise AnnotationError on failure."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AnnotationError([Problem(shown, "", f"cannot read the file ({exc.strerror})")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        msg = "is not UTF-8 text; save the file as UTF-8"
        raise AnnotationError([Problem(shown, "", msg, line)]) from None
    if path.suffix == ".json":
        try:
            return json.loads(text), text
        except json.JSONDecodeError as exc:
            msg = f"JSON syntax error: {exc.msg} (column {exc.colno})"
            raise AnnotationError([Problem(shown, "", msg, exc.lineno)]) from None
    try:
        return yaml.safe_load(text), text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        what = getattr(exc, "problem", None) or str(exc)
        col = f" (column {mark.column + 1})" if mark else ""
        msg = f"YAML syntax error: {what}{col}; check indentation, colons and quotes on this line"
        raise AnnotationError([Problem(shown, "", msg, line)]) from None


def _where(path: tuple[Any, ...], data: Any) -> str:
    """Name a place in the document: 'p5s1.cue[0]' or 'article.title'."""
    out = ""
    if len(path) >= 2 and path[0] == "sentences" and isinstance(path[1], int):
        sentences = data.get("sentences") if isinstance(data, dict) else None
        item = sentences[path[1]] if isinstance(sentences, list) and path[1] < len(sentences) else None
        sid = item.get("id") if isinstance(item, dict) else None
        out = sid if isinstance(sid, str) and sid else f"sentences[{path[1]}]"
        path = path[2:]
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _check_text(data: dict[str, Any], folder: Path, add: Any) -> None:
    """The sentences must give back the article text: headline and body."""
    article = data["article"]
    sentences = data["sentences"]
    text_path = folder / article["text_file"]
    if not text_path.is_file():
        add(("article", "text_file"), f"{article['text_file']!r} not found next to the annotation file")
        return
    headline, paragraphs = headline_and_paragraphs(text_path.read_text(encoding="utf-8"))
    heads = [s for s in sentences if s["id"] == "h1"]
    if not heads:
        add(("sentences",), "no headline item; add a sentence with id 'h1' and the headline as text")
    elif heads[0]["text"] != headline:
        add(
            ("sentences", sentences.index(heads[0]), "text"),
            f"does not match the headline in {article['text_file']}: {headline!r}",
        )
    if article["title"] != headline:
        add(("article", "title"), f"does not match the headline in {article['text_file']}: {headline!r}")
    by_para: dict[int, list[tuple[int, int]]] = {}
    for i, s in enumerate(sentences):
        m = SENTENCE_ID.match(s["id"])
        if m and m.group(2):
            by_para.setdefault(int(m.group(2)), []).append((int(m.group(3)), i))
    for n in sorted(by_para):
        numbers = [k for k, _ in by_para[n]]
        if numbers != list(range(1, len(numbers) + 1)):
            i = by_para[n][0][1]
            add(
                ("sentences", i, "id"),
                f"paragraph {n} sentences are numbered {numbers}; expected p{n}s1, p{n}s2, ... in order",
            )
    for n, paragraph in enumerate(paragraphs, start=1):
        items = by_para.get(n, [])
        joined = " ".join(sentences[i]["text"] for _, i in items)
        if joined == paragraph:
            continue
        if not items:
            add(
                ("sentences",),
                f"paragraph {n} of {article['text_file']} has no sentences; add p{n}s1 starting {paragraph[:40]!r}",
            )
            continue
        at = next(
            (k for k, (a, b) in enumerate(zip(joined, paragraph, strict=False)) if a != b),
            min(len(joined), len(paragraph)),
        )
        add(
            ("sentences", items[0][1], "text"),
            f"paragraph {n} does not match the article text from character {at}: "
            f"sentences give {joined[at : at + 40]!r}, the article has {paragraph[at : at + 40]!r}; "
            "sentences of a paragraph are joined with one space",
        )
    for n in sorted(set(by_para) - set(range(1, len(paragraphs) + 1))):
        add(
            ("sentences", by_para[n][0][1], "id"),
            f"paragraph {n} does not exist; {article['text_file']} has {len(paragraphs)} paragraphs",
        )


def _check_sentence(i: int, s: dict[str, Any], add: Any) -> None:
    text = s["text"]
    where = ("sentences", i)

    def need(field: str, span: str, index: tuple[Any, ...] = ()) -> None:
        if not occurs(text, span):
            add((*where, field, *index), f"{span!r} does not occur in the sentence text")

    if s["label"] in s["also"]:
        add((*where, "also"), f"repeats the primary label {s['label']!r}; list only other labels")
    src = s["source"]
    if src["kind"] == "none" and ("span" in src or "relayed" in src):
        add((*where, "source"), "kind is 'none' but a span is given; remove the span or change the kind")
    if src["kind"] != "none" and "span" not in src:
        add(
            (*where, "source"),
            f"kind is {src['kind']!r} but there is no span; add the words that name the source",
        )
    if src["kind"] != "none" and "sounds_like" in src:
        add(
            (*where, "source", "sounds_like"),
            "is for words that only sound like a source (no reporting word); with a real source, "
            "remove it or use kind 'none'",
        )
    if src["kind"] != "none" and not s["cue"]:
        add(
            (*where, "cue"),
            f"source kind is {src['kind']!r} but no reporting word is given: add the words that say someone "
            "says or believes it; if nobody is reported, use kind 'none' and put the words that only sound "
            "like a source under sounds_like",
        )
    for key in ("span", "relayed", "sounds_like"):
        if key in src:
            need("source", src[key], (key,))
    decided, reason = load_scheme().decided_label(src, s["cue"], s["loaded"], s["hedges"])
    if decided != s["label"]:
        add(
            (*where, "label"),
            f"{s['label']!r} does not follow the scheme's decision order: {reason} give {decided!r}. "
            f"Make {decided!r} the label (and list {s['label']!r} under also if a careful reader could "
            "defend it), or correct the fields that decide it: source, cue, loaded, hedges",
        )
    for field in ("cue", "hedges", "decisive"):
        for j, span in enumerate(s[field]):
            need(field, span, (j,))
    for j, item in enumerate(s["loaded"]):
        need("loaded", item["span"], (j, "span"))
        if item["voice"] in item.get("accept", []):
            add((*where, "loaded", j, "accept"), f"repeats the voice {item['voice']!r}; list only the other voice")
    for j, claim in enumerate(s["claims"]):
        need("claims", claim["span"], (j, "span"))
        for column, others in claim.get("accept", {}).items():
            if claim[column] in others:
                add((*where, "claims", j, "accept", column), f"repeats {claim[column]!r}; list only other answers")


def _check_support(sentences: list[dict[str, Any]], add: Any) -> None:
    """Support ratings are consistent: what sets a claim apart must be written down.

    Claims that rest on the same sources (``rests_on``) get the same rating, unless the
    odd ones out say why in ``differs``: in a group with mixed ratings, the claims of at
    most one rating may go without it. A claim the article reports as disputed is weakly
    supported, unless ``differs`` says why not.
    """
    groups: dict[tuple[str, ...], list[tuple[tuple[Any, ...], dict[str, Any]]]] = {}
    for i, s in enumerate(sentences):
        for j, claim in enumerate(s["claims"]):
            place = ("sentences", i, "claims", j)
            groups.setdefault(tuple(x.lower() for x in claim["rests_on"]), []).append((place, claim))
            if claim["status"] == "disputed" and claim["support"] != "weak" and "differs" not in claim:
                add(
                    (*place, "support"),
                    f"the claim is disputed but rated {claim['support']!r}; rate it 'weak', or say in differs "
                    "why the dispute does not weaken it",
                )
    for chain, claims in groups.items():
        unexplained = {c["support"] for _, c in claims if "differs" not in c}
        if len({c["support"] for _, c in claims}) > 1 and len(unexplained) > 1:
            for place, claim in claims:
                if "differs" not in claim:
                    add(
                        (*place, "support"),
                        f"rated {claim['support']!r}, but other claims resting on {' <- '.join(chain)} are rated "
                        "differently; give them the same rating, or say in differs what sets this one apart",
                    )


@cache
def _fast_check():
    """A compiled validator for the common case, a valid file (fastjsonschema imports in milliseconds)."""
    import fastjsonschema

    return fastjsonschema.compile(_schema())


def _schema_errors(data: Any) -> list[Any]:
    """Every schema error, sorted by place. jsonschema (slow to import, about 1 s) is only
    loaded when the fast check has found a problem, to list them all."""
    import fastjsonschema

    try:
        _fast_check()(data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    from jsonschema import Draft202012Validator

    return sorted(Draft202012Validator(_schema()).iter_errors(data), key=lambda e: list(map(str, e.path)))


def problem_recorder(
    data: Any, text: str, shown: str, where: Callable[[tuple[Any, ...], Any], str], schema_errors: list[Any]
) -> tuple[list[Problem], Callable[[tuple[Any, ...], str], None]]:
    """The problems of a data file, and ``add(path, message)``, which records one with its line.

    Used by every data file the kit checks this way (annotations, coverage). The schema's own
    errors are recorded first; ``where`` names a place in the document.
    """
    problems: list[Problem] = []
    lines = _line_map(text) if text else {}

    def add(path: tuple[Any, ...], message: str) -> None:
        line = next((lines[path[:k]] for k in range(len(path), -1, -1) if path[:k] in lines), None)
        problems.append(Problem(shown, where(path, data), message, line))

    for err in schema_errors:
        add(tuple(err.path), _schema_message(err))
    return problems, add


def validate_data(data: Any, text: str, shown: str, folder: Path) -> list[Problem]:
    """All problems of one parsed annotation document."""
    errors = _schema_errors(data)
    problems, add = problem_recorder(data, text, shown, _where, errors)
    if not isinstance(data, dict) or not isinstance(data.get("sentences"), list):
        return problems
    bad = {e.path[1] for e in errors if len(e.path) >= 2 and e.path[0] == "sentences"}
    sentences = data["sentences"]
    seen: dict[str, int] = {}
    for i, s in enumerate(sentences):
        if not isinstance(s, dict) or not isinstance(s.get("id"), str):
            continue
        if s["id"] in seen:
            add(
                ("sentences", i, "id"),
                f"duplicate id {s['id']!r} (also used by item {seen[s['id']] + 1}); every sentence needs its own id",
            )
        seen.setdefault(s["id"], i)
        if i not in bad:
            _check_sentence(i, s, add)
    article = data.get("article")
    if isinstance(article, dict) and isinstance(article.get("headline_claim"), dict):
        claim = article["headline_claim"]
        support = claim.get("support")
        for j, sid in enumerate(support if isinstance(support, list) else []):
            if isinstance(sid, str) and sid not in seen:  # anything else is a schema error, reported above
                add(
                    ("article", "headline_claim", "support", j),
                    f"unknown sentence id {sid!r}; use an id from the sentences list",
                )
        if "h1" in seen and isinstance(claim.get("span"), str):
            head = sentences[seen["h1"]]
            if isinstance(head.get("text"), str) and not occurs(head["text"], claim["span"]):
                add(("article", "headline_claim", "span"), f"{claim['span']!r} does not occur in the headline")
    if not errors:
        _check_text(data, folder, add)
        _check_support(sentences, add)
    return sorted(problems, key=lambda p: p.line or 0)


def draft_marks(data: dict[str, Any]) -> dict[str, list[str]]:
    """The suggestions no one has reviewed yet: place ('article' or a sentence id) -> fields still marked draft."""
    marks: dict[str, list[str]] = {}
    if (data.get("article") or {}).get("draft"):
        marks["article"] = list(data["article"]["draft"])
    for s in data.get("sentences") or []:
        if isinstance(s, dict) and s.get("draft"):
            marks[str(s.get("id"))] = list(s["draft"])
    return marks


def describe_drafts(marks: dict[str, list[str]], shown: str) -> str:
    """One paragraph a teacher can act on: what is still a draft and how to finish it."""
    count = sum(len(v) for v in marks.values())
    places = "; ".join(f"{where}: {', '.join(fields)}" for where, fields in list(marks.items())[:6])
    more = f"; and {len(marks) - 6} more" if len(marks) > 6 else ""
    return (
        f"{shown}: still a draft: {count} suggestion{'s' if count != 1 else ''} not reviewed ({places}{more}). "
        "Review them in notebooks/instructor-review-article.ipynb (accepting or changing a field clears its "
        "draft note); lessons and exercises are not generated from a draft"
    )


def read_annotation(path: str | Path) -> dict[str, Any]:
    """Parse and validate an annotation file; raise AnnotationError listing every problem."""
    path = Path(path)
    shown = _display(path)
    data, text = _parse(path, shown)
    problems = validate_data(data, text, shown, path.parent)
    if problems:
        raise AnnotationError(problems)
    return data


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
