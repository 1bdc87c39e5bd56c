"""A student in lesson 07, in a real browser: label, Compare with the key and the class file, discuss a hard case."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from medialit.content.class_counts import FILE_NAME
from medialit.content.scheme import load_scheme

from .jlab import UI_MS, LabServer, Shots, open_and_run, row, wait_saved

pytestmark = pytest.mark.browser

LESSON = "notebooks/07-agreement.ipynb"
SEED = "venezuela-prisoner-releases-2026-01-14"
CHOSEN = {"h1": "unsourced", "p4s2": "speculation", "p8s2": "named"}  # alternative, key, wrong
# 20 students: h1 split between framing and unsourced, p4s2 unanimous, p8s2 split three ways
CLASS = {
    "h1": {"framing": 11, "unsourced": 9},
    "p4s2": {"speculation": 20},
    "p8s2": {"framing": 8, "unsourced": 6, "named": 6},
}

LOOKS_LIKE_H5 = """(part) => {
  const h5 = document.createElement('h5');
  h5.textContent = part.textContent;
  part.parentElement.appendChild(h5);
  const look = el => ['fontSize', 'fontWeight', 'marginTop', 'marginBottom'].map(k => getComputedStyle(el)[k]);
  const same = JSON.stringify(look(part)) === JSON.stringify(look(h5));
  h5.remove();
  return same;
}"""


def class_file() -> str:
    labels = load_scheme().label_ids
    sentences = {sid: {k: row.get(k, 0) for k in labels} for sid, row in CLASS.items()}
    return json.dumps(
        {
            "medialit_class_labels": 1,
            "assignment": "ps1-sources",
            "article": SEED,
            "written": "2026-01-21",
            "students": 20,
            "min_answers": 10,
            "labels": labels,
            "sentences": sentences,
            "left_out": [],
        }
    )


def test_lesson07_compare_with_key_and_class(page: Page, lab: LabServer, notebook_copy: Callable[[str], str]) -> None:
    """Run All, choose three labels, Compare: agreement with the key and the class, the split; then discuss h1."""
    shot = Shots(page, "lesson07")
    rel = notebook_copy(LESSON)
    (lab.root / rel).with_name(FILE_NAME).write_text(class_file(), encoding="utf-8")  # the teacher's class file
    nb = open_and_run(page, lab, rel, shot)
    answers_file = nb.path.with_name("07-agreement.answers.json")
    names = load_scheme().label_names()

    labeler = nb.widget("Label each sentence", "Human-rights groups dispute that number.")
    expect(labeler).to_be_visible(timeout=UI_MS)
    for sid, label in CHOSEN.items():
        row(labeler, sid).locator("select").select_option(label=names[label])
    wait_saved(answers_file, "labels", CHOSEN)
    shot("labels-chosen", labeler)

    view = nb.widget("How far do you agree?")
    view.scroll_into_view_if_needed()
    view.get_by_role("button", name="Compare", exact=True).click()
    out = view.locator(".medialit-fb")
    expect(out).to_contain_text("You labelled 3 of 10 sentences. You chose the key's label on 1 (33%)", timeout=UI_MS)
    expect(out).to_contain_text("and a label the key accepts as an alternative on 1 more")
    expect(out).to_contain_text("The class file counts the labels of 20 students in ps1-sources")
    # a random classmate: h1 unsourced 9/20, p4s2 20/20, p8s2 named 6/20 -> (45% + 100% + 30%) / 3 = 58%
    expect(out).to_contain_text("a classmate picked at random chose your label 58% of the time")
    part = out.locator("h4", has_text="Where the class split most")
    expect(part).to_be_visible()
    # under the box's h3 title the parts are h4 (axe's heading order), drawn as the h5 they were
    assert part.evaluate(LOOKS_LIKE_H5), "a part of the Compare box no longer looks as before"
    expect(out.locator("ol li").first).to_contain_text("[p8s2]")
    expect(out.locator(".medialit-warning")).to_have_count(0)
    shot("compared", out)

    discuss = nb.panel.locator(".widget-vbox").filter(has=page.locator("h4", has_text="Which label for h1?")).last
    discuss.scroll_into_view_if_needed()
    expect(discuss).to_contain_text("How your class labelled h1 (20 answers)")
    discuss.locator("textarea").fill("The cause decides it: nobody is reported as saying Under US Pressure.")
    discuss.get_by_role("button", name="Check", exact=True).click()
    expect(discuss.locator(".medialit-fb")).to_contain_text("Compare with:", timeout=UI_MS)
    shot("discussed", discuss)
    saved = json.loads(answers_file.read_text(encoding="utf-8"))["answers"]
    assert saved["discuss-h1"].startswith("The cause decides it")
