"""`read_answers` reads any answers file under the size cap or refuses it with a plain reason: never a crash.

Pathological but small files (deep nesting, huge numbers, NaN, byte-order marks, UTF-16, lone surrogates,
duplicate keys) and random bytes. The students' side (AnswerStore) still moves a bad file aside, never loses it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medialit.grading.answers import MAX_BYTES, AnswerFileError, AnswerStore, read_answers

HEAD = '{"medialit_answers": 1, "name": "ps1", "answers": '


def _file(tmp_path: Path, content: bytes | str, name: str = "ps1.answers.json") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _answers(inner: str) -> str:
    return HEAD + inner + "}"


REFUSED = [
    ("deep-list", "[" * 100_000, "nested too deeply"),
    ("deep-object", '{"a":' * 100_000, "nested too deeply"),
    ("deep-inside-answers", _answers('{"x": ' + "[" * 500 + "]" * 500 + "}"), "nested too deeply"),
    ("deep-under-recursion-limit", _answers('{"x": ' + "[" * 40 + "]" * 40 + "}"), "nested too deeply"),
    ("5000-digit-int", _answers('{"n": ' + "9" * 5000 + "}"), "a number with 5000 digits"),
    ("negative-big-int", _answers('{"n": -' + "9" * 20 + "}"), "a number with 20 digits"),
    ("1e999", _answers('{"n": 1e999}'), "a number too large to use (1e999)"),
    ("-1e999", _answers('{"n": -1e999}'), "a number too large to use"),
    ("long-float", _answers('{"n": 1' + "0" * 400 + ".5}"), "a number too large to use"),
    ("NaN", _answers('{"n": NaN}'), "has NaN, which is not a JSON number"),
    ("Infinity", _answers('{"n": [Infinity]}'), "has Infinity"),
    ("-Infinity", _answers('{"n": -Infinity}'), "has -Infinity"),
    ("duplicate-key", _answers('{"labels": {"h1": "named"}, "labels": {"h1": "framing"}}'), "key 'labels' twice"),
    ("duplicate-top-key", HEAD + '{}, "answers": {"x": 1}}', "key 'answers' twice"),
    ("top-level-list", '[{"medialit_answers": 1, "answers": {}}]', "not a medialit answers file"),
    ("answers-null", _answers("null"), "not a medialit answers file"),
    ("answers-list", _answers("[]"), "not a medialit answers file"),
    ("no-format-key", '{"answers": {}}', "not a medialit answers file"),
    ("empty", "", "not valid JSON"),
    ("truncated", _answers('{"labels": {"h1": "fram'), "not valid JSON"),
]


@pytest.mark.parametrize(("content", "reason"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_pathological_files_are_refused_with_a_reason(tmp_path, content, reason):
    with pytest.raises(AnswerFileError, match="^ps1.answers.json ") as caught:
        read_answers(_file(tmp_path, content))
    assert reason in str(caught.value)
    assert "Traceback" not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "label"),
    [
        (_answers("{}").encode("utf-16"), "UTF-16"),  # with a byte-order mark
        (_answers("{}").encode("utf-16-le"), "UTF-16"),  # without one
        (_answers("{}").encode("utf-16-be"), "UTF-16"),
        (_answers("{}").encode("utf-32"), "UTF-32"),
    ],
    ids=["utf-16", "utf-16-le", "utf-16-be", "utf-32"],
)
def test_utf16_and_utf32_are_refused_naming_the_encoding(tmp_path, content, label):
    with pytest.raises(AnswerFileError, match=f"is saved as {label} text, not UTF-8: save it again as UTF-8"):
        read_answers(_file(tmp_path, content))


def test_invalid_utf8_is_refused(tmp_path):
    with pytest.raises(AnswerFileError, match="is not UTF-8 text"):
        read_answers(_file(tmp_path, HEAD.encode() + b'{"a": "\xc3\x28"}}'))


def test_a_utf8_byte_order_mark_is_read(tmp_path):
    path = _file(tmp_path, b"\xef\xbb\xbf" + _answers('{"labels": {"h1": "framing"}}').encode())
    assert read_answers(path) == {"labels": {"h1": "framing"}}


def test_lone_surrogates_become_replacement_characters_and_can_be_saved_again(tmp_path):
    path = _file(tmp_path, _answers(r'{"rewrite": "caf\u00e9 \ud800 end", "\udfff": ["\udc00"], "ok": "\ud83d\ude00"}'))
    answers = read_answers(path)
    assert answers == {"rewrite": "café \ufffd end", "\ufffd": ["\ufffd"], "ok": "\U0001f600"}
    store = AnswerStore("ps1", tmp_path)  # the student's side: read, then written back as UTF-8
    assert store.warning is None
    store.set("more", "text")
    assert read_answers(path)["rewrite"] == "café \ufffd end"


def test_a_lone_surrogate_from_the_browser_is_saved_as_utf8(tmp_path):
    store = AnswerStore("ps1", tmp_path)
    store.set("rewrite", "half an emoji: \ud83d")  # a string cut in the middle of a surrogate pair
    assert read_answers(tmp_path / "ps1.answers.json") == {"rewrite": "half an emoji: \ufffd"}


def test_long_strings_and_ordinary_numbers_are_read(tmp_path):
    long = "x" * 1_000_000
    path = _file(tmp_path, _answers(json.dumps({"rewrite": long, "n": 123456789012345, "f": 1e300, "z": -0.5})))
    assert read_answers(path) == {"rewrite": long, "n": 123456789012345, "f": 1e300, "z": -0.5}


def test_nesting_up_to_the_limit_is_read(tmp_path):
    inner = "[" * 30 + "]" * 30  # with the top object and 'answers', 32 levels
    assert read_answers(_file(tmp_path, _answers('{"x": ' + inner + "}"))) == {"x": json.loads(inner)}


def test_special_files_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "ps1.answers.json"
    os.mkfifo(fifo)
    with pytest.raises(AnswerFileError, match="not a regular file"):
        read_answers(fifo)
    with pytest.raises(AnswerFileError, match="not a regular file"):
        read_answers(tmp_path)


@pytest.mark.parametrize("content", [c[1] for c in REFUSED[:12]], ids=[c[0] for c in REFUSED[:12]])
def test_the_student_side_moves_a_pathological_file_aside_with_a_warning(tmp_path, content):
    path = _file(tmp_path, content)
    store = AnswerStore("ps1", tmp_path)
    kept = list(tmp_path.glob("ps1.answers.corrupt-*.json"))
    assert len(kept) == 1 and kept[0].read_bytes() == content.encode()
    assert store.warning and kept[0].name in store.warning and "could not be read" in store.warning
    assert store.answers == {} and not path.exists()
    store.set("labels", {"h1": "named"})  # the student goes on; the bad file stays as it was
    assert kept[0].read_bytes() == content.encode()


# ---------------------------------------------------------------- random input

TOKENS = list('{}[]",: -+.eE0123456789\\\ufeff\x00') + [
    "true", "false", "null", "NaN", "Infinity", "1e999", "9" * 30, '"a"', '"labels"', "\\u", "\\ud800", "\\udc00",
    "\ud800", "\u00e9", "[" * 50, "]" * 50,
]  # fmt: skip
JSONISH = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)
LEAVES = (
    st.sampled_from(["-0.5", "true", "null", "NaN", "-Infinity", "1e999", "9" * 5000, "1" + "0" * 400 + ".0"])
    | st.sampled_from([r'"\ud800"', r'"x\udc00"', r'"\ud83d\ude00"', r'"\u0000"', '"' + "x" * 10_000 + '"'])
    | st.integers().map(str)
    | st.floats().map(repr)
    | st.text(max_size=20).map(json.dumps)
)
KEYS = st.sampled_from(['"a"', '"b"', '"labels"', r'"\ud800"', '""'])
JSON_TEXT = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4).map(lambda xs: "[" + ",".join(xs) + "]")
        | st.lists(st.tuples(KEYS, inner), max_size=4).map(lambda kv: "{" + ",".join(f"{k}:{v}" for k, v in kv) + "}")
    ),
    max_leaves=30,
)
DEEP = st.tuples(st.integers(0, 3000), st.sampled_from("[{")).map(
    lambda d: "[" * d[0] + "]" * d[0] if d[1] == "[" else '{"a":' * d[0] + "1" + "}" * d[0]
)


def _only_dict_or_reason(path: Path) -> None:
    try:
        answers = read_answers(path)
    except AnswerFileError as exc:
        assert str(exc).startswith(path.name)
        return
    assert isinstance(answers, dict)
    json.dumps(answers, ensure_ascii=False).encode("utf-8")  # what AnswerStore.save does with it


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_are_read_or_refused(tmp_path, raw):
    _only_dict_or_reason(_file(tmp_path, raw))


@SETTINGS
@given(st.sampled_from(["", HEAD, "\ufeff" + HEAD]), JSONISH, st.sampled_from(["", "}", "}}"]))
def test_random_jsonish_text_is_read_or_refused(tmp_path, head, body, tail):
    text = head + body + tail
    _only_dict_or_reason(_file(tmp_path, text.encode("utf-8", "surrogatepass")))


@SETTINGS
@given(st.one_of(JSON_TEXT, DEEP), st.sampled_from(["", "\ufeff"]))
def test_random_json_values_as_answers_are_read_or_refused(tmp_path, value, bom):
    text = bom + _answers('{"x": ' + value + "}")
    _only_dict_or_reason(_file(tmp_path, text))


def test_the_size_cap_still_applies(tmp_path):
    path = _file(tmp_path, b" " * (MAX_BYTES + 1))
    with pytest.raises(AnswerFileError, match="too large"):
        read_answers(path)
