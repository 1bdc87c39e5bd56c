"""The review widget: a teacher goes through a draft annotation sentence by sentence (teaching.review)."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from medialit.content.scheme import load_scheme
from medialit.teaching.review import Review
from medialit.widgets.review_article import ArticleEditor
from medialit.widgets.review_claims import ClaimsEditor


def _lines(text: str) -> list[str]:
    return [x.strip() for x in text.replace(";", "\n").splitlines() if x.strip()]


class ReviewWidget(w.VBox):
    """Open a draft, change or accept each sentence's suggestions, see problems live, save the YAML."""

    def __init__(self, path: str | Path = ""):
        scheme = load_scheme()
        self.review: Review | None = None
        self.path = w.Text(value=str(path), description="Annotation", layout=w.Layout(width="80%"))
        self.open_button = w.Button(description="Open")
        self.sid = w.Dropdown(description="Sentence", options=[])
        self.text = w.HTML()
        self.notes = w.HTML()
        self.label = w.Dropdown(description="Label", options=scheme.ids("labels"))
        self.part = w.Dropdown(description="Part", options=scheme.ids("parts"))
        self.kind = w.Dropdown(description="Source kind", options=scheme.ids("source_kinds"))
        self.span = w.Text(description="Source words")
        self.cue = w.Text(description="Cue")
        self.loaded = w.Textarea(description="Loaded", placeholder="one per line: words | writer (or source)")
        self.hedges = w.Text(description="Hedges", placeholder="separate with ;")
        self.decisive = w.Text(description="Decisive", placeholder="separate with ;")
        self.also = w.Text(description="Also accept", placeholder="other labels a reader could defend; separate with ;")
        self.claims = ClaimsEditor()
        self.article = ArticleEditor()
        self.article.confirm.on_click(lambda _: self.confirm_article())
        self.rationale = w.Textarea(description="Rationale", layout=w.Layout(width="80%", height="5em"))
        self.accept_button = w.Button(
            description="Accept this sentence", button_style="success", layout=w.Layout(width="auto")
        )
        self.save_button = w.Button(description="Save the YAML", button_style="primary", layout=w.Layout(width="auto"))
        self.problems = w.HTML()
        self.status = w.HTML()
        self.open_button.on_click(lambda _: self.load())
        self.sid.observe(lambda _: self.show(), names="value")
        self.accept_button.on_click(lambda _: self.accept())
        self.save_button.on_click(lambda _: self.save())
        fields = [
            self.label,
            self.also,
            self.part,
            self.kind,
            self.span,
            self.cue,
            self.loaded,
            self.hedges,
            self.decisive,
        ]
        for box in fields:
            box.style.description_width = "8em"
            box.layout.width = "60%"
        self.rationale.style.description_width = "8em"
        super().__init__(
            [
                w.HBox([self.path, self.open_button]),
                w.HTML("<b>The article</b> (where it comes from, and the claim its headline makes):"),
                self.article,
                self.sid,
                self.text,
                self.notes,
                *fields,
                self.rationale,
                w.HTML("<b>Claims</b> (numbers, dates, events a reader could check):"),
                self.claims,
                w.HBox([self.accept_button, self.save_button]),
                self.status,
                self.problems,
            ]
        )
        if path:
            self.load()

    def load(self) -> None:
        """Load the annotation named in the path box."""
        try:
            self.review = Review(self.path.value.strip())
        except (OSError, ValueError) as exc:
            self.status.value = f"<b>Cannot open it:</b> {html.escape(str(exc))}. Check the path of the .yaml file."
            return
        self.article.show(self.review.data["article"])
        self.sid.options = self.review.ids
        self.sid.value = self.review.ids[0]
        self.show()

    def show(self) -> None:
        """Fill the fields from the sentence chosen."""
        if not self.review or not self.sid.value:
            return
        s = self.review.sentence(self.sid.value)
        self.text.value = f"<p><b>[{s['id']}]</b> {html.escape(s['text'])}</p>"
        notes = self.review.notes(s["id"])
        rows = "".join(f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in notes.items())
        self.notes.value = f"<p>Draft suggestions, and why:</p><ul>{rows}</ul>" if rows else "<p>Reviewed.</p>"
        self.label.value, self.part.value = s["label"], s["part"]
        self.kind.value = s["source"]["kind"]
        self.span.value = s["source"].get("span", "")
        self.cue.value = "; ".join(s["cue"])
        self.loaded.value = "\n".join(f"{x['span']} | {x['voice']}" for x in s["loaded"])
        self.hedges.value = "; ".join(s["hedges"])
        self.decisive.value = "; ".join(s["decisive"])
        self.also.value = "; ".join(s["also"])
        self.claims.show(s["claims"])
        self.rationale.value = " ".join(s["rationale"].split())
        self.refresh()

    def accept(self) -> None:
        """The teacher's decision: the fields as shown become the sentence's, and its draft notes go."""
        if not self.review:
            return
        sid = self.sid.value
        source = {"kind": self.kind.value, **({"span": self.span.value.strip()} if self.kind.value != "none" else {})}
        loaded = []
        for line in self.loaded.value.splitlines():
            words, _, voice = line.partition("|")
            if words.strip():
                loaded.append({"span": words.strip(), "voice": voice.strip() or "writer"})
        old = self.review.sentence(sid)["loaded"]
        for item in loaded:  # keep what the form does not show (accept, why)
            item.update({k: v for o in old if o["span"] == item["span"] for k, v in o.items() if k not in item})
        values = {
            "label": self.label.value,
            "part": self.part.value,
            "source": source,
            "cue": _lines(self.cue.value),
            "loaded": loaded,
            "hedges": _lines(self.hedges.value),
            "decisive": _lines(self.decisive.value),
            "rationale": self.rationale.value.strip(),
            "also": _lines(self.also.value),
            "claims": self.claims.claims(),
        }
        for field, value in values.items():
            self.review.set(sid, field, value)
        kept = self.review.accept(sid)
        self.show()
        todo = (
            f" Still to write: {', '.join(kept)} (replace the DRAFT text; a claim's why and verify are in its row)."
            if kept
            else ""
        )
        self.status.value = f"<p>{sid} accepted.{html.escape(todo)} {self._left()}</p>"

    def confirm_article(self) -> None:
        """The teacher's decision on the article's details: they replace the draft's, and its notes go."""
        if not self.review:
            return
        meta = self.review.data["article"]
        values = self.article.values()
        if "headline_claim" not in values:
            meta.pop("headline_claim", None)
        self.review.accept_article(**values)
        left = self.review.data["article"].get("draft")
        todo = f" Still to write: {', '.join(left)} (replace the DRAFT text)." if left else ""
        self.status.value = f"<p>The article's details are confirmed.{html.escape(todo)} {self._left()}</p>"
        self.refresh()

    def _left(self) -> str:
        marks = self.review.drafts() if self.review else {}
        return f"{len(marks)} places still have draft suggestions." if marks else "No draft suggestions left."

    def refresh(self) -> None:
        """Show the annotation's validation problems as it stands now."""
        found = self.review.problems() if self.review else []
        items = "".join(f"<li>{html.escape(p.where)}: {html.escape(p.message)}</li>" for p in found)
        self.problems.value = (
            f"<p><b>Problems ({len(found)}):</b></p><ul>{items}</ul>" if found else "<p>No problems.</p>"
        )

    def save(self) -> None:
        if self.review:
            path = self.review.save()
            self.status.value = f"<p>Saved {html.escape(str(path))}. {self._left()}</p>"
            self.refresh()


def review(path: str | Path = "") -> ReviewWidget:
    """The review widget, opened on ``path`` when given."""
    return ReviewWidget(path)
