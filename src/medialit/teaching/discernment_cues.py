"""Surface strategies against the discernment test: can a form be passed without discernment?

Each strategy judges a text from a surface feature a student could learn to spot (its position,
quotation marks, a digit, its length, hedging words, "sources say", the words of a reason box ...),
never from who vouches for it. Played against a form's key, a strategy gets a d′ (the kit's own,
with the log-linear correction: :class:`medialit.teaching.discernment.Detection`). A form measures
discernment only when every strategy's d′ stays near 0 (:data:`LIMIT`) while the key's is the maximum.

Position strategies are played on every order students can see (:func:`all_orders`) and averaged.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from medialit.content.discernment_items import SOLID, WEAK, Form, Item, Reason
from medialit.teaching.discernment import all_orders, detection, max_d_prime

LIMIT = 0.5  # a strategy's |d′| at most this: one text either way on 6 + 6 (two texts make 0.73)
PARALLEL = 0.5  # a strategy's d′ on forms A and B differ by at most this

_NAME = r"(?:Dr |Professor |Prof\. )?[A-Z][a-z]+(?: [A-Z][a-z'’]+)+"
_SAYS = r"(?:said|says|told|wrote|writes|according to|confirmed|stated)"
NAMED = re.compile(rf"{_NAME},? [^.]{{0,40}}\b{_SAYS}\b|\b{_SAYS}\b [^.]{{0,60}}{_NAME}")
DOCUMENT = re.compile(
    r"\b(reports?|records?|figures|data|surveys?|study|studies|tables?|minutes|filings?|documents?|registers?|"
    r"accounts|published|statistics|audits?|inspections?|letters?|papers|journal|tests?)\b",
    re.I,
)
QUOTES = re.compile('["“”]')
SAID = re.compile(r"\b(said|says|told)\b", re.I)
DIGIT = re.compile(r"\d")
NUMBER = re.compile(r"\d[\d,.]*")
HEDGES = re.compile(
    r"\b(may|might|could|not yet|unclear|too early|cannot|can't|expected|likely|possibly|appears?|"
    r"suggests?|estimated?|about|around|unconfirmed|not known|do not know|preliminary)\b",
    re.I,
)
UNNAMED = re.compile(
    r"\b(sources?|insiders?|people familiar|experts? (?:say|warn|believe)|officials? (?:say|said)|"
    r"asked not to be named|anonymity|unnamed|a person who|someone who|"
    r"(?:residents?|locals?|neighbours?|shopkeepers?|parents?) (?:say|said|told|fear))\b",
    re.I,
)
MARKER = re.compile(r"[:!?'\"“”‘’]|\b(warn|slam|blast|shock|insiders|experts)\b", re.I)
TITLE = re.compile(
    r"\b(Dr|Professor|Prof\.|chief|director|head|manager|officer|minister|mayor|founder|scientist|engineer)\b", re.I
)
BODY = re.compile(
    r"\b(council|office|ministry|department|police|agency|authority|trust|company|board|inspectorate|operator|"
    r"regulator|university|hospital|club|theatre|service|commission|committee|court|government)\b",
    re.I,
)
LOADED = re.compile(
    r"\b(disaster|shambolic|reckless|nightmare|chaos|chaotic|scandal|outrage|shocking|horrified|killing|"
    r"crisis|slams?|fury|furious|huge|massive|devastating|brave|heroic|miracle|slashed?|soaring)\b",
    re.I,
)
PERCENT = re.compile(r"%|\bper ?cent\b", re.I)
DATE = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|yesterday|today|last week|next week)\b"
)
REPORTED = re.compile(r"\b(says?|said|finds?|found|shows?|reports?|according)\b", re.I)
SWEEPING = re.compile(r"\b(every|all|always|never|nobody|everyone|each)\b", re.I)
CONFIRM = re.compile(r"\bconfirm", re.I)
NO_REPLY = re.compile(r"\b(did not|would not|declined to) (reply|respond|comment|confirm)", re.I)
ACADEMIC = re.compile(r"\b(university|journal|professor|study|survey|research)", re.I)
STOP = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "by",
        "is",
        "it",
        "its",
        "it's",
        "that",
        "this",
        "as",
        "at",
        "be",
        "from",
        "with",
        "not",
        "no",
        "what",
        "who",
        "how",
        "any",
        "anyone",
        "one",
        "has",
        "have",
        "was",
        "were",
        "are",
        "you",
        "your",
        "there",
        "their",
        "they",
        "them",
        "so",
        "if",
        "can",
    }
)


def words(text: str) -> set[str]:
    """The content words of a text, lower case."""
    return {w for w in re.findall(r"[a-z']+", text.lower()) if w not in STOP and len(w) > 2}


def _all(item: Item) -> str:
    return f"{item.headline} {item.text}"


@dataclass(frozen=True)
class Strategy:
    """A surface rule: ``says_solid(item, form)`` is True when the rule calls the text well supported."""

    name: str
    says_solid: Callable[[Item, Form], bool]


def _longer(item: Item, form: Form) -> bool:
    median = statistics.median(len(_all(i).split()) for i in form.items)
    return len(_all(item).split()) > median


def _long_headline(item: Item, form: Form) -> bool:
    return len(item.headline.split()) > statistics.median(len(i.headline.split()) for i in form.items)


def _number_rich(item: Item, form: Form) -> bool:
    median = statistics.median(len(NUMBER.findall(_all(i))) for i in form.items)
    return len(NUMBER.findall(_all(item))) > median


def _reason_words(reasons: dict[str, Reason]) -> Callable[[Item, Form], bool]:
    """Tick the box whose words the text shares most; judge by that box's side (ties: well supported)."""

    def rule(item: Item, form: Form) -> bool:
        seen = words(_all(item))
        best = {
            side: max((len(words(r.text) & seen) for r in reasons.values() if r.side == side), default=0)
            for side in (SOLID, WEAK)
        }
        return best[SOLID] >= best[WEAK]

    return rule


