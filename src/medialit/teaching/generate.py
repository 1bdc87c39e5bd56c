"""Generate an nbgrader master and a guided lesson for any reviewed article.

``make_exercise`` writes ``solutions/NAME/NAME.ipynb``: the master, the declarative cells that
:mod:`medialit.grading.plan` reads, on an article of the seeds folder (like ps1-ps4).
``make_lesson`` writes "Read it like a fact-checker: TITLE", the moves of lessons
01-06 condensed, with the same widgets and feedback. Both refuse an annotation that is still a draft.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path
from typing import Any

import nbformat
import yaml

from medialit.content.annotation import describe_drafts, draft_marks
from medialit.content.article import Article, from_file
from medialit.grading.nbgrader_env import hide_code, tidy_notebook

PLANNED_MINUTES = 40  # replaced by the reading-load estimate once the lesson is written
POINTS = {"labels": 10, "sources": 6, "loaded": 4, "headline": 4}


class GenerateError(ValueError):
    """The article cannot be turned into teaching material yet; the message says what to do."""


EXERCISE_MARK = '<span class="medialit-exercise" hidden></span>'  # the student Lab offers Validate here only


def reviewed_article(path: str | Path) -> Article:
    """The validated article of an annotation file; GenerateError if it still has draft notes."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    marks = draft_marks(data) if isinstance(data, dict) else {}
    if marks:
        raise GenerateError(describe_drafts(marks, str(path)))
    return from_file(path)


def _ordered(article: Article, ids: set[str]) -> list[str]:
    return [s.id for s in article.sentences if s.id in ids]


def _parts(article: Article) -> dict[str, list[str]]:
    body = [s for s in article.sentences if s.id != "h1"]
    sourced = [s.id for s in body if s.source.get("kind") != "none"]
    plain = [s.id for s in body if s.source.get("kind") == "none"]
    loaded = [s.id for s in article.sentences if s.loaded]
    rest = [s.id for s in article.sentences if not s.loaded]
    return {
        "sources": _ordered(article, set(sourced) | set(plain[:3])) if sourced else [],
        "loaded": _ordered(article, set(loaded) | set(rest[:2])) if loaded else [],
    }


def _cell(kind: str, source: str, gid: str, *, grade: bool = False, solution: bool = False, points: float = 0) -> Any:
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    cell.id = gid
    meta: dict[str, Any] = {"grade": grade, "grade_id": gid, "locked": not solution, "schema_version": 3}
    meta["solution"] = solution
    if grade:
        meta["points"] = points
    cell.metadata["nbgrader"] = meta
    return cell


def _graded_part(letter: str, key: str, make: str, fill: str, title: str, prose: str) -> list[Any]:
    points = POINTS[key]
    return [
        _cell("markdown", f"## Part {letter} — {title} ({points} points)\n\n{prose}", f"part-{letter.lower()}"),
        _cell(
            "code",
            f"{key} = {make}\n### BEGIN SOLUTION\n{fill}\n### END SOLUTION\n{key}",
            f"{key}-answer",
            solution=True,
        ),
        _cell(
            "code",
            "# Completeness check (no points): it shows what is still missing.\n"
            f'ex.check_complete("{key}", part="Part {letter}")',
            f"{key}-complete",
            grade=True,
        ),
        _cell(
            "code",
            "# Your teacher's hidden tests score this part when the exercise is graded.\n"
            f'### BEGIN HIDDEN TESTS\npoints = ex.award("{key}", {points})\n### END HIDDEN TESTS',
            f"{key}-score",
            grade=True,
            points=points,
        ),
    ]


def rewrite_target(article: Article) -> str:
    """The sentence to rewrite neutrally: the first body sentence with the writer's loaded words, else the headline."""
    framed = [s.id for s in article.sentences if any(x["voice"] == "writer" for x in s.loaded)]
    body = [sid for sid in framed if sid != "h1"]
    return (body or framed or [""])[0]


def check_model_rewrite(article: Article, model: str) -> str:
    """The sentence a model rewrite is for; GenerateError when the model fails the students' own pre-checks."""
    from medialit.teaching.rewrite import rewrite_checks

    sid = rewrite_target(article)
    if not sid:
        raise GenerateError("no sentence has loaded words in the writer's voice, so there is nothing to rewrite")
    failed = [c for c in rewrite_checks(article.sentence(sid), model) if not c.passed]
    if failed:
        problems = "; ".join(f"{c.name}: {c.detail}" for c in failed)
        raise GenerateError(
            f"the model rewrite of {sid} ({article.sentence(sid).text!r}) fails the checks students get: {problems}"
        )
    return sid


