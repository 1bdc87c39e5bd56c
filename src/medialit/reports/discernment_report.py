"""The class report's pre/post section for the discernment test (``pre-test`` and ``post-test``).

Per student: the form taken (and whether it was the one assigned), hit rate H, false alarms F,
d′ and c before and after, Δd′ and Δc, and a flag when a "gain" is only a shift in bias
(Modirrousta-Galian & Higham 2023). Per class: the means with 95% intervals, a plot of each
student's d′ and c before against after, and the effect sizes published interventions report,
for comparison. Reads the scores the grader recorded (results.json), never a student's notebook.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from medialit.content.discernment_items import FORMS, ItemsError, load_papers
from medialit.grading.course import Course
from medialit.grading.results import Results
from medialit.grading.spreadsheet import write_frame
from medialit.reports.classdata import class_results, roster_frame
from medialit.reports.figures import png
from medialit.reports.html_table import table_html
from medialit.reports.overview import display_name
from medialit.teaching.discernment import (
    SAME_D,
    SHIFT_C,
    Change,
    ClassChange,
    Detection,
    Mean,
    class_change,
)
from medialit.teaching.tasks.discernment import POST_TEST as POST
from medialit.teaching.tasks.discernment import PRE_TEST as PRE
from medialit.teaching.tasks.discernment import form_due

CSV = "discernment_prepost.csv"
SYNTHETIC = "SYNTHETIC-CLASS.txt"  # in a course root: the class is simulated (medialit demo)
PUBLISHED = (
    "For comparison, published interventions report: inoculation on real-world items, d = 0.37 "
    "(Roozenbeek, Traberg &amp; van der Linden 2022, N = 2,188); a short tips intervention raised "
    "discernment by 26.5% (US) and 17.5% (India) (Guess et al. 2020, <i>PNAS</i>, N = 11,924). Those "
    "compare a treated group with a control group; this report compares the same students before and "
    "after, with no control group, so a gain here also holds practice, maturation and everything else "
    "that happened between the two tests."
)
SAME_FORM = "took the same form twice (left out of the change: a gain could be memory)"


def _detection(data: Results | None) -> tuple[str, Detection] | None:
    """(form, detection) of the discernment part of a student's recorded results."""
    for part in data.parts.values() if data else ():
        d = part.details
        if part.scored and d.get("kind") == "discernment" and d.get("form") in FORMS:
            try:
                counts = Detection(int(d["hits"]), int(d["solid"]), int(d["false_alarms"]), int(d["weak"]))
            except (KeyError, TypeError, ValueError):
                return None
            return str(d["form"]), counts
    return None


Graded = tuple[list[str], dict[str, dict[str, Results]]]  # the roster's ids; each test's results by student


def graded_tests(course: Course) -> Graded:
    """The roster, and every graded student's results of the pre-test and the post-test (read once)."""
    roster = roster_frame(course)["student_id"].tolist()
    return roster, {a: _results(course, a, roster) for a in (PRE, POST)}


def prepost_table(course: Course, graded: Graded | None = None) -> pd.DataFrame:
    """One row per student of the roster (and any other graded student) with pre and post measures."""
    roster, results = graded or graded_tests(course)
    students = [*roster, *sorted((set(results[PRE]) | set(results[POST])) - set(roster))]
    rows = []
    for sid in students:
        pre, post = _detection(results[PRE].get(sid)), _detection(results[POST].get(sid))
        # autograde flags a wrong form by the same rule (grading.discernment_forms)
        assigned_pre = form_due(PRE, sid, students)
        assigned_post = form_due(POST, sid, students, pre_form=pre[0] if pre else "")
        row: dict[str, object] = {"student": sid, "assigned_pre": assigned_pre, "assigned_post": assigned_post}
        notes = []
        for when, got, assigned in (("pre", pre, assigned_pre), ("post", post, assigned_post)):
            row[f"form_{when}"] = got[0] if got else ""
            for name, value in (got[1].as_dict() if got else {}).items():
                if name in ("hit_rate", "false_alarm_rate", "weak_accuracy", "d_prime", "c"):
                    row[f"{name}_{when}"] = value
            if got and got[0] != assigned:
                notes.append(f"{when}-test on form {got[0]}, assigned {assigned}")
        if pre and post:
            if pre[0] == post[0]:
                notes.append(SAME_FORM)
            else:
                change = Change(pre[1], post[1])
                row.update(delta_d_prime=round(change.d_prime, 4), delta_c=round(change.c, 4))
                row["delta_weak_accuracy"] = round(change.weak_accuracy, 4)
                row["bias_only"] = change.bias_only
                if change.bias_only:
                    notes.append("gain is only a shift in bias")
        row["notes"] = "; ".join(notes)
        rows.append(row)
    return pd.DataFrame(rows)


