"""The discernment test's items: invented practice texts, read from ``seeds/discernment/``, and their keys.

What students see and what graders use are separate files:

* ``seeds/discernment/form-a.yaml`` (and ``form-b``): the **items** of the class's pre/post-test
  forms (headline and text, nothing else). They ship with every install.
* ``keys/discernment/form-a.key.yaml`` (and ``form-b``): their **key** (solid or weak, the right
  reasons, the deciding words, a why), for graders only; the student install has no ``keys/``.
* ``seeds/discernment/practice-p.yaml`` and ``practice-q``: the self-study practice forms, whose keys
  are public and sit beside them (``practice-p.feedback.yaml``: the key and the feedback the
  self-study notebook gives; every install carries it, unlike a ``*.key.yaml``).
* ``reasons.yaml``: the reasons a student can tick.

This module owns those files: it loads and checks them and says, in words, what to fix. The
kit's own rules for a key:

* a **solid** item has a named, on-record source in a position to know, a checkable document or a
  confirming second source, and no weak cue;
* a **weak** item has at least one weak cue;
* each right reason is shown by words of the item (``evidence``), and the why quotes them;
* the file order alternates (no more than two of one kind in a row, the first and last of
  different kinds), so that every rotation of it does too (:mod:`medialit.teaching.discernment`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from medialit.content.article import seeds_dir
from medialit.content.kit import KitNotFoundError, kit_path

FOLDER = "discernment"
FORMS = ("A", "B")  # the class's pre/post-test forms: keys for graders only (keys/discernment/)
PRACTICE = ("P", "Q")  # the self-study practice forms: keys public (seeds/discernment/)
ALL_FORMS = FORMS + PRACTICE
SOLID, WEAK = "solid", "weak"
KEYS = (SOLID, WEAK)
SOURCED = ("named", "document", "confirmed")  # a solid item needs one of these
SIDES = (SOLID, WEAK, "none")  # "none": a reason that is never right (how a text feels, not who vouches)
MAX_RUN = 2  # at most this many texts of one kind in a row, in the file and in every rotation of it
KEY_FIELDS = ("key", "reasons", "evidence", "why")


class ItemsError(ValueError):
    """A discernment item or key file that breaks a rule; the message names the file, the item and the fix."""


@dataclass(frozen=True)
class Reason:
    id: str
    side: str
    text: str


@dataclass(frozen=True)
class Text:
    """One practice text as a student sees it: no key."""

    id: str
    headline: str
    text: str


@dataclass(frozen=True)
class Paper:
    """A form as students see it: its texts in file order, no key."""

    name: str
    title: str
    texts: tuple[Text, ...]

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.texts]

    def text(self, item_id: str) -> Text:
        return next(t for t in self.texts if t.id == item_id)


@dataclass(frozen=True)
class Item:
    """One practice text with its key."""

    id: str
    headline: str
    text: str
    key: str
    reasons: tuple[str, ...]
    evidence: dict[str, str]
    why: str

    @property
    def solid(self) -> bool:
        return self.key == SOLID


@dataclass(frozen=True)
class Form:
    """A form with its key (what graders and the feedback use)."""

    name: str  # "A", "B", "P" or "Q"
    title: str
    items: tuple[Item, ...]

    def item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.items]


def folder(seeds: str | Path | None = None) -> Path:
    """The folder of the item files (``seeds/discernment``)."""
    return Path(seeds) / FOLDER if seeds else seeds_dir() / FOLDER


def keys_folder(seeds: str | Path | None = None, keys: str | Path | None = None) -> Path:
    """The folder of the graders' keys: ``keys`` given, else ``keys/`` beside ``seeds``, else the kit's."""
    if keys:
        return Path(keys) / FOLDER
    if seeds and (Path(seeds).parent / "keys").is_dir():
        return Path(seeds).parent / "keys" / FOLDER
    try:
        return kit_path("keys") / FOLDER
    except KitNotFoundError:
        return Path("keys") / FOLDER


def items_path(name: str, seeds: str | Path | None = None) -> Path:
    """The texts of form ``name``: ``form-a.yaml`` for the class's forms, ``practice-p.yaml`` for practice."""
    return folder(seeds) / f"{'practice' if name in PRACTICE else 'form'}-{name.lower()}.yaml"


