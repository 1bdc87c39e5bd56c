"""A course workspace: nbgrader's folders, gradebook and configuration, outside the repository.

Its folders are spelled once, in :mod:`medialit.grading.layout`.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from medialit.content.kit import grading_kit
from medialit.grading import gradebook_url
from medialit.grading.layout import DEFAULT_COURSE_ID, Layout, write_timestamp
from medialit.grading.nbgrader_env import load_config, scripts_on_path
from medialit.grading.nbgrader_patches import cache_alembic_head
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
# After apply_common: this course's own id, gradebook and exchange (none: the defaults of apply_common)
COURSE_ID_LINE = "c.CourseDirectory.course_id = {!r}\n"
DB_URL_LINE = "c.CourseDirectory.db_url = {!r}\n"
EXCHANGE_LINE = "c.Exchange.root = {!r}\n"
COURSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


BACKUPS_DIR = ".medialit-backups"  # inside a course: gradebook snapshots and files replaced by an upgrade


class CourseError(RuntimeError):
    """A course operation failed; the message says what to do."""


class Course(Layout):
    """An nbgrader course workspace (its folders: :class:`~medialit.grading.layout.Layout`)."""

    def __init__(self, root: str | Path):
        super().__init__(root)
        self._settings: dict[str, Any] | None = None
        if not (self.root / "nbgrader_config.py").is_file():
            raise CourseError(
                f"{self.root} is not a medialit course (no nbgrader_config.py). "
                "Create one with: medialit course init DIR"
            )
        scripts_on_path()  # nbgrader's gradebook runs the `alembic` command
        cache_alembic_head()

    @classmethod
    def init(
        cls,
        root: str | Path,
        kit: str | Path | None = None,
        roster: str | Path | None = None,
        course_id: str | None = None,
        db_url: str | None = None,
        exchange: str | Path | None = None,
    ) -> Course:
        """Create a workspace in ``root`` (which must be new or empty) from the kit's masters.

        ``roster``: a CSV of students (checked before anything is created). ``course_id``: nbgrader's
        course id (default: medialit). ``db_url``: the gradebook (default: ``gradebook.db`` in the
        course; ``postgresql+psycopg://…``: a database of its own, which must exist). ``exchange``: a
        shared exchange folder, which an administrator creates (default: ``exchange/`` in the course).
        """
        root = Path(root).resolve()
        kit = Path(kit) if kit else grading_kit()
        students = read_roster(roster) if roster else []
        if root.exists() and any(root.iterdir()):
            raise CourseError(f"{root} already exists and is not empty; choose a new folder.")
        if not (kit / "solutions").is_dir():
            raise CourseError(f"{kit} has no solutions/ folder; pass the medialit folder with --kit.")
        lines = _settings_lines(course_id, db_url, exchange)
        made = not root.exists()
        root.mkdir(parents=True, exist_ok=True)
        try:
            return cls._fill(root, kit, lines, students, own_exchange=exchange is None)
        except BaseException as exc:  # a half-made course is no course: leave the folder as it was
            for path in [root] if made else list(root.iterdir()):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            if isinstance(exc, _database_errors()):
                where = gradebook_url.display(db_url or f"sqlite:///{root / 'gradebook.db'}")
                reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                raise CourseError(
                    f"could not create the gradebook in {where}: {reason}; {gradebook_url.help_text()}"
                ) from exc
            raise

    @classmethod
    def _fill(cls, root: Path, kit: Path, lines: str, students: list[Student], own_exchange: bool) -> Course:
        """The course's folders, configuration and gradebook, in the empty folder ``root``."""
        layout = Layout(root)
        shutil.copytree(kit / "solutions", layout.source_root, ignore=shutil.ignore_patterns("*.answers*.json"))
        shutil.copytree(kit / "seeds", layout.seeds)
        if (kit / "keys").is_dir():  # the pre/post-test keys: graders only, like the masters in source/
            shutil.copytree(kit / "keys", root / "keys")
        for folder in (layout.release_root, layout.submitted_root, layout.autograded_root, layout.feedback_root):
            folder.mkdir()
        if own_exchange:
            layout.exchange_root.mkdir()
        (root / "nbgrader_config.py").write_text(CONFIG_TEMPLATE + lines, encoding="utf-8")
        course = cls(root)
        if course.exchange_root.stat().st_uid == os.geteuid():  # a shared one not ours is 1777 (checked before)
            course.exchange_root.chmod(0o1777)  # every account writes here; the sticky bit keeps others' entries
        if not own_exchange:
            claim_course_exchange(course.exchange_root / course.course_id)
        write_roster(root / "roster.csv", students)
        course.import_roster(students)  # creates the gradebook's tables
        if course.db_path is not None:
            course.db_path.chmod(0o600)  # grades and names: the teacher's account only
        root.chmod(0o700)  # submissions, keys, gradebook: nothing in the course is for other accounts
        return course

    def roster(self) -> list[Student]:
        """The class roster (empty if none was imported)."""
        path = self.root / "roster.csv"
        return read_roster(path) if path.exists() and path.stat().st_size else []

    def import_roster(self, students: list[Student]) -> None:
        """Add or update students in the gradebook."""
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url, self.course_id) as gb:
            for s in students:
                gb.update_or_create_student(
                    s.student_id,
                    first_name=s.first_name,
                    last_name=s.last_name,
                    email=s.email or None,
                    lms_user_id=s.lms_id or None,
                )

    @property
    def _course_settings(self) -> dict[str, Any]:
        """The course id, gradebook URL and exchange folder its nbgrader_config.py sets (read once)."""
        if self._settings is None:
            config = self.config()
            root = self.root
            course = config.CourseDirectory
            self._settings = {
                "course_id": course.get("course_id") or DEFAULT_COURSE_ID,
                "db_url": course.get("db_url") or f"sqlite:///{root / 'gradebook.db'}",
                "exchange": Path(config.Exchange.get("root") or root / "exchange"),
            }
        return self._settings

    @property
    def course_id(self) -> str:
        return self._course_settings["course_id"]

    @property
    def exchange_root(self) -> Path:
        return self._course_settings["exchange"]

    @property
    def db_url(self) -> str:
        """The gradebook's SQLAlchemy URL (nbgrader's ``CourseDirectory.db_url``)."""
        return self._course_settings["db_url"]

    @property
    def db_path(self) -> Path | None:
        """The SQLite gradebook's file (None when the gradebook is in PostgreSQL)."""
        return gradebook_url.sqlite_path(self.db_url)

    def check_gradebook(self) -> None:
        """Raise a :class:`CourseError` saying what to do when the gradebook's database cannot be reached."""
        problem = gradebook_url.reach_problem(self.db_url)
        if problem:
            raise CourseError(f"{problem} (the course {self.root})")

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


