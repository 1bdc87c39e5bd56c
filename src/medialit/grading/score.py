"""Score saved answers against the key: one function for the grader and for a notebook's own check.

The grader calls :func:`score_submission` in its own process on the answers file a
student submitted; nothing computed in a student's kernel is used.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import Any

from medialit.content.article import Article, find_article, from_file
from medialit.grading.answers import submitted_answers
from medialit.grading.plan import Plan, WidgetSpec
from medialit.grading.results import BLANK_SUBMISSION, Code, PartResult, Results
from medialit.teaching.tasks.base import Task
from medialit.teaching.tasks.markup import STYLE, plain
from medialit.teaching.tasks.registry import TaskSpec

Spec = TaskSpec  # a widget's task: the factory's name, the article and the arguments


DEFAULT_ARTICLE = "venezuela-prisoner-releases-2026-01-14"


class GradingEnvironmentError(RuntimeError):
    """The grader itself cannot work (a key or article missing): no submission can be scored."""


def widget_specs(widgets: list[WidgetSpec], article: Article) -> dict[str, Spec]:
    """Each answer widget's task, by widget key, built on ``article``."""
    specs = [TaskSpec(w.factory, article, w.args, dict(w.kwargs)) for w in widgets]
    return {spec.build().key: spec for spec in specs}


def key_article(plan: Plan, seeds: Path | None, keys: Path | None) -> Article:
    """The fully annotated article of ``plan``: a seed, or the private key of a practice text."""
    try:
        if plan.article.endswith(".txt"):
            name = plan.article.removesuffix(".txt") + ".key.yaml"
            path = (keys or Path.cwd()) / name
            if not path.is_file():
                raise FileNotFoundError(f"the answer key {name} of {plan.assignment} is not in {path.parent}")
        else:
            path = find_article(plan.article or DEFAULT_ARTICLE, folder=seeds)
        return _article(str(path), path.stat().st_mtime_ns)
    except (FileNotFoundError, ValueError) as exc:
        hint = (
            " If you upgraded medialit since this course was created, run `medialit course upgrade` "
            "(it brings the course's copy of the seeds and masters up to date and keeps the old ones)"
        )
        raise GradingEnvironmentError(f"the grader cannot load the answer key: {exc}.{hint}") from None


@functools.lru_cache(maxsize=16)
def _article(path: str, mtime_ns: int) -> Article:
    """An annotation file, read once per grading process (it is validated on every read)."""
    return from_file(path)


def build(spec: Spec, graded: bool = False) -> Task:
    """A fresh task in feedback mode (``graded``: completeness mode, no explanations)."""
    return spec.build(graded)


def score_part(spec: Spec, key: str, points: float, answers: dict[str, Any]) -> PartResult:
    """Score one widget's saved answer out of ``points``; a wrong-form answer scores 0 with its reason."""
    task = build(spec)
    notes: list[str] = []
    value = task.blank()
    if key in answers:
        try:
            value = task.normalise(answers[key], notes)
        except Exception as exc:  # hostile data may break a task in any way: never the class run
            message = f"the saved answer for '{key}' has the wrong form ({type(exc).__name__}: {str(exc)[:120]})"
            return PartResult(key, task.title or key, 0.0, points, Code.WRONG_FORM, message)
    got, total = task.score(value)
    earned = round(points * got / total, 2) if total else 0.0
    details = task.result_data(value)
    if answers.get(key) is not None:  # what it still lacks, for the completeness cells (no second task)
        details["missing"] = _gap(task, value)
    return PartResult(key, task.title or key, earned, points, None, "", task.report_html(value), notes, details)


def missing(spec: Spec | None, key: str, answers: dict[str, Any] | None) -> str:
    """What is still missing in a widget's saved answer ('' when complete)."""
    if spec is None:
        return f"{key}: the answer widget was not created; run all cells from the top"
    if answers is None:
        return f"{key}: nothing answered yet; run the cells from the top and answer with the widget"
    if answers.get(key) is None:
        return f"{key}: nothing answered yet; answer with the widget"
    task = build(spec, graded=True)
    try:
        value = task.normalise(answers[key])
    except Exception as exc:  # the saved answer's form is the student's data
        return f"{key}: the saved answer has the wrong form ({exc}); answer with the widget again"
    gap = _gap(task, value)
    return f"{key}: {gap}" if gap else ""


