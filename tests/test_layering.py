"""The import direction (issue 13): content at the bottom, the task models above it, the widgets and
the lessons on top for students, the grader and the reports beside them for instructors.

Each subpackage's ``__init__`` docstring states its rule in one sentence, ``May import: A, B and C.``;
``ALLOWED`` is that table, and every import in the source (lazy ones in functions too) must keep to it.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import medialit

SRC = Path(medialit.__file__).parent
LAYERS = ("content", "teaching", "widgets", "grading", "reports", "app", "cli")
# teaching's pure modules
PURE = ("scoring", "rewrite", "discernment", "lateral", "agreement", "retrieval", "analysis", "review")

# package (its __init__ docstring) -> the groups it may import, besides its own
ALLOWED = {
    "content": set(),
    "teaching.tasks": {"content", "pure teaching"},
    "teaching": {"content", "tasks", "widgets", "grading", "grading.answers"},
    "widgets": {"content", "tasks", "pure teaching", "grading.answers"},
    "grading": {"content", "tasks"},
    "reports": {"content", "tasks", "pure teaching", "grading", "grading.answers"},
    "app": {"content", "grading.answers"},
    "cli": {"content", "tasks", "pure teaching", "teaching", "widgets", "grading", "grading.answers", "reports", "app"},
}
OWN = {  # the groups a package is made of
    "content": {"content"},
    "teaching.tasks": {"tasks"},
    "teaching": {"teaching", "pure teaching"},
    "widgets": {"widgets"},
    "grading": {"grading", "grading.answers"},
    "reports": {"reports"},
    "app": {"app"},
    "cli": {"cli"},
}
PURE_ALLOWED = {"content", "pure teaching"}  # teaching's pure modules: the tasks, the grader and the reports use them


def group(module: str) -> str:
    """The layer a medialit module belongs to ('' for the package itself)."""
    parts = module.split(".")[1:]
    if not parts or parts[0] not in LAYERS:  # the package itself (medialit.__version__)
        return ""
    if parts[:2] == ["teaching", "tasks"]:
        return "tasks"
    if parts[0] == "teaching" and len(parts) > 1 and parts[1] in PURE:
        return "pure teaching"
    if parts[:2] == ["grading", "answers"]:
        return "grading.answers"
    return parts[0]


def module_name(path: Path) -> str:
    return ".".join(("medialit", *path.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")


def package_of(module: str) -> str:
    parts = module.split(".")[1:]
    return "teaching.tasks" if parts[:2] == ["teaching", "tasks"] else parts[0]


def imported(path: Path) -> set[str]:
    """Every medialit module ``path`` imports, at the top or inside a function."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from medialit.teaching import agreement" imports medialit.teaching.agreement
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in out if m == "medialit" or m.startswith("medialit.")}


def sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p.parent != SRC)


def may_import(package: str) -> set[str]:
    """The groups named in the package docstring's ``May import: ...`` sentence."""
    doc = importlib.import_module(f"medialit.{package}").__doc__ or ""
    found = re.search(r"May import: (.*?)\.(\s|$)", doc, re.S)
    assert found, f"medialit.{package}: its docstring has no 'May import: ...' sentence"
    text = re.sub(r"\([^)]*\)", "", found.group(1))  # the reasons in brackets are prose
    names = {n.strip() for n in re.split(r",| and ", text.replace("\n", " ")) if n.strip()}
    return names - {"nothing else in medialit"}


@pytest.mark.parametrize("package", list(ALLOWED))
def test_the_table_is_the_docstrings(package):
    assert may_import(package) == ALLOWED[package]


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(SRC)))
def test_every_import_keeps_its_package_rule(path):
    module = module_name(path)
    package = package_of(module)
    allowed = PURE_ALLOWED if group(module) == "pure teaching" else ALLOWED[package] | OWN[package]
    wrong = sorted(m for m in imported(path) if group(m) and group(m) not in allowed)
    assert not wrong, f"{module} imports {', '.join(wrong)}; medialit.{package} may import {sorted(allowed)}"


def test_content_imports_only_content():
    for path in (SRC / "content").rglob("*.py"):
        others = sorted(m for m in imported(path) if not m.startswith("medialit.content"))
        assert not others, f"{module_name(path)} imports {', '.join(others)}: content imports nothing above it"


