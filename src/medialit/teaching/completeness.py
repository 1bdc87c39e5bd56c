"""`medialit validate`: nbgrader's validation, with an exit code and plain reasons.

``nbgrader validate`` exits 0 even when validation fails; this does not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Validation:
    """The outcome of validating one notebook."""

    path: Path
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def _reason(raw: str) -> str:
    """The readable reason in a failed cell's error: a completeness cell's message, or an error's last line."""
    lines = [ANSI.sub("", line).strip() for line in raw.splitlines() if line.strip()]
    for n, line in enumerate(lines):  # an incomplete part (medialit.teaching.exercise.Incomplete): its wrapped lines
        if line.startswith(RECEIPT_LINE):  # the receipt cell (medialit.teaching.exercise.NotSaved)
            return " ".join(lines[n:])
        if NOT_COMPLETE in line:
            message = " ".join(lines[n:]).removesuffix(ADVICE).strip()
            return message.replace(NOT_COMPLETE, ": ", 1)
    for line in reversed(lines):
        if line.startswith("AssertionError"):
            return line.removeprefix("AssertionError:").strip() or "a check failed"
    return lines[-1] if lines else "a check failed"


CELL_TIMEOUT = 300  # seconds a cell may run while validating (nbgrader's default is 30)


def validate_notebook(path: str | Path) -> Validation:
    """Run the notebook's visible checks as nbgrader validate does, and explain any failure."""
    from nbgrader.preprocessors import CheckCellMetadata, ClearOutput
    from nbgrader.validator import Validator
    from traitlets.config import Config

    from medialit.grading.kernels import IpcExecute
    from medialit.grading.nbgrader_env import scripts_on_path

    path = Path(path)
    result = Validation(path)
    if not path.is_file():
        result.problems.append(f"{path}: file not found")
        return result
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        result.problems.append(f"{path} is not a readable notebook ({exc}); ask your teacher for a fresh copy")
        return result
    scripts_on_path()
    # A busy shared server can take longer than nbgrader's 30 s for a cell that loads the kit.
    config = Config({"Execute": {"timeout": CELL_TIMEOUT}})
    validator = Validator(config=config, preprocessors=[CheckCellMetadata, ClearOutput, IpcExecute])
    try:
        outcome = validator.validate(str(path.resolve()))
    except Exception as exc:  # a kernel that did not start or answer: say what to do, never a traceback
        detail = str(exc).splitlines()[0] if str(exc) else "no detail"
        result.problems.append(
            f"the checks could not run ({type(exc).__name__}: {detail}); "
            "wait a moment and press Validate again, and if it keeps happening ask your teacher"
        )
        return result
    for cell in outcome.get("type_changed", []):
        result.problems.append(f"a cell's type was changed from {cell['old_type']} to {cell['new_type']}")
    for cell in outcome.get("changed", []):
        first = cell["source"].splitlines()[0] if cell["source"] else ""
        result.problems.append(f"a read-only cell was edited (it starts: {first!r}); ask for a fresh copy")
    for cell in outcome.get("failed", []):
        result.problems.append(_reason(cell.get("raw_error", "")))
    return result


NOT_COMPLETE = " is not complete yet: "  # in an incomplete part's message (medialit.teaching.exercise.Incomplete)
ADVICE = "When it is done, press Validate again (it saves first)."  # its last line
RECEIPT_LINE = "Submission receipt: "
SAVE_RECEIPT = "run the last cell (Submission receipt), then save the notebook (Ctrl+S)"


def receipt_problems(nb: Any, path: Path) -> list[str]:
    """Whether the saved notebook carries the student's latest answers in its receipt (when it has a receipt cell).

    Read by the grader's own rule (``answers.submitted_answers``): the answers file beside ``path``
    and the receipt in ``nb``, so what Validate accepts is what will be graded.
    """
    from medialit.grading.answers import answers_path, submitted_answers

    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    if not any("ex.receipt()" in "".join(c.get("source", "")) for c in cells if isinstance(c, dict)):
        return []
    saved = submitted_answers(answers_path(path.stem, path.parent), nb)
    if saved.receipt_problem:
        return [f"the submission receipt cannot be read ({saved.receipt_problem}): {SAVE_RECEIPT}"]
    if not saved.receipt_found:
        return [f"the notebook does not carry your answers yet: {SAVE_RECEIPT}"]
    if saved.receipt_behind:
        return [f"your latest answers are not in the saved notebook yet: {SAVE_RECEIPT}"]
    return []
