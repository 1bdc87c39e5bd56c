"""The article model: an article's text and its gold annotation, sentence by sentence."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medialit.content.annotation import SCHEMA_TAG, SENTENCE_ID, read_annotation
from medialit.content.article_text import read_layout
from medialit.content.kit import KitNotFoundError, kit_path

if TYPE_CHECKING:
    import pandas as pd

SEEDS_ENV = "MEDIALIT_SEEDS"


@dataclass(frozen=True)
class Sentence:
    """One annotated sentence (the headline is sentence ``h1``)."""

    id: str
    paragraph: int
    number: int
    position: int
    part: str
    text: str
    label: str
    also: tuple[str, ...]
    source: dict[str, str]
    cue: tuple[str, ...]
    loaded: tuple[dict[str, str], ...]
    hedges: tuple[str, ...]
    claims: tuple[dict[str, str], ...]
    decisive: tuple[str, ...]
    rationale: str
    why: dict[str, str] = field(default_factory=dict)  # task ("part", "source", "headline") -> explanation

    @property
    def accepted(self) -> tuple[str, ...]:
        """The gold label followed by the accepted alternatives."""
        return (self.label, *self.also)

    def why_for(self, task: str) -> str:
        """The annotation's explanation for one task (part, source, headline), or ''."""
        return self.why.get(task, "")


@dataclass(frozen=True)
class Article:
    """An article and its gold annotation."""

    id: str
    title: str
    byline: str
    published: str
    invented: bool
    provenance: str
    sentences: tuple[Sentence, ...]
    path: Path
    headline_claim: dict[str, Any] = field(default_factory=dict)

    def sentence(self, sentence_id: str) -> Sentence:
        """The sentence with this id; KeyError names the ids that exist."""
        for s in self.sentences:
            if s.id == sentence_id:
                return s
        raise KeyError(f"{sentence_id!r} is not a sentence of {self.id}; ids: {', '.join(self.ids)}")

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.sentences]

    @property
    def headline(self) -> Sentence:
        return self.sentence("h1")

    @property
    def body(self) -> list[Sentence]:
        return [s for s in self.sentences if s.paragraph > 0]

    def paragraphs(self) -> dict[int, list[Sentence]]:
        """Body sentences grouped by paragraph number (1-based)."""
        out: dict[int, list[Sentence]] = {}
        for s in self.body:
            out.setdefault(s.paragraph, []).append(s)
        return out

    def claims(self) -> list[dict[str, Any]]:
        """Every checkable claim, with its sentence id and a stable key such as "p6s1#1"."""
        return [
            {"key": f"{s.id}#{n}", "sentence": s.id, **c}
            for s in self.sentences
            for n, c in enumerate(s.claims, start=1)
        ]

    def to_frame(self) -> pd.DataFrame:
        """One row per sentence with every annotation field."""
        import pandas as pd

        rows = [
            {
                "id": s.id,
                "paragraph": s.paragraph,
                "sentence": s.number,
                "position": s.position,
                "part": s.part,
                "text": s.text,
                "label": s.label,
                "also": list(s.also),
                "source_kind": s.source["kind"],
                "source": s.source.get("span"),
                "relayed": s.source.get("relayed"),
                "cue": list(s.cue),
                "loaded": [item["span"] for item in s.loaded],
                "loaded_voice": [item["voice"] for item in s.loaded],
                "hedges": list(s.hedges),
                "claims": [c["span"] for c in s.claims],
                "decisive": list(s.decisive),
                "rationale": s.rationale,
            }
            for s in self.sentences
        ]
        return pd.DataFrame(rows).set_index("id", drop=False)


def _sentence(position: int, raw: dict[str, Any]) -> Sentence:
    m = SENTENCE_ID.match(raw["id"])
    paragraph, number = (int(m.group(2)), int(m.group(3))) if m and m.group(2) else (0, 1)
    return Sentence(
        id=raw["id"],
        paragraph=paragraph,
        number=number,
        position=position,
        part=raw["part"],
        text=raw["text"],
        label=raw["label"],
        also=tuple(raw["also"]),
        source=dict(raw["source"]),
        cue=tuple(raw["cue"]),
        loaded=tuple(dict(x) for x in raw["loaded"]),
        hedges=tuple(raw["hedges"]),
        claims=tuple(dict(c) for c in raw["claims"]),
        decisive=tuple(raw["decisive"]),
        rationale=" ".join(raw["rationale"].split()),
        why={task: " ".join(text.split()) for task, text in (raw.get("why") or {}).items()},
    )


