"""The article part of the review widget: provenance, date, invented, and the headline's claim."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

KINDS = ("causal", "event", "number")


class ArticleEditor(w.VBox):
    """The article's details; ``values()`` gives what the teacher confirmed, for ``Review.accept_article``."""

    def __init__(self) -> None:
        wide = w.Layout(width="80%")
        self.provenance = w.Textarea(description="Provenance", layout=w.Layout(width="80%", height="4em"))
        self.published = w.Text(description="Published", placeholder="YYYY-MM-DD")
        self.invented = w.Checkbox(description="invented for practice", indent=False)
        self.claim_span = w.Text(description="Headline claim", placeholder="words of the headline (optional)")
        self.claim_kind = w.Dropdown(options=KINDS, description="Kind")
        self.claim_support = w.Text(description="Supported by", placeholder="sentence ids; separate with ;")
        self.claim_note = w.Textarea(description="Note", layout=wide)
        self.confirm = w.Button(description="Confirm the article's details", layout=w.Layout(width="auto"))
        boxes = [self.provenance, self.published, self.claim_span, self.claim_kind, self.claim_support, self.claim_note]
        for box in boxes:
            box.style.description_width = "8em"
        self.taken = w.HTML()  # what the drafter took as headline, byline, date and body (issue 29)
        super().__init__([self.taken, *boxes[:2], self.invented, *boxes[2:], self.confirm])

    def show(self, meta: dict[str, Any]) -> None:
        notes = meta.get("draft") or {}
        taken = [notes[f] for f in ("title", "published") if notes.get(f)]
        self.taken.value = (
            "<b>What the text was taken as</b> (check it, then confirm):<br>"
            + "<br>".join(html.escape(t).replace("; ", "<br>") for t in taken)
            if taken
            else ""
        )
        self.provenance.value = " ".join(meta.get("provenance", "").split())
        self.published.value = meta.get("published", "")
        self.invented.value = bool(meta.get("invented"))
        claim = meta.get("headline_claim") or {}
        self.claim_span.value = claim.get("span", "")
        self.claim_kind.value = claim.get("kind", "causal")
        self.claim_support.value = "; ".join(claim.get("support", []))
        self.claim_note.value = " ".join(claim.get("note", "").split())

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "provenance": self.provenance.value.strip(),
            "published": self.published.value.strip(),
            "invented": self.invented.value,
        }
        if self.claim_span.value.strip():
            out["headline_claim"] = {
                "span": self.claim_span.value.strip(),
                "kind": self.claim_kind.value,
                "support": [x.strip() for x in self.claim_support.value.split(";") if x.strip()],
                "note": self.claim_note.value.strip(),
            }
        return out
