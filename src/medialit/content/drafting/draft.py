"""Write a draft annotation file (``medialit-annotation/1`` with ``draft`` notes) for an article text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from medialit.content.annotation import SCHEMA_TAG
from medialit.content.article_text import parse_date
from medialit.content.drafting.split import split_text
from medialit.content.drafting.suggest import Context, suggest

HEADER = """\
# DRAFT annotation of {text_file}, written by `medialit new-article`. Every sentence's fields are
# suggestions: each `draft` note says which words triggered a suggestion. Review them in
# notebooks/instructor-review-article.ipynb (only a human clears a `draft` note), then run
#   medialit check-annotations {yaml_file}
# Format: docs/annotation-format.md.
"""


def article_id(path: Path) -> str:
    """The article id of a text file: its stem, lower-case, with hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "article"


def _iso(line: str) -> str:
    found = parse_date(line)
    return found.isoformat() if found else ""


def draft_annotation(text_path: str | Path, *, invented: bool = False) -> dict[str, Any]:
    """The draft annotation of the text file (raises ValueError if its layout is wrong)."""
    path = Path(text_path)
    split = split_text(path.read_text(encoding="utf-8"))
    published = split.published()
    meta: dict[str, Any] = {
        "id": article_id(path),
        "text_file": path.name,
        "title": split.headline,
    }
    if split.byline:
        meta["byline"] = split.byline
    meta["published"] = published or ""  # never a date the text does not give: the review asks for it
    meta["invented"] = invented or any("invented" in line.lower() for line in split.header)
    meta["provenance"] = "DRAFT: say where the text came from (outlet, date, link) and that it is quoted verbatim."
    taken = split.layout.taken()
    meta["draft"] = {
        "provenance": "written by the drafter; say where the text came from",
        "title": "taken from the first line; " + "; ".join(taken[1:]),
        "published": f"taken from the header line {next(h for h in split.header if _iso(h) == published)!r}"
        if published
        else "no date found in the text: left blank; type the publication date (YYYY-MM-DD)",
    }
    sentences = []
    context = Context()  # who spoke last, and who was named with a title: attributions span sentences
    for sid, text in split.sentences:
        paragraph = int(sid[1 : sid.index("s")]) if sid != "h1" else 0
        found = suggest(sid, text, paragraph=paragraph, context=context, new_line=sid in split.line_starts)
        sentences.append({**found.sentence, "draft": found.notes})
    return {"schema": SCHEMA_TAG, "article": meta, "sentences": sentences}


def dump(data: dict[str, Any]) -> str:
    """The annotation as YAML, in the field order of the format."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_draft(text_path: str | Path, out: str | Path | None = None, *, invented: bool = False) -> Path:
    """Write the draft beside the text (``NAME.yaml``) or to ``out``; return its path."""
    path = Path(text_path)
    target = Path(out) if out else path.with_suffix(".yaml")
    header = HEADER.format(text_file=path.name, yaml_file=target)
    target.write_text(header + dump(draft_annotation(path, invented=invented)), encoding="utf-8")
    return target
