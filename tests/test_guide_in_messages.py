"""Issue 25 §10: messages that send the teacher to the instructor guide name the copy this install has."""

from __future__ import annotations

import pytest

from medialit.content import kit
from medialit.grading import gradebook_url, sandbox
from medialit.grading.autograde import _mode
from medialit.grading.course import CourseError


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """A wheel install's guide (medialit/kit/docs), and no checkout to fall back on."""
    guide = tmp_path / "kit" / "docs" / "instructor-guide.md"
    guide.parent.mkdir(parents=True)
    guide.write_text("# guide\n", encoding="utf-8")
    monkeypatch.setattr(kit, "PACKAGED", tmp_path / "kit")
    return guide


def test_the_gradebook_messages_name_the_installed_guide(installed):
    problem = gradebook_url.reach_problem(f"postgresql+psycopg:///medialit?host={installed.parent / 'no-socket'}")
    assert problem.startswith("cannot reach the gradebook database") and f"instructor guide ({installed})" in problem


def test_execute_without_a_sandbox_names_the_installed_guide(installed, monkeypatch):
    monkeypatch.setattr(sandbox, "sandbox_problem", lambda: "bubblewrap is not installed")
    with pytest.raises(CourseError) as raised:
        _mode(None, execute=True, sandbox=True, notices=[])  # type: ignore[arg-type]
    assert "bubblewrap is not installed" in str(raised.value) and f"instructor guide, {installed})" in str(raised.value)