def _rewrite_part(letter: str, sid: str, model: str) -> list[Any]:
    return [
        _cell(
            "markdown",
            f"## Part {letter} — Rewrite it neutrally (graded by your teacher)\n\nRewrite sentence {sid} so that "
            "it reports the same facts without the writer's loaded words. Check runs the automatic pre-checks.",
            f"part-{letter.lower()}",
        ),
        _cell(
            "code",
            f'rewrite = ex.rewrite("{sid}", key="rewrite")\n### BEGIN SOLUTION\nrewrite.value = {model!r}\n'
            "### END SOLUTION\nrewrite",
            "rewrite-answer",
            solution=True,
        ),
        _cell(
            "code",
            "# Completeness check (no points): it shows what is still missing.\n"
            f'ex.check_complete("rewrite", part="Part {letter}")',
            "rewrite-complete",
            grade=True,
        ),
        _cell("code", 'ex.show_answer("rewrite")', "rewrite-show"),
    ]


def exercise_notebook(name: str, article: Article, rewrite_model: str = "") -> nbformat.NotebookNode:
    """The master of an exercise on ``article`` (a seed article, by id)."""
    parts = _parts(article)
    cells = [
        _cell(
            "markdown",
            f"# {name} — {article.title}\n\n**How this exercise works**\n\n"
            "- Run every cell from the top (menu **Run → Run All Cells**). You never type code: answer with "
            "the widgets.\n"
            f"- Your answers are saved automatically in `{name}.answers.json` beside this notebook.\n"
            "- Each part ends with a completeness check; your teacher's hidden tests score the saved answers."
            f"\n\n{EXERCISE_MARK}",
            "intro",
        ),
        _cell(
            "code",
            f'from medialit.teaching.exercise import Exercise\n\nex = Exercise("{name}", article="{article.id}")\nex',
            "setup",
        ),
        _cell("code", "ex.show_article(ids=True)", "article"),
        _cell("code", "ex.scheme()", "scheme"),
    ]
    cells += _graded_part(
        "A",
        "labels",
        "ex.labeler()",
        'labels.value = ex.key("labels")',
        "Label every sentence",
        "Use the five labels. Look for a reporting word first.",
    )
    letters = iter("BCDE")
    if parts["sources"]:
        cells += _graded_part(
            next(letters),
            "sources",
            f"ex.source_mapper({json.dumps(parts['sources'])})",
            'sources.value = ex.key("sources")',
            "Who says so?",
            "For each sentence: what kind of source, and which words name it?",
        )
    if parts["loaded"]:
        fill = 'for sid, spans in ex.key("loaded").items():\n    for span in spans:\n        loaded.select(sid, span)'
        cells += _graded_part(
            next(letters),
            "loaded",
            f'ex.highlighter({json.dumps(parts["loaded"])}, field="loaded", key="loaded")',
            fill,
            "Mark the loaded language",
            "Click every word of each loaded or evaluative phrase, whether the writer's or a source's.",
        )
    if rewrite_model:
        cells += _rewrite_part(next(letters), check_model_rewrite(article, rewrite_model), rewrite_model)
    if article.headline_claim:
        cells += _graded_part(
            next(letters),
            "headline",
            "ex.headline_support()",
            'headline.value = ex.key("headline")',
            "Does the body support the headline?",
            f"The headline claims: *{article.headline_claim['span']}*. Which sentences support it?",
        )
    cells += [
        _cell(
            "markdown",
            "The box below is your **submission receipt**: Run All shows it, and it updates by itself whenever "
            "you change an answer (nothing to run here). It shows what will be graded and keeps a copy "
            "of your answers inside this notebook. Then press **Validate** (it saves the notebook first).",
            "done",
        ),
        _cell(
            "code",
            "# Submission receipt: what will be graded, and a copy of your answers inside this notebook.\nex.receipt()",
            "receipt",
            grade=True,
        ),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def make_exercise(annotation: str | Path, name: str, solutions: str | Path, rewrite_model: str = "") -> Path:
    """Write the master into ``solutions/NAME/``; return its path.

    ``rewrite_model``: the teacher's neutral version of :func:`rewrite_target`; with it the exercise
    has a hand-graded rewrite part (a model is never made up: it must pass the students' pre-checks).

    Like ps1-ps4 on the seed article, the exercise names the article by its id: the annotation
    must be in the seeds folder beside ``solutions/`` (a course copies it), and the release
    carries no key (nbgrader strips the solutions and hidden tests).
    """
    path = Path(annotation).resolve()
    article = reviewed_article(path)
    seeds = Path(solutions).resolve().parent / "seeds"
    if path.parent != seeds:
        raise GenerateError(
            f"{path} is not in {seeds}: put {article.id}.txt and {path.name} there first, so that the lessons, "
            "the exercise and a course all find the article"
        )
    nb = exercise_notebook(name, article, rewrite_model)  # first: a refused model leaves no folder behind
    hide_code(nb)  # as `medialit build` leaves a master
    folder = Path(solutions) / name
    folder.mkdir(parents=True, exist_ok=True)
    master = folder / f"{name}.ipynb"
    nbformat.write(nb, master)
    return master


def _md(source: str, cid: str) -> Any:
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = cid
    return cell


def _code(source: str, cid: str) -> Any:
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cid
    return cell


def lesson_notebook(article: Article, article_ref: str) -> nbformat.NotebookNode:
    """ "Read it like a fact-checker: TITLE": lessons 01-06's moves on one article, condensed."""
    parts = _parts(article)
    name = f"fact-checker-{article.id}"[:60]
    cells = [
        _md(
            f"# Read it like a fact-checker: {article.title}\n\n*About {PLANNED_MINUTES} minutes.*\n\n"
            "Six moves a fact-checker makes with any news story, each with the same widgets and feedback as "
            "lessons 01–06: the parts of the story, the five labels, who says so, how solid the numbers are, "
            "whose words the loaded ones are, and what you would check next.",
            "intro",
        ),
        _code(
            f"from medialit.teaching.lesson import Lesson\nlesson = Lesson({name!r}, article={article_ref!r})\nlesson",
            "setup",
        ),
        _code("lesson.show_article(ids=True)", "article"),
        _md(
            "## 1. The parts of the story\n\nIs each sentence the main news, who-says-what, context, or the "
            "writer's own reading of it?",
            "parts-intro",
        ),
        _code("lesson.part_sorter()", "parts"),
        _md(
            "## 2. Five kinds of sentence\n\nAsk the questions in order: a reporting word and a source? judging "
            "words? a guess? otherwise a plain fact on the writer's authority.",
            "labels-intro",
        ),
        _code("lesson.scheme()", "scheme"),
        _code("lesson.labeler()", "labels"),
    ]
    if parts["sources"]:
        cells += [
            _md(
                "## 3. Who says so?\n\nCould you look the source up? Named, anonymous, second-hand, or nobody at all.",
                "sources-intro",
            ),
            _code(f"lesson.source_mapper({parts['sources']!r})", "sources"),
        ]
    if article.claims():
        cells += [
            _md(
                "## 4. How solid are the numbers?\n\nWho vouches for each claim, and has anyone "
                "independent checked it?",
                "claims-intro",
            ),
            _code("lesson.claim_checker()", "claims"),
        ]
    if parts["loaded"]:
        voiced = [s.id for s in article.sentences if s.loaded]
        cells += [
            _md(
                "## 5. Loaded words and whose they are\n\nMark the words that push you towards one reading; "
                "then say whose words they are.",
                "loaded-intro",
            ),
            _code(f'lesson.highlighter({parts["loaded"]!r}, field="loaded", key="loaded")', "loaded"),
            _code(f"lesson.voice_chooser({voiced!r})", "voices"),
        ]
    if article.headline_claim:
        cells += [
            _md("## 6. Does the body support the headline?", "headline-intro"),
            _code("lesson.headline_support()", "headline"),
        ]
    target = rewrite_target(article)
    if target:
        cells += [
            _md(
                f"## Rewrite it neutrally\n\nSentence {target} uses the writer's own loaded words. Rewrite it so "
                "that it reports the same facts plainly; Check runs the automatic pre-checks.",
                "rewrite-intro",
            ),
            _code(f'lesson.rewrite("{target}")', "rewrite"),
        ]
    cells += [
        _md(
            "## 7. What would you check?\n\nPlan two searches that would confirm or overturn the story's "
            "shakiest claims.",
            "verify-intro",
        ),
        _code("lesson.verification_log(2)", "verify"),
    ]
    sections = [c for c in cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    for n, cell in enumerate(sections, start=1):  # sections are numbered as this article has them
        cell.source = re.sub(r"^## (\d+\. )?", f"## {n}. ", cell.source)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def make_lesson(annotation: str | Path, out: str | Path) -> Path:
    """Write the lesson into the folder ``out``; the notebook names the article by a path relative to it."""
    path = Path(annotation).resolve()
    article = reviewed_article(path)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    ref = os.path.relpath(path, folder.resolve())
    target = folder / f"fact-checker-{article.id}.ipynb"
    nb = lesson_notebook(article, ref)
    tidy_notebook(nb, hide=True)  # as `medialit build` leaves a lesson: the student sees no code
    nbformat.write(nb, target)
    minutes = estimated_minutes(target)
    nb.cells[0].source = nb.cells[0].source.replace(
        f"*About {PLANNED_MINUTES} minutes.*", f"*About {minutes} minutes.*"
    )
    nbformat.write(nb, target)
    return target


def estimated_minutes(lesson: Path) -> int:
    """The lesson's reading and answering time, as `medialit reading-load` estimates the kit's lessons."""
    from medialit.teaching.reading_load import measure

    lesson = lesson.resolve()
    with contextlib.chdir(lesson.parent):  # the lesson names its article relative to its folder
        return measure(lesson).minutes
