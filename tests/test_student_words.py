"""Words for a 15-year-old: the text a student must read cites no research and names no idea before saying it.

Citations (author and year, "et al.", the research projects the kit's labels come from) and the
kappa formula belong in a folded note for teachers (``<details><summary>For teachers ...``),
where a teacher finds them and the reading-load measure leaves them out. This test reads what a
student reads: the lessons and exercises (text cells, and the strings their code cells show), the
answer keys' feedback (seeds and exercise keys), the label scheme and the strings of the widgets.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import ROOT

TEACHERS_NOTE = re.compile(r"<details>\s*<summary>\s*For teachers.*?</details>", re.S | re.I)

_NAME = r"[A-Z][\w'’-]+"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
CITATION = {
    "author and year": re.compile(
        rf"\b(?!(?:{_MONTHS})\b){_NAME}(?:(?: and | & ){_NAME}| et al\.?)?,? \((?:19|20)\d\d[a-z]?\)"
        rf"|\b{_NAME}(?: and | & ){_NAME},? (?:19|20)\d\d\b"
        rf"|\((?!(?:{_MONTHS})\b){_NAME}(?: et al\.?)?,? (?:19|20)\d\d\)"
    ),
    "et al.": re.compile(r"\bet al\b"),
    "a research project's name": re.compile(
        r"\bSemEval\b|\bPARC\b|Penn Attribution|\bFactBank\b|\bCoNLL\b|Modirrousta|Roediger|Karpicke|Landis and Koch"
    ),
    "the kappa formula": re.compile(r"κ|\(\s*agreement\s*[−-]\s*chance\s*\)"),
    "the scheme's numbered question": re.compile(r"scheme's (?:first|second|third|fourth) question"),
}

# A name a student meets only after its idea in plain words: the name, and words that say the idea.
PLAIN_FIRST = {
    r"causal oversimplification": re.compile(r"\b(?:one|single) cause\b"),
    r"false dilemma": re.compile(r"\btwo (?:options|explanations|choices)\b"),
    r"lateral reading|reading laterally": re.compile(r"\b(?:leave|leaving|left) (?:the page|the article|it)\b"),
    r"vertical reading|reading vertically": re.compile(r"\b(?:stay|staying|stayed) on the page\b"),
}

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
STUDENT_NOTEBOOKS = [
    *LESSONS,
    ROOT / "notebooks" / "discernment-check.ipynb",
    *sorted(ROOT.glob("exercises/*/*.ipynb")),
]
FEEDBACK_YAML = sorted(
    [*(ROOT / "seeds").rglob("*.yaml"), *(ROOT / "solutions").glob("*/*.key.yaml")]
)  # rationales, why, verify: a student reads them as feedback
ANNOTATION_KEYS = [p for p in FEEDBACK_YAML if p.parent.name != "retrieval"]  # retrieval: warm-ups on taught lessons
WIDGET_CODE = sorted(
    [
        *(ROOT / "src" / "medialit" / "widgets").glob("*.py"),
        *(ROOT / "src" / "medialit" / "teaching" / "tasks").glob("*.py"),
    ]
)


def student_text(markdown: str) -> str:
    """A text cell as a student must read it: the folded notes for teachers left out."""
    return TEACHERS_NOTE.sub(" ", markdown)


def shown_strings(source: str) -> Iterator[str]:
    """The string constants of Python code, docstrings left out (a student never sees those)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.value


