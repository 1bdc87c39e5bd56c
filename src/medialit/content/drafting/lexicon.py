"""The drafting lexicons, read from ``medialit/data/lexicons/*.yaml`` (each file states its provenance)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Lexicons:
    """The word lists the drafter matches, lower-cased."""

    cue_phrases: tuple[str, ...]
    cue_verbs: frozenset[str]
    vague_determiners: frozenset[str]
    vague_nouns: frozenset[str]
    named_nouns: frozenset[str]
    hedge_phrases: tuple[str, ...]
    hedge_words: frozenset[str]
    evaluative: tuple[str, ...]
    causal: tuple[str, ...]
    leadins: tuple[str, ...]
    predicates: tuple[str, ...]
    neutral_terms: tuple[str, ...]
    judgement_adjectives: tuple[str, ...]
    belief_adjectives: frozenset[str]
    groups: frozenset[str]
    titles: dict[str, tuple[str, ...]]
    provenance: dict[str, str]


def _read(name: str) -> dict:
    return yaml.safe_load(resources.files("medialit").joinpath(f"data/lexicons/{name}.yaml").read_text("utf-8"))


def _low(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i.lower() for i in items))


@cache
def lexicons() -> Lexicons:
    """All lexicons (cached); multi-word entries come first so they win over their parts."""
    rep, vague, hedge, ev = (_read(n) for n in ("reporting", "vague_sources", "hedges", "evaluative"))
    subjective = _read("subjective")
    by_length = lambda xs: tuple(sorted(_low(xs), key=lambda x: -len(x.split())))  # noqa: E731
    return Lexicons(
        cue_phrases=by_length(rep["phrases"]),
        cue_verbs=frozenset(_low(rep["verbs"] + rep.get("more_verbs", []))),
        vague_determiners=frozenset(_low(vague["determiners"])),
        vague_nouns=frozenset(_low(vague["nouns"])),
        named_nouns=frozenset(_low(vague["named_nouns"])),
        hedge_phrases=by_length(hedge["phrases"]),
        hedge_words=frozenset(_low(hedge["words"])),
        evaluative=by_length(ev["words"] + subjective["words"]),
        causal=by_length(ev["causal"]),
        leadins=by_length(ev["analysis_leadins"]),
        predicates=by_length(ev["predicates"]),
        neutral_terms=by_length(ev.get("neutral_terms", [])),
        judgement_adjectives=by_length(ev.get("judgement_adjectives", [])),
        belief_adjectives=frozenset(_low(rep["belief_adjectives"])),
        groups=frozenset(_low(vague["groups"])),
        titles={k.lower(): tuple(_low(v)) for k, v in vague["titles"].items()},
        provenance={
            n: d["provenance"]
            for n, d in zip(("cue", "source", "hedges", "loaded"), (rep, vague, hedge, ev), strict=True)
        }
        | {"loaded": f"{ev['provenance']}; {subjective['provenance']}"},
    )
