"""A student takes the discernment pre-test in a real JupyterLab: chooses a form, answers by clicking, validates.

Then the grader's own scoring of the saved answers file gives full marks, and the page never
showed the key (graded mode reports completeness only).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from medialit.content.discernment_items import load_forms, load_reasons

from .jlab import ROOT, UI_MS, LabServer, Shots, open_and_run

pytestmark = pytest.mark.browser

PS = "pre-test"
FORM = "B"
TITLE = "Well supported or not?"
VBOX = "xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' widget-vbox ')][1]"
JUDGEMENT_LABELS = {"solid": "well supported", "weak": "not well supported"}


def card(widget: Locator, item_id: str) -> Locator:
    """The box of one practice text: its text, the judgement drop-down, the reasons, its feedback."""
    return widget.locator(".medialit-practice", has_text=f"[{item_id}]").locator(VBOX)


def wait_for_answers(path, expected: dict, timeout_ms: int = 15_000) -> dict:
    """Poll the answers file until the discernment answer equals ``expected``."""
    import time

    deadline = time.monotonic() + timeout_ms / 1000
    found: dict = {}
    while time.monotonic() < deadline:
        try:
            found = json.loads(path.read_text(encoding="utf-8"))["answers"].get("discernment", {})
        except (OSError, ValueError, KeyError):
            found = {}
        if found == expected:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{path.name} holds {found}, expected {expected}")


def test_student_takes_the_pre_test_by_clicking_and_validates(
    page: Page, lab: LabServer, notebook_copy: Callable[[str], str]
) -> None:
    form = load_forms(ROOT / "seeds")[FORM]
    reasons = load_reasons(ROOT / "seeds")
    shot = Shots(page, "discernment-pre-test")
    nb = open_and_run(page, lab, notebook_copy(f"exercises/{PS}/{PS}.ipynb"), shot)
    widget = nb.widget(TITLE)
    expect(widget).to_be_visible(timeout=UI_MS)
    expect(widget.locator(".medialit-practice")).to_have_count(0)  # no texts until a form is chosen

    # 1. choose the form the teacher gave: its twelve invented practice texts appear
    widget.locator(".widget-dropdown", has_text="Your form:").locator("select").select_option(label=f"Form {FORM}")
    expect(widget.locator(".medialit-practice")).to_have_count(len(form.items), timeout=UI_MS)
    expect(widget.locator(".medialit-practice").first).to_contain_text("Practice text (invented")

    # 2. judge every text and tick its reasons, by clicking
    expected = {"form": FORM, "items": {}}
    for item in form.items:
        box = card(widget, item.id)
        box.scroll_into_view_if_needed(timeout=UI_MS)
        box.locator(".widget-dropdown select").select_option(label=JUDGEMENT_LABELS[item.key])
        for reason in item.reasons:
            box.locator(".widget-checkbox", has_text=reasons[reason].text).locator("input").check()
        ordered = [r for r in reasons if r in item.reasons]
        expected["items"][item.id] = {"judgement": item.key, "reasons": ordered}
    answers_file = nb.path.with_name(f"{PS}.answers.json")
    wait_for_answers(answers_file, expected)
    shot("answered", widget)

    # 3. Check completeness says it is complete, and shows no key
    widget.get_by_role("button", name="Check completeness").click()
    expect(widget.locator(".medialit-fb")).to_contain_text("All 12 texts judged, with reasons.", timeout=UI_MS)
    text = widget.inner_text()
    assert "Right:" not in text and "Not quite" not in text and "Good reasons" not in text

    # 4. save (the receipt carries the answers) and Validate: passes
    nb.save()
    nb.panel.locator(".validate-button").click()
    dialog = page.locator(".jp-Dialog", has_text="Validation Results")
    expect(dialog).to_be_visible(timeout=120_000)
    expect(dialog.locator("#validation-message")).to_contain_text(re.compile("Success"), timeout=UI_MS)
    assert "Traceback" not in dialog.inner_text()
    shot("validated", dialog)
    dialog.locator(".jp-mod-accept").click()

    # 5. the grader scores the saved file in its own process: full marks
    from medialit.content.article import load_article
    from medialit.grading.plan import WidgetSpec
    from medialit.grading.score import score_part, widget_specs

    saved = json.loads(answers_file.read_text(encoding="utf-8"))["answers"]
    specs = widget_specs([WidgetSpec("discernment_test")], load_article("venezuela-prisoner-releases-2026-01-14"))
    assert score_part(specs["discernment"], "discernment", 12, saved).points == 12