def _results(course: Course, assignment: str, students: list[str]) -> dict[str, Results]:
    found = class_results(course, assignment, students)
    graded = course.autograded_root
    if graded.is_dir():  # graded students missing from the roster count too
        others = [p.name for p in graded.iterdir() if p.name not in found and (p / assignment).is_dir()]
        found.update(class_results(course, assignment, sorted(others)))
    return found


def changes(course: Course, graded: Graded | None = None) -> tuple[list[Change], ClassChange | None]:
    """Every student's change (both tests, different forms) and the class summary (None if nobody)."""
    _, results = graded or graded_tests(course)
    out = []
    for sid in set(results[PRE]) & set(results[POST]):
        pre, post = _detection(results[PRE][sid]), _detection(results[POST][sid])
        if pre and post and pre[0] != post[0]:
            out.append(Change(pre[1], post[1]))
    return out, (class_change(out) if out else None)


def _num(value: float | None, sign: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:+.2f}" if sign else f"{value:.2f}"


def _percent(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:+.0f}%"


def _interval(mean: Mean, sign: bool = False) -> str:
    if mean.low is None:
        return _num(mean.mean, sign)
    return f"{_num(mean.mean, sign)} (95% interval {_num(mean.low, sign)} to {_num(mean.high, sign)})"


def prepost_plot(table: pd.DataFrame) -> str:
    """Each student's d′ and c, before (x) against after (y); bias-only students in orange; the class mean in black.

    Dot size and the number written in it show how many students share a point.
    """
    both = table.dropna(subset=["delta_d_prime"]) if "delta_d_prime" in table else table.iloc[0:0]
    fig = Figure(figsize=(10, 4.6))
    for n, (measure, label) in enumerate((("d_prime", "discernment d′"), ("c", "bias c (above 0: says “weak”)"))):
        ax = fig.add_subplot(1, 2, n + 1)
        low, high = (-1.5, 3.2) if measure == "d_prime" else (-1.8, 1.8)
        ax.plot([low, high], [low, high], color="#999", linewidth=0.8)
        points = both.assign(
            x=both[f"{measure}_pre"].astype(float).round(2), y=both[f"{measure}_post"].astype(float).round(2)
        )
        counts = points.groupby(["x", "y", "bias_only"]).size().reset_index(name="n")
        for flagged, colour, shape, name in (
            (False, "#337ab7", "o", "students"),
            (True, "#f0ad4e", "s", "gain only a bias shift"),
        ):
            group = counts[counts["bias_only"].astype(bool) == flagged]
            ax.scatter(
                group["x"], group["y"], s=40 + 40 * group["n"], color=colour, marker=shape, alpha=0.75, label=name
            )
            for row in group[group["n"] > 1].itertuples():
                ax.annotate(str(row.n), (row.x, row.y), ha="center", va="center", color="white", fontsize=8)
        if len(points):
            ax.scatter([points["x"].mean()], [points["y"].mean()], marker="D", color="black", s=60, label="class mean")
        ax.set_xlim(low, high)
        ax.set_ylim(low, high)
        ax.set_xlabel(f"{label}, pre-test")
        ax.set_ylabel(f"{label}, post-test")
        ax.set_title("above the line: higher after" if measure == "d_prime" else "above the line: more “weak” after")
        if n == 0:
            ax.legend(loc="lower right", frameon=False, fontsize=8)
    return png(fig, "Each student's discernment d′ and bias c, pre-test against post-test")


