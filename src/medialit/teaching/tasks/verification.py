"""Verification plans: a structured plan to check claims by lateral reading (SIFT)."""

from __future__ import annotations

import html
from typing import Any

from medialit.content.article import Article
from medialit.teaching.tasks.base import Task
from medialit.teaching.tasks.markup import badge

FIELDS = [  # (name, question, hint): the three boxes of each plan, on the widget and the feedback page
    ("search", "What will you search for?", "the words you would type into a search engine"),
    ("sources", "Which independent sources will you read?", "who else reports on it, not the article itself"),
    ("change_mind", "What would change your mind?", "what you would need to find to doubt or trust the claim"),
]
MIN_WORDS = 4  # per box: lesson 06 asks for "at least four words per box" (tests hold the two together)
LATERAL = (
    "Re-reading the article is not lateral reading. Going to the source the article relies on, or to "
    "someone independent of it, is."
)

Plan = dict[str, Any]  # {"claim": key or None, "search": text, "sources": text, "change_mind": text}


class VerificationLogTask(Task):
    """``entries`` plans, each: a claim from the article plus three text answers.

    Saved as a list of {"claim": key, "search": ..., "sources": ..., "change_mind": ...}.
    """

    kind = "VerificationLog"

    def __init__(
        self,
        article: Article,
        entries: int = 3,
        *,
        key: str = "verification",
        graded: bool = False,
        title: str = "Plan your checks",
    ):
        super().__init__(key, graded=graded, title=title)
        self.claims = {c["key"]: c for c in article.claims()}
        self.entries = entries

    def blank_plan(self) -> Plan:
        return {"claim": None, **{name: "" for name, *_ in FIELDS}}

    def blank(self) -> list[Plan]:
        return [self.blank_plan() for _ in range(self.entries)]

    def normalise(self, value: Any, notes: list[str] | None = None) -> list[Plan]:
        """``entries`` plans: an unknown claim is dropped, text that is not text is emptied."""
        if not isinstance(value, list):
            raise TypeError(f"expected a list of plans, got {type(value).__name__}")
        plans = self.blank()
        for plan, saved in zip(plans, value, strict=False):
            if not isinstance(saved, dict):
                raise TypeError("each plan must be a mapping")
            claim = saved.get("claim")
            plan["claim"] = claim if isinstance(claim, str) and claim in self.claims else None
            for name, *_ in FIELDS:
                text = saved.get(name, "")
                plan[name] = text if isinstance(text, str) else ""
        return plans

    def problems(self, value: list[Plan]) -> list[str]:
        """What is missing or too short, plan by plan."""
        out = []
        for n, plan in enumerate(value, start=1):
            if not plan["claim"]:
                out.append(f"Plan {n}: choose a claim.")
            for name, label, _ in FIELDS:
                if len(plan[name].split()) < MIN_WORDS:
                    out.append(f"Plan {n}: answer “{label}” in at least {MIN_WORDS} words.")
        picked = [plan["claim"] for plan in value if plan["claim"]]
        if len(set(picked)) < len(picked):
            out.append("Choose a different claim for each plan.")
        return out

    def complete(self, value: list[Plan]) -> bool:
        return not self.problems(value)

    def completeness_html(self, value: list[Plan]) -> str:
        problems = self.problems(value)
        if not problems:
            return f'<div class="medialit-summary">{badge("done")} All {len(value)} plans are complete.</div>'
        items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
        return f'<div class="medialit-warning">Still to do:<ul>{items}</ul></div>'

    def feedback_html(self, value: list[Plan]) -> str:
        parts = []
        for n, plan in enumerate(value, start=1):
            claim = self.claims.get(plan["claim"] or "")
            if not claim:
                continue
            parts.append(
                f"<p><b>Plan {n}: “{html.escape(claim['span'])}”.</b> The article relies on "
                f"{html.escape(claim['vouched_by'])}. <i>One good check:</i> {html.escape(claim['verify'])}</p>"
            )
        if parts:  # said once, not under every plan
            parts.insert(0, f"<p>{html.escape(LATERAL)}</p>")
        return self.completeness_html(value) + "".join(parts)
