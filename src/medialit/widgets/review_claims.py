"""The claims part of the review widget: one row of fields per claim, to keep, change or drop."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from medialit.content.scheme import load_scheme

TYPES = ("number", "date", "event")


def _sep(text: str) -> list[str]:
    return [x.strip() for x in text.split(";") if x.strip()]


class ClaimRow(w.VBox):
    """One claim's fields; ``claim()`` gives the claim as the teacher left it (fields not shown are kept)."""

    def __init__(self, claim: dict[str, Any]):
        scheme = load_scheme()
        self.original = dict(claim)
        wide = w.Layout(width="95%")
        self.keep = w.Checkbox(value=True, description="keep this claim", indent=False)
        self.span = w.Text(value=claim.get("span", ""), description="Claim words", layout=wide)
        self.type = w.Dropdown(options=TYPES, value=claim.get("type", "number"), description="Type")
        self.vouched_by = w.Text(value=claim.get("vouched_by", "the writer"), description="Vouched by", layout=wide)
        self.source_kind = w.Dropdown(
            options=scheme.ids("source_kinds"), value=claim.get("source_kind", "none"), description="Source kind"
        )
        self.status = w.Dropdown(
            options=scheme.ids("claim_status"), value=claim.get("status", "asserted"), description="Status"
        )
        self.support = w.Dropdown(
            options=scheme.ids("support"), value=claim.get("support", "weak"), description="Support"
        )
        self.rests_on = w.Text(value="; ".join(claim.get("rests_on", [])), description="Rests on", layout=wide)
        self.why = w.Textarea(value=" ".join(claim.get("why", "").split()), description="Why", layout=wide)
        self.verify = w.Text(value=claim.get("verify", ""), description="Verify", layout=wide)
        boxes = [self.span, self.type, self.vouched_by, self.source_kind, self.status, self.support, self.rests_on]
        for box in [*boxes, self.why, self.verify]:
            box.style.description_width = "8em"
        super().__init__([self.keep, *boxes, self.why, self.verify], layout=w.Layout(border="1px solid #ddd"))

    def claim(self) -> dict[str, Any]:
        """The claim as edited (the format's field order)."""
        edited = {
            "span": self.span.value.strip(),
            "type": self.type.value,
            "vouched_by": self.vouched_by.value.strip(),
            "source_kind": self.source_kind.value,
            "status": self.status.value,
            "support": self.support.value,
            "rests_on": _sep(self.rests_on.value),
            "why": self.why.value.strip(),
            "verify": self.verify.value.strip(),
        }
        return {**edited, **{k: v for k, v in self.original.items() if k not in edited}}


class ClaimsEditor(w.VBox):
    """The claims of one sentence: a row each, and a button to add one."""

    def __init__(self) -> None:
        self.rows: list[ClaimRow] = []
        self.add_button = w.Button(description="Add a claim")
        self.add_button.on_click(lambda _: self._add({}))
        super().__init__([self.add_button])

    def _add(self, claim: dict[str, Any]) -> None:
        self.rows.append(ClaimRow(claim))
        self.children = (*self.rows, self.add_button)

    def show(self, claims: list[dict[str, Any]]) -> None:
        self.rows = []
        self.children = (self.add_button,)
        for claim in claims:
            self._add(claim)

    def claims(self) -> list[dict[str, Any]]:
        """The claims kept, as edited."""
        return [row.claim() for row in self.rows if row.keep.value]
