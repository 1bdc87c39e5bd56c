"""A student takes the discernment pre-test in a real JupyterLab: chooses a form, answers by clicking, validates.

The texts show no ids and come in the student's own order: from their id where the kit knows it
(``JUPYTERHUB_USER``, as a JupyterHub sets it), so two students see two orders and each keeps theirs
after a restart; without an id, from a seed saved with the answers, which a restart keeps too. The
grader's own scoring of the saved answers file gives full marks, and the page never showed the key
(graded mode reports completeness only).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from medialit.content.discernment_items import load_forms, load_paper, load_reasons
from medialit.teaching.discernment import order_seed, shown_order

from .jlab import ROOT, STUDENT, UI_MS, LabServer, Shots, open_and_run

pytestmark = pytest.mark.browser

PS = "pre-test"
FORM = "B"
TITLE = "Well supported or not?"
VBOX = "xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' widget-vbox ')][1]"
JUDGEMENT_LABELS = {"solid": "well supported", "weak": "not well supported"}
STUDENTS = ("alice", "bob")


def card(widget: Locator, headline: str) -> Locator:
    """The box of one practice text (found by its headline): its text, the drop-down, the reasons, its feedback."""
    return widget.locator(".medialit-practice", has_text=headline).locator(VBOX)


def shown_headlines(widget: Locator) -> list[str]:
    """The headlines of the texts, in the order the page shows them."""
    return [h.strip() for h in widget.locator(".medialit-practice b").all_inner_texts()]


def choose_form(widget: Locator, form: str) -> None:
    widget.locator(".widget-dropdown", has_text="Your form:").locator("select").select_option(label=f"Form {form}")
    expect(widget.locator(".medialit-practice")).to_have_count(12, timeout=UI_MS)


def wait_for_answers(path, expected: dict, timeout_ms: int = 15_000) -> dict:
    """Poll the answers file until the discernment answer's form and items equal ``expected``."""
    import time

    deadline = time.monotonic() + timeout_ms / 1000
    found: dict = {}
    while time.monotonic() < deadline:
        try:
            found = json.loads(path.read_text(encoding="utf-8"))["answers"].get("discernment", {})
        except (OSError, ValueError, KeyError):
            found = {}
        if {k: found.get(k) for k in expected} == expected:
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

    # 1. choose the form the teacher gave: its twelve invented practice texts appear, numbered, without ids
    choose_form(widget, FORM)
    expect(widget.locator(".medialit-practice").first).to_contain_text("Text 1 of 12 · Practice text (invented")
    assert not re.search(r"\[?\b[ab]\d\d\b\]?", widget.inner_text())
    order = shown_headlines(widget)
    assert sorted(order) == sorted(i.headline for i in form.items)

    # 2. judge every text and tick its reasons, by clicking
    expected = {"form": FORM, "items": {}}
    for item in form.items:
        box = card(widget, item.headline)
        box.scroll_into_view_if_needed(timeout=UI_MS)
        box.locator(".widget-dropdown select").select_option(label=JUDGEMENT_LABELS[item.key])
        for reason in item.reasons:
            box.locator(".widget-checkbox", has_text=reasons[reason].text).locator("input").check()
        ordered = [r for r in reasons if r in item.reasons]
        expected["items"][item.id] = {"judgement": item.key, "reasons": ordered}
    answers_file = nb.path.with_name(f"{PS}.answers.json")
    saved = wait_for_answers(answers_file, expected)
    # no student id in this Lab: the order comes from a seed saved with the answers
    paper = load_paper(FORM, ROOT / "seeds")
    assert [paper.text(i).headline for i in shown_order(paper.ids, saved["order"], FORM)] == order
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

    # 6. a restart keeps the order (the saved seed) and the answers
    nb.restart_and_run_all()
    nb.wait_run_finished()
    widget = nb.widget(TITLE)
    expect(widget.locator(".medialit-practice")).to_have_count(12, timeout=UI_MS)
    assert shown_headlines(widget) == order


@pytest.fixture
def student_labs(chromium: Path, kit_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """One JupyterLab per student, each with the JUPYTERHUB_USER a JupyterHub would give its server."""
    servers = {}
    try:
        for student in STUDENTS:
            root = tmp_path_factory.mktemp(f"kit-{student}")
            shutil.copytree(kit_copy / "exercises" / PS, root / PS)
            servers[student] = LabServer(
                root,
                tmp_path_factory.mktemp(f"lab-home-{student}"),
                extra_env={"MEDIALIT_SEEDS": str(kit_copy / "seeds"), "JUPYTERHUB_USER": student},
                config=STUDENT,
            ).start()
        yield servers
    finally:
        for server in servers.values():
            server.stop()


def test_two_students_see_two_orders_and_each_keeps_theirs_after_a_restart(page: Page, student_labs: dict) -> None:
    paper = load_paper("A", ROOT / "seeds")
    expected = {s: [paper.text(i).headline for i in shown_order(paper.ids, order_seed(s), "A")] for s in STUDENTS}
    assert expected["alice"] != expected["bob"]  # the two ids give two orders
    for student, lab in student_labs.items():
        shot = Shots(page, f"discernment-order-{student}")
        nb = open_and_run(page, lab, f"{PS}/{PS}.ipynb", shot)
        widget = nb.widget(TITLE)
        choose_form(widget, "A")
        assert shown_headlines(widget) == expected[student], student
        first = card(widget, expected[student][0])  # answer one text so that the form is saved
        first.locator(".widget-dropdown select").select_option(label="well supported")
        wait_for_answers(nb.path.with_name(f"{PS}.answers.json"), {"form": "A", "order": order_seed(student)})
        shot("ordered", widget)
        nb.restart_and_run_all()
        nb.wait_run_finished()
        widget = nb.widget(TITLE)
        expect(widget.locator(".medialit-practice")).to_have_count(12, timeout=UI_MS)
        assert shown_headlines(widget) == expected[student], f"{student} after a restart"
        lab.delete_sessions()
