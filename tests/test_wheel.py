"""The student install carries no key; the instructor install brings them; both work outside the checkout.

Fast (no build): hatchling's own file lists of the student wheel and the sdist leave out solutions/,
keys/ and every ``*.key.yaml``, and no exercise or lesson holds a hidden test; the instructor wheel's
list holds every master and key; the kit, laid out as the student install, finds no masters and says
what to install.

Slow: builds both wheels from this checkout, installs the student wheel (with its dependencies, from
the package index or pip's cache) into a new venv in a temporary folder and runs
tests/installed/check_installed.py there (`medialit lessons DIR`, a lesson headless, no keys, `course
init` refuses with the message); then installs the instructor wheel into the same venv and runs
tests/installed/check_instructor.py (course init, ps1 and the pre-test autograded to full marks).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from medialit.content import kit
from medialit.content.kit import KitNotFoundError, SealedKitMissing

INSTALLED = ROOT / "tests" / "installed"
INSTRUCTOR = ROOT / "instructor"
# What nbgrader strips from a release, and what only a master's hidden tests call.
HIDDEN = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION", "END SOLUTION", "BEGIN MARK SCHEME", "ex.award(")


def sealed_files() -> list[Path]:
    """The checkout's masters and keys: none may reach a student (a file the release also carries is public)."""
    files = [p for p in (ROOT / "solutions").rglob("*") if p.is_file() and ".answers" not in p.name]
    files = [
        p
        for p in files
        if p.suffix == ".ipynb" or not (ROOT / "exercises" / p.relative_to(ROOT / "solutions")).is_file()
    ]
    files += [p for p in (ROOT / "keys").rglob("*") if p.is_file()]
    files += [p for p in (ROOT / "seeds").rglob("*.key.y*ml")]
    return files


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_leaks(names: list[str], read) -> list[str]:
    """Files of a student distribution that hold a master, a key or a hidden test (``read(name) -> bytes``)."""
    sealed = {_digest(p.read_bytes()): p.relative_to(ROOT) for p in sealed_files() if p.name != "README.md"}
    leaks = []
    for name in names:
        parts = name.split("/")
        if "solutions" in parts or "keys" in parts or name.endswith((".key.yaml", ".key.yml")):
            leaks.append(f"{name}: a sealed folder or key file")
            continue
        data = read(name)
        if _digest(data) in sealed:
            leaks.append(f"{name}: a copy of {sealed[_digest(data)]}")
        if name.endswith(".ipynb"):
            text = data.decode("utf-8")
            leaks += [f"{name}: holds {marker!r}" for marker in HIDDEN if marker in text]
        if "/discernment/form-" in name:
            leaks += [f"{name}: {line.strip()}" for line in data.decode("utf-8").splitlines() if _is_key_line(line)]
    return leaks


def _is_key_line(line: str) -> bool:
    """A pre/post-test item's key (``key: solid`` / ``key: weak``)."""
    field, _, value = line.strip().lstrip("- ").partition(":")
    return field.strip() == "key" and value.strip() in ("solid", "weak")


def _builder_files(builder_class, root: Path) -> dict[str, Path]:
    builder = builder_class(str(root))
    return {f.distribution_path: Path(f.path) for f in builder.recurse_included_files()}


# ------------------------------------------------------------------------------- fast: the file lists


def test_the_student_wheel_carries_the_lessons_and_no_key():
    from hatchling.builders.wheel import WheelBuilder

    files = _builder_files(WheelBuilder, ROOT)
    for kept in (
        "medialit/data/scheme.yaml",
        "medialit/kit/seeds/venezuela-prisoner-releases-2026-01-14.yaml",  # the lessons teach with it
        "medialit/kit/seeds/venezuela-prisoner-releases-2026-01-14.txt",
        "medialit/kit/seeds/discernment/form-a.yaml",  # the items students answer
        "medialit/kit/exercises/ps1-sources/ps1-sources.ipynb",
        "medialit/kit/exercises/ps5-transfer/water-prices.txt",
        "medialit/kit/notebooks/00-start-here.ipynb",
    ):
        assert kept in files
    assert not [n for n in files if n.startswith("medialit/kit/solutions/") or n.startswith("medialit/kit/keys/")]
    exercises = {f"medialit/kit/{p.relative_to(ROOT)}" for p in ROOT.glob("exercises/*/*.ipynb")}
    assert exercises and exercises <= set(files)
    assert key_leaks(sorted(files), lambda n: files[n].read_bytes()) == []


