"""The overview as a page, and the course's sequence (issue 25 §9, §10): the pre-test first, the
post-test last, so `course init` suggests releasing the pre-test and the overview reads in order."""

from __future__ import annotations

import pandas as pd

from medialit.reports.overview import Overview, in_sequence, overview_html


def test_the_course_sequence_starts_with_the_pre_test_and_ends_with_the_post_test():
    names = ["post-test", "pre-test", "ps1-sources", "ps2-numbers", "ps5-transfer"]
    assert in_sequence(names) == ["pre-test", "ps1-sources", "ps2-numbers", "ps5-transfer", "post-test"]
    assert in_sequence(["ps2-numbers", "ps1-sources"]) == ["ps1-sources", "ps2-numbers"]


def test_the_overview_page_escapes_names_and_marks_what_needs_the_teacher():
    table = pd.DataFrame(
        {
            "student": ["Ana <b>Alvarez</b> (ana)", "Ben Brooks (ben)"],
            "student_id": ["ana", "ben"],
            "ps1-sources points": [12.5, None],
            "ps1-sources status": ["graded, late", "missing"],
            "total": [12.5, 0.0],
            "out of": [16.0, 16.0],
        }
    )
    owes = pd.DataFrame(
        [["Ben Brooks (ben)", "ben", "ps1-sources", "missing", "no submission received"]],
        columns=["student", "student_id", "assignment", "status", "reason"],
    )
    page = overview_html(Overview(table, owes, ["ps1-sources"]))
    assert "Ana &lt;b&gt;Alvarez&lt;/b&gt; (ana)" in page and "<b>Alvarez</b>" not in page  # a name is text
    assert "<td>12.5</td>" in page and "<td>–</td>" in page  # no score: a dash, never 0
    assert '<td class="attention">missing</td>' in page and "<td>graded, late</td>" in page
    assert "<li>Ben Brooks (ben): ps1-sources (missing)</li>" in page and "Who still owes what" in page
    everyone = overview_html(Overview(table.iloc[:1], owes.iloc[:0], ["ps1-sources"]))
    assert "Everyone on the roster has a graded submission" in everyone


def test_course_init_suggests_releasing_the_first_of_the_sequence(tmp_path, capsys):
    from medialit.cli.main import main

    assert main(["course", "init", str(tmp_path / "course")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].endswith("medialit release pre-test")
    assert "  assignments: pre-test, ps1-sources," in out and out.split("assignments: ")[1].split("\n")[0].endswith(
        "post-test"
    )
