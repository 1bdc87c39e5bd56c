"""A file the account may not write ends in a message saying which file and what to do, not a traceback."""

from __future__ import annotations

from pathlib import Path


def test_export_to_a_folder_the_account_cannot_write(tmp_path: Path, monkeypatch, capsys) -> None:
    from medialit.cli.main import main
    from medialit.grading.course import Course

    course = Course.init(tmp_path / "course")
    target = "/srv/somebody-else/grades.csv"

    def refused(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied", target)

    monkeypatch.setattr("medialit.reports.export.export_grades", refused)
    code = main(["export", "ps1-sources", "--course", str(course.root), "--out", target])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert target in err and "Permission denied" in err
    assert "Choose a folder this account can write" in err


def test_permission_message_without_a_file_name() -> None:
    from medialit.cli.main import _permission_message

    text = _permission_message(PermissionError(13, "Permission denied"))
    assert "a file" in text and "permission" in text.lower()
