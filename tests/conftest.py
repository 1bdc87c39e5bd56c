"""Shared fixtures (the repository root, a scratch copy of the seeds, the seed article, an answer store)
and how the suite is split: ``slow`` and ``browser`` markers, and groups for pytest-xdist.

``make test`` runs the suite on two workers (``-n 2``; pytest_xdist_make_scheduler below). A module's tests stay on
one worker (its module-scoped fixtures are built once); tests that share machine-wide things run
on one worker too, one after another: the browser tests (one JupyterLab and one Chromium) and the
tests that make Linux accounts or write under /srv and /opt (``accounts``: the deployment test, then
the classroom benchmark, one after the other).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
SEEDS = ROOT / "seeds"
SEED_ID = "venezuela-prisoner-releases-2026-01-14"

# Tests of these files share machine-wide state; each group runs on one worker, in turn.
GROUPS = {
    "browser/": "browser",
    "test_instructor_outputs.py": "instructor-class",  # both use the session's graded class (``built``)
    "test_class_report.py": "instructor-class",
    # the classroom benchmark runs after the deployment test, not beside it: side by side (two CI runs)
    # the load made the Hub too slow to stop within medialit-admin's limit, and servers outlived it
    "deploy/": "accounts",
    "test_sandbox_nonroot.py": "accounts",
}
# Modules (and single tests, "file::name") that take more than a few seconds on a quiet machine
# (kernels, whole graded classes, servers, subprocesses): make test-fast (-m "not slow") leaves them out.
SLOW = {
    "test_adversarial.py",
    "test_celery_executor.py",
    "test_course_upgrade.py",
    "test_course_workflow.py",
    "test_demo.py",
    "test_deployment.py",
    "test_generated_notebooks.py",
    "test_instructor_notebook.py",
    "test_own_article.py",
    "test_quiet_terminal.py",
    "test_receipt.py",
    "test_fuzz_annotations.py::test_structural_corruption_gives_clear_errors",
    "test_layering.py::test_the_grader_and_the_reports_never_load_the_widgets",
    "test_discernment.py::test_check_annotations_checks_the_forms",
    "test_completeness.py::test_in_a_kernel",
    "test_discernment_demo.py",
    "test_exercises.py",
    "test_feedback_lms.py",
    "test_forgery.py",
    "test_gradebook_backends.py",
    "test_instructor_outputs.py",
    "test_class_report.py",
    "test_lessons.py",
    "test_sandbox.py",
    "test_sandbox_nonroot.py",
    "test_teacher_week.py",
    "test_wheel.py",
    # measured in make test-fast at load 11-37 (02:48-03:05 UTC): 28-166 s each; graded classes, zips
    "test_collect_doors.py",
    "test_tampering_doors.py",
    "test_saved_answers_rule.py",
    "test_reading_load.py::test_every_lesson_is_measured",  # these five share the lessons' measure (58 s)
    "test_reading_load.py::test_stated_times_cover_the_estimate",
    "test_reading_load.py::test_prose_reads_at_the_target_grade",
    "test_reading_load.py::test_doc_is_current",
    "test_reading_load.py::test_readme_states_the_lessons_times",
    "test_retrieval.py::test_check_annotations_checks_the_warm_ups",
    "test_retrieval.py::test_questions_use_sentences_the_lessons_did_not_teach_the_idea_with",
    "test_collect_lms.py::test_canvas_accented_names_and_late_in_any_case_are_collected",  # 27 s at load 7
    "test_cli_permissions.py::test_export_to_a_folder_the_account_cannot_write",  # 24 s at load 7
}


# Groups that take longest, started first so that no worker is left with one of them at the end:
# the deployment test and the classroom benchmark (accounts), several minutes each, one after the other.
LONGEST_FIRST = (
    "accounts",
    "browser",
    "test_wheel.py",
    "test_teacher_week.py",
    "test_collect_doors.py",  # 650 s of tests at load 11-37
    "test_demo.py",
    "test_celery_executor.py",
    "test_fuzz_annotations.py",
    "instructor-class",
    "test_forgery.py",
    "test_tampering_doors.py",
    "test_adversarial.py",
    "test_gradebook_backends.py",
    "test_quiet_terminal.py",
    "test_discernment_demo.py",
    "test_lessons.py",
)


def _where(item: pytest.Item) -> str:
    """The test's file, relative to tests/ ("browser/test_lesson.py")."""
    path = Path(str(item.path))
    return path.relative_to(TESTS).as_posix() if path.is_relative_to(TESTS) else path.as_posix()


def _group(rel: str) -> str:
    """The xdist group of a test file: a shared group (GROUPS), else the file itself."""
    return next((group for prefix, group in GROUPS.items() if rel.startswith(prefix)), rel)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark browser tests ``browser`` and slow ones ``slow``; put the longest xdist groups first."""
    for item in items:
        rel = _where(item)
        if rel.startswith("browser/"):
            item.add_marker(pytest.mark.browser)
        if item.path.name in SLOW or f"{item.path.name}::{item.originalname}" in SLOW:
            item.add_marker(pytest.mark.slow)
    rank = {group: n for n, group in enumerate(LONGEST_FIRST)}
    # the longest groups first (xdist hands the groups out in this order)
    items.sort(key=lambda item: rank.get(_group(_where(item)), len(rank)))


def pytest_configure(config: pytest.Config) -> None:
    """Under xdist, hand the groups out in collection order (longest first), not by number of tests."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """With -n N (``--dist load`` or ``loadgroup``): each group of _group on one worker.

    xdist's own loadgroup reads the group from a suffix its workers add to the test ids, which
    pytest 9 no longer lets them change; the groups here come from the test's file instead.
    """
    if config.option.dist not in ("load", "loadgroup"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _group(nodeid.split("::", 1)[0].removeprefix("tests/"))

    return GroupScheduling(config, log)


def check_file(path: Path) -> list:
    """Every problem of one annotation file (empty when it is valid): what read_annotation raises."""
    from medialit.content.annotation import AnnotationError, read_annotation

    try:
        read_annotation(path)
    except AnnotationError as exc:
        return exc.problems
    return []


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of seeds/ to break on purpose."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="module")
def article():
    """The seed article, fully annotated."""
    from medialit.content.article import load_article

    return load_article(SEED_ID, SEEDS)


@pytest.fixture
def store(tmp_path: Path):
    """A fresh answer store in a scratch folder."""
    from medialit.grading.answers import AnswerStore

    return AnswerStore("test", tmp_path)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory):
    """tests/instructor_class.py's graded class and each student's answers, built once (read it, do not change it)."""
    from instructor_class import build_class

    return build_class(tmp_path_factory.mktemp("instructor"))


@pytest.fixture(scope="session")
def reports(built) -> dict[str, Path]:
    """The class report of each assignment of the graded class (``built``)."""
    from instructor_class import ASSIGNMENTS

    from medialit.reports.report import write_report

    course, _ = built
    return {ps: write_report(course, ps) for ps in ASSIGNMENTS}
