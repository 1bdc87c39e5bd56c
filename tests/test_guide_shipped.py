"""Issue 25 §10: the guide the kit's messages point to is there in a wheel install too.

The wheel carries docs/ under medialit/kit/docs (pyproject.toml; tests/test_wheel.py checks the
built wheel); ``doc_path`` finds the installed copy first, and the class report's note names it.
"""

from __future__ import annotations

import tomllib

from conftest import ROOT

from medialit.content import kit
from medialit.reports.class_labels import handout


def test_the_wheel_maps_the_docs_into_the_package():
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]["targets"]
    assert "docs" in wheel["wheel"]["only-include"]
    assert wheel["wheel"]["sources"]["docs"] == "medialit/kit/docs"
    assert (ROOT / "docs" / "instructor-guide.md").is_file()


def test_the_guide_is_found_where_the_install_has_it(tmp_path, monkeypatch):
    assert kit.doc_path() == kit.CHECKOUT / "docs" / "instructor-guide.md"  # in a checkout
    installed = tmp_path / "kit" / "docs" / "instructor-guide.md"
    installed.parent.mkdir(parents=True)
    installed.write_text("# guide\n", encoding="utf-8")
    monkeypatch.setattr(kit, "PACKAGED", tmp_path / "kit")  # as in a wheel install
    assert kit.doc_path() == installed
    assert str(installed) in handout() and "Class agreement for lesson 07" in handout()