def yaml_strings(data: object, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in skip:
                yield from yaml_strings(value, skip)
    elif isinstance(data, list):
        for value in data:
            yield from yaml_strings(value, skip)
    elif isinstance(data, str):
        yield data


def notebook_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(place, text) for each cell of a notebook a student opens."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        place = f"{path.relative_to(ROOT)}, cell {i + 1}"
        if cell.cell_type == "markdown":
            yield place, student_text(cell.source)
        elif cell.cell_type == "code":
            try:
                yield from ((place, s) for s in shown_strings(cell.source))
            except SyntaxError:  # an exercise's answer cell, left for the student to fill in
                yield place, cell.source


def all_student_texts() -> Iterator[tuple[str, str]]:
    for path in STUDENT_NOTEBOOKS:
        yield from notebook_texts(path)
    for path in FEEDBACK_YAML:
        for text in yaml_strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            yield str(path.relative_to(ROOT)), text
    scheme = ROOT / "src" / "medialit" / "data" / "scheme.yaml"
    for text in yaml_strings(yaml.safe_load(scheme.read_text(encoding="utf-8")), skip=frozenset({"anchor"})):
        yield str(scheme.relative_to(ROOT)), text  # the anchor names the research: docs/label-scheme.md, not shown
    for path in WIDGET_CODE:
        for text in shown_strings(path.read_text(encoding="utf-8")):
            yield str(path.relative_to(ROOT)), text


def citations(text: str) -> list[str]:
    """What in a text a student must read belongs in a note for teachers."""
    return [f"{what}: {m.group(0)!r}" for what, pattern in CITATION.items() for m in pattern.finditer(text)]


def test_no_citation_in_what_a_student_must_read():
    found = [f"{place}: {hit}" for place, text in all_student_texts() for hit in citations(text)]
    assert not found, (
        "move these into a folded note for teachers "
        "(<details><summary>For teachers: where this comes from</summary> ... </details>) "
        "and say the idea in plain words:\n" + "\n".join(found)
    )


def test_names_come_after_their_idea_in_plain_words():
    """In the lesson that first names it, and in any feedback that names it, the idea comes first."""
    late = []
    for term, plain in PLAIN_FIRST.items():
        for path in LESSONS:
            text = " ".join(t for _, t in notebook_texts(path))
            named = re.search(term.replace(" ", r"\s+"), text, flags=re.I)  # a name may wrap
            if named:
                at = named.start()
                if not plain.search(text[:at]):
                    late.append(f"{path.name} names {term!r} before saying it in plain words")
                break  # the first lesson that names it teaches it; later lessons may use the name
        for path in ANNOTATION_KEYS:  # feedback on a sentence, shown in any lesson: it says the idea itself
            for text in yaml_strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
                named = re.search(term.replace(" ", r"\s+"), text, flags=re.I)  # a name may wrap
                if named and not plain.search(text[: named.start()]):
                    late.append(f"{path.relative_to(ROOT)}: {text[:70]!r}... names {term!r} before saying it")
    assert not late, "\n".join(late)


@pytest.mark.parametrize(
    "text",
    [
        "Roediger and Karpicke, 2006: students who tested themselves",
        "A warning first. Modirrousta-Galian and Higham (2023) re-analysed studies",
        "as Landis and Koch (1977) did",
        "Cohen's kappa (κ, the Greek letter k; Cohen 1960)",
        "κ = (agreement − chance) / (100% − chance)",
        "the SemEval-2023 research challenge",
        "the Penn Attribution Relations Corpus splits",
        "such as PARC (who says what)",
        "by the scheme's second question, that makes it framing",
        "Piskorski et al. 2023",
    ],
)
def test_the_patterns_catch_a_citation(text):
    assert citations(text), text


@pytest.mark.parametrize(
    "text",
    [
        "It was published online on 14 January 2026.",
        "AP reported on 13 January 2026 that the U.S. captured him (El País, 3 January 2026).",
        "Hale council's food bank handed out 18,000 parcels in 2025.",
        "Mayor Ana Ruiz said the bridge will reopen on 3 March.",
        "A kappa of 0.58: take chance away from the agreement, 80% − 52% = 28.",
    ],
)
def test_the_patterns_leave_plain_text_alone(text):
    assert not citations(text), citations(text)


def test_a_note_for_teachers_is_left_out():
    note = "<details><summary>For teachers: where this comes from</summary>\n\nCohen (1960).\n\n</details>"
    assert citations(f"Answer from memory.\n\n{note}") and not citations(student_text(f"Answer from memory.\n\n{note}"))
    assert citations(student_text("<details><summary>Why?</summary>Cohen (1960)</details>"))  # only teachers' notes