def strategies(reasons: dict[str, Reason]) -> list[Strategy]:
    """The surface strategies played against each form (position strategies are :func:`position_d_primes`)."""
    has = lambda pattern: lambda item, form: bool(pattern.search(_all(item)))  # noqa: E731
    lacks = lambda pattern: lambda item, form: not pattern.search(_all(item))  # noqa: E731
    return [
        Strategy("a named person says it", has(NAMED)),
        Strategy(
            "a named person, a body or a document",
            lambda i, f: bool(NAMED.search(_all(i)) or BODY.search(_all(i)) or DOCUMENT.search(_all(i))),
        ),
        Strategy("mentions a document or figures", has(DOCUMENT)),
        Strategy("quotation marks", has(QUOTES)),
        Strategy("'said', 'says' or 'told'", has(SAID)),
        Strategy("longer than the form's median", _longer),
        Strategy("has a digit", has(DIGIT)),
        Strategy("more numbers than the median", _number_rich),
        Strategy("hedging words (well supported)", has(HEDGES)),
        Strategy("no 'sources say' or unnamed source", lacks(UNNAMED)),
        Strategy("no headline marker (colon, quote, 'experts', 'warn')", lambda i, f: not MARKER.search(i.headline)),
        Strategy("a title or role (Dr, chief, officer ...)", has(TITLE)),
        Strategy("an office or body named", has(BODY)),
        Strategy("no loaded words", lacks(LOADED)),
        Strategy("the reason box whose words it shares", _reason_words(reasons)),
        Strategy("a percent sign", has(PERCENT)),
        Strategy("a day or a month named", has(DATE)),
        Strategy("the headline says who says or finds it", lambda i, f: bool(REPORTED.search(i.headline))),
        Strategy("a headline longer than the median", _long_headline),
        Strategy("no sweeping word (every, all, never ...)", lacks(SWEEPING)),
        Strategy("'confirm' in the text", has(CONFIRM)),
        Strategy("nobody declined to reply or confirm", lacks(NO_REPLY)),
        Strategy("a university, journal, study or survey", has(ACADEMIC)),
        Strategy("no 'new' in the headline", lambda i, f: "new" not in i.headline.lower().split()),
        Strategy("the headline announces a plan ('to close', 'to leave' ...)", lambda i, f: " to " in i.headline),
    ]


