"""Where everything lives in a course workspace, and the one reader and writer of timestamp.txt.

Like nbgrader's ``coursedir``, one object spells the folders; everything else asks it. A grading
worker uses a :class:`Layout` of its own scratch folder (the same shape, no gradebook of record).

Layout of a workspace::

    nbgrader_config.py   the shared medialit settings, with this workspace's folders
    source/A/            the masters (copied from the kit's solutions/)
    release/A/           the student versions
    submitted/S/A/       a student's collected files, with timestamp.txt
    autograded/S/A/      nbgrader's graded copy
    feedback/S/A/        the feedback page
    collected/A.json     how each submission was collected
    status/A.json        each student's grading status
    reports/A/           the class report (and lesson 07's class file)
    exports/             grade tables and feedback zips for the LMS
    seeds/               the articles the exercises read
    exchange/            nbgrader's exchange folder (unless the course names a shared one)
    gradebook.db         the SQLite gradebook (unless the course names another database)

A :class:`~medialit.grading.course.Course` reads its course id, gradebook URL and exchange
folder from its ``nbgrader_config.py``; a bare Layout has the defaults of a course made
before they could be chosen.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

TIMESTAMP = "timestamp.txt"  # nbgrader's submission time, beside a submission's files
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # how the kit writes it (nbgrader's own format)
DEFAULT_COURSE_ID = "medialit"  # the course id of a course that names none (its folder in the exchange)


class Layout:
    """The folders of a course workspace rooted at ``root``."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()

    @property
    def source_root(self) -> Path:
        return self.root / "source"

    @property
    def release_root(self) -> Path:
        return self.root / "release"

    def source_dir(self, assignment: str) -> Path:
        return self.source_root / assignment

    def release_dir(self, assignment: str) -> Path:
        return self.release_root / assignment

    def released_notebook(self, assignment: str) -> Path:
        return self.release_dir(assignment) / f"{assignment}.ipynb"

    @property
    def course_id(self) -> str:
        """nbgrader's course id: the course's folder in the exchange and its row in the gradebook."""
        return DEFAULT_COURSE_ID

    @property
    def exchange_root(self) -> Path:
        """nbgrader's exchange folder (shared by every course on a JupyterHub, or the course's own)."""
        return self.root / "exchange"

    @property
    def course_exchange(self) -> Path:
        """This course's folder in the exchange (outbound/, inbound/, feedback/)."""
        return self.exchange_root / self.course_id

    def outbound_dir(self, assignment: str) -> Path:
        """The exchange's copy students fetch."""
        return self.course_exchange / "outbound" / assignment

    @property
    def submitted_root(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded_root(self) -> Path:
        return self.root / "autograded"

    def submission_dir(self, assignment: str, student: str) -> Path:
        return self.submitted_root / student / assignment

    def autograded_dir(self, assignment: str, student: str) -> Path:
        return self.autograded_root / student / assignment

    @property
    def feedback_root(self) -> Path:
        return self.root / "feedback"

    def feedback_dir(self, assignment: str, student: str) -> Path:
        return self.feedback_root / student / assignment

    def feedback_pages(self, assignment: str) -> list[Path]:
        """Every student's feedback page of ``assignment``."""
        return sorted(self.feedback_root.glob(f"*/{assignment}/{assignment}.html"))

    def collected_file(self, assignment: str) -> Path:
        return self.root / "collected" / f"{assignment}.json"

    def status_file(self, assignment: str) -> Path:
        return self.root / "status" / f"{assignment}.json"

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def exports_dir(self) -> Path:
        """Grade tables and feedback zips for the LMS."""
        return self.root / "exports"

    def report_dir(self, assignment: str) -> Path:
        """The class report of ``assignment`` (and lesson 07's class file)."""
        return self.root / "reports" / assignment

    @property
    def scratch_dir(self) -> Path:
        """Throwaway work (the demo runs the masters here)."""
        return self.root / "scratch"

    @property
    def grading_work_root(self) -> Path:
        """Work folders of runs graded by Celery workers: on the course's disk, which every worker host mounts."""
        return self.root / ".medialit-grading"


def write_timestamp(folder: Path, when: datetime | str) -> str:
    """Write ``folder``'s timestamp.txt (a datetime, or text already in nbgrader's format); return the text."""
    text = when.strftime(TIME_FORMAT) if isinstance(when, datetime) else when
    (Path(folder) / TIMESTAMP).write_text(text, encoding="utf-8")
    return text


def timestamp_text(folder: Path) -> str:
    """What ``folder``'s timestamp.txt holds, stripped ('' when there is none or it cannot be read)."""
    try:
        return (Path(folder) / TIMESTAMP).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def read_timestamp(folder: Path) -> datetime | None:
    """``folder``'s timestamp.txt as a naive datetime, parsed the way nbgrader does (None: none, or unreadable)."""
    return parse_timestamp(timestamp_text(folder))


def parse_timestamp(text: str) -> datetime | None:
    """What a timestamp.txt holds as a naive datetime, parsed the way nbgrader does (None: empty or unreadable)."""
    if not text:
        return None
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text).replace(tzinfo=None)
    except (ValueError, TypeError, OverflowError):
        return None