def _database_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import SQLAlchemyError

    return (SQLAlchemyError,)


def course_id_problem(course_id: str) -> str:
    """Why ``course_id`` cannot name a course ('' when it can)."""
    if COURSE_ID.fullmatch(course_id):
        return ""
    return (
        f"the course id {course_id!r} cannot be used: it names the course's folder in nbgrader's exchange, its row "
        "in the gradebook and its JupyterHub groups (formgrade-ID, nbgrader-ID), so use 1 to 128 letters, digits, "
        "'.', '_' or '-', starting with a letter or digit (e.g. media101)"
    )


def _settings_lines(course_id: str | None, db_url: str | None, exchange: str | Path | None) -> str:
    """The lines of nbgrader_config.py that give a new course its own id, gradebook and exchange.

    Everything is checked first, so a bad value creates nothing; a PostgreSQL database must
    answer and must not hold another course's gradebook.
    """
    lines = ""
    if course_id is not None:
        problem = course_id_problem(course_id)
        if problem:
            raise CourseError(problem)
        lines += COURSE_ID_LINE.format(course_id)
    if db_url is not None:
        problem = gradebook_url.url_problem(db_url) or gradebook_url.reach_problem(db_url)
        if problem:
            raise CourseError(problem)
        db_url = gradebook_url.normalise(db_url)
        problem = _database_problem(db_url, course_id or DEFAULT_COURSE_ID)
        if problem:
            raise CourseError(problem)
        lines += DB_URL_LINE.format(db_url)
    if exchange is not None:
        folder = Path(exchange).expanduser().resolve()
        if not folder.is_dir():
            raise CourseError(
                f"the exchange folder {folder} does not exist. An administrator creates it once for every course: "
                f"sudo mkdir -p {folder} && sudo chmod 1777 {folder} (see deploy/README.md)"
            )
        if folder.stat().st_mode & 0o1777 != 0o1777 and folder.stat().st_uid != os.geteuid():
            raise CourseError(
                f"the exchange folder {folder} must be mode 1777 (every account writes there; the sticky bit stops "
                f"one account removing or renaming another's folder), and you do not own it to set that. "
                f"Ask an administrator: sudo chmod 1777 {folder}"
            )
        lines += EXCHANGE_LINE.format(str(folder))
    return lines