def strategy_d_prime(form: Form, says_solid: Callable[[Item, Form], bool]) -> float:
    """The d′ a strategy scores on ``form`` (the kit's d′, log-linear correction)."""
    keys = {i.id: i.key for i in form.items}
    judged = {i.id: SOLID if says_solid(i, form) else WEAK for i in form.items}
    return detection(keys, judged).d_prime


def _mean_over_orders(form: Form, guess: Callable[[int, int], str]) -> float:
    """Mean d′ of a rule ``guess(position, count)`` over every order students can see."""
    keys = {i.id: i.key for i in form.items}
    scores = []
    for order in all_orders(form.ids):
        judged = {item: guess(n, len(order)) for n, item in enumerate(order)}
        scores.append(detection(keys, judged).d_prime)
    return statistics.fmean(scores)


def position_d_primes(form: Form, other: Form | None = None) -> dict[str, float]:
    """Position strategies, each averaged over every order a student can see (and the other form's pattern)."""
    out = {
        "position: first half well supported": _mean_over_orders(form, lambda n, k: SOLID if n < k // 2 else WEAK),
        "position: every other text well supported": _mean_over_orders(
            form, lambda n, k: SOLID if n % 2 == 0 else WEAK
        ),
        "position: the file order's first half": strategy_d_prime(
            form, lambda i, f: f.ids.index(i.id) < len(f.ids) // 2
        ),
    }
    if other is not None and len(other.items) == len(form.items):
        # a student who learnt the pattern of their other form and copies it (the two orders are drawn apart)
        keys = {i.id: i.key for i in form.items}
        scores = [
            detection(keys, {a: other.item(b).key for a, b in zip(mine, theirs, strict=True)}).d_prime
            for mine in all_orders(form.ids)
            for theirs in all_orders(other.ids)
        ]
        out["position: the other form's pattern"] = statistics.fmean(scores)
    return out


def d_primes(form: Form, reasons: dict[str, Reason], other: Form | None = None) -> dict[str, float]:
    """Every strategy's d′ on ``form``, and the key's (``"the key"``)."""
    out = {s.name: strategy_d_prime(form, s.says_solid) for s in strategies(reasons)}
    out.update(position_d_primes(form, other))
    out["the key"] = strategy_d_prime(form, lambda i, f: i.solid)
    return out


def problems(form: Form, reasons: dict[str, Reason], other: Form | None = None) -> list[str]:
    """Strategies that pass ``form`` without discernment, and a key short of the maximum ([] when none)."""
    found = d_primes(form, reasons, other)
    solid = sum(i.solid for i in form.items)
    out = [
        f"form {form.name}: '{name}' scores d′ = {value:+.2f} (at most ±{LIMIT})"
        for name, value in found.items()
        if name != "the key" and abs(value) > LIMIT
    ]
    top = max_d_prime(solid, len(form.items) - solid)
    if abs(found["the key"] - top) > 1e-9:
        out.append(f"form {form.name}: the key scores d′ = {found['the key']:.2f}, not the maximum {top:.2f}")
    return out


def parallel_problems(a: Form, b: Form, reasons: dict[str, Reason]) -> list[str]:
    """Strategies whose d′ differs between two parallel forms by more than :data:`PARALLEL`."""
    da, db = d_primes(a, reasons, b), d_primes(b, reasons, a)
    return [
        f"'{name}': form {a.name} d′ = {da[name]:+.2f}, form {b.name} d′ = {db[name]:+.2f} "
        f"(differ by more than {PARALLEL})"
        for name in da
        if abs(da[name] - db[name]) > PARALLEL
    ]
