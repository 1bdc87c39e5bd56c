"""The discernment test (issues 11 D, 24 A): items and keys as data, scoring against textbook values, the widget."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml

from medialit.content.article import load_article
from medialit.content.discernment_items import (
    PRACTICE,
    SOURCED,
    ItemsError,
    check_parallel,
    cue_profile,
    load_form,
    load_forms,
    load_paper,
    load_reasons,
)
from medialit.teaching.discernment import (
    SAME_D,
    SHIFT_C,
    Change,
    Detection,
    bias_only,
    class_change,
    counterbalance,
    detection,
    score_item,
    score_test,
    shown_order,
)
from medialit.widgets.discernment import DiscernmentTest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FORMS = {**load_forms(SEEDS), **load_forms(SEEDS, names=PRACTICE)}
REASONS = load_reasons(SEEDS)
WORD = re.compile(r"[a-z0-9]+")


# ------------------------------------------------------------------ items


@pytest.mark.parametrize("name", ["A", "B", "P", "Q"])
def test_each_form_has_twelve_items_half_solid(name):
    form = FORMS[name]
    assert len(form.items) == 12
    assert sum(item.solid for item in form.items) == 6


def test_forms_are_parallel_in_key_and_cue_types():
    assert check_parallel(FORMS["A"], FORMS["B"]) == [] and check_parallel(FORMS["P"], FORMS["Q"]) == []
    assert cue_profile(FORMS["A"]) == cue_profile(FORMS["B"])
    for name in ("A", "B"):  # every cue type, counter-cues included, appears in the class's forms
        cues = {r for item in FORMS[name].items for r in item.reasons}
        assert {"named", "document", "confirmed", "hedged", "anonymous", "no_source", "stake", "outside_field"} <= cues
        assert {"cause", "loaded"} <= cues


def test_the_class_forms_keys_are_graders_only_and_the_items_carry_none():
    for name in ("A", "B"):
        items = (SEEDS / "discernment" / f"form-{name.lower()}.yaml").read_text(encoding="utf-8")
        assert not re.search(r"^\s+(key|reasons|evidence|why):", items, re.M), name
        assert (ROOT / "keys" / "discernment" / f"form-{name.lower()}.key.yaml").is_file()
        assert not (SEEDS / "discernment" / f"form-{name.lower()}.key.yaml").exists()
        paper = load_paper(name, SEEDS)  # what students see loads without any key
        assert [t.id for t in paper.texts] == FORMS[name].ids
    for name in PRACTICE:  # the practice forms' keys are public, beside their items (every install has them)
        assert (SEEDS / "discernment" / f"practice-{name.lower()}.feedback.yaml").is_file()
    texts = {f"{t.headline} {t.text}" for name in ("A", "B") for t in load_paper(name, SEEDS).texts}
    practice = {f"{t.headline} {t.text}" for name in PRACTICE for t in load_paper(name, SEEDS).texts}
    assert not texts & practice  # self-study never shows a text of the class's tests


def test_without_the_keys_a_student_sees_the_texts_and_the_grader_is_told_where_the_key_is(tmp_path):
    import shutil

    shutil.copytree(SEEDS / "discernment", tmp_path / "seeds" / "discernment")
    (tmp_path / "keys").mkdir()  # a student's install: seeds, and no keys
    assert len(load_paper("A", tmp_path / "seeds").texts) == 12
    assert len(load_form("P", tmp_path / "seeds").items) == 12  # the practice key is public
    with pytest.raises(ItemsError) as err:
        load_form("A", tmp_path / "seeds")
    assert "form-a.key.yaml is missing" in str(err.value) and "for graders only" in str(err.value)
    leaky = tmp_path / "seeds" / "discernment" / "form-b.yaml"
    leaky.write_text(leaky.read_text().replace("    text:", "    key: solid\n    text:", 1))
    with pytest.raises(ItemsError, match="students can read this file, so the key belongs in form-b.key.yaml"):
        load_paper("B", tmp_path / "seeds")


def test_keys_follow_the_kits_own_rules():
    for form in FORMS.values():
        for item in form.items:
            sides = {REASONS[r].side for r in item.reasons}
            if item.solid:  # a named, on-record source or a checkable document, and nothing weak
                assert set(item.reasons) & set(SOURCED) and sides <= {"solid"}, item.id
            else:
                assert "weak" in sides, item.id
            for phrase in item.evidence.values():  # the deciding words are in the item and quoted in the why
                assert phrase in f"{item.headline} {item.text}", (item.id, phrase)
            assert any(phrase in item.why for phrase in item.evidence.values()), item.id
            assert "none" not in sides, item.id  # "it sounds confident" is never a right reason


def test_items_are_short_invented_practice_texts_not_the_seed_article():
    article = load_article("venezuela-prisoner-releases-2026-01-14", folder=SEEDS)
    seed_words = WORD.findall(" ".join(s.text for s in article.sentences).lower())
    seed_grams = {tuple(seed_words[i : i + 5]) for i in range(len(seed_words) - 4)}
    for name in ("form-a.yaml", "form-b.yaml", "practice-p.yaml", "practice-q.yaml"):
        assert "INVENTED" in (SEEDS / "discernment" / name).read_text(encoding="utf-8").splitlines()[0]
    for form in FORMS.values():
        for item in form.items:
            words = WORD.findall(f"{item.headline} {item.text}".lower())
            grams = {tuple(words[i : i + 5]) for i in range(len(words) - 4)}
            assert not grams & seed_grams, f"{item.id} quotes the seed article"
            assert not {"venezuela", "maduro", "caracas", "bloomberg"} & set(words), item.id
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", item.text) if s]
            assert 1 <= len(sentences) <= 2, item.id


def test_a_broken_key_file_says_what_to_fix(tmp_path):
    import shutil

    shutil.copytree(SEEDS / "discernment", tmp_path / "seeds" / "discernment")
    shutil.copytree(ROOT / "keys" / "discernment", tmp_path / "keys" / "discernment")
    path = tmp_path / "keys" / "discernment" / "form-a.key.yaml"
    data = yaml.safe_load(path.read_text())
    data["key"]["a01"]["key"] = "weak"  # a named source, keyed weak: no weak cue
    data["key"]["a08"]["key"] = "solid"  # an anonymous source keyed solid
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ItemsError) as err:
        load_form("A", tmp_path / "seeds")
    message = str(err.value)
    assert "form-a.key.yaml" in message
    assert "item a01: a weak item needs at least one weak cue" in message
    assert "item a08: a solid item needs a source that vouches for it" in message
    with pytest.raises(ItemsError, match="there is no form 'C'"):
        load_form("C", tmp_path / "seeds")


# ------------------------------------------------------------------ scoring


def test_d_prime_and_c_match_textbook_values():
    # corrected rates (69.5/100, 30.5/100): z(.695) = 0.510 (normal table), d' = 1.02; c = 0 when H = 1 − F
    d = Detection(hits=69, solid=99, false_alarms=30, weak=99)
    assert d.d_prime == pytest.approx(1.02, abs=0.005)
    assert d.c == pytest.approx(0.0, abs=1e-9)
    # the log-linear correction (Hautus 1995): 6 of 6 hits, 0 of 6 false alarms -> (6.5/7, 0.5/7)
    perfect = Detection(hits=6, solid=6, false_alarms=0, weak=6)
    assert perfect.d_prime == pytest.approx(2 * 1.4652, abs=1e-3) and math.isfinite(perfect.d_prime)
    assert perfect.c == pytest.approx(0.0, abs=1e-9)
    assert (perfect.hit_rate, perfect.false_alarm_rate, perfect.discernment) == (1.0, 0.0, 1.0)


def test_blanket_scepticism_scores_no_discernment_and_a_positive_bias():
    keys = {f"s{i}": "solid" for i in range(6)} | {f"w{i}": "weak" for i in range(6)}
    sceptic = detection(keys, dict.fromkeys(keys, "weak"))
    credulous = detection(keys, dict.fromkeys(keys, "solid"))
    assert sceptic.d_prime == pytest.approx(0) and sceptic.discernment == 0
    assert sceptic.c > 1 and credulous.c < -1
    form = FORMS["A"]
    all_weak = {i.id: {"judgement": "weak", "reasons": ["anonymous"]} for i in form.items}
    result = score_test(form, all_weak)
    assert result.points < result.max_points / 2 and result.detection.d_prime == pytest.approx(0)  # scores low


def test_item_points_the_judgement_drives_the_score():
    item = FORMS["A"].item("a12")  # weak: loaded, anonymous
    assert score_item(item, "weak", ["loaded", "anonymous"]).points == 3
    assert score_item(item, "weak", []).points == 2  # the judgement alone: two thirds
    assert score_item(item, "weak", ["loaded", "confident"]).points == 2  # one right, one wrong
    assert score_item(item, "solid", ["loaded", "anonymous"]).points == 0  # right reasons, wrong verdict
    assert score_item(item, None, ["cause"]).status == "missing"


def test_bias_only_flag_separates_a_shift_from_a_gain():
    keys = {f"s{i}": "solid" for i in range(6)} | {f"w{i}": "weak" for i in range(6)}

    def student(hits: int, false_alarms: int) -> Detection:
        judged = {f"s{i}": "solid" if i < hits else "weak" for i in range(6)}
        judged |= {f"w{i}": "solid" if i < false_alarms else "weak" for i in range(6)}
        return detection(keys, judged)

    shift = Change(pre=student(6, 3), post=student(3, 0))  # catches all weak items by doubting half the solid ones
    assert shift.weak_accuracy == pytest.approx(0.5) and abs(shift.d_prime) < SAME_D and shift.c > SHIFT_C
    assert shift.bias_only
    gain = Change(pre=student(4, 3), post=student(6, 1))
    assert gain.d_prime > SAME_D and not gain.bias_only
    assert not bias_only(0.2, 0.0, -0.5)  # more weak items caught with a more credulous bias is not a shift
    summary = class_change([gain, gain, shift])
    assert summary.d_prime.mean > 0 and summary.d_prime.low is not None and not summary.bias_only
    assert class_change([shift, shift]).bias_only


def test_counterbalancing_is_deterministic_balanced_and_never_repeats_a_form():
    roster = [f"s{i:02d}" for i in range(1, 32)]
    plan = counterbalance(roster)
    assert plan == counterbalance(list(reversed(roster)))  # not tied to roster order
    firsts = [pre for pre, _ in plan.values()]
    assert abs(firsts.count("A") - firsts.count("B")) <= 1
    assert all(pre != post for pre, post in plan.values())


# ------------------------------------------------------------------ widget


def test_widget_gold_scores_full_and_graded_mode_shows_no_key():
    test = DiscernmentTest()
    assert test.missing() == ["your form (A or B)"] and test.score() == (0.0, 36)
    test.value = test.gold_value()
    assert test.score() == (36.0, 36) and test.complete
    text = test.check()
    assert "chief highways engineer, Marta Quist" in text and "Sensitivity d′: 2.93" in text
    assert "2.93 is the most 6 + 6 texts can show" in text
    assert not re.search(r"\b[ab]\d\d\b", text)  # no item ids shown
    graded = DiscernmentTest(graded=True)
    graded.value = {
        "form": "B",
        "order": "0123456789abcdef",
        "items": {"b01": {"judgement": "weak", "reasons": ["loaded"]}},
    }
    shown = graded.check()
    assert "11 texts still need" in shown and "well supported" not in shown and "Tomas Greer" not in shown
    first = graded.order.index("b01") + 1  # the answered text is missing from the list, by its number
    assert f"text {first}," not in shown + "," and not re.search(r"\bb\d\d\b", shown)


def test_fixed_form_refuses_answers_for_the_other_form():
    test = DiscernmentTest("B")
    with pytest.raises(ValueError, match="form A"):
        test.value = {"form": "A", "items": {}}
    assert test.gold_value()["form"] == "B"


# ------------------------------------------------------------------ self-study notebook


def _run_self_study(tmp_path, answers: dict | None) -> list[str]:
    import json
    import shutil

    import nbformat
    from nbclient import NotebookClient

    from medialit.grading.answers import document

    work = tmp_path / "notebooks"
    work.mkdir()
    shutil.copy(ROOT / "notebooks" / "discernment-check.ipynb", work)
    if answers is not None:
        (work / "discernment-check.answers.json").write_text(json.dumps(document("discernment-check", answers)))
    nb = nbformat.read(work / "discernment-check.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    report = next(c for c in nb.cells if c.id == "report")
    return [o["data"]["text/plain"] for o in report.outputs if "text/plain" in o.get("data", {})]


def test_self_study_notebook_runs_headless_and_reports_in_plain_words(tmp_path, monkeypatch):
    monkeypatch.delenv("MEDIALIT_ANSWERS_DIR", raising=False)
    before = DiscernmentTest("P").gold_value()
    before["items"]["p08"]["judgement"] = "solid"  # one false alarm before
    after = DiscernmentTest("Q").gold_value()
    text = "\n".join(_run_self_study(tmp_path, {"before": before, "after": after}))
    assert "Before the lessons (form P)" in text and "After the lessons (form Q)" in text
    assert "Weak texts you took for well supported (false alarms F): 1 of 6" in text
    assert "Sensitivity d′" in text and "Bias c" in text
    assert "The change: d′ +" in text and "better than before" in text


def test_self_study_report_flags_a_shift_in_bias(tmp_path, monkeypatch):
    monkeypatch.delenv("MEDIALIT_ANSWERS_DIR", raising=False)

    def answers(form: str, hits: int, false_alarms: int) -> dict:
        value = DiscernmentTest(form).gold_value()
        solid = [i for i in FORMS[form].items if i.solid]
        weak = [i for i in FORMS[form].items if not i.solid]
        for item in solid[hits:]:
            value["items"][item.id]["judgement"] = "weak"
        for item in weak[:false_alarms]:
            value["items"][item.id]["judgement"] = "solid"
        return value

    text = "\n".join(_run_self_study(tmp_path, {"before": answers("P", 5, 3), "after": answers("Q", 3, 1)}))
    assert "only by calling more texts weak" in text


def test_self_study_notebook_before_any_answer(tmp_path, monkeypatch):
    monkeypatch.delenv("MEDIALIT_ANSWERS_DIR", raising=False)
    text = "\n".join(_run_self_study(tmp_path, None))
    assert "not finished yet" in text and "The change" not in text


def test_check_annotations_checks_the_forms(tmp_path):
    import shutil
    import subprocess
    import sys

    ok = subprocess.run(
        [sys.executable, "-m", "medialit", "check-annotations", str(SEEDS)], capture_output=True, text=True
    )
    assert ok.returncode == 0 and "discernment: OK: form A: 12 texts, 6 solid; form B: 12 texts, 6 solid" in ok.stdout
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(ROOT / "keys", tmp_path / "keys")
    broken = tmp_path / "keys" / "discernment" / "form-b.key.yaml"
    broken.write_text(broken.read_text().replace("key: weak", "key: solid", 1))
    bad = subprocess.run(
        [sys.executable, "-m", "medialit", "check-annotations", str(tmp_path / "seeds")], capture_output=True, text=True
    )
    assert bad.returncode == 1 and "item b02: a solid item needs a source that vouches for it" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_graded_widget_shows_and_checks_the_texts_without_any_key(tmp_path, monkeypatch):
    """A student's install has no keys/: the pre-test still shows every text, saves and checks completeness."""
    import medialit.content.discernment_items as items

    monkeypatch.setattr(items, "keys_folder", lambda seeds=None, keys=None: tmp_path / "no-keys")
    test = DiscernmentTest(graded=True)
    test.value = {
        "form": "A",
        "order": "00ff00ff00ff00ff",
        "items": {"a03": {"judgement": "weak", "reasons": ["no_source"]}},
    }
    assert test.order == shown_order(FORMS["A"].ids, "00ff00ff00ff00ff", "A")  # this student's order, no key needed
    shown = test.check()
    assert "11 texts still need a judgement" in shown and not re.search(r"\ba\d\d\b", shown)
    with pytest.raises(ItemsError, match="for graders only"):  # scoring is the grader's, with the key
        test.score()
