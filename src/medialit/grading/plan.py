"""What an exercise grades, read from the master's cells without running any of them.

A medialit exercise is written in a fixed, declarative way::

    ex = Exercise("ps1-sources")                 # setup cell (locked)
    labels = ex.labeler()                        # answer cell: which widget, with which arguments
    ex.check_complete("labels", part="Part A")   # completeness check (0 points; or: assert ex.is_complete(KEY), ...)
    points = ex.award("labels", 10)              # hidden test: the part and its points
    ex.show_answer("rewrite")                    # a locked cell showing a free-text answer to graders

:func:`read_plan` parses those cells (the master's, from nbgrader's gradebook, so a
student's edits never count) with :mod:`ast`. Arguments must be literals. A grade
cell that does not follow the pattern is an error: it could not be scored without
running code, and nbgrader would count a cell with no output as full marks.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from medialit.teaching.tasks.registry import TASKS

# the Lesson methods whose widget the grader can score: the graded kinds of medialit.teaching.tasks.registry
FACTORIES = tuple(TASKS)


class PlanError(ValueError):
    """A master cell that cannot be graded from saved answers; the message names the cell and the fix."""


@dataclass(frozen=True)
class WidgetSpec:
    """One answer widget: the Lesson method and its literal arguments."""

    factory: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class GradeCell:
    """A grade cell and what fills its output: a scored part ('award') or a completeness check."""

    grade_id: str
    kind: str  # "award" | "complete" | "receipt" (0 points: the saved notebook carries the answers)
    key: str
    points: float = 0.0


@dataclass
class Plan:
    """Everything needed to grade an exercise from its saved answers."""

    assignment: str
    article: str = ""  # a seed article id, or the file name of a practice text (its key stays private)
    widgets: list[WidgetSpec] = field(default_factory=list)
    grades: dict[str, GradeCell] = field(default_factory=dict)  # by grade id
    shows: dict[str, str] = field(default_factory=dict)  # grade id of a locked display cell -> widget key

    @property
    def awards(self) -> list[GradeCell]:
        return [g for g in self.grades.values() if g.kind == "award"]


def _literal(node: ast.AST, where: str) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        raise PlanError(f"{where}: arguments must be plain values (text, numbers, lists), not code") from None


def _call(node: ast.AST) -> tuple[str, str, ast.Call] | None:
    """(object name, method name, call) for ``obj.method(...)``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
        return node.func.value.id, node.func.attr, node
    return None


def _calls(tree: ast.AST, obj: str) -> list[tuple[str, ast.Call]]:
    out = []
    for node in ast.walk(tree):
        found = _call(node)
        if found and found[0] == obj:
            out.append((found[1], found[2]))
    return out


def _parse(source: str, where: str) -> ast.Module:
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        raise PlanError(f"{where}: not valid Python ({exc.msg}, line {exc.lineno})") from None


def read_plan(assignment: str, cells: list[dict[str, Any]]) -> Plan:
    """The grading plan of ``assignment`` from its master cells.

    ``cells``: one mapping per nbgrader cell, in notebook order, with ``grade_id``,
    ``source``, ``cell_type``, ``grade``, ``solution``, ``locked`` and ``points``.
    """
    plan = Plan(assignment)
    code = [c for c in cells if c.get("cell_type") == "code"]
    trees = [_parse(c.get("source") or "", f"{assignment}, cell {c['grade_id']!r}") for c in code]
    obj = next((name for tree in trees if (name := _setup(tree, plan, assignment))), "")
    if not obj:
        raise PlanError(f"{assignment}: no setup cell creating the exercise (ex = Exercise({assignment!r}))")
    for cell, tree in zip(code, trees, strict=True):
        gid = cell["grade_id"]
        where = f"{assignment}, cell {gid!r}"
        calls = _calls(tree, obj)
        if cell.get("grade") and not cell.get("solution"):
            plan.grades[gid] = _grade_cell(gid, calls, float(cell.get("points") or 0), where)
        elif cell.get("solution"):
            plan.widgets += [_widget(call, where) for name, call in calls if name in FACTORIES]
        else:
            shown = [call for name, call in calls if name == "show_answer"]
            if shown:
                plan.shows[gid] = str(_literal(shown[0].args[0], where)) if shown[0].args else ""
    return plan


def _setup(tree: ast.Module, plan: Plan, where: str) -> str:
    """The name the exercise is bound to (``ex``), reading its name and article; '' if not here."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "Exercise"
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            args = [_literal(a, where) for a in node.value.args]
            kwargs = {k.arg: _literal(k.value, where) for k in node.value.keywords if k.arg}
            name = args[0] if args else kwargs.get("name")
            if name != plan.assignment:
                raise PlanError(f"{where}: the exercise is named {name!r}, but the assignment is {plan.assignment!r}")
            plan.article = str(args[1] if len(args) > 1 else kwargs.get("article", ""))
            return node.targets[0].id
    return ""


def _widget(call: ast.Call, where: str) -> WidgetSpec:
    assert isinstance(call.func, ast.Attribute)
    args = tuple(_literal(a, where) for a in call.args)
    kwargs = tuple((k.arg, _literal(k.value, where)) for k in call.keywords if k.arg)
    return WidgetSpec(call.func.attr, args, kwargs)


def _grade_cell(gid: str, calls: list[tuple[str, ast.Call]], points: float, where: str) -> GradeCell:
    awards = [c for name, c in calls if name == "award"]
    checks = [c for name, c in calls if name in ("check_complete", "is_complete", "missing")]
    if len(awards) == 1 and len(awards[0].args) == 2:
        key, declared = (_literal(a, where) for a in awards[0].args)
        if float(declared) != points:
            raise PlanError(f"{where}: awards {declared} points but the cell is worth {points:g}; make them agree")
        return GradeCell(gid, "award", str(key), points)
    if checks and not awards and checks[0].args and points == 0:
        return GradeCell(gid, "complete", str(_literal(checks[0].args[0], where)))
    if any(name == "receipt" for name, _ in calls) and not awards and points == 0:
        return GradeCell(gid, "receipt", "")
    raise PlanError(
        f"{where}: a grade cell must be either `points = ex.award(KEY, POINTS)` or a 0-point "
        "`ex.check_complete(KEY)` (or `assert ex.is_complete(KEY), ex.missing(KEY)`) or the 0-point `ex.receipt()`; "
        "anything else needs its code run (medialit autograde --execute)"
    )
