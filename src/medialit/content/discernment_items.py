"""The discernment test's items: two parallel forms of invented practice texts, read from ``seeds/discernment/``.

``form-a.yaml`` and ``form-b.yaml`` hold the items (headline, one or two sentences, key solid
or weak, the right reasons, the deciding words, a why); ``reasons.yaml`` the reasons a student
can choose from. This module owns those files: it loads and checks them and says, in
words, what to fix. The kit's own rules for a key:

* a **solid** item has a named, on-record source or a checkable document, and no weak cue;
* a **weak** item has at least one weak cue (anonymous source, no source, an asserted cause,
  loaded words, a vague number);
* each right reason is shown by words of the item (``evidence``), and the why quotes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from medialit.content.article import seeds_dir

FOLDER = "discernment"
FORMS = ("A", "B")
SOLID, WEAK = "solid", "weak"
KEYS = (SOLID, WEAK)
SOURCED = ("named", "document")  # a solid item needs one of these
SIDES = (SOLID, WEAK, "none")  # "none": a reason that is never right (how a text feels, not who vouches)


class ItemsError(ValueError):
    """A discernment item file that breaks a rule; the message names the file, the item and the fix."""


@dataclass(frozen=True)
class Reason:
    id: str
    side: str
    text: str


@dataclass(frozen=True)
class Item:
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
    name: str  # "A" or "B"
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


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ItemsError(f"{path} is missing: the discernment test needs it (copy it from the kit's seeds/)") from None
    except yaml.YAMLError as exc:
        raise ItemsError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ItemsError(f"{path}: expected a mapping at the top (reasons: or form:/items:)")
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
        out[str(entry["id"])] = Reason(str(entry["id"]), str(entry["side"]), str(entry["text"]))
    if not out:
        raise ItemsError(f"{path}: no reasons listed (a list under 'reasons:')")
    return out


def load_form(name: str, seeds: str | Path | None = None) -> Form:
    """Form ``name`` ("A" or "B"), checked against the kit's rules."""
    if name not in FORMS:
        raise ItemsError(f"there is no form {name!r}: the discernment test has forms {' and '.join(FORMS)}")
    path = folder(seeds) / f"form-{name.lower()}.yaml"
    data = _read(path)
    reasons = load_reasons(seeds)
    items = tuple(_item(path, n, entry) for n, entry in enumerate(data.get("items") or [], 1))
    form = Form(name, str(data.get("title") or f"Form {name}"), items)
    problems = check_form(form, reasons)
    if str(data.get("form")) != name:
        problems.insert(0, f"the file says form: {data.get('form')!r}; it should say form: {name}")
    if problems:
        raise ItemsError(f"{path}:\n  - " + "\n  - ".join(problems))
    return form


def load_forms(seeds: str | Path | None = None) -> dict[str, Form]:
    """Both forms, checked, and checked to be parallel."""
    forms = {name: load_form(name, seeds) for name in FORMS}
    problems = check_parallel(forms["A"], forms["B"])
    if problems:
        raise ItemsError(f"{folder(seeds)}: forms A and B are not parallel:\n  - " + "\n  - ".join(problems))
    return forms


def _item(path: Path, n: int, entry: Any) -> Item:
    needed = {"id", "headline", "text", "key", "reasons", "evidence", "why"}
    if not isinstance(entry, dict) or not needed <= set(entry):
        lacking = sorted(needed - set(entry)) if isinstance(entry, dict) else sorted(needed)
        raise ItemsError(f"{path}: item {n} lacks {', '.join(lacking)}")
    evidence = entry["evidence"] if isinstance(entry["evidence"], dict) else {}
    return Item(
        str(entry["id"]),
        str(entry["headline"]),
        str(entry["text"]),
        str(entry["key"]),
        tuple(str(r) for r in entry["reasons"] or ()),
        {str(k): str(v) for k, v in evidence.items()},
        str(entry["why"]),
    )


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
        out.append(f"{where}: a solid item needs a named source or a checkable document (reason named or document)")
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


def check_form(form: Form, reasons: dict[str, Reason]) -> list[str]:
    """What breaks the rules in a form: each item, unique ids, half solid and half weak."""
    out = [problem for item in form.items for problem in check_item(item, reasons)]
    ids = form.ids
    if len(set(ids)) != len(ids):
        out.append("item ids repeat: each id must be unique")
    prefix = form.name.lower()
    out += [f"item {i}: ids of form {form.name} start with {prefix!r}" for i in ids if not i.startswith(prefix)]
    solid = sum(item.solid for item in form.items)
    if not form.items or solid * 2 != len(form.items):
        out.append(f"{solid} of {len(form.items)} items are solid: half must be solid and half weak")
    return out


def cue_profile(form: Form) -> list[tuple[str, tuple[str, ...]]]:
    """Each item's key and sorted reasons, in order: what two parallel forms must share."""
    return [(item.key, tuple(sorted(item.reasons))) for item in form.items]


def check_parallel(a: Form, b: Form) -> list[str]:
    """Where two forms differ in length or in an item's key and cue types ([] when parallel)."""
    if len(a.items) != len(b.items):
        return [f"form {a.name} has {len(a.items)} items, form {b.name} {len(b.items)}"]
    return [
        f"item {x.id} ({x.key}: {', '.join(px[1])}) and item {y.id} ({y.key}: {', '.join(py[1])}) should match"
        for x, y, px, py in zip(a.items, b.items, cue_profile(a), cue_profile(b), strict=True)
        if px != py
    ]


def check_folder(seeds: str | Path) -> tuple[bool, str]:
    """(ok, one line) for the discernment items under ``seeds`` (ok and '' when there are none)."""
    where = folder(seeds)
    if not where.is_dir():
        return True, ""
    try:
        forms = load_forms(seeds)
    except ItemsError as exc:
        return False, str(exc)
    counts = "; ".join(
        f"form {f.name}: {len(f.items)} texts, {sum(i.solid for i in f.items)} solid" for f in forms.values()
    )
    return True, f"{where}: OK: {counts}; the forms are parallel"