def import_graph() -> dict[str, set[str]]:
    """Each medialit module -> the medialit modules it imports (lazy ones in functions too)."""
    paths = {module_name(p): p for p in SRC.rglob("*.py")}
    graph = {}
    for module, path in paths.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        out = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                out |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]) if node.level else ""
                source = ".".join(filter(None, (base, node.module)))
                # "from medialit.teaching import agreement" imports the module medialit.teaching.agreement
                out |= {f"{source}.{a.name}" if f"{source}.{a.name}" in paths else source for a in node.names}
        graph[module] = {m for m in out if m in paths and m != module}
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest path round each circle of imports (a strongly connected group), its first module at both ends."""
    reach = {module: _reachable(graph, module) for module in graph}
    circles, done = [], set()
    for module in sorted(graph):
        if module in reach[module] and module not in done:
            done |= {m for m in reach[module] if module in reach[m]}
            back = min((_path(graph, m, module) for m in sorted(graph[module]) if module in reach[m]), key=len)
            circles.append([module, *back])
    return circles


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    reach, todo = set(), [start]
    while todo:
        for m in graph[todo.pop()] - reach:
            reach.add(m)
            todo.append(m)
    return reach


def _path(graph: dict[str, set[str]], start: str, goal: str) -> list[str]:
    """The shortest chain of imports from ``start`` to ``goal`` (both included); ``goal`` must be reachable."""
    before: dict[str, str] = {start: start}
    todo = [start]
    while goal not in before:
        following = []
        for n in todo:
            for m in sorted(graph[n]):
                if m not in before:
                    before[m] = n
                    following.append(m)
        todo = following
    path = [goal]
    while path[-1] != start:
        path.append(before[path[-1]])
    return path[::-1]


def test_no_import_circle():
    """Inside a room as across rooms: no module imports, through others, a module that imports it."""
    circles = import_circles(import_graph())
    assert not circles, "import circles: " + "; ".join(" -> ".join(c) for c in circles)


CHECK = """
import importlib, json, pkgutil, sys
loaded = {}
for package in ("medialit.teaching.tasks", "medialit.grading", "medialit.reports"):
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
        importlib.import_module(info.name)
        if "medialit.widgets" in sys.modules or "ipywidgets" in sys.modules:
            loaded[info.name] = sorted(m for m in sys.modules if m.split(".")[0] == "ipywidgets" or "widgets" in m)
            break
    if loaded:
        break
print(json.dumps({"first": loaded, "count": len(sys.modules)}))
"""


def test_the_grader_and_the_reports_never_load_the_widgets():
    """In a fresh interpreter: every module of the task models, the grader and the reports, and no widget."""
    run = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    first = json.loads(run.stdout.strip().splitlines()[-1])["first"]
    assert not first, f"importing {next(iter(first))} loaded the widgets: {first}"


def test_every_plan_factory_is_a_task_with_a_view_and_a_lesson_method():
    from medialit.grading.plan import FACTORIES
    from medialit.teaching.lesson import Lesson
    from medialit.teaching.tasks.registry import TASKS
    from medialit.widgets.views import VIEWS

    assert set(FACTORIES) == set(TASKS)
    assert all(callable(getattr(Lesson, name, None)) for name in TASKS)
    bases = ("Task", "TextTask")  # shown by no widget of their own
    for info in pkgutil.walk_packages([str(SRC / "teaching" / "tasks")], "medialit.teaching.tasks."):
        for obj in vars(importlib.import_module(info.name)).values():
            if isinstance(obj, type) and obj.__module__ == info.name and obj.__name__.endswith("Task"):
                assert obj.__name__ in bases or any(c in VIEWS for c in obj.__mro__), f"no widget shows {obj.__name__}"


def test_every_answer_widget_is_the_view_of_a_task():
    """No widget scores or words feedback itself: each shows a task (its ``_view``), which the grader can build."""
    from medialit.widgets.base import AnswerWidget, TextAnswer

    for info in pkgutil.walk_packages([str(SRC / "widgets")], "medialit.widgets."):
        for obj in vars(importlib.import_module(info.name)).values():
            if isinstance(obj, type) and issubclass(obj, AnswerWidget) and obj not in (AnswerWidget, TextAnswer):
                assert obj._view is not AnswerWidget._view, f"{obj.__name__} shows no task"
