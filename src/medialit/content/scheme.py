"""The label scheme: labels, source kinds, parts, voices and claim statuses.

The scheme is data (``medialit/data/scheme.yaml``); this module loads it and
renders it for lessons.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Scheme:
    """The kit's label scheme, loaded from its YAML file."""

    raw: dict[str, Any]

    def ids(self, group: str) -> list[str]:
        """The ids of one group: labels, source_kinds, parts, voices, claim_status, support."""
        return [item["id"] for item in self.raw[group]]

    def name(self, group: str, item_id: str) -> str:
        """The reader-facing name of one item, e.g. name('labels', 'vague')."""
        for item in self.raw[group]:
            if item["id"] == item_id:
                return item["name"]
        raise KeyError(f"{item_id!r} is not in the scheme's {group}")

    @property
    def labels(self) -> list[dict[str, str]]:
        return list(self.raw["labels"])

    @property
    def label_ids(self) -> list[str]:
        return self.ids("labels")

    @property
    def decision_order(self) -> list[str]:
        return list(self.raw["decision_order"])

    @property
    def speculation_cues(self) -> frozenset[str]:
        """Hedge words that make a sentence a guess (may, might, could, ...)."""
        label = next(item for item in self.raw["labels"] if item["id"] == "speculation")
        return frozenset(word.lower() for word in label.get("cues", []))

    def decided_label(
        self,
        source: Mapping[str, Any],
        cue: Sequence[str],
        loaded: Sequence[Mapping[str, Any]],
        hedges: Sequence[str],
    ) -> tuple[str, str]:
        """The label the decision order gives a sentence, from its annotation, and why.

        The order, as the annotation encodes it:

        1. a source (kind named, second-hand or anonymous) with a reporting word (cue):
           ``named`` if the source can be identified (named, second-hand), else ``vague``;
        2. otherwise a loaded phrase in the writer's voice (a judgement, a cause or motive,
           loaded words): ``framing``;
        3. otherwise a hedge that is a speculation cue (may, could, ...): ``speculation``;
        4. otherwise ``unsourced``.
        """
        kind = source.get("kind", "none")
        if kind != "none" and cue:
            who = "can be identified" if kind != "anonymous" else "cannot be identified"
            label = "vague" if kind == "anonymous" else "named"
            return label, f"a reporting word ({cue[0]!r}) and a source that {who} (question 1)"
        writer = [item["span"] for item in loaded if item.get("voice") == "writer"]
        if writer:
            return "framing", f"nobody is reported, and the writer's own loaded words {writer[0]!r} (question 2)"
        guesses = [h for h in hedges if set(h.lower().split()) & self.speculation_cues]
        if guesses:
            return "speculation", f"nobody is reported, no loaded words, and the guess {guesses[0]!r} (question 3)"
        return "unsourced", "nobody is reported, no loaded words of the writer's and no guess (question 4)"

    def label_names(self) -> dict[str, str]:
        """Map label id to its name, in scheme order."""
        return {item["id"]: item["name"] for item in self.raw["labels"]}

    def to_html(self) -> str:
        """The scheme as an HTML table, with the decision order below it."""
        rows = "".join(
            "<tr>"
            f"<td><b>{html.escape(lab['name'])}</b></td>"
            f"<td>{html.escape(lab['definition'])}</td>"
            f"<td><i>{html.escape(lab['question'])}</i></td>"
            f"<td>“{html.escape(lab['example'])}”</td>"
            "</tr>"
            for lab in self.labels
        )
        steps = "".join(f"<li>{html.escape(step)}</li>" for step in self.decision_order)
        return (
            SCHEME_STYLE + '<table class="medialit-scheme">'
            "<thead><tr><th>Label</th><th>What it means</th>"
            "<th>Ask yourself</th><th>Example (a different story)</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            f"<p><b>When a sentence seems to fit two labels, ask in this order:</b></p><ol>{steps}</ol>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


# JupyterLab right-aligns output table cells and centres them vertically: the long definitions
# of the scheme read better left-aligned, each row from its top. (The second selector outranks
# JupyterLab's ``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td``.)
SCHEME_STYLE = """<style>
table.medialit-scheme :is(th, td),
.jp-RenderedHTMLCommon table.medialit-scheme :is(th, td) {text-align: left; vertical-align: top;}
</style>"""


@cache
def load_scheme() -> Scheme:
    """Load the kit's label scheme (cached)."""
    text = resources.files("medialit").joinpath("data/scheme.yaml").read_text(encoding="utf-8")
    return Scheme(yaml.safe_load(text))


def show() -> Any:
    """Display the scheme in a notebook (returns an IPython HTML object)."""
    from IPython.display import HTML

    return HTML(load_scheme().to_html())