def _gap(task: Task, value: Any) -> str:
    """What an answer still lacks, in plain words ('' when complete)."""
    return "" if task.complete(value) else plain(task.completeness_html(value))


def read_saved(path: Path, notebook: Path | None = None) -> tuple[dict[str, Any] | None, PartResult | None, str]:
    """The saved answers by the one rule (``answers.submitted_answers``): the file or the receipt, the newer.

    Returns (answers, None, where they came from) or (None, a template of why no part can
    be scored, "").
    """
    saved = submitted_answers(path, notebook)
    if saved.answers is not None:
        return saved.answers, None, saved.source
    if saved.submitted:
        return None, PartResult("", "", 0.0, 0.0, Code.UNREADABLE, f"answers unusable: {saved.problem}"), ""
    return None, PartResult("", "", 0.0, 0.0, Code.NOT_SUBMITTED, saved.problem), ""


def score_submission(
    plan: Plan, article: Article, answers: dict[str, Any] | None, problem: PartResult | None = None
) -> Results:
    """Score every awarded part of ``plan`` from saved ``answers`` (None: ``problem`` says why there are none)."""
    specs = widget_specs(plan.widgets, article)
    results = Results(plan.assignment, article.id)
    for cell in plan.awards:
        spec = specs.get(cell.key)
        if spec is None:
            raise GradingEnvironmentError(f"{plan.assignment}: no answer widget '{cell.key}' for cell {cell.grade_id}")
        if answers is None:
            assert problem is not None
            title = spec.build().title or cell.key
            results.parts[cell.key] = PartResult(cell.key, title, 0.0, cell.points, problem.code, problem.message)
        else:
            results.parts[cell.key] = score_part(spec, cell.key, cell.points, answers)
    if answers is not None and plan.awards and not any(_answered(specs[c.key], c.key, answers) for c in plan.awards):
        results.flags.append(BLANK)
    return results


BLANK = (
    f"{BLANK_SUBMISSION}: the saved answers hold no answer for any part, so 0 points "
    "(the answers may not have been saved in what was submitted)"
)


def _answered(spec: Spec, key: str, answers: dict[str, Any]) -> bool:
    """True when the saved answer of ``key`` holds anything (a blank widget's value does not count)."""
    value = answers.get(key)
    if value in (None, "", [], {}):
        return False
    task = build(spec)
    try:
        return task.normalise(value) != task.blank()
    except Exception:  # a wrong-form answer is something the student saved; it is reported where scored
        return True


def answer_html(spec: Spec | None, key: str, answers: dict[str, Any] | None) -> str:
    """A free-text answer as saved, with the automatic pre-checks, for the graders."""
    value = (answers or {}).get(key)
    if spec is None:
        return f"<p>No answer widget '{html.escape(key)}' in this notebook.</p>"
    if not value:
        return STYLE + '<div class="medialit-warning">No answer written yet.</div>'
    out = saved_html(value)
    task = build(spec)
    try:
        out += "<p><b>Automatic pre-checks (for the grader):</b></p>" + task.feedback_html(task.normalise(value))
    except Exception as exc:  # the student's data
        out += f"<p>The automatic pre-checks could not read this answer ({html.escape(type(exc).__name__)}).</p>"
    return STYLE + "<p><b>Your answer, as saved:</b></p>" + out


def saved_html(value: Any) -> str:
    """A saved free-text answer (text, or a list of plans) as escaped HTML."""
    if isinstance(value, list):  # verification log
        body = "".join(
            "<li>"
            + "<br>".join(f"<b>{html.escape(str(k))}</b>: {html.escape(str(v))}" for k, v in entry.items())
            + "</li>"
            for entry in value
            if isinstance(entry, dict)
        )
        return f"<ol>{body}</ol>"
    return f"<blockquote>{html.escape(str(value))}</blockquote>"
