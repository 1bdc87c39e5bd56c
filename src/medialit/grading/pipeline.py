"""nbgrader's autograde pipeline, configured for one of the two grading modes.

- **saved answers** (the default): no kernel; the saved answers are scored in the grader.
- **execute**: the notebook also runs, in a bubblewrap sandbox where one can start,
  and its own result is only compared with the grader's score.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import medialit
from medialit.grading.layout import Layout


def preprocessors(execute: bool, sandbox: bool) -> list[Any]:
    """``Autograde.autograde_preprocessors`` for the mode: stock nbgrader's with Execute replaced."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )

    from medialit.grading.preprocessors import FillGradeOutputs, ScoreSavedAnswers

    run: list[Any] = []
    if execute:
        from medialit.grading.kernels import IpcExecute
        from medialit.grading.sandbox import SandboxedExecute

        run = [SandboxedExecute if sandbox else IpcExecute]
    return [
        ScoreSavedAnswers,
        *run,
        FillGradeOutputs,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]


def package_dir() -> Path:
    """The installed medialit package."""
    return Path(medialit.__file__).resolve().parent


def configure(
    config: Any,
    *,
    course_root: Path,
    folder: Path,
    execute: bool = False,
    sandbox: bool = True,
    hidden: list[Path] | None = None,
) -> Path:
    """Set the autograde pipeline in ``config``; return the file where a grading error is recorded."""
    error_file = folder / "grading-error.json"
    config.Autograde.autograde_preprocessors = preprocessors(execute, sandbox)
    config.ScoreSavedAnswers.error_file = str(error_file)
    config.FillGradeOutputs.error_file = str(error_file)
    config.FillGradeOutputs.executed = execute
    if execute and sandbox:  # the venv, its Python and the kit are always readable (medialit.grading.sandbox)
        seeds = Layout(course_root).seeds
        config.SandboxedKernelManager.hidden_paths = [str(p) for p in hidden or []]
        config.SandboxedKernelManager.readonly_paths = [str(seeds)] if seeds.is_dir() else []
    return error_file