def key_path(name: str, seeds: str | Path | None = None, keys: str | Path | None = None) -> Path:
    """Where form ``name``'s key is: graders' keys/ for A and B, beside the items for practice forms."""
    if name in PRACTICE:
        return folder(seeds) / f"practice-{name.lower()}.feedback.yaml"
    return keys_folder(seeds, keys) / f"form-{name.lower()}.key.yaml"


def _read(path: Path, missing: str = "") -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ItemsError(
            f"{path} is missing: {missing or 'the discernment test needs it (copy it from the kit)'}"
        ) from None
    except yaml.YAMLError as exc:
        raise ItemsError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ItemsError(f"{path}: expected a mapping at the top (reasons:, form:/items: or form:/key:)")
    return data


def load_reasons(seeds: str | Path | None = None) -> dict[str, Reason]:
    """The reasons a student can choose, by id, in file order."""
    path = folder(seeds) / "reasons.yaml"
    out: dict[str, Reason] = {}
    for n, entry in enumerate(_read(path).get("reasons") or [], 1):
        if not isinstance(entry, dict) or not {"id", "side", "text"} <= set(entry):
            raise ItemsError(f"{path}: reason {n} needs id, side and text")
        if entry["side"] not in SIDES:
            sides = ", ".join(SIDES)
            raise ItemsError(f"{path}: reason {entry['id']!r} has side {entry['side']!r}; use one of {sides}")
        if re.search('["“”]', str(entry["text"])):
            raise ItemsError(
                f"{path}: reason {entry['id']!r} quotes words; say the reason in your own words (a quoted "
                "phrase a text also uses tells students which box to tick)"
            )
        out[str(entry["id"])] = Reason(str(entry["id"]), str(entry["side"]), str(entry["text"]))
    if not out:
        raise ItemsError(f"{path}: no reasons listed (a list under 'reasons:')")
    return out


def _check_name(name: str) -> None:
    if name not in ALL_FORMS:
        raise ItemsError(
            f"there is no form {name!r}: the class's tests have forms {' and '.join(FORMS)}, "
            f"self-study has practice forms {' and '.join(PRACTICE)}"
        )


def load_paper(name: str, seeds: str | Path | None = None) -> Paper:
    """Form ``name`` as students see it (no key needed)."""
    _check_name(name)
    path = items_path(name, seeds)
    data = _read(path)
    texts = []
    for n, entry in enumerate(data.get("items") or [], 1):
        if not isinstance(entry, dict) or not {"id", "headline", "text"} <= set(entry):
            raise ItemsError(f"{path}: item {n} needs id, headline and text")
        leaked = [f for f in KEY_FIELDS if f in entry]
        if leaked:
            raise ItemsError(
                f"{path}: item {entry['id']} holds {', '.join(leaked)}: students can read this file, so the key "
                f"belongs in {key_path(name, seeds).name} ({'beside it' if name in PRACTICE else 'under keys/'})"
            )
        texts.append(Text(str(entry["id"]), str(entry["headline"]), str(entry["text"])))
    problems = []
    if str(data.get("form")) != name:
        problems.append(f"the file says form: {data.get('form')!r}; it should say form: {name}")
    ids = [t.id for t in texts]
    if len(set(ids)) != len(ids):
        problems.append("item ids repeat: each id must be unique")
    prefix = name.lower()
    problems += [f"item {i}: ids of form {name} start with {prefix!r}" for i in ids if not i.startswith(prefix)]
    if not texts:
        problems.append("no items (a list under 'items:')")
    if problems:
        raise ItemsError(f"{path}:\n  - " + "\n  - ".join(problems))
    return Paper(name, str(data.get("title") or f"Form {name}"), tuple(texts))


def load_papers(seeds: str | Path | None = None, names: tuple[str, ...] = ALL_FORMS) -> dict[str, Paper]:
    """The forms ``names`` as students see them."""
    return {name: load_paper(name, seeds) for name in names}


