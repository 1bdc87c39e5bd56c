"""The site file (site.example.yaml): read and checked once, for the Hub's configuration and the admin tool.

A mistake names the file, the place and the fix, and stops before anything is changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")  # a Linux account name (and a course id)


class SiteError(RuntimeError):
    """The site file cannot be used; the message says where and how to fix it."""


@dataclass
class Site:
    path: Path
    prefix: Path
    courses_root: Path
    exchange: Path
    state: Path
    hub: dict[str, Any]
    postgres: dict[str, Any]
    redis: dict[str, Any]
    courses: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def venv(self) -> Path:
        return self.prefix / "venv"

    def grader(self, course: str) -> str:
        """The account that owns the course folder, runs its formgrader and grades its submissions."""
        return f"grader-{course}"

    def course_dir(self, course: str) -> Path:
        return self.courses_root / course

    def database(self, course: str) -> str:
        return f"medialit_{course.replace('-', '_')}"

    def db_url(self, course: str) -> str:
        """The course's gradebook: its own database, reached over the Unix socket (peer authentication)."""
        return (
            f"postgresql+psycopg:///{self.database(course)}"
            f"?host={self.postgres['socket_dir']}&port={self.postgres['port']}"
        )

    def home(self, account: str) -> Path:
        return Path("/home") / account

    def people(self) -> list[str]:
        """Everyone who logs in to the Hub: the instructors and students of every course, once each."""
        seen: dict[str, None] = {}
        for spec in self.courses.values():
            for name in [*spec.get("instructors", []), *spec.get("students", [])]:
                seen.setdefault(name, None)
        for name in self.hub.get("admins") or []:
            seen.setdefault(name, None)
        return list(seen)


def _require(data: dict[str, Any], key: str, kind: type, where: str, path: Path) -> Any:
    if key not in data:
        raise SiteError(f"{path}: {where} has no '{key}'; add it (see deploy/site.example.yaml).")
    value = data[key]
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        kinds = {int: "a whole number", str: "text", dict: "a mapping (key: value lines)"}
        raise SiteError(f"{path}: {where}.{key} must be {kinds.get(kind, kind.__name__)}, not {value!r}.")
    return value


def load_site(path: str | Path) -> Site:
    """Read and check the site file at ``path``."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteError(
            f"No site file at {path}. Copy deploy/site.example.yaml there and edit it, "
            "or name yours with MEDIALIT_SITE=PATH (or --site PATH)."
        ) from None
    except yaml.YAMLError as exc:
        raise SiteError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise SiteError(f"{path}: expected a mapping of settings (see deploy/site.example.yaml).")
    hub = _require(data, "hub", dict, "the file", path)
    for key in ("ip", "port", "hub_port", "proxy_api_port"):
        _require(hub, key, str if key == "ip" else int, "hub", path)
    postgres = _require(data, "postgres", dict, "the file", path)
    _require(postgres, "port", int, "postgres", path)
    for key in ("data", "socket_dir"):
        _require(postgres, key, str, "postgres", path)
    redis = _require(data, "redis", dict, "the file", path)
    _require(redis, "port", int, "redis", path)
    courses = _require(data, "courses", dict, "the file", path)
    for course, spec in courses.items():
        if not isinstance(course, str) or not NAME.match(course):
            raise SiteError(
                f"{path}: course id {course!r} must be lower-case letters, digits, '-' or '_' (at most 31), "
                "starting with a letter: it names the grader account grader-<course>."
            )
        if not isinstance(spec, dict):
            raise SiteError(f"{path}: courses.{course} must be a mapping (service_port, instructors, students).")
        _require(spec, "service_port", int, f"courses.{course}", path)
        for key in ("instructors", "students"):
            for name in spec.get(key) or []:
                if not isinstance(name, str) or not NAME.match(name):
                    raise SiteError(f"{path}: courses.{course}.{key}: {name!r} is not a valid Linux account name.")
    site = Site(
        path=path,
        prefix=Path(_require(data, "prefix", str, "the file", path)),
        courses_root=Path(_require(data, "courses_root", str, "the file", path)),
        exchange=Path(_require(data, "exchange", str, "the file", path)),
        state=Path(_require(data, "state", str, "the file", path)),
        hub=hub,
        postgres=postgres,
        redis=redis,
        courses=courses,
    )
    clash = [name for name in site.people() if name.startswith("grader-")]
    if clash:
        raise SiteError(f"{path}: {', '.join(clash)}: 'grader-' names are the courses' own accounts; rename them.")
    return site