def discernment_html(course: Course, assignment: str, out_dir: Path | None = None) -> str:
    """The pre/post section of the class report of ``pre-test`` or ``post-test`` ('' for other assignments)."""
    if assignment not in (PRE, POST):
        return ""
    graded = graded_tests(course)
    table = prepost_table(course, graded)
    if out_dir is not None:
        write_frame(table, Path(out_dir) / CSV)
    _, summary = changes(course, graded)
    names = _names(course)
    body = [_synthetic_note(course), _forms_html(table, assignment, names)]
    if summary is None:
        body.append(
            "<p>No student has taken both tests on different forms yet: the change before → after shows "
            "here once the post-test is graded.</p>"
        )
    else:
        body += [_summary_html(summary), prepost_plot(table)]
    body.append(_student_table(table, names))
    body.append(f'<p class="note">Full table: <code>{CSV}</code>.</p>')
    items = item_table(graded[1][assignment])
    if out_dir is not None and not items.empty:
        write_frame(items, Path(out_dir) / ITEMS_CSV)
    body.append(_items_html(items))
    return (
        f'<section id="prepost"><h2>Discernment before and after (pre-test → post-test)</h2>{"".join(body)}</section>'
    )


ITEMS_CSV = "discernment_items.csv"


def item_table(results: dict[str, Results]) -> pd.DataFrame:
    """Item analysis: per text, its form and key, difficulty (share right) and discrimination.

    Discrimination is the point-biserial correlation between judging the text right (1 or 0) and the
    student's number right on the *other* texts of the same form (the rest of the test). Below 0,
    students who did well on the rest tended to get this text wrong: a text to look at again.
    """
    records = [
        {
            "student": sid,
            "text": item,
            "form": part.details.get("form"),
            "key": entry.get("key"),
            "right": int(entry.get("status") == "correct"),
        }
        for sid, data in results.items()
        for part in data.parts.values()
        if part.scored and part.details.get("kind") == "discernment"
        for item, entry in (part.details.get("items") or {}).items()
        if isinstance(entry, dict) and entry.get("status") in ("correct", "wrong")
    ]
    if not records:
        return pd.DataFrame()
    frame = pd.DataFrame(records)
    totals = frame.groupby(["student", "form"])["right"].transform("sum")
    frame["rest"] = totals - frame["right"]
    rows = []
    for (text, form, key), group in frame.groupby(["text", "form", "key"]):
        rows.append(
            {
                "text": text,
                "form": form,
                "key": key,
                "students": len(group),
                "share_right": round(group["right"].mean(), 3),
                "discrimination": _point_biserial(group["right"], group["rest"]),
            }
        )
    table = pd.DataFrame(rows)
    table["flag"] = table["discrimination"].map(lambda r: "negative discrimination: look at this text" if r < 0 else "")
    return table.sort_values(["form", "text"]).reset_index(drop=True)


def _point_biserial(right: pd.Series, rest: pd.Series) -> float:
    """Pearson's r of a 0/1 item score with the rest score (NaN when either does not vary)."""
    if right.nunique() < 2 or rest.nunique() < 2:
        return math.nan
    return round(float(right.astype(float).corr(rest.astype(float))), 3) + 0.0  # never "-0.0"


def _headlines() -> dict[str, str]:
    try:
        papers = load_papers(names=FORMS)
    except ItemsError:  # the report goes on without headlines
        return {}
    return {t.id: t.headline for p in papers.values() for t in p.texts}


def _items_html(items: pd.DataFrame) -> str:
    if items.empty:
        return ""
    headlines = _headlines()
    shown = items.assign(
        headline=items["text"].map(lambda t: headlines.get(t, "")),
        share_right=(100 * items["share_right"]).round().astype(int).astype(str) + "%",
        discrimination=items["discrimination"].map(lambda r: "–" if pd.isna(r) else f"{r:+.2f}"),
    )[["text", "form", "key", "headline", "students", "share_right", "discrimination", "flag"]]
    flagged = items[items["discrimination"] < 0]
    warning = (
        f'<div class="misread"><b>{len(flagged)} text{"s" if len(flagged) != 1 else ""} with negative '
        f"discrimination</b> ({html.escape(', '.join(flagged['text']))}): students who did well on the rest of "
        "the test tended to get these wrong. Read them again with the key: an ambiguous text, or a key to "
        "check.</div>"
        if len(flagged)
        else ""
    )
    return (
        "<h3>Item analysis: each text's difficulty and discrimination</h3>"
        '<p class="note"><b>Judged right</b> is the difficulty (the share of students who judged the text '
        "right). <b>Discrimination</b> is the point-biserial correlation between judging this text right and "
        "the number right on the other texts of the same form: above 0.2 the text separates stronger from "
        "weaker judges; near 0 it does not; below 0 it works against the rest of the test. With a small "
        "class these figures move a lot. The keys are in <code>keys/discernment/</code>; students never see "
        f"the text's id. Full table: <code>{ITEMS_CSV}</code>.</p>"
        + warning
        + table_html(shown.rename(columns={"share_right": "judged right"}))
    )


