"""Property-based fuzzing: a corrupted annotation file always gives the kit's clear error, never a traceback."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml
from conftest import SEED_ID, SEEDS, check_file
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from medialit.content.annotation import AnnotationError, read_annotation

GOLD = yaml.safe_load((SEEDS / f"{SEED_ID}.yaml").read_text(encoding="utf-8"))
TEXT = (SEEDS / f"{SEED_ID}.txt").read_text(encoding="utf-8")
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


PATHS = [p for p in _paths(GOLD) if p]


def _mutate(data, path, action, junk):
    doc = copy.deepcopy(data)
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = junk
    elif action == "extra" and isinstance(parent, dict):
        parent[f"x_{last}"] = junk
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    return doc


def _write(tmp: Path, name: str, content: str | bytes) -> Path:
    (tmp / f"{SEED_ID}.txt").write_text(TEXT, encoding="utf-8")
    path = tmp / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _assert_clear(path: Path) -> None:
    problems = check_file(path)  # must not raise anything but return problems
    for problem in problems:
        text = str(problem)
        assert text.startswith(str(problem.file)) and path.name in text
        assert "Traceback" not in text and len(text) < 2000
    try:
        read_annotation(path)
    except AnnotationError as exc:
        assert exc.problems == problems


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# found by this test: a list where a headline support id belongs crashed the validator (unhashable type: 'list')
@example(path=("article", "headline_claim", "support", 0), action="replace", junk=[], fmt="yaml")
@example(path=("article", "headline_claim", "support"), action="replace", junk=7, fmt="json")
@given(
    path=st.sampled_from(PATHS),
    action=st.sampled_from(["delete", "replace", "extra", "duplicate"]),
    junk=JUNK,
    fmt=st.sampled_from(["yaml", "json"]),
)
def test_structural_corruption_gives_clear_errors(tmp_path_factory, path, action, junk, fmt):
    tmp = tmp_path_factory.mktemp("fuzz")
    doc = _mutate(GOLD, path, action, junk)
    text = yaml.safe_dump(doc, allow_unicode=True) if fmt == "yaml" else json.dumps(doc, ensure_ascii=False)
    _assert_clear(_write(tmp, f"a.{fmt}", text))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=20000), noise=st.binary(max_size=40), where=st.floats(0, 1))
def test_byte_level_corruption_gives_clear_errors(tmp_path_factory, cut, noise, where):
    tmp = tmp_path_factory.mktemp("bytes")
    raw = (SEEDS / f"{SEED_ID}.yaml").read_bytes()[:cut]
    at = int(len(raw) * where)
    _assert_clear(_write(tmp, "b.yaml", raw[:at] + noise + raw[at:]))


def test_fuzzing_covers_every_kind_of_problem(tmp_path):
    """A sanity check that the mutations reach the validator's different messages."""
    messages = set()
    for action, path, junk in [
        ("delete", ("sentences", 3, "label"), None),
        ("replace", ("sentences", 3, "cue"), 7),
        ("replace", ("sentences", 3, "label"), "rumour"),
        ("extra", ("sentences", 3, "label"), 1),
    ]:
        doc = _mutate(GOLD, path, action, junk)
        problems = check_file(_write(tmp_path, "c.yaml", yaml.safe_dump(doc, allow_unicode=True)))
        messages |= {p.message.split(" ")[0] for p in problems}
    assert len(messages) >= 3


def test_a_malformed_headline_support_names_the_file_the_place_and_the_fix(tmp_path):
    """Not a TypeError: the problem is where the teacher wrote it, with what to write instead."""
    cases = [
        (("article", "headline_claim", "support", 0), [], "expected a sentence id such as 'p3s1', found a list ([])"),
        (("article", "headline_claim", "support", 0), {"a": 1}, "expected a sentence id such as 'p3s1'"),
        (("article", "headline_claim", "support"), 7, "expected a list of sentence ids (for example [p3s1, p4s2])"),
        (("article", "headline_claim", "support"), "p1s1", "expected a list of sentence ids"),
    ]
    for path, junk, message in cases:
        doc = _mutate(GOLD, path, "replace", junk)
        written = _write(tmp_path, "d.yaml", yaml.safe_dump(doc, allow_unicode=True))
        where = "article.headline_claim.support" + ("[0]" if len(path) == 4 else "")
        problems = [p for p in check_file(written) if p.where.startswith("article.headline_claim.support")]
        assert [(p.where, p.message.startswith(message)) for p in problems] == [(where, True)], problems
        assert str(problems[0]).startswith(f"{problems[0].file}:") and "d.yaml" in str(problems[0])
        assert problems[0].line is not None
