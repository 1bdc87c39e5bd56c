"""The teacher's review notebook in JupyterLab: open a draft, change a label, accept, save; the YAML changes."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable

import pytest
import yaml
from playwright.sync_api import Page, expect

from medialit.content.drafting import write_draft

from .jlab import ROOT, UI_MS, LabServer, Shots, open_and_run

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/instructor-review-article.ipynb"
STEM = "invented-ashford-clinic-wait-times"


def test_review_changes_a_label_and_saves_the_yaml(
    page: Page, lab: LabServer, notebook_copy: Callable[[str], str]
) -> None:
    rel = notebook_copy(NOTEBOOK)
    folder = (lab.root / rel).parent
    shutil.copy(ROOT / "seeds" / f"{STEM}.txt", folder)
    draft = write_draft(folder / f"{STEM}.txt")
    before = yaml.safe_load(draft.read_text(encoding="utf-8"))["sentences"][0]
    assert before["label"] == "unsourced" and "draft" in before  # the drafter has no word for "Flawed"

    shot = Shots(page, "review-article")
    nb = open_and_run(page, lab, rel, shot)
    out = nb.panel.locator(".jp-OutputArea-output")
    shot("ran")
    out.locator(".widget-text", has_text="Annotation").locator("input").fill(draft.name)
    out.get_by_role("button", name="Open").click()
    expect(out.get_by_text("[h1]")).to_be_visible(timeout=UI_MS)
    expect(out.get_by_text("Draft suggestions, and why")).to_be_visible()
    # Open fills the fields one after another and the problems list last: on a busy machine the label's
    # draft value can reach the page after the sentence's text, so wait until the form is filled
    expect(out.get_by_text("Problems (").or_(out.get_by_text("No problems."))).to_be_visible(timeout=UI_MS)
    label = out.locator(".widget-dropdown", has_text="Label").locator("select")
    expect(label.locator("option:checked")).to_have_text("unsourced", timeout=UI_MS)
    out.locator(".widget-textarea", has_text="Loaded").locator("textarea").fill("Flawed | writer")
    label.select_option("framing")
    out.locator(".widget-text", has_text="Decisive").locator("input").fill("Flawed")
    out.get_by_role("button", name="Accept this sentence").click()
    expect(out.get_by_text("Still to write: rationale")).to_be_visible(timeout=UI_MS)  # the DRAFT text stays a draft
    expect(label.locator("option:checked")).to_have_text("framing")  # Accept shows the sentence as now kept
    rationale = "Nobody is quoted: the headline writer calls the shake-up Flawed, a judgement, so it is framing."
    out.locator(".widget-textarea", has_text="Rationale").locator("textarea").fill(rationale)
    out.get_by_role("button", name="Accept this sentence").click()
    expect(out.get_by_text("Reviewed.")).to_be_visible(timeout=UI_MS)
    shot("accepted", out.first)
    out.get_by_role("button", name="Save the YAML").click()
    expect(out.get_by_text("Saved")).to_be_visible(timeout=UI_MS)

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        h1 = yaml.safe_load(draft.read_text(encoding="utf-8"))["sentences"][0]
        if h1["label"] == "framing":
            break
        time.sleep(0.2)
    assert h1["label"] == "framing" and "draft" not in h1 and h1["rationale"] == rationale
    assert h1["loaded"] == [{"span": "Flawed", "voice": "writer"}] and h1["decisive"] == ["Flawed"]
    p1s1 = yaml.safe_load(draft.read_text(encoding="utf-8"))["sentences"][1]
    assert "draft" in p1s1, "only the sentence the teacher accepted loses its draft notes"
