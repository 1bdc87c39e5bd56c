"""A course workspace: nbgrader's folders, gradebook and configuration, outside the repository.

Its folders are spelled once, in :mod:`medialit.grading.layout`.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from medialit.content.kit import kit_root
from medialit.grading.layout import Layout, write_timestamp
from medialit.grading.nbgrader_env import cache_alembic_head, load_config, scripts_on_path
from medialit.grading.roster import Student, read_roster, write_roster

CONFIG_TEMPLATE = '''"""nbgrader configuration of a medialit course workspace (written by medialit)."""

from pathlib import Path

from medialit.grading.nbgrader_settings import apply_common

c = get_config()  # noqa: F821 (provided by nbgrader)
here = Path(__file__).resolve().parent  # the workspace can be moved or copied
c.CourseDirectory.root = str(here)
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.Exchange.root = str(here / "exchange")
apply_common(c)
'''


BACKUPS_DIR = ".medialit-backups"  # inside a course: gradebook snapshots and files replaced by an upgrade


class CourseError(RuntimeError):
    """A course operation failed; the message says what to do."""


class Course(Layout):
    """An nbgrader course workspace (its folders: :class:`~medialit.grading.layout.Layout`)."""

    def __init__(self, root: str | Path):
        super().__init__(root)
        if not (self.root / "nbgrader_config.py").is_file():
            raise CourseError(
                f"{self.root} is not a medialit course (no nbgrader_config.py). "
                "Create one with: medialit course init DIR"
            )
        scripts_on_path()  # nbgrader's gradebook runs the `alembic` command
        cache_alembic_head()

    @classmethod
    def init(cls, root: str | Path, kit: str | Path | None = None, roster: str | Path | None = None) -> Course:
        """Create a workspace in ``root`` (which must be new or empty) from the kit's masters.

        ``roster``: a CSV of students (checked before anything is created).
        """
        root = Path(root).resolve()
        kit = Path(kit) if kit else kit_root()
        students = read_roster(roster) if roster else []
        if root.exists() and any(root.iterdir()):
            raise CourseError(f"{root} already exists and is not empty; choose a new folder.")
        if not (kit / "solutions").is_dir():
            raise CourseError(f"{kit} has no solutions/ folder; pass the medialit folder with --kit.")
        layout = Layout(root)
        root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(kit / "solutions", layout.source_root, ignore=shutil.ignore_patterns("*.answers*.json"))
        shutil.copytree(kit / "seeds", layout.seeds)
        for folder in (layout.release_root, layout.submitted_root, layout.autograded_root, layout.feedback_root):
            folder.mkdir()
        layout.exchange_root.mkdir()
        layout.exchange_root.chmod(0o777)  # every student's account writes its submissions here
        (root / "nbgrader_config.py").write_text(CONFIG_TEMPLATE, encoding="utf-8")
        course = cls(root)
        write_roster(root / "roster.csv", students)
        course.import_roster(students)
        return course

    def roster(self) -> list[Student]:
        """The class roster (empty if none was imported)."""
        path = self.root / "roster.csv"
        return read_roster(path) if path.exists() and path.stat().st_size else []

    def import_roster(self, students: list[Student]) -> None:
        """Add or update students in the gradebook."""
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url, "medialit") as gb:
            for s in students:
                gb.update_or_create_student(
                    s.student_id,
                    first_name=s.first_name,
                    last_name=s.last_name,
                    email=s.email or None,
                    lms_user_id=s.lms_id or None,
                )

    @property
    def db_path(self) -> Path:
        """The SQLite gradebook (nbgrader's default place in the course root)."""
        return self.root / "gradebook.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    # ---------------------------------------------------------------- nbgrader

    def config(self):
        return load_config(self.root)

    def api(self, config: Any = None, **overrides: Any):
        """An NbGraderAPI on this workspace (``config``: the course's, already adjusted; ``overrides``:
        extra CourseDirectory settings)."""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        scripts_on_path()
        config = config if config is not None else self.config()
        for key, value in overrides.items():
            setattr(config.CourseDirectory, key, value)
        return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)

    def assignments(self) -> list[str]:
        source = self.source_root
        return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))

    def require_assignment(self, assignment: str) -> None:
        if assignment not in self.assignments():
            raise CourseError(
                f"Unknown assignment {assignment!r}; this course has: {', '.join(self.assignments()) or 'none'}"
            )

    def generate(self, assignment: str) -> Path:
        """Generate the student version into release/ (and record the assignment in the gradebook)."""
        self.require_assignment(assignment)
        result = self.api().generate_assignment(assignment, force=True)
        if not result["success"]:
            raise CourseError(f"nbgrader could not generate {assignment}:\n{result.get('log', '')[-2000:]}")
        return self.release_dir(assignment)

    def release(self, assignment: str, to: str = "exchange", out: str | Path | None = None) -> Path:
        """Release an assignment: to nbgrader's exchange, or as a folder or zip for an LMS."""
        folder = self.generate(assignment)
        if to == "exchange":
            api = self.api()
            if self.outbound_dir(assignment).exists():
                api.unrelease(assignment)  # re-release: replace the copy students fetch from now on
            result = api.release_assignment(assignment)
            if not result["success"]:
                raise CourseError(f"nbgrader could not release {assignment}:\n{result.get('log', '')[-1500:]}")
            return self.outbound_dir(assignment)
        target = Path(out or self.root / "lms").resolve()
        target.mkdir(parents=True, exist_ok=True)
        if to == "folder":
            dest = target / assignment
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(folder, dest)
            return dest
        if to == "zip":
            return Path(
                shutil.make_archive(str(target / assignment), "zip", root_dir=folder.parent, base_dir=assignment)
            )
        raise CourseError(f"Unknown release target {to!r}; use exchange, folder or zip")

    def submitted_students(self, assignment: str) -> list[str]:
        """Students with a submission folder for ``assignment``."""
        root = self.submitted_root
        return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir()) if root.is_dir() else []

    def add_submission(
        self, assignment: str, student: str, files: dict[str, bytes | str | Path], timestamp: datetime | None = None
    ) -> Path:
        """Place a student's files in submitted/STUDENT/ASSIGNMENT (replacing an older copy)."""
        folder = self.submission_dir(assignment, student)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for name, content in files.items():
            target = folder / name
            if isinstance(content, Path):
                shutil.copyfile(content, target)
            elif isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        write_timestamp(folder, timestamp or datetime.now())
        return folder

    def scores(self, assignment: str) -> dict[str, dict[str, Any]]:
        """Per student: score, max_score, autograded (False: no result exists), needs_manual_grade."""
        subs = self.api().get_submissions(assignment)
        return {
            s["student"]: {
                "score": s["score"],
                "max_score": s["max_score"],
                "autograded": s["autograded"],
                "needs_manual_grade": s["needs_manual_grade"],
            }
            for s in subs
        }
