"""autograde trusts a worker's result only inside its own run: a result naming another folder is never read nor removed.

A remote worker's result comes back through the broker; whoever can write there could name any
folder. The executor here is a stand-in that answers every task with such a result.
"""

from __future__ import annotations

from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path

from medialit.cli.demo import answers_file, gold_answers
from medialit.grading.autograde import autograde
from medialit.grading.course import Course
from medialit.grading.status import FAILED
from medialit.grading.worker import Outcome

PS = "ps1-sources"


class ForgedResults:
    """An executor whose every result names ``folder`` and claims success."""

    remote = False

    def __init__(self, folder: Path):
        self.folder = folder

    @contextmanager
    def pool(self, jobs: int, work: Path):
        yield self

    def submit(self, fn, root, assignment, job, *rest) -> Future:
        future: Future = Future()
        future.set_result(Outcome(job.student, True, folder=str(self.folder), digest="forged"))
        return future

    def as_completed(self, futures):
        return iter(list(futures))


def test_a_result_naming_a_folder_outside_the_run_is_refused(tmp_path: Path) -> None:
    course = Course.init(tmp_path / "course")
    course.generate(PS)
    notebook = course.released_notebook(PS).read_bytes()
    files = {f"{PS}.ipynb": notebook, f"{PS}.answers.json": answers_file(PS, gold_answers(course, PS))}
    course.add_submission(PS, "ana", files)
    elsewhere = tmp_path / "not-the-run"
    (elsewhere / "keep").mkdir(parents=True)
    (elsewhere / "keep" / "precious.txt").write_text("data", encoding="utf-8")

    statuses = autograde(course, PS, progress=False, executor=ForgedResults(elsewhere))

    assert statuses["ana"].status == FAILED
    assert "outside this run's work folder" in statuses["ana"].reason
    assert (elsewhere / "keep" / "precious.txt").read_text(encoding="utf-8") == "data"  # never removed
    assert course.scores(PS).get("ana", {}).get("autograded") in (None, False)  # nothing merged