def test_the_sdist_carries_no_key():
    from hatchling.builders.sdist import SdistBuilder

    files = _builder_files(SdistBuilder, ROOT)
    assert "src/medialit/content/kit.py" in files and "exercises/ps1-sources/ps1-sources.ipynb" in files
    assert key_leaks(sorted(files), lambda n: files[n].read_bytes()) == []


def test_the_leak_search_finds_a_key():
    """The search above can fail: a master, a key file, a hidden test and a form's key are each found."""
    master = ROOT / "solutions" / "ps1-sources" / "ps1-sources.ipynb"
    names = {
        "medialit/kit/exercises/ps1-sources/ps1-sources.ipynb": master.read_bytes(),
        "medialit/kit/seeds/water-prices.key.yaml": b"",
        "medialit/kit/seeds/copy.yaml": (ROOT / "solutions" / "ps5-transfer" / "water-prices.key.yaml").read_bytes(),
        "medialit/kit/seeds/discernment/form-a.yaml": b"items:\n  - id: a1\n    key: weak\n",
    }
    leaks = key_leaks(sorted(names), names.__getitem__)
    for name in names:
        assert any(leak.startswith(name) for leak in leaks), (name, leaks)
    assert any("BEGIN HIDDEN TESTS" in leak for leak in leaks)


def test_the_instructor_wheel_carries_every_master_and_key():
    spec = importlib.util.spec_from_file_location("medialit_instructor_build", INSTRUCTOR / "hatch_build.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    mapped = hooks.sealed_files(str(INSTRUCTOR))
    targets = set(mapped.values())
    for path in sealed_files():
        folder = path.relative_to(ROOT).parts[0]
        assert f"medialit_instructor/kit/{folder}/{path.relative_to(ROOT / folder).as_posix()}" in targets
    assert "medialit_instructor/kit/seeds/venezuela-prisoner-releases-2026-01-14.yaml" in targets
    assert not [t for t in targets if ".answers" in t or ".ipynb_checkpoints" in t]
    assert hooks.medialit_version(str(INSTRUCTOR)) == __import__("medialit").__version__


# ------------------------------------------------------------------------------- fast: finding the kit


@pytest.fixture
def student_layout(tmp_path, monkeypatch):
    """The kit laid out as the student install: medialit/kit/ with seeds, exercises and lessons only."""
    packaged = tmp_path / "site-packages" / "medialit" / "kit"
    for folder in ("seeds", "exercises", "notebooks"):
        (packaged / folder).mkdir(parents=True)
    monkeypatch.setattr(kit, "PACKAGED", packaged)
    monkeypatch.setattr(kit, "CHECKOUT", tmp_path / "site-packages")  # no solutions/ beside the package
    monkeypatch.setattr(kit, "INSTRUCTOR", "medialit_instructor_not_installed_here")
    return tmp_path


def test_a_student_install_teaches_and_says_how_to_get_the_keys(student_layout, tmp_path, capsys):
    assert kit.kit_path("seeds") == student_layout / "site-packages" / "medialit" / "kit" / "seeds"
    assert kit.kit_path("notebooks").is_dir()
    for folder in ("solutions", "keys"):
        with pytest.raises(SealedKitMissing) as caught:
            kit.kit_path(folder)
        assert "pip install medialit-instructor" in str(caught.value) and "--kit" in str(caught.value)
    assert kit.sealed_paths() == []
    from medialit.cli.main import main

    assert main(["course", "init", str(tmp_path / "course")]) != 0
    err = capsys.readouterr().err
    assert "medialit-instructor" in err and "Traceback" not in err
    assert not (tmp_path / "course").exists()


def test_an_instructor_install_is_found_without_importing_it(student_layout, monkeypatch):
    site = student_layout / "instructor"
    kit_dir = site / "medialit_instructor_here" / "kit"
    for folder in ("seeds", "solutions", "keys"):
        (kit_dir / folder).mkdir(parents=True)
    (site / "medialit_instructor_here" / "__init__.py").write_text("raise RuntimeError('never imported')\n")
    monkeypatch.setattr(kit, "INSTRUCTOR", "medialit_instructor_here")
    monkeypatch.syspath_prepend(str(site))
    assert kit.grading_kit() == kit_dir
    assert kit.kit_path("keys") == kit_dir / "keys" and kit.kit_path("solutions") == kit_dir / "solutions"
    assert kit.kit_path("seeds") == student_layout / "site-packages" / "medialit" / "kit" / "seeds"  # the student's
    assert kit.sealed_paths() == [kit_dir.parent]  # hidden from students' code under --execute


def test_no_kit_at_all_says_to_reinstall(tmp_path, monkeypatch):
    monkeypatch.setattr(kit, "PACKAGED", tmp_path / "nothing")
    monkeypatch.setattr(kit, "CHECKOUT", tmp_path)
    with pytest.raises(KitNotFoundError, match="Reinstall medialit"):
        kit.kit_root()


# ------------------------------------------------------------------------------- slow: installed wheels


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    for project in (ROOT, INSTRUCTOR):
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", str(project), "-w", out],
            check=True,
            cwd=out,
        )
    (student,) = out.glob("medialit-*.whl")
    (instructor,) = out.glob("medialit_instructor-*.whl")
    return {"student": student, "instructor": instructor}


