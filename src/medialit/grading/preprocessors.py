"""nbgrader preprocessors that grade from the saved answers, in the grader's own process.

In ``Autograde.autograde_preprocessors`` they take the place of ``Execute``::

    [ScoreSavedAnswers, FillGradeOutputs, IgnorePattern, ..., SaveAutoGrades, ...]        # default
    [ScoreSavedAnswers, SandboxedExecute, FillGradeOutputs, IgnorePattern, ...]           # --execute

``ScoreSavedAnswers`` reads the grading plan from the gradebook (the master's cells)
and scores the answers file before any code runs. ``FillGradeOutputs`` writes every
grade cell's output from that trusted score (nbgrader reads it as partial credit),
writes ``ASSIGNMENT.results.json``, and, after an execution, compares the notebook's
own result with the trusted one.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import determine_grade
from traitlets import Bool, Unicode

from medialit.grading.plan import Plan, PlanError, read_plan
from medialit.grading.results import Results, results_path
from medialit.grading.score import (
    GradingEnvironmentError,
    answer_html,
    key_article,
    missing,
    read_saved,
    score_submission,
    widget_specs,
)

PLAN, RESULTS = "medialit_plan", "medialit_results"


@functools.lru_cache(maxsize=8)
def plan_from_gradebook(db_url: str, notebook: str, assignment: str) -> Plan:
    """The grading plan from the master's cells as nbgrader recorded them at release."""
    with Gradebook(db_url) as gb:
        nb = gb.find_notebook(notebook, assignment)
        grades = {c.name: c.max_score for c in nb.grade_cells}
        solutions = {c.name for c in nb.solution_cells}
        cells = [
            {
                "grade_id": c.name,
                "cell_type": c.cell_type,
                "source": c.source,
                "locked": c.locked,
                "grade": c.name in grades,
                "solution": c.name in solutions,
                "points": grades.get(c.name, 0),
            }
            for c in nb.source_cells
        ]
    return read_plan(assignment, sorted(cells, key=lambda c: c["grade_id"]))


class ScoreSavedAnswers(NbGraderPreprocessor):
    """Score the submitted answers file against the key, before anything runs."""

    keys_directory = Unicode("", help="Folder holding the assignment's private key files (*.key.yaml).").tag(
        config=True
    )
    seeds_directory = Unicode("", help="Folder holding the seed articles.").tag(config=True)
    error_file = Unicode("", help="Where to record why grading could not work (read by medialit autograde).").tag(
        config=True
    )

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        info = resources["nbgrader"]
        try:
            plan = plan_from_gradebook(info["db_url"], info["notebook"], info["assignment"])
            seeds, keys = self._folders(info["assignment"])
            article = key_article(plan, seeds, keys)
            folder = Path(resources["metadata"]["path"])
            submitted = self._submitted_notebook(info)
            answers, problem, source = read_saved(folder / f"{plan.assignment}.answers.json", submitted)
            resources[RESULTS] = score_submission(plan, article, answers, problem)
            resources[RESULTS].source = source
            resources[PLAN] = (plan, article, answers)
        except (PlanError, GradingEnvironmentError) as exc:
            record_environment(self.error_file, str(exc))
            raise
        return nb, resources

    def _submitted_notebook(self, info: dict[str, Any]) -> Path | None:
        """The notebook as the student submitted it (its receipt output; the graded copy's outputs are cleared)."""
        coursedir = getattr(getattr(self.parent, "parent", None), "coursedir", None)
        if coursedir is None or not info.get("student"):
            return None
        folder = coursedir.format_path(coursedir.submitted_directory, info["student"], info["assignment"])
        return Path(folder) / f"{info['notebook']}.ipynb"

    def _folders(self, assignment: str) -> tuple[Path | None, Path | None]:
        """The seeds and key folders: as configured, else the course's (``seeds/``, ``source/ASSIGNMENT``)."""
        coursedir = getattr(getattr(self.parent, "parent", None), "coursedir", None)
        root = Path(coursedir.root) if coursedir is not None else None
        seeds = Path(self.seeds_directory) if self.seeds_directory else None
        if seeds is None and root is not None and (root / "seeds").is_dir():
            seeds = root / "seeds"
        keys = Path(self.keys_directory) if self.keys_directory else None
        if keys is None and coursedir is not None:
            keys = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
        return seeds, keys


def record_environment(error_file: str, message: str) -> None:
    """Leave why grading could not work where medialit autograde reads it (when it asked for that)."""
    if error_file:
        Path(error_file).write_text(json.dumps({"code": "environment", "message": message}), encoding="utf-8")


