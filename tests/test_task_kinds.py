"""One list of task kinds (issue 27, point 4): ``registry.KINDS``, from which the plan's factory names,
the ``Lesson`` methods and the widgets' views are made. A kind added, or a view, a Lesson method or a
task model written, in one place only fails here.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import medialit
from medialit.grading.plan import FACTORIES, read_plan
from medialit.teaching.lesson import Lesson
from medialit.teaching.tasks.base import Task
from medialit.teaching.tasks.choices import Column, Row
from medialit.teaching.tasks.registry import KINDS, TASKS
from medialit.widgets.base import AnswerWidget
from medialit.widgets.views import VIEWS, WIDGETS, view

SRC = Path(medialit.__file__).parent
GRADED = [k for k in KINDS if k.build]


def _classes(package: str, base: type) -> list[type]:
    """Every class deriving from ``base`` defined in a module of ``medialit.<package>``."""
    root = importlib.import_module(f"medialit.{package}")
    found = []
    for info in pkgutil.walk_packages(root.__path__, f"medialit.{package}."):
        for obj in vars(importlib.import_module(info.name)).values():
            if isinstance(obj, type) and obj.__module__ == info.name and issubclass(obj, base):
                found.append(obj)
    return found


def test_each_kind_is_listed_once():
    names = [k.name for k in KINDS]
    assert len(names) == len(set(names)), names
    models = [k.model for k in KINDS]
    assert len(models) == len(set(models)), "two kinds share a task model"


def test_the_plan_grades_exactly_the_graded_kinds():
    assert list(FACTORIES) == [k.name for k in GRADED] == list(TASKS)


def test_a_plan_reads_a_widget_of_each_graded_kind_and_nothing_else():
    setup = {"grade_id": "setup", "cell_type": "code", "source": 'ex = Exercise("ps")', "locked": True}
    calls = "\n".join(f"w{i} = ex.{k.name}()" for i, k in enumerate(KINDS))
    answer = {"grade_id": "answer", "cell_type": "code", "source": calls + "\nex.show_article()", "solution": True}
    plan = read_plan("ps", [setup, answer])
    assert [w.factory for w in plan.widgets] == [k.name for k in GRADED]


@pytest.mark.parametrize("kind", GRADED, ids=lambda k: k.name)
def test_the_lesson_method_of_a_graded_kind_is_its_build_function(kind):
    method = getattr(Lesson, kind.name)
    built = list(inspect.signature(kind.build).parameters.values())[1:]  # after the article
    assert list(inspect.signature(method).parameters.values())[1:] == built
    assert method.__doc__ and method.__doc__ == kind.build.__doc__, f"lesson.{kind.name} has no help for a teacher"
    assert method.__qualname__ == f"Lesson.{kind.name}"


def test_every_kind_has_a_lesson_method():
    missing = [k.name for k in KINDS if not callable(getattr(Lesson, k.name, None))]
    assert not missing, f"kinds with no Lesson method: {missing}"


def test_every_task_the_lesson_names_is_a_graded_kind():
    """A hand-written ``self._task("NAME", ...)`` in the lessons needs NAME in the registry (or it fails in class)."""
    named = set()
    for path in (SRC / "teaching").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "_task"
            if call and node.args and isinstance(node.args[0], ast.Constant):
                named.add(node.args[0].value)
    assert named <= set(TASKS), f"not in registry.KINDS: {sorted(named - set(TASKS))}"


def test_the_views_are_the_kinds():
    assert set(VIEWS) == {k.model for k in KINDS}
    assert all(VIEWS[k.model].__name__ == k.view for k in KINDS)
    unused = set(WIDGETS) - {k.view for k in KINDS}
    assert not unused, f"widgets.views lists views of no kind: {sorted(unused)}"


def test_every_task_model_is_a_kind():
    bases = {"Task", "TextTask"}  # shown by no widget of their own
    models = {k.model for k in KINDS}
    stray = [c.__name__ for c in _classes("teaching.tasks", Task) if c.__name__ not in bases and c not in models]
    assert not stray, f"task models with no entry in registry.KINDS: {stray}"


def test_every_answer_widget_is_a_kinds_view():
    """Each answer widget shows a kind's task; DiscussionBox is lesson 07's NoteBox, built by ``Lesson.discussion``."""
    others = {"AnswerWidget", "TextAnswer", "DiscussionBox"}
    views = {k.view for k in KINDS}
    stray = [c.__name__ for c in _classes("widgets", AnswerWidget) if c.__name__ not in others | views]
    assert not stray, f"answer widgets that are the view of no kind in registry.KINDS: {stray}"


@pytest.mark.parametrize("kind", GRADED, ids=lambda k: k.name)
def test_the_lesson_shows_each_graded_kind_with_its_view(kind, tmp_path):
    lesson = Lesson("kinds", folder=tmp_path)
    rows = [Row("a", "Is it?", {"v": "yes"})]
    columns = [Column("v", [("Yes", "yes"), ("No", "no")])]
    args = {
        "highlighter": (["p1s1"],),
        "rewrite": ("p1s1",),
        "note": ("reflect", "Why?"),
        "choice": ("pick", rows, columns),
    }.get(kind.name, ())
    widget = getattr(lesson, kind.name)(*args)
    assert type(widget) is VIEWS[kind.model]
    assert type(widget.task) is kind.model
    assert type(view(widget.task)) is VIEWS[kind.model]