def _synthetic_note(course: Course) -> str:
    if not (course.root / SYNTHETIC).is_file():
        return ""
    return (
        '<div class="small-class"><b>This class is synthetic</b> (<code>medialit demo</code>): its simulated '
        "students were made to improve. These figures check the arithmetic of the report, not real learning.</div>"
    )


def _summary_html(s: ClassChange) -> str:
    verdict = (
        '<div class="misread"><b>Flag: the class\'s "gain" is only a shift in bias.</b> Students caught more '
        "weak texts, but only by calling more texts weak: d′ did not change. That is more scepticism, not "
        "better judgement (Modirrousta-Galian &amp; Higham 2023).</div>"
        if s.bias_only
        else ""
    )
    return (
        f"<p>Over the <b>{s.d_prime.n} students</b> who took both tests on different forms:</p><ul>"
        f"<li><b>Change in discernment Δd′ = {_interval(s.d_prime, True)}</b>; as an effect size (Δd′ over the "
        f"pre-test spread of d′) d = {_num(s.effect_size)}; discernment H − F went from "
        f"{_num(s.discernment_pre)} to {_num(s.discernment_post)} ({_percent(s.percent_gain)}).</li>"
        f"<li>Change in bias Δc = {_interval(s.c, True)} (above 0: more texts called weak).</li>"
        f"<li>Change in accuracy on weak texts: {_interval(s.weak_accuracy, True)}.</li></ul>{verdict}"
        f'<p class="note">{PUBLISHED}</p>'
        f'<p class="note">A student\'s "gain" is flagged as only a shift in bias when accuracy on weak texts rose, '
        f"d′ moved by less than {SAME_D} (one changed answer on 6 + 6 texts moves it by at least 0.37) and c rose "
        f"by more than {SHIFT_C}.</p>"
    )


def _names(course: Course) -> dict[str, str]:
    """Each roster student as a teacher reads them: "First Last (id)" (the CSV files keep the ids)."""
    roster = roster_frame(course)
    return {row["student_id"]: display_name(row) for _, row in roster.iterrows()}


def _forms_html(table: pd.DataFrame, assignment: str, names: dict[str, str] | None = None) -> str:
    column = "assigned_pre" if assignment == PRE else "assigned_post"
    names = names or {}
    groups = {f: [names.get(s, s) for s in table.loc[table[column] == f, "student"]] for f in FORMS}
    lines = "".join(
        f"<li><b>Form {f}</b> ({len(who)}): {html.escape(', '.join(who))}</li>" for f, who in groups.items()
    )
    return (
        f"<p>Forms for the {html.escape(assignment)} (tell each student theirs; counterbalanced: half the class "
        "takes A first, half B, and each student takes the other form after):</p>"
        f'<ul class="note">{lines}</ul>'
    )


def _student_table(table: pd.DataFrame, names: dict[str, str] | None = None) -> str:
    names = names or {}
    table = table.assign(student=table["student"].map(lambda sid: names.get(sid, sid))) if len(table) else table
    columns = {
        "student": "student",
        "form_pre": "form pre",
        "d_prime_pre": "d′ pre",
        "c_pre": "c pre",
        "form_post": "form post",
        "d_prime_post": "d′ post",
        "c_post": "c post",
        "delta_d_prime": "Δd′",
        "delta_c": "Δc",
        "notes": "notes",
    }
    shown = table.reindex(columns=list(columns)).rename(columns=columns)
    shown = shown[(shown["form pre"] != "") | (shown["form post"] != "")]
    if shown.empty:
        return ""
    numbers = shown.select_dtypes("number").columns
    shown[numbers] = shown[numbers].round(2) + 0.0  # no "-0"
    return table_html(shown.astype(object).where(shown.notna(), ""))