def _key_entry(path: Path, item_id: str, entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict) or not set(KEY_FIELDS) <= set(entry):
        lacking = sorted(set(KEY_FIELDS) - set(entry)) if isinstance(entry, dict) else list(KEY_FIELDS)
        raise ItemsError(f"{path}: the key of item {item_id} lacks {', '.join(lacking)}")
    evidence = entry["evidence"] if isinstance(entry["evidence"], dict) else {}
    return {
        "key": str(entry["key"]),
        "reasons": tuple(str(r) for r in entry["reasons"] or ()),
        "evidence": {str(k): str(v) for k, v in evidence.items()},
        "why": str(entry["why"]),
    }


def load_form(name: str, seeds: str | Path | None = None, keys: str | Path | None = None) -> Form:
    """Form ``name`` with its key, checked against the kit's rules (for graders and feedback)."""
    paper = load_paper(name, seeds)
    path = key_path(name, seeds, keys)
    missing = (
        "it is the practice form's key (copy it from the kit's seeds/discernment/)"
        if name in PRACTICE
        else "the key of the class's test is for graders only and is not part of a student's install; "
        "grade from an instructor install or the kit's checkout, which have keys/"
    )
    data = _read(path, missing)
    entries = data.get("key") if isinstance(data.get("key"), dict) else {}
    problems = []
    if str(data.get("form")) != name:
        problems.append(f"the file says form: {data.get('form')!r}; it should say form: {name}")
    problems += [f"item {i} has no key" for i in paper.ids if i not in entries]
    problems += [
        f"item {i} is keyed but is not in {items_path(name, seeds).name}" for i in entries if i not in paper.ids
    ]
    if problems:
        raise ItemsError(f"{path}:\n  - " + "\n  - ".join(problems))
    items = tuple(Item(t.id, t.headline, t.text, **_key_entry(path, t.id, entries[t.id])) for t in paper.texts)
    form = Form(name, paper.title, items)
    problems = check_form(form, load_reasons(seeds))
    if problems:
        raise ItemsError(f"{path}:\n  - " + "\n  - ".join(problems))
    return form


def load_forms(
    seeds: str | Path | None = None, keys: str | Path | None = None, names: tuple[str, ...] = FORMS
) -> dict[str, Form]:
    """Forms ``names`` (the class's A and B by default) with their keys, checked, and checked to be parallel."""
    forms = {name: load_form(name, seeds, keys) for name in names}
    pairs = [(forms[a], forms[b]) for a, b in (FORMS, PRACTICE) if a in forms and b in forms]
    for a, b in pairs:
        problems = check_parallel(a, b)
        if problems:
            raise ItemsError(
                f"{folder(seeds)}: forms {a.name} and {b.name} are not parallel:\n  - " + "\n  - ".join(problems)
            )
    return forms


def check_item(item: Item, reasons: dict[str, Reason]) -> list[str]:
    """What breaks the kit's rules in one item ([] when none)."""
    where = f"item {item.id}"
    out = []
    if item.key not in KEYS:
        return [f"{where}: key is {item.key!r}; use solid or weak"]
    unknown = [r for r in item.reasons if r not in reasons]
    if unknown:
        return [f"{where}: unknown reasons {', '.join(unknown)} (reasons.yaml lists {', '.join(reasons)})"]
    sides = {reasons[r].side for r in item.reasons}
    if "none" in sides:
        never = ", ".join(r for r in item.reasons if reasons[r].side == "none")
        out.append(f"{where}: a reason that is never right ({never})")
    if item.solid and not set(item.reasons) & set(SOURCED):
        out.append(f"{where}: a solid item needs a source that vouches for it (reason {', '.join(SOURCED)})")
    if item.solid and WEAK in sides:
        out.append(f"{where}: a solid item cannot have a weak cue ({', '.join(item.reasons)})")
    if not item.solid and WEAK not in sides:
        weak = ", ".join(r.id for r in reasons.values() if r.side == WEAK)
        out.append(f"{where}: a weak item needs at least one weak cue ({weak})")
    if set(item.evidence) != set(item.reasons):
        out.append(f"{where}: evidence must quote the words for each reason ({', '.join(item.reasons)}), no more")
    words = f"{item.headline} {item.text}"
    for reason, phrase in item.evidence.items():
        if phrase not in words:
            out.append(f"{where}: the evidence for {reason}, {phrase!r}, is not in its headline or text")
    if not any(phrase in item.why for phrase in item.evidence.values()):
        out.append(f"{where}: the why must quote the deciding words (one of its evidence phrases)")
    return out


