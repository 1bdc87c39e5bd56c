"""Class item analysis: one self-contained HTML page per assignment, with CSV files beside it.

Built from the scored detail the grader recorded for each student (results.json):
which sentences the class misread, the label confusion matrix, the phrases missed
most, discernment against scepticism, the score distribution with its mean and
median, and each part's average. The page says who each figure counts and why the
others are left out, shows shares as percentages (the CSV files keep shares from 0
to 1, for spreadsheets), and warns when too few students have a score for the
figures to mean much. Plots are PNGs embedded as base64 (matplotlib's Agg renderer,
no pyplot state), so the page needs no other file. Sections an assignment has no
data for are left out.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from medialit.content.article import Article
from medialit.content.scheme import load_scheme
from medialit.grading.course import Course
from medialit.grading.results import Results
from medialit.grading.spreadsheet import write_frame
from medialit.reports.class_labels import write_class_labels
from medialit.reports.classdata import assignment_titles, class_results, course_article, grade_table
from medialit.reports.discernment_report import discernment_html
from medialit.reports.figures import png
from medialit.reports.html_table import table_html
from medialit.reports.overview import display_name
from medialit.reports.page import page

STATUSES = ["correct", "alternative", "wrong", "missing"]
SHARE_WORDS = ["correct", "accepted alternative", "wrong", "unanswered"]
COLOURS = {"correct": "#3c763d", "alternative": "#f0ad4e", "wrong": "#d9534f", "missing": "#bbbbbb"}
NO_ANSWER = "(no answer)"
TOP_MISREAD = 5
SMALL_CLASS = 10  # fewer scored students than this: one student moves a share by more than 10 points
CSV_FILES = ["item_accuracy.csv", "confusion.csv", "missed_phrases.csv", "discernment.csv", "scores.csv", "parts.csv"]


def write_report(course: Course, assignment: str, out: Path | None = None, notes: list[str] | None = None) -> Path:
    """Write the item analysis of ``assignment`` (default ``COURSE/reports/ASSIGNMENT/index.html``).

    ``notes`` receives the lines for the teacher about other files written (lesson 07's class file).
    """
    table = grade_table(course, assignment)
    out = Path(out) if out else course.report_dir(assignment) / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    included = table[table["score"].notna()]["student_id"].tolist()  # autograded (a failed regrade keeps its result)
    results = class_results(course, assignment, included)
    article = _article(course, assignment, results)
    _, headings = assignment_titles(course, assignment)
    frames = {
        "item_accuracy.csv": item_accuracy(results, article),
        "confusion.csv": label_confusion(results),
        "missed_phrases.csv": missed_phrases(results, article),
        "discernment.csv": discernment(results),
        "scores.csv": score_table(table),
        "parts.csv": part_averages(course, assignment, included, headings),
    }
    for name in CSV_FILES:
        path = out.parent / name
        if frames[name].empty:
            path.unlink(missing_ok=True)  # no stale file from an earlier report
        else:
            write_frame(frames[name], path, index=name == "confusion.csv")
    class_note = write_class_labels(out.parent, assignment, results)  # lesson 07's class file: counts only
    if class_note and notes is not None:
        notes.append(class_note)
    prepost = discernment_html(course, assignment, out.parent)  # pre-test and post-test only
    out.write_text(_page(assignment, table, results, frames, class_note, prepost), encoding="utf-8")
    return out


def _article(course: Course, assignment: str, results: dict[str, Results]) -> Article | None:
    ids = {data.article for data in results.values()} - {""}
    return course_article(course, assignment, ids.pop()) if len(ids) == 1 else None


def _parts(results: dict[str, Results], kind: str) -> Iterator[tuple[str, str, dict]]:
    """(student, part key, the part's data) for every scored part of ``kind``."""
    for student, data in results.items():
        for key, part in data.parts.items():
            if part.scored and part.kind == kind:
                yield student, key, part.details


# ---------------------------------------------------------------- tables


def choice_records(results: dict[str, Results], article: Article | None) -> pd.DataFrame:
    """One row per student, part, sentence and column of every choices part whose rows are sentences."""
    ids = set(article.ids) if article else set()
    records = [
        {"student": student, "part": key, "column": col, "sentence": sid, **r}
        for student, key, part in _parts(results, "choices")
        if part.get("rows") and set(part["rows"]) <= ids
        for sid, cols in part["rows"].items()
        for col, r in cols.items()
    ]
    columns = ["student", "part", "column", "sentence", "answer", "gold", "status"]
    return pd.DataFrame(records, columns=columns)


def item_accuracy(results: dict[str, Results], article: Article | None) -> pd.DataFrame:
    """Per sentence (and part and column): shares correct / alternative / wrong / missing, worst first.

    Worst means least credit (alternative = half), then most wrong answers.
    """
    df = choice_records(results, article)
    if df.empty:
        return pd.DataFrame()
    keys = ["part", "column", "sentence"]
    shares = pd.crosstab([df[k] for k in keys], df["status"], normalize="index")
    shares = shares.reindex(columns=STATUSES, fill_value=0.0)
    shares["credit"] = shares["correct"] + shares["alternative"] / 2
    wrong = df[df["status"] == "wrong"].groupby(keys)["answer"].agg(lambda s: s.value_counts().index[0])
    grouped = df.groupby(keys)
    items = pd.DataFrame({"gold": grouped["gold"].first(), "students": grouped["student"].nunique()})
    items = items.join(shares.round(3)).join(wrong.rename("most_common_wrong")).reset_index()
    items["text"] = items["sentence"].map(lambda sid: article.sentence(sid).text)
    items["position"] = items["sentence"].map(lambda sid: article.sentence(sid).position)
    items = items.sort_values(["credit", "wrong", "position"], ascending=[True, False, True], kind="stable")
    order = ["sentence", "part", "column", "text", "gold", "students", *STATUSES, "credit", "most_common_wrong"]
    return items[order].fillna({"most_common_wrong": ""}).reset_index(drop=True)


def label_confusion(results: dict[str, Results]) -> pd.DataFrame:
    """Counts of gold label (rows) against chosen label (columns), over every part with a ``label`` column."""
    records = [
        {"gold": cols["label"]["gold"], "chosen": cols["label"]["answer"] or NO_ANSWER}
        for _, _, part in _parts(results, "choices")
        if "label" in part.get("columns", [])
        for cols in part.get("rows", {}).values()
        if "label" in cols
    ]
    if not records:
        return pd.DataFrame()
    df = pd.DataFrame(records)
    labels = load_scheme().label_ids
    extra = sorted((set(df["gold"]) | set(df["chosen"])) - {*labels, NO_ANSWER})
    matrix = pd.crosstab(df["gold"], df["chosen"]).reindex(
        index=[*labels, *extra], columns=[*labels, *extra, NO_ANSWER], fill_value=0
    )
    matrix.index.name, matrix.columns.name = "gold", "chosen"
    return matrix


def missed_phrases(results: dict[str, Results], article: Article | None) -> pd.DataFrame:
    """Per key phrase of every highlighting part: how many students missed it, most missed first."""
    records = [
        {"field": part.get("field", key), "sentence": sid, "phrase": phrase, "missed": int(kind == "missed")}
        for _, key, part in _parts(results, "spans")
        for kind in ("found", "missed")
        for sid, phrase in part.get(kind, [])
    ]
    if not records:
        return pd.DataFrame()
    df = pd.DataFrame(records)
    table = df.groupby(["field", "sentence", "phrase"], sort=False)["missed"].agg(["sum", "count"]).reset_index()
    table = table.rename(columns={"sum": "missed", "count": "students"})
    table["share_missed"] = (table["missed"] / table["students"]).round(3)
    positions = {s.id: s.position for s in article.sentences} if article else {}
    table["position"] = table["sentence"].map(positions)
    table = table.sort_values(["missed", "field", "position"], ascending=[False, True, True], kind="stable")
    return table.drop(columns="position").reset_index(drop=True)


def discernment(results: dict[str, Results]) -> pd.DataFrame:
    """Per student and reliability part: hit rate, false-alarm rate, discernment, scepticism."""
    fields = ["hit_rate", "false_alarm_rate", "discernment", "scepticism", "answered", "total"]
    records = [
        {"student": student, "part": key, **{f: part.get(f) for f in fields}}
        for student, key, part in _parts(results, "reliability")
    ]
    return pd.DataFrame(records)


def score_table(table: pd.DataFrame) -> pd.DataFrame:
    """Every student ("Name (id)") with their score in the gradebook (empty when not graded), status and reason."""
    scores = table[["student_id", "score", "max_score", "percent", "status", "reason", "needs_manual_grade"]]
    return scores.assign(student=scores["student_id"].map(student_names(table)))[["student", *scores.columns]]


def student_names(table: pd.DataFrame) -> dict[str, str]:
    """Each student of a grade table as a teacher reads them: "First Last (id)", or the id alone."""
    if not {"first_name", "last_name"} <= set(table.columns):
        return {sid: sid for sid in table["student_id"]}
    named = table[["student_id", "first_name", "last_name"]].fillna("")
    return {row["student_id"]: display_name(row) for _, row in named.iterrows()}


def part_averages(course: Course, assignment: str, students: list[str], headings: dict[str, str]) -> pd.DataFrame:
    """Per graded part: how many students it counts, their average points, out of how many, the average share.

    From the gradebook (what the exports hold), before any late penalty. A part graded by hand
    counts only the students it has been graded for so far.
    """
    from medialit.reports.feedback import gradebook_cells

    with course.api().gradebook as gb:
        cells = {student: gradebook_cells(gb, assignment, student) for student in students}
    records = [
        {"cell": name, "points": g["score"], "max_points": g["max_score"], "by_hand": g["auto_score"] is None}
        for student in students
        for name, g in cells[student].grades.items()
        if g["max_score"] and (g["auto_score"] is not None or g["manual_score"] is not None)
    ]
    if not records:
        return pd.DataFrame()
    df = pd.DataFrame(records)
    grouped = df.groupby("cell", sort=False)
    parts = pd.DataFrame(
        {
            "students": grouped["points"].size(),
            "average": grouped["points"].mean().round(2),
            "max_points": grouped["max_points"].max(),
            "by_hand": grouped["by_hand"].first(),
        }
    ).reset_index()
    parts["part"] = parts["cell"].str.replace(r"-(score|rubric)$", "", regex=True)
    parts["heading"] = parts["part"].map(lambda key: headings.get(key, key))
    parts["average_share"] = (parts["average"] / parts["max_points"]).round(3)
    order = ["part", "heading", "students", "average", "max_points", "average_share", "by_hand"]
    return parts[order]


# ---------------------------------------------------------------- plots


def accuracy_plot(items: pd.DataFrame, limit: int = 20) -> str:
    """Stacked horizontal bars of the worst ``limit`` items, worst on top."""
    top = items.head(limit).iloc[::-1]
    multi = _multi_column_parts(items)
    names = [f"{row['sentence']} · {_item_name(row, multi)}" for _, row in top.iterrows()]
    fig = Figure(figsize=(8, 0.32 * len(top) + 1.2))
    ax = fig.add_subplot()
    left = pd.Series(0.0, index=top.index)
    for status in STATUSES:
        ax.barh(names, top[status], left=left, color=COLOURS[status], label=status)
        left += top[status]
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of students")
    ax.legend(ncol=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    return png(fig, "Share correct, alternative, wrong and missing per sentence, worst first")


def confusion_plot(matrix: pd.DataFrame) -> str:
    """Heatmap of the label confusion matrix with its counts written in."""
    fig = Figure(figsize=(1.1 * len(matrix.columns) + 2, 0.8 * len(matrix.index) + 1.5))
    ax = fig.add_subplot()
    ax.imshow(matrix.values, cmap="Blues")
    ax.set_xticks(range(len(matrix.columns)), matrix.columns, rotation=30, ha="right")
    ax.set_yticks(range(len(matrix.index)), matrix.index)
    ax.set_xlabel("chosen by students")
    ax.set_ylabel("gold label")
    peak = matrix.values.max() or 1
    for (i, j), count in pd.DataFrame(matrix.values).stack().items():
        ax.text(j, i, str(count), ha="center", va="center", color="white" if count > peak / 2 else "black")
    return png(fig, "Label confusion matrix: gold label against chosen label")


def discernment_plot(points: pd.DataFrame) -> str:
    """Scepticism (x) against discernment (y); dot size shows how many students share a point."""
    counts = points.groupby(["scepticism", "discernment"]).size().reset_index(name="n")
    fig = Figure(figsize=(6, 4.5))
    ax = fig.add_subplot()
    ax.axhline(0, color="#999", linewidth=0.8)
    ax.scatter(counts["scepticism"], counts["discernment"], s=40 + 60 * counts["n"], alpha=0.7, color="#337ab7")
    for row in counts[counts["n"] > 1].itertuples():
        ax.annotate(str(row.n), (row.scepticism, row.discernment), ha="center", va="center", color="white")
    ax.annotate("everything shaky", (1, 0), xytext=(0.68, -0.35), arrowprops={"arrowstyle": "->", "color": "#777"})
    ax.text(0.02, 1.1, "goal: up here, without doubting everything", color="#3c763d", va="center")
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-1.05, 1.2)
    ax.set_xlabel("scepticism (share of answers saying “shaky”)")
    ax.set_ylabel("discernment (hit rate − false alarms)")
    return png(fig, "Discernment against scepticism, one dot per student")


def score_plot(scores: pd.Series, maximum: float | None) -> str:
    """Histogram of the students' scores."""
    fig = Figure(figsize=(6, 3.2))
    ax = fig.add_subplot()
    ax.hist(scores, bins=min(20, max(5, len(scores))), range=(0, maximum or max(scores.max(), 1)), color="#337ab7")
    ax.set_xlabel("score in the gradebook")
    ax.set_ylabel("students")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return png(fig, "Distribution of scores")


# ---------------------------------------------------------------- page


def _multi_column_parts(items: pd.DataFrame) -> set[str]:
    """The parts that ask more than one question per sentence (e.g. sources: who and kind)."""
    columns = items.groupby("part")["column"].nunique()
    return set(columns[columns > 1].index)


def _item_name(row: pd.Series, multi: set[str]) -> str:
    """ "labels", or "sources: kind" when a part asks more than one question per sentence."""
    return f"{row['part']}: {row['column']}" if row["part"] in multi else row["part"]


def misread_html(items: pd.DataFrame) -> str:
    """The top of the page: the sentences the class misread most, with what they chose instead."""
    worst = items[items["credit"] < 1].head(TOP_MISREAD)
    if worst.empty:
        return '<div class="misread"><p>Every sentence was read correctly by every student.</p></div>'
    multi = _multi_column_parts(items)
    lines = []
    for _, row in worst.iterrows():
        shares = [
            f"{row[s]:.0%} {word}" for s, word in zip(STATUSES, SHARE_WORDS, strict=True) if row[s] or s == "correct"
        ]
        instead = f"; most common wrong answer: <b>{html.escape(row['most_common_wrong'])}</b>"
        lines.append(
            f'<li><span class="id">{html.escape(row["sentence"])}</span> ({html.escape(_item_name(row, multi))}): '
            f"of {row['students']} students, {', '.join(shares)} (key: <b>{html.escape(str(row['gold']))}</b>"
            f"{instead if row['most_common_wrong'] else ''})<br><i>{html.escape(row['text'])}</i></li>"
        )
    return f'<div class="misread"><ol>{"".join(lines)}</ol></div>'


def _section(anchor: str, title: str, *body: str) -> str:
    return f'<section id="{anchor}"><h2>{html.escape(title)}</h2>{"".join(body)}</section>'


def _sections(frames: dict[str, pd.DataFrame]) -> list[str]:
    items, matrix = frames["item_accuracy.csv"], frames["confusion.csv"]
    missed, points, scores = frames["missed_phrases.csv"], frames["discernment.csv"], frames["scores.csv"]
    names = dict(zip(scores["student_id"], scores["student"], strict=True)) if "student" in scores else {}
    out = []
    if not items.empty:
        out.append(
            _section(
                "items",
                "Accuracy per sentence",
                '<p class="note">Share of students per answer status, worst first (an accepted alternative '
                "earns half). Full table: <code>item_accuracy.csv</code>.</p>",
                accuracy_plot(items),
                table_html(items.drop(columns="text")),
            )
        )
    if not matrix.empty:
        out.append(
            _section(
                "confusion",
                "Label confusion",
                '<p class="note">Rows: the key\'s label; columns: what students chose (counts over all '
                "students and sentences). Off the diagonal is where labels are confused.</p>",
                table_html(matrix, index=True),
                confusion_plot(matrix),
            )
        )
    if not missed.empty:
        out.append(
            _section(
                "missed",
                "Phrases missed most",
                '<p class="note">Key phrases (loaded language, hedges) and how many students did not mark them.</p>',
                table_html(missed[missed["missed"] > 0]) if (missed["missed"] > 0).any() else "<p>None missed.</p>",
            )
        )
    if not points.empty:
        out.append(
            _section(
                "discernment",
                "Discernment against scepticism",
                '<p class="note">Each dot is a student. Up is better: discernment is the share of shaky claims '
                "called shaky minus the share of solid claims called shaky. The goal is the top left: high "
                "discernment without doubting everything. Calling <i>everything</i> shaky puts a student at "
                "scepticism 1, discernment 0 (bottom right): suspicion is not judgement.</p>",
                discernment_plot(points),
                table_html(points.assign(student=points["student"].map(lambda sid: names.get(sid, sid)))),
            )
        )
    parts = frames["parts.csv"]
    if not parts.empty:
        out.append(
            _section(
                "parts",
                "Average per part",
                '<p class="note">Points from the gradebook, before any late penalty; a part graded by hand counts '
                "the students graded so far. Full table: <code>parts.csv</code>.</p>",
                table_html(parts),
            )
        )
    graded = scores["score"].dropna()
    if not graded.empty:
        maximum = scores["max_score"].dropna()
        out.append(
            _section(
                "scores",
                "Score distribution",
                score_plot(graded, maximum.iloc[0] if len(maximum) else None),
                table_html(scores.drop(columns="student_id")),  # "Name (id)" is in the student column
            )
        )
    return out


def counted_students(results: dict[str, Results]) -> list[str]:
    """The students whose scored answers the per-sentence figures count (at least one part scored)."""
    return sorted(student for student, data in results.items() if any(p.scored for p in data.parts.values()))


def left_out(table: pd.DataFrame, results: dict[str, Results]) -> dict[str, list[str]]:
    """Why each student is not in the per-sentence figures: reason -> students (table order)."""
    counted = set(counted_students(results))
    reasons: dict[str, list[str]] = {}
    for row in table.itertuples():
        if row.student_id in counted:
            continue
        if pd.isna(row.score):
            why = f"no score: {row.reason or 'not graded'}"
        else:
            data = results.get(row.student_id)
            messages = sorted({p.message.rstrip(".") for p in data.parts.values() if p.message}) if data else []
            detail = "; ".join(messages) or "the grader recorded no answers"
            why = f"a score (in the mean and median), but no answers to analyse: {detail}"
        reasons.setdefault(why, []).append(row.student_id)
    return reasons


def _who_html(table: pd.DataFrame, results: dict[str, Results]) -> str:
    """Who the figures count, why the others are left out, and the mean and median score."""
    scored = table[table["score"].notna()]
    counted = counted_students(results)
    rows = [
        (len(table), "students in the class (the roster, and anyone else the gradebook knows)"),
        (len(scored), "have a score: the mean, the median, the part averages and the score distribution count them"),
        (len(counted), "have answers the grader scored: the per-sentence figures count them (each row says how many)"),
    ]
    out = '<table class="counts">' + "".join(f"<tr><td>{n}</td><td>{html.escape(t)}</td></tr>" for n, t in rows)
    out += "</table>"
    reasons = left_out(table, results)
    if reasons:
        names = student_names(table)
        items = "".join(
            f"<li>{html.escape(why)} ({len(who)}): {html.escape(', '.join(names.get(s, s) for s in who))}</li>"
            for why, who in reasons.items()
        )
        out += f'<p class="note">Left out of the per-sentence figures, and why:</p><ul class="note">{items}</ul>'
    if len(scored):
        out += f"<p>{_mean_median(scored)}</p>"
    few = min(len(scored), len(counted))
    if not len(scored):
        out += (
            '<div class="small-class"><b>No student has a score yet</b>: collect the submissions and run '
            "<code>medialit autograde</code> on this assignment, then write the report again.</div>"
        )
    elif not few:
        out += (
            '<div class="small-class"><b>No student has answers the grader could score</b>, so the per-sentence '
            "figures are empty: the reasons are listed above (ask for the answers files, collect and autograde "
            "again).</div>"
        )
    elif few < SMALL_CLASS:
        who = "have a score" if few == len(scored) else "have answers the grader could score"
        out += (
            f'<div class="small-class"><b>Only {few} student{"s" if few != 1 else ""} {who}.</b> With fewer than '
            f"{SMALL_CLASS}, one student moves a share by more than {100 // SMALL_CLASS} points: read these figures "
            "as what these students did, not as trends of a class.</div>"
        )
    return out


def _mean_median(scored: pd.DataFrame) -> str:
    maximum = scored["max_score"].dropna()
    out_of = float(maximum.iloc[0]) if len(maximum) else None

    def shown(value: float) -> str:
        share = f" ({value / out_of:.0%})" if out_of else ""
        return f"{value:.2f}".rstrip("0").rstrip(".") + (f" / {out_of:g}" if out_of else "") + share

    scores = scored["score"].astype(float)
    return (
        f"<b>Mean score {shown(scores.mean())}</b>, <b>median {shown(scores.median())}</b>, over the "
        f"{len(scores)} students with a score (after any late penalty)."
    )


def _page(
    assignment: str,
    table: pd.DataFrame,
    results: dict[str, Results],
    frames: dict[str, pd.DataFrame],
    class_note: str = "",
    extra: str = "",
) -> str:
    summary = _who_html(table, results)
    items = frames["item_accuracy.csv"]
    top = _section("misread", "Which sentences did the class misread?", misread_html(items)) if not items.empty else ""
    written = ", ".join(f"<code>{n}</code>" for n in CSV_FILES if not frames[n].empty)
    note = f'<p class="note">{html.escape(class_note)}</p>' if class_note else ""
    return page(
        f"Item analysis: {assignment}",
        f"<h1>Item analysis: {html.escape(assignment)}</h1>{summary}{extra}{top}"
        f"{''.join(_sections(frames))}"
        f'<p class="note">Data files beside this page: {written or "none"} (shares there run from 0 to 1).</p>'
        f"{note}",
    )