def _stream(text: str) -> NotebookNode:
    return from_dict({"output_type": "stream", "name": "stdout", "text": text + "\n"})


def _html(markup: str, text: str) -> NotebookNode:
    return from_dict({"output_type": "display_data", "metadata": {}, "data": {"text/html": markup, "text/plain": text}})


def _error(name: str, message: str) -> NotebookNode:
    return from_dict({"output_type": "error", "ename": name, "evalue": message, "traceback": [f"{name}: {message}"]})


def _result(points: float) -> NotebookNode:
    return from_dict(
        {
            "output_type": "execute_result",
            "execution_count": None,
            "metadata": {},
            "data": {"text/plain": f"{points:g}"},
        }
    )


class FillGradeOutputs(NbGraderPreprocessor):
    """Write every grade cell's output from the trusted score; compare with the kernel's own if it ran."""

    executed = Bool(False, help="The notebook was executed first: compare its own results with the trusted ones.").tag(
        config=True
    )
    error_file = Unicode("", help="Where to record why grading could not work (read by medialit autograde).").tag(
        config=True
    )

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        return self._fill(nb, resources)

    def _fill(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        results: Results = resources[RESULTS]
        plan, article, answers = resources[PLAN]  # read before any code ran: a kernel cannot change them
        folder = Path(resources["metadata"]["path"])
        specs = widget_specs(plan.widgets, article)
        if self.executed:
            self._environment(nb, plan)
        mine: dict[str, float] = {}
        seen = set()
        for cell in nb.cells:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if cell.cell_type != "code" or not gid:
                continue
            meta = cell.metadata.nbgrader
            if meta.get("grade") and not meta.get("solution"):
                grade = plan.grades.get(gid)
                if grade is None:
                    raise self._fail(f"{plan.assignment}: test cell {gid!r} is not in the master; it cannot be scored")
                if self.executed and grade.kind == "award":
                    mine[grade.key] = determine_grade(cell)[0] or 0.0
                cell.outputs = self._grade_outputs(grade.kind, grade.key, results, specs, answers)
                seen.add(gid)
            elif gid in plan.shows:
                cell.outputs = [_html(answer_html(specs.get(plan.shows[gid]), plan.shows[gid], answers), "")]
        lost = sorted(set(plan.grades) - seen)
        if lost:  # nbgrader would restore them; never let a grade cell go unscored
            raise self._fail(f"{plan.assignment}: grade cells missing after restoring: {', '.join(lost)}")
        if self.executed:
            results.flags += _differences(mine, results)
        results.write(results_path(folder, plan.assignment))
        return nb, resources

    def _grade_outputs(
        self, kind: str, key: str, results: Results, specs: dict[str, Any], answers: dict[str, Any] | None
    ) -> list[NotebookNode]:
        if kind == "receipt":
            if results.source:
                return [_stream(f"✓ the answers scored came from {results.source}")]
            return [_stream("– no saved answers were found: no answers file and no receipt in the notebook")]
        if kind == "complete":
            part = results.parts.get(key)
            known = part is not None and part.scored and "missing" in part.details
            gap = str(part.details["missing"]) if known else missing(specs.get(key), key, answers)
            gap = f"{key}: {gap}" if known and gap else gap
            return [_stream(f"– still missing: {gap}" if gap else f"✓ {key}: complete")]
        part = results.parts[key]
        if not part.scored:
            return [_error("NotScored", part.message)]
        summary = f"{key}: {part.points:g} of {part.max_points:g} points (scored from the saved answers)"
        return [_html(part.html, summary), _result(part.points)]

    def _environment(self, nb: NotebookNode, plan: Plan) -> None:
        """A locked cell that failed before any student cell ran: the grading environment is broken."""
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type != "code":
                continue
            if not meta.get("locked") or meta.get("solution") or meta.get("grade"):
                return
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    raise self._fail(
                        f"the locked cell {meta.get('grade_id')!r} failed before any student code ran "
                        f"({out.get('ename')}: {str(out.get('evalue', ''))[:150]}); the grading environment is broken"
                    )

    def _fail(self, message: str) -> GradingEnvironmentError:
        record_environment(self.error_file, message)
        return GradingEnvironmentError(message)


def _differences(mine: dict[str, float], results: Results) -> list[str]:
    """Where the notebook's own result differs from the trusted score, in plain words."""
    own = round(sum(mine.values()), 2)
    trusted = round(sum(results.parts[k].points for k in mine if k in results.parts), 2)
    if abs(own - trusted) < 0.01:
        return []
    own_text = f"the notebook's own result ({own:g})"
    return [f"{own_text} differs from the saved answers' score ({trusted:g}); the saved answers count"]