def from_file(path: str | Path) -> Article:
    """Load and validate one annotation file; raise AnnotationError listing every problem."""
    path = Path(path)
    data = read_annotation(path)
    meta = data["article"]
    raw = sorted(data["sentences"], key=lambda s: (s["id"] != "h1",))
    return Article(
        id=meta["id"],
        title=meta["title"],
        byline=meta.get("byline", ""),
        published=meta["published"],
        invented=meta["invented"],
        provenance=" ".join(meta["provenance"].split()),
        sentences=tuple(_sentence(i, s) for i, s in enumerate(raw)),
        path=path,
        headline_claim=dict(meta.get("headline_claim") or {}),
    )


def load_text(path: str | Path, article_id: str | None = None) -> Article:
    """An article without its annotation, for graded work whose answer key is kept private.

    The text file has the usual layout (headline, header lines, paragraphs separated
    by blank lines) with one sentence per line, which gives the ids p1s1, p1s2, ...
    The gold fields are empty; the key is loaded separately when grading.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileNotFoundError(f"Cannot read the article text {path}: {exc}") from None
    try:
        layout = read_layout(text)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    byline = f"By {layout.byline}" if layout.byline else ""
    rows = [("h1", 0, 1, layout.headline)]
    for n, lines in enumerate(layout.paragraphs, start=1):
        for m, line in enumerate(lines, start=1):
            rows.append((f"p{n}s{m}", n, m, line))
    empty: dict[str, Any] = {"kind": "none"}
    sentences = tuple(
        Sentence(sid, para, num, pos, "", txt, "", (), empty, (), (), (), (), (), "")
        for pos, (sid, para, num, txt) in enumerate(rows)
    )
    return Article(
        id=article_id or path.stem,
        title=rows[0][3],
        byline=byline.removeprefix("By ").strip(),
        published="",
        invented=any("invented" in h.lower() for h in layout.header),
        provenance="",
        sentences=sentences,
        path=path,
    )


def seeds_dir(start: str | Path | None = None) -> Path:
    """Find the seeds folder.

    Order: ``$MEDIALIT_SEEDS``; a ``seeds/`` folder in ``start`` (default: the
    current folder) or any parent; the kit's own seeds (the checkout's, or the installed package's).
    """
    if os.environ.get(SEEDS_ENV):
        return Path(os.environ[SEEDS_ENV])
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "seeds").is_dir():
            return folder / "seeds"
    try:
        return kit_path("seeds")
    except KitNotFoundError:
        pass
    raise FileNotFoundError(
        "No seeds/ folder found. Run from inside the medialit folder, or set "
        f"{SEEDS_ENV} to the folder that holds the article files."
    )


def _is_annotation(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8")[:2000]
    except (OSError, UnicodeDecodeError):
        return False
    return SCHEMA_TAG in head


def list_articles(folder: str | Path | None = None) -> list[str]:
    """The ids (file stems) of the annotated articles in the seeds folder."""
    root = Path(folder) if folder else seeds_dir()
    files = sorted([*root.glob("*.yaml"), *root.glob("*.json")])
    return [p.stem for p in files if _is_annotation(p)]


def load_article(name: str | Path, folder: str | Path | None = None) -> Article:
    """Load an article by id (from the seeds folder) or by the path of its annotation file."""
    return from_file(find_article(name, folder))


def find_article(name: str | Path, folder: str | Path | None = None) -> Path:
    """The annotation file of an article id (in the seeds folder), or ``name`` itself if it is one."""
    path = Path(name)
    if path.suffix in {".yaml", ".yml", ".json"} and path.exists():
        return path
    root = Path(folder) if folder else seeds_dir()
    for suffix in (".yaml", ".yml", ".json"):
        candidate = root / f"{name}{suffix}"
        if candidate.exists():
            return candidate
    known = ", ".join(list_articles(root)) or "none"
    raise FileNotFoundError(f"No article {str(name)!r} in {root}. Articles there: {known}.")
