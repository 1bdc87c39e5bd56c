"""Verification log: a structured plan to check claims by lateral reading (SIFT)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from medialit.content.article import Article
from medialit.grading.answers import AnswerStore
from medialit.widgets.base import AnswerWidget, badge

FIELDS = [
    ("search", "What will you search for?", "the words you would type into a search engine"),
    ("sources", "Which independent sources will you read?", "who else reports on it, not the article itself"),
    ("change_mind", "What would change your mind?", "what you would need to find to doubt or trust the claim"),
]
MIN_WORDS = 4  # per box: lesson 06 asks for "at least four words per box" (tests hold the two together)
LATERAL = (
    "Re-reading the article is not lateral reading. Going to the source the article relies on, or to "
    "someone independent of it, is."
)


class VerificationLog(AnswerWidget):
    """``entries`` plans, each: a claim from the article plus three text answers.

    Saved as a list of {"claim": key, "search": ..., "sources": ..., "change_mind": ...}.
    """

    def __init__(
        self,
        article: Article,
        entries: int = 3,
        *,
        key: str = "verification",
        store: AnswerStore | None = None,
        graded: bool = False,
        title: str = "Plan your checks",
    ):
        super().__init__(key, store, graded, title)
        self.claims = {c["key"]: c for c in article.claims()}
        options = [("— choose a claim —", "")] + [
            (f"{c['span']} [{c['sentence']}]", k) for k, c in self.claims.items()
        ]
        self.entries: list[dict[str, w.Widget]] = []
        for _ in range(entries):
            entry: dict[str, w.Widget] = {
                "claim": w.Dropdown(options=options, value="", layout=w.Layout(width="100%"))
            }
            for name, _label, hint in FIELDS:
                entry[name] = w.Textarea(placeholder=hint, layout=w.Layout(width="100%", height="3.5em"))
            for widget in entry.values():
                widget.observe(self._changed, names="value")
            self.entries.append(entry)
        self._restore()

    def get_value(self) -> list[dict[str, Any]]:
        return [{k: (v.value or None) if k == "claim" else v.value for k, v in e.items()} for e in self.entries]

    def _apply(self, value: Any) -> None:
        if not isinstance(value, list):
            raise TypeError(f"expected a list of plans, got {type(value).__name__}")
        for entry, saved in zip(self.entries, value, strict=False):
            if not isinstance(saved, dict):
                raise TypeError("each plan must be a mapping")
            claim = saved.get("claim")
            entry["claim"].value = claim if isinstance(claim, str) and claim in self.claims else ""
            for name, *_ in FIELDS:
                text = saved.get(name, "")
                entry[name].value = text if isinstance(text, str) else ""

    def problems(self) -> list[str]:
        """What is missing or too short, plan by plan."""
        out = []
        chosen = [e["claim"].value for e in self.entries]
        for n, e in enumerate(self.entries, start=1):
            if not e["claim"].value:
                out.append(f"Plan {n}: choose a claim.")
            for name, label, _ in FIELDS:
                if len(e[name].value.split()) < MIN_WORDS:
                    out.append(f"Plan {n}: answer “{label}” in at least {MIN_WORDS} words.")
        picked = [c for c in chosen if c]
        if len(set(picked)) < len(picked):
            out.append("Choose a different claim for each plan.")
        return out

    @property
    def complete(self) -> bool:
        return not self.problems()

    def completeness_html(self) -> str:
        problems = self.problems()
        if not problems:
            return f'<div class="medialit-summary">{badge("done")} All {len(self.entries)} plans are complete.</div>'
        items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
        return f'<div class="medialit-warning">Still to do:<ul>{items}</ul></div>'

    def feedback_html(self) -> str:
        parts = []
        for n, e in enumerate(self.entries, start=1):
            claim = self.claims.get(e["claim"].value)
            if not claim:
                continue
            parts.append(
                f"<p><b>Plan {n}: “{html.escape(claim['span'])}”.</b> The article relies on "
                f"{html.escape(claim['vouched_by'])}. <i>One good check:</i> {html.escape(claim['verify'])}</p>"
            )
        if parts:  # said once, not under every plan
            parts.insert(0, f"<p>{html.escape(LATERAL)}</p>")
        return self.completeness_html() + "".join(parts)

    def _controls(self) -> list[w.Widget]:
        parts: list[w.Widget] = []
        for n, e in enumerate(self.entries, start=1):
            parts.append(w.HTML(f"<b>Plan {n}</b>"))
            parts.append(e["claim"])
            for name, label, _ in FIELDS:
                parts += [w.HTML(label), e[name]]
        return parts