@pytest.fixture(scope="module")
def env_dir(tmp_path_factory) -> Path:
    """One venv for both installs (the instructor wheel is added to the student's)."""
    path = tmp_path_factory.mktemp("venv") / "venv"
    venv.create(path, with_pip=True)
    return path


def run_check(env_dir: Path, script: str, work: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "MEDIALIT_SEEDS", "VIRTUAL_ENV"}}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"
    python = env_dir / "bin" / "python"
    done = subprocess.run([python, INSTALLED / script], cwd=work, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def student_seen(wheels, env_dir, tmp_path_factory) -> dict:
    pip = [env_dir / "bin" / "python", "-m", "pip", "install", "-q"]
    subprocess.run([*pip, str(wheels["student"])], check=True, cwd=env_dir)
    return run_check(env_dir, "check_installed.py", tmp_path_factory.mktemp("student"))


@pytest.fixture(scope="module")
def instructor_seen(student_seen, wheels, env_dir, tmp_path_factory) -> dict:
    pip = [env_dir / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps"]
    subprocess.run([*pip, str(wheels["instructor"])], check=True, cwd=env_dir)
    return run_check(env_dir, "check_instructor.py", tmp_path_factory.mktemp("instructor"))


def test_the_built_student_wheel_carries_no_key(wheels):
    archive = zipfile.ZipFile(wheels["student"])
    names = archive.namelist()
    assert "medialit/kit/notebooks/00-start-here.ipynb" in names
    lessons = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert {n.rsplit("/", 1)[1] for n in names if n.startswith("medialit/kit/notebooks/")} == lessons
    assert not [n for n in names if n.endswith(".answers.json") or ".ipynb_checkpoints" in n]
    assert key_leaks([n for n in names if not n.endswith("/")], archive.read) == []


def test_the_built_instructor_wheel_requires_this_medialit(wheels):
    archive = zipfile.ZipFile(wheels["instructor"])
    names = set(archive.namelist())
    assert "medialit_instructor/kit/solutions/ps5-transfer/water-prices.key.yaml" in names
    assert "medialit_instructor/kit/solutions/ps1-sources/ps1-sources.ipynb" in names
    assert not [n for n in names if n.startswith("medialit/")]  # it adds files of its own only
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    version = __import__("medialit").__version__
    assert f"Requires-Dist: medialit=={version}" in archive.read(meta).decode()


def test_the_student_install_runs_a_lesson_and_holds_no_key(student_seen, env_dir):
    seen = student_seen
    assert seen["package"].startswith(str(env_dir)), "medialit was imported from the checkout, not the wheel"
    assert seen["kit"].startswith(str(env_dir))
    assert "00-start-here.ipynb" in seen["lessons"] and "instructor-workflow.ipynb" not in seen["lessons"]
    assert seen["lesson_errors"] == []
    assert seen["lesson_shows_headline"]
    assert seen["public"] == {"seeds": True, "exercises": True, "notebooks": True}
    assert seen["instructor_kit"] == ""
    for folder in ("solutions", "keys"):
        assert "pip install medialit-instructor" in seen["sealed"][folder], seen["sealed"]
    assert not [f for f in seen["files"] if f.startswith(("kit/solutions/", "kit/keys/")) or ".key." in f]
    assert seen["init_code"] != 0 and "medialit-instructor" in seen["init_message"]
    assert "Traceback" not in seen["init_message"] and not seen["init_left_folder"]


def test_the_instructor_install_grades_to_full_marks(instructor_seen, env_dir):
    seen = instructor_seen
    assert seen["package"].startswith(str(env_dir))
    assert seen["grading_kit"].startswith(str(env_dir)) and "medialit_instructor" in seen["grading_kit"]
    assert seen["keys"].startswith(seen["grading_kit"]) and seen["solutions"].startswith(seen["grading_kit"])
    keys = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "keys").rglob("*.key.yaml"))
    assert keys and seen["course_keys"] == keys  # course init copied the pre/post-test keys into the course
    for assignment, full in (("ps1-sources", 16), ("pre-test", 12)):
        grade = seen["grades"][assignment]
        assert grade["status"] == "graded", grade
        assert grade["score"] == grade["max"] == full, grade