def longest_run(keys: list[str]) -> int:
    """The most texts of one kind in a row."""
    best = run = 0
    for n, key in enumerate(keys):
        run = run + 1 if n and key == keys[n - 1] else 1
        best = max(best, run)
    return best


def check_form(form: Form, reasons: dict[str, Reason]) -> list[str]:
    """What breaks the rules in a form: each item, half solid and half weak, an alternating order."""
    out = [problem for item in form.items for problem in check_item(item, reasons)]
    solid = sum(item.solid for item in form.items)
    if not form.items or solid * 2 != len(form.items):
        out.append(f"{solid} of {len(form.items)} items are solid: half must be solid and half weak")
    keys = [i.key for i in form.items]
    if keys and (longest_run(keys) > MAX_RUN or keys[0] == keys[-1]):
        out.append(
            f"the file order has {longest_run(keys)} texts of one kind in a row, or starts and ends with the same "
            f"kind: reorder the items so that no more than {MAX_RUN} of one kind follow each other and the first "
            "and last differ (every student sees a rotation of this order)"
        )
    return out


def _number(item_id: str) -> str:
    return item_id.lstrip("abcdefghijklmnopqrstuvwxyz")


def cue_profile(form: Form) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each item's key and sorted reasons, by item number (a01 and b01 are a pair): what parallel forms share."""
    return {_number(item.id): (item.key, tuple(sorted(item.reasons))) for item in form.items}


def _turns(keys: list[str]) -> list[list[str]]:
    turns = [keys[r:] + keys[:r] for r in range(len(keys))]
    return turns + [t[::-1] for t in turns]


def check_parallel(a: Form, b: Form) -> list[str]:
    """Where two forms differ in length or in a pair's key and cue types, or share an order pattern ([] when fine).

    Items pair by number (a01 with b01). The two files' orders must not share one pattern of solid and
    weak (turned or reversed): a student who learnt one form's pattern could otherwise fill in the other.
    """
    if len(a.items) != len(b.items):
        return [f"form {a.name} has {len(a.items)} items, form {b.name} {len(b.items)}"]
    pa, pb = cue_profile(a), cue_profile(b)
    if set(pa) != set(pb):
        return [
            f"the item numbers differ: form {a.name} has {', '.join(sorted(pa))}, form {b.name} {', '.join(sorted(pb))}"
        ]
    out = [
        f"item {a.name.lower()}{n} ({pa[n][0]}: {', '.join(pa[n][1])}) and item {b.name.lower()}{n} "
        f"({pb[n][0]}: {', '.join(pb[n][1])}) should match"
        for n in sorted(pa)
        if pa[n] != pb[n]
    ]
    if [i.key for i in b.items] in _turns([i.key for i in a.items]):
        out.append(
            f"the order of form {b.name} has the same pattern of solid and weak as form {a.name} (turned or "
            "reversed): reorder one of them"
        )
    return out


def check_folder(seeds: str | Path, keys: str | Path | None = None) -> tuple[bool, str]:
    """(ok, one line) for the discernment items under ``seeds`` (ok and '' when there are none)."""
    where = folder(seeds)
    if not where.is_dir():
        return True, ""
    try:
        forms = {**load_forms(seeds, keys), **load_forms(seeds, keys, PRACTICE)}
    except ItemsError as exc:
        return False, str(exc)
    counts = "; ".join(
        f"form {f.name}: {len(f.items)} texts, {sum(i.solid for i in f.items)} solid" for f in forms.values()
    )
    return True, f"{where}: OK: {counts}; A and B are parallel, and so are P and Q"