def claim_course_exchange(folder: Path) -> None:
    """The course's folder in a shared exchange, made now by its teacher with nbgrader's modes (before a student can).

    outbound/ 0755 (students fetch), inbound/ 2733 (students submit, cannot list). A folder there
    that another account made is refused: whoever owns it controls what students fetch and submit.
    """
    if not folder.exists():
        folder.mkdir(mode=0o755)
    owner = folder.stat().st_uid
    if owner != os.geteuid():
        import pwd

        try:
            name = pwd.getpwuid(owner).pw_name
        except KeyError:
            name = f"uid {owner}"
        raise CourseError(
            f"{folder} already exists and belongs to {name}, not to you: whoever owns it controls what students "
            f"fetch and submit. Ask an administrator to check it and remove it (sudo rm -r {folder}), "
            "then run this again."
        )
    for sub, mode in (("outbound", 0o755), ("inbound", 0o2733)):
        (folder / sub).mkdir(exist_ok=True)
        (folder / sub).chmod(mode)
    folder.chmod(0o755)


def _database_problem(db_url: str, course_id: str) -> str:
    """Why a new course cannot keep its gradebook at ``db_url`` ('' when it can).

    The database must not hold another course's gradebook, and (PostgreSQL) this account's
    role must be able to create nbgrader's tables in it (PostgreSQL 15: it owns the database).
    """
    path = gradebook_url.sqlite_path(db_url)
    if path is not None and not path.exists():
        return ""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            made = inspect(conn).has_table("course")
            ids = conn.execute(text("SELECT id FROM course")).scalars().all() if made else []
            blocked = "" if made or path is not None else _cannot_create_tables(conn)
    finally:
        engine.dispose()
    others = sorted(i for i in ids if i not in (course_id, "default_course"))
    if others:
        return (
            f"the database {gradebook_url.display(db_url)} already holds the gradebook of {', '.join(others)}: "
            f"each course needs a database of its own; {gradebook_url.help_text()}"
        )
    return blocked and f"{blocked}; {gradebook_url.help_text()}"


def _cannot_create_tables(conn: Any) -> str:
    """Why this PostgreSQL role cannot create nbgrader's tables here ('' when it can)."""
    from sqlalchemy import text

    allowed, role, name = conn.execute(
        text("SELECT has_schema_privilege(current_schema(), 'CREATE'), current_user, current_database()")
    ).one()
    if allowed:
        return ""
    return (
        f"the role {role} cannot create the gradebook's tables in the database {name}. Make the role own it: "
        f"sudo -u postgres psql -c 'ALTER DATABASE {name} OWNER TO {role}' (or createdb --owner={role} {name})"
    )
