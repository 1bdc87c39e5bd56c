"""Warm-ups (spaced retrieval, issue 11 E): three questions a lesson from 02 on, on earlier lessons' ideas.

Each question's key must agree with the annotation, ask about a sentence that the lesson teaching
the idea never used for it, and come with feedback that quotes the sentence; a broken warm-up file
must say what to fix.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, SEED_ID, SEEDS

from medialit.content.article import load_article
from medialit.grading.answers import AnswerStore
from medialit.teaching.lesson import Lesson, RichHTML
from medialit.teaching.retrieval import (
    ASKS,
    WARM_UP_SIZE,
    RetrievalError,
    load_retrieval,
    retrieval_path,
    warm_up,
)
from medialit.widgets.base import plain
from medialit.widgets.warm_up import WarmUp

PATH = retrieval_path(SEED_ID, SEEDS)
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
LATER = [p for p in LESSONS if int(p.name[:2]) >= 2]
# Lessons whose warm-up questions are ready but whose cell is not in yet (none now).
CELL_PENDING: set[str] = set()
ID = re.compile(r"\b(h1|p\d+s\d+)\b")
# The widgets with which a lesson teaches each idea (the sentences it shows with show_sentences, and
# the ids its text mentions, count too). Lessons 05 and 06: every widget counts.
TEACHES = {
    "parts": {"part_sorter"},
    "labels": {"labeler"},
    "sources": {"source_mapper", "table", "sourcing_profile", "highlighter:cue"},
    "numbers": {"claim_checker", "reliability", "highlighter:hedges"},
    "framing": {"voice_chooser", "rewrite", "highlighter:loaded"},
    "headline": {"*"},
    "lateral": {"*"},
}
NOT_TEACHING = {"show_article", "note", "scheme"}


@pytest.fixture(scope="module")
def retrieval():
    return load_retrieval(PATH)


def questions(retrieval):
    return [q for qs in retrieval.lessons.values() for q in qs]


def test_the_warm_up_file_is_valid_and_covers_every_lesson_from_02(retrieval):
    assert [p.stem for p in LATER if p.stem not in retrieval.lessons] == []
    for lesson, qs in retrieval.lessons.items():
        assert len(qs) == WARM_UP_SIZE == 3, lesson
        assert len({q.id for q in qs}) == 3, lesson


@pytest.mark.parametrize("path", LATER, ids=[p.stem for p in LATER])
def test_each_lesson_from_02_opens_with_three_questions_on_earlier_ideas(retrieval, path: Path):
    qs = retrieval.questions(path.stem)
    assert len(qs) == 3
    for q in qs:
        assert q.idea_lesson[:2] < path.stem[:2], f"{q.id}: {q.idea} is taught in {q.idea_lesson}"
        assert (ROOT / "notebooks" / f"{q.idea_lesson}.ipynb").exists(), q.idea_lesson
    if path.stem in CELL_PENDING:
        return
    nb = nbformat.read(path, as_version=4)
    setup = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    assert "Lesson(" in nb.cells[setup].source, "the setup cell is the first code cell"
    assert all(c.cell_type == "markdown" for c in nb.cells[:setup]), "only the lesson's introduction comes before it"
    intro = nb.cells[setup + 1]
    assert intro.cell_type == "markdown" and "Roediger and Karpicke, 2006" in " ".join(intro.source.split())
    assert nb.cells[setup + 2].source == "lesson.warm_up()", "the warm-up comes right after the setup cell"


def test_the_ideas_are_spread_over_the_earlier_lessons(retrieval):
    """Spaced, not massed: from 03 on, a warm-up recalls more than the lesson just before it."""
    for lesson, qs in retrieval.lessons.items():
        if lesson[:2] >= "03":
            assert len({q.idea_lesson for q in qs}) >= 2, lesson


def test_every_key_agrees_with_the_annotation(retrieval):
    """Recomputed from the annotation here, not taken from the module under test."""
    for q in questions(retrieval):
        s = q.sentence
        claim = next((c for c in s.claims if c["span"] in q.text), None)
        loaded = {x["span"]: x for x in s.loaded}
        expected = _expected(q, s, claim, loaded)
        assert q.gold == expected, q.id
        assert q.gold in {v for _, v in q.options}, q.id
        if q.ask == "check":
            assert q.label_of(q.gold) == claim["verify"], q.id
        if q.ask == "label":
            assert q.also == s.also, q.id
        assert q.score(q.gold).status == "correct"
        for _, value in q.options:  # every other option is scored below full marks, unless the key accepts it
            if value != q.gold and value not in q.accept:
                assert q.score(value).credit < 1, (q.id, value)


def _expected(q, s, claim, loaded) -> str | None:
    """The key of one question, read straight from the annotation."""
    if q.ask in ("part", "label"):
        return s.part if q.ask == "part" else s.label
    if q.ask == "source":
        return s.source["kind"]
    if q.ask in ("claim-status", "claim-support"):
        return claim["status"] if q.ask == "claim-status" else claim["support"]
    if q.ask == "vague":
        return next((c for c in s.hedges if c in {v for _, v in q.options}), None)
    if q.ask == "loaded":
        return next((x for x in loaded if x in {v for _, v in q.options}), None)
    if q.ask == "voice":
        return next((x["voice"] for span, x in loaded.items() if f"“{span}”" in q.text), None)
    if q.ask == "headline":
        return "yes" if s.id in q.article.headline_claim["support"] else "no"
    return "verify" if q.ask == "check" else None


def _calls(nb, default: str) -> list[tuple[str, str, list[str] | None]]:
    """(article, method, sentence ids or None for all) for each Lesson method a notebook calls."""
    articles: dict[str, str] = {}
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                func = node.value.func
                if isinstance(func, ast.Name) and func.id == "Lesson":
                    kw = {k.arg: k.value for k in node.value.keywords}
                    name = kw["article"].value if "article" in kw else default
                    articles.update({t.id: name for t in node.targets if isinstance(t, ast.Name)})
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if not (isinstance(owner, ast.Name) and owner.id in articles):
                    continue
                method = node.func.attr
                kw = {k.arg: k.value for k in node.keywords}
                if method == "highlighter":
                    method += ":" + (kw["field"].value if "field" in kw else "loaded")
                ids = None
                if node.args and isinstance(node.args[0], ast.List):
                    ids = [e.value for e in node.args[0].elts]
                elif node.args and isinstance(node.args[0], ast.Constant):
                    ids = [node.args[0].value]
                elif method in NOT_TEACHING or method == "warm_up":
                    ids = []
                out.append((articles[owner.id], method, ids))
    return out


def taught(idea_lesson: str, idea: str, article_id: str, default: str) -> set[str]:
    """The sentences of an article that a lesson uses to teach an idea."""
    nb = nbformat.read(ROOT / "notebooks" / f"{idea_lesson}.ipynb", as_version=4)
    every = set(load_article(article_id, SEEDS).ids)
    used: set[str] = set()
    for art, method, ids in _calls(nb, default):
        if art != article_id or method in NOT_TEACHING or method == "warm_up":
            continue
        if method == "show_sentences" or method in TEACHES[idea] or "*" in TEACHES[idea]:
            used |= every if ids is None else set(ids)
    if article_id == default:  # ids the lesson's text mentions
        used |= {m for c in nb.cells if c.cell_type == "markdown" for m in ID.findall(c.source)} & every
    return used


def test_questions_use_sentences_the_lessons_did_not_teach_the_idea_with(retrieval):
    default = SEED_ID
    for q in questions(retrieval):
        used = taught(q.idea_lesson, q.idea, q.article.id, default)
        assert q.sentence.id not in used, f"{q.lesson} {q.id}: {q.idea_lesson} teaches {q.idea} with {q.sentence.id}"


def test_taught_finds_what_lessons_use():
    """The check above is real: lesson 01 labels every sentence and sorts eight into parts."""
    every = set(load_article(SEED_ID, SEEDS).ids)
    assert taught("01-anatomy", "labels", SEED_ID, SEED_ID) == every
    parts = taught("01-anatomy", "parts", SEED_ID, SEED_ID)
    assert {"h1", "p1s1", "p2s2", "p3s1", "p7s2", "p8s1", "p9s1", "p10s1"} <= parts < every
    assert taught("02-who-says-so", "sources", SEED_ID, SEED_ID) == every  # the table shows every source
    assert {"p2s1", "p8s3", "p5s1", "h1"} <= taught("04-framing", "framing", SEED_ID, SEED_ID)
    assert taught("01-anatomy", "labels", "practice-millbrook-library-sundays", SEED_ID)
    assert not taught("04-framing", "framing", "practice-harbor-town-parking-fees", SEED_ID)


def test_feedback_quotes_the_words_of_its_sentence(retrieval):
    for q in questions(retrieval):
        quoted = re.findall(r"[“\"]([^”\"]+)[”\"]", q.why)
        assert any(x in q.sentence.text for x in quoted), f"{q.id}: the feedback quotes nothing of {q.sentence.id}"
        assert q.deciding and all(x in q.sentence.text for x in q.deciding), q.id


def test_a_sentence_is_asked_the_same_question_once(retrieval):
    asked = [(q.article.id, q.sentence.id, q.ask) for q in questions(retrieval)]
    assert len(asked) == len(set(asked))


# --------------------------------------------------------------------------- broken files


def _break(seeds: Path, old: str, new: str) -> Path:
    path = retrieval_path(SEED_ID, seeds)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("sentence: p6s2", "sentence: p6s9", r"02-who-says-so\.part-p6s2: 'p6s9' is not a sentence of .*ids: h1, p1s1"),
        (
            "ask: part\n      sentence: p6s2",
            "ask: parts\n      sentence: p6s2",
            r"ask 'parts' is not one of: part, label",
        ),
        ("claim: from April 1", "claim: from May 1", r"p1s1 has no claim 'from May 1'; its claims: from April 1"),
        ("phrase: drove customers away", "phrase: drove customers", r"not a loaded phrase of p3s1"),
        (
            "choices: [According to, dozens, signed a letter]",
            "choices: [According to, signed a letter]",
            r"exactly one choice must be one of p3s2's hedges \(dozens\)",
        ),
        (
            'An attributed report: it tells you who says what, "Human-rights groups\n        dispute" the number',
            "An attributed report: it tells you who says what",
            r"must quote the deciding words of p6s2",
        ),
        (
            "  03-numbers:\n    - id: source-harbor-p3s2\n      ask: source",
            "  03-numbers:\n    - id: source-harbor-p3s2\n      ask: headline",
            r"03-numbers\.source-harbor-p3s2: asks about headline, taught in 05-headline: a warm-up recalls earlier",
        ),
        ("    - id: label-harbor-p7s1", "    - id: label-harbor-p5s1", r"the id 'label-harbor-p5s1' is used twice"),
        ("  lateral: {lesson: 06-verify", "  lateral: {lessn: 06-verify", r"give each idea a lesson and a name"),
        (
            "article: practice-harbor-town-parking-fees\n      sentence: p5s1",
            "article: practice-harbour\n      sentence: p5s1",
            r"article 'practice-harbour' cannot be loaded",
        ),
        ("      ask: part\n      sentence: p6s2", "      ask: part\n      sentnce: p6s2", r"unknown field sentnce"),
        ("context: [p4s2]", "context: p4s2", r"'context' lists sentence ids, e.g. \[p4s2\]"),
    ],
)
def test_a_broken_file_says_where_and_what_to_fix(seeds_copy: Path, old: str, new: str, expected: str):
    path = _break(seeds_copy, old, new)
    with pytest.raises(RetrievalError) as info:
        load_retrieval(path)
    message = str(info.value)
    assert re.search(expected, message), message
    assert re.search(rf"{re.escape(str(path))}:\d+: ", message), "each problem names the file and line"
    assert "Traceback" not in message


def test_a_wrong_number_of_questions_and_bad_yaml_are_named(seeds_copy: Path):
    path = retrieval_path(SEED_ID, seeds_copy)
    text = path.read_text(encoding="utf-8")
    start = text.index("    - id: label-harbor-p7s1")
    path.write_text(text[:start] + text[text.index("  03-numbers:") :], encoding="utf-8")
    with pytest.raises(RetrievalError, match=r"02-who-says-so: has 2 questions; a warm-up has exactly 3"):
        load_retrieval(path)
    path.write_text(text.replace("  02-who-says-so:\n", "  02-who-says-so\n", 1), encoding="utf-8")
    with pytest.raises(RetrievalError, match=r":\d+: YAML syntax error: .*check indentation"):
        load_retrieval(path)
    path.unlink()
    with pytest.raises(RetrievalError, match=r"no warm-up file; create it"):
        load_retrieval(path)
    path.write_text("schema: medialit-annotation/1\n", encoding="utf-8")
    with pytest.raises(RetrievalError, match=r"must start with 'schema: medialit-retrieval/1'"):
        load_retrieval(path)


def test_a_lesson_without_a_warm_up_is_named(retrieval):
    with pytest.raises(RetrievalError, match=r"no warm-up for '09-extra' .*add 09-extra: with 3 questions"):
        retrieval.questions("09-extra")


def test_a_broken_file_leaves_the_lesson_running(seeds_copy: Path, tmp_path: Path, monkeypatch):
    """The lesson shows what to fix where the warm-up would be, and carries on."""
    _break(seeds_copy, "sentence: p6s2", "sentence: p6s9")
    monkeypatch.setenv("MEDIALIT_SEEDS", str(seeds_copy))
    lesson = Lesson("02-who-says-so", folder=tmp_path)
    shown = lesson.warm_up()
    assert isinstance(shown, RichHTML)
    assert "skip it and go on with the lesson" in repr(shown) and "p6s9" in repr(shown)
    assert "warm-up" not in lesson._widgets
    assert lesson.source_mapper(["p1s1"]) is not None


# --------------------------------------------------------------------------- the widget


def test_the_warm_up_scores_saves_and_explains(tmp_path: Path):
    lesson = Lesson("04-framing", folder=tmp_path)
    widget = lesson.warm_up()
    assert isinstance(widget, WarmUp) and len(widget.rows) == 3
    qs = warm_up("04-framing", SEED_ID, SEEDS)
    for q in qs:  # each question offers its own options
        values = [v for _, v in widget.dropdowns[q.id]["answer"].options if v]
        assert values == [v for _, v in q.options]
    right, wrong, blank = qs
    widget.set(right.id, right.gold)
    widget.set(wrong.id, next(v for _, v in wrong.options if v != wrong.gold))
    text = widget.check()
    assert "Score: 1 / 3" in text and "1 correct, 1 not quite, 1 not answered" in text
    assert "Why: " + " ".join(wrong.why.split()) in " ".join(text.split())
    assert wrong.quoted[0] in text
    header = widget.headers[wrong.id].value  # the question stands above its sentence, counted as text to read
    assert f"From lesson {wrong.idea_lesson[:2]}" in header and wrong.text in header
    assert "From an invented practice story" in header and wrong.sentence.text not in header
    assert wrong.sentence.text in plain(widget.prompts[wrong.id].value)
    saved = AnswerStore("04-framing", tmp_path).get("warm-up")
    assert saved[right.id] == right.gold and saved[blank.id] is None
    again = Lesson("04-framing", folder=tmp_path).warm_up()
    assert again.get_value() == widget.get_value()


def test_a_right_answer_folds_its_why_and_marks_the_deciding_words(tmp_path: Path):
    widget = Lesson("02-who-says-so", folder=tmp_path).warm_up()
    q = warm_up("02-who-says-so", SEED_ID, SEEDS)[0]
    widget.set(q.id, q.gold)
    widget.check()
    feedback = widget.row_feedback[q.id].value
    assert "<details" in feedback and "Correct." in feedback
    assert f"<mark>{q.deciding[0]}</mark>" in widget.prompts[q.id].value


def test_every_ask_is_used():
    """Each kind of question the module knows is asked somewhere, so each is tested above."""
    used = {q.ask for q in questions(load_retrieval(PATH))}
    assert used == set(ASKS), set(ASKS) - used


def test_check_annotations_checks_the_warm_ups(seeds_copy: Path, capsys):
    from medialit.cli.main import main as cli

    assert cli(["check-annotations", str(seeds_copy)]) == 0
    assert "warm-ups for 6 lessons, 18 questions" in capsys.readouterr().out
    _break(seeds_copy, "sentence: p6s2", "sentence: p6s9")
    assert cli(["check-annotations", str(seeds_copy)]) == 1
    assert "'p6s9' is not a sentence of" in capsys.readouterr().err
