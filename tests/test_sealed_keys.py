"""The student install carries no key: fast checks, no build (tests/test_wheel.py builds and installs both wheels).

Hatchling's own file lists of the student wheel and the sdist (what a build would pack) leave out
solutions/, keys/ and every ``*.key.yaml``, and no exercise or lesson holds a hidden test or a form's
key; the search is shown to find each kind. The instructor wheel's list holds every master and key.
The kit, laid out as the student install, finds no masters and says what to install; an instructor
install is found without importing it.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pytest
from conftest import ROOT

from medialit.content import kit
from medialit.content.kit import KitNotFoundError, SealedKitMissing

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
