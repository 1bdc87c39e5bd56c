"""`medialit demo`: a whole grading week on a synthetic class, headless and deterministic.

It creates a course in a temporary folder, a class of simulated students with graded
skill (expert, good, partial, careless, "everything is unreliable", blank, tampered and
broken submissions), and runs release → collect (exchange and an LMS zip) → autograde →
feedback → export → report.
"""

from __future__ import annotations

import ast
import json
import os
import random
import shutil
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import nbformat

from medialit.cli.demo_discernment import PREPOST, prepost_answers, prepost_line
from medialit.content.scheme import load_scheme
from medialit.grading.answers import RECEIPT_MIME, answers_text, document

FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elif",
    "Femi",
    "Greta",
    "Hugo",
    "Ines",
    "Jamal",
    "Kira",
    "Leo",
    "Mia",
    "Noah",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Xavi",
    "Yara",
    "Zane",
]
LAST = [
    "Okafor",
    "Silva",
    "Novak",
    "Haddad",
    "Kowalski",
    "Mensah",
    "Larsen",
    "Moreau",
    "Tanaka",
    "Rossi",
    "Nguyen",
    "Schmidt",
    "Garcia",
    "Ivanova",
    "Petit",
    "Costa",
]
# profile -> (share of answers that match the key, how many students in a class of 32)
PROFILES: list[tuple[str, float, int]] = [
    ("expert", 0.97, 4),
    ("good", 0.8, 8),
    ("partial", 0.55, 6),
    ("careless", 0.3, 5),
    ("sceptic", 0.6, 4),
    ("blank", 0.0, 2),
    ("tampered", 0.8, 1),
    ("broken", 0.0, 2),
]
OPTIONS = {
    "label": None,
    "kind": "source_kinds",
    "source_kind": "source_kinds",
    "status": "claim_status",
    "voice": "voices",
    "part": "parts",
}
FIXED = {"judgement": ["solid", "shaky"], "supports": ["yes", "no"]}


def class_list(size: int, seed: int) -> list[tuple[str, str, str, str]]:
    """(student id, first name, last name, profile) for a class of ``size``, deterministic."""
    rng = random.Random(seed)
    counts = [round(n * size / 32) for _, _, n in PROFILES]
    counts[1] += size - sum(counts)  # round-off goes to "good"
    profiles = [name for (name, _, _), n in zip(PROFILES, counts, strict=True) for _ in range(n)]
    rng.shuffle(profiles)
    return [(f"s{i + 1:02d}", rng.choice(FIRST), rng.choice(LAST), p) for i, p in enumerate(profiles)]


def _options(column: str, gold_values: set[str]) -> list[str]:
    if column in FIXED:
        return FIXED[column]
    group = OPTIONS.get(column)
    scheme = load_scheme()
    if column == "label":
        return scheme.label_ids
    if group:
        return scheme.ids(group)
    return sorted(gold_values)


def _spoil_choice(gold: str | None, options: list[str], p: float, rng: random.Random) -> str | None:
    if rng.random() < p:
        return gold
    wrong = [o for o in options if o != gold]
    return rng.choice(wrong) if wrong and rng.random() > 0.1 else None


def synthesize(gold: dict[str, Any], profile: str, p: float, rng: random.Random) -> dict[str, Any]:
    """A student's answers: the key, spoiled according to the profile."""
    out: dict[str, Any] = {}
    for key, value in gold.items():
        if isinstance(value, str):  # a rewrite
            out[key] = {
                "expert": "Observers say the releases are a cautious, incomplete step taken under outside pressure.",
                "good": "Diplomats see the releases as a careful first step made under pressure.",
                "partial": "It is a signal shaped by pressure.",
            }.get(profile, "It is bad.")
        elif isinstance(value, list):  # a verification plan
            out[key] = [
                {
                    **entry,
                    "search": entry["search"] if rng.random() < p else "venezuela",
                    "change_mind": entry["change_mind"] if rng.random() < p else "",
                }
                for entry in value
            ]
        elif all(isinstance(v, list) for v in value.values()):  # highlights
            out[key] = {sid: [s for s in spans if rng.random() < p] for sid, spans in value.items()}
        elif key == "reliability" and profile == "sceptic":
            out[key] = dict.fromkeys(value, "shaky")
        else:
            columns: dict[str, set[str]] = {}
            for v in value.values():
                for col, g in v.items() if isinstance(v, dict) else [("label" if key.startswith("label") else key, v)]:
                    columns.setdefault(col, set()).add(g)
            spoiled = {}
            for row, v in value.items():
                if isinstance(v, dict):
                    spoiled[row] = {c: _spoil_choice(g, _options(c, columns[c]), p, rng) for c, g in v.items()}
                else:
                    col = next(iter(columns))
                    spoiled[row] = _spoil_choice(v, _options(col, columns[col]), p, rng)
            out[key] = spoiled
    return out


def gold_answers(course, assignment: str) -> dict[str, Any]:
    """The master's (complete) answers: built from its key when it can be, else by running it."""
    answers = key_answers(course, assignment)
    return answers if answers is not None else master_answers(course, assignment)


def _plan_cell(cell: Any) -> dict[str, Any]:
    """A master cell as :func:`medialit.grading.plan.read_plan` reads it."""
    meta = cell.metadata.get("nbgrader", {})
    return {
        "grade_id": meta.get("grade_id", ""),
        "source": cell.source,
        "cell_type": cell.cell_type,
        "grade": meta.get("grade", False),
        "solution": meta.get("solution", False),
        "locked": meta.get("locked", False),
        "points": meta.get("points", 0),
    }


def _solution_value(tree: ast.Module, task: Any) -> tuple[bool, Any]:
    """What a master's solution gives its widget: the key (``ex.key(...)``) or a literal ``NAME.value = ...``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "key":
            named = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
            return (True, task.gold_value()) if named == task.key else (False, None)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr == "value" for t in node.targets
        ):
            try:
                return True, ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError):
                return False, None
    return False, None


def key_answers(course, assignment: str) -> dict[str, Any] | None:
    """The master's answers built by the task models from its key, without a kernel.

    Each solution cell either copies the key (``w.value = ex.key(K)``, or marks the key's
    phrases one by one) or sets a literal (a model rewrite). None when a cell does anything
    else: then only running the master gives its answers (:func:`master_answers`).
    """
    from medialit.grading.plan import PlanError, read_plan
    from medialit.grading.score import GradingEnvironmentError, key_article, widget_specs

    folder = course.source_dir(assignment)
    cells = [_plan_cell(c) for c in nbformat.read(folder / f"{assignment}.ipynb", as_version=4).cells]
    try:
        plan = read_plan(assignment, cells)
        article = key_article(plan, None, folder)
        setup = [c for c in cells if c["cell_type"] == "code" and "Exercise(" in c["source"]][:1]
        answers: dict[str, Any] = {}
        for cell in cells:
            if cell["cell_type"] != "code" or not cell["solution"]:
                continue
            specs = widget_specs(read_plan(assignment, setup + [cell]).widgets, article)
            if len(specs) != 1:
                return None
            ((key, spec),) = specs.items()
            task = spec.build()
            found, value = _solution_value(ast.parse(cell["source"]), task)
            if not found:
                return None
            answers[key] = task.normalise(value)
    except (PlanError, GradingEnvironmentError, NotImplementedError, SyntaxError, TypeError, ValueError):
        return None
    if set(answers) != set(widget_specs(plan.widgets, article)):
        return None
    return json.loads(json.dumps(answers))  # as the answers file holds them


def master_answers(course, assignment: str) -> dict[str, Any]:
    """Run the master in a scratch folder of the course (in a kernel) to get its (complete) answers."""
    from nbclient import NotebookClient

    from medialit.grading.kernels import IpcKernelManager

    scratch = course.scratch_dir / assignment
    shutil.copytree(course.source_dir(assignment), scratch)
    try:
        nb = nbformat.read(scratch / f"{assignment}.ipynb", as_version=4)
        client = NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            kernel_manager_class=IpcKernelManager,
            resources={"metadata": {"path": str(scratch)}},
        )
        redirect = os.environ.pop("MEDIALIT_ANSWERS_DIR", None)  # the master must save beside itself
        try:
            client.execute()
        finally:
            if redirect is not None:
                os.environ["MEDIALIT_ANSWERS_DIR"] = redirect
        return json.loads((scratch / f"{assignment}.answers.json").read_text(encoding="utf-8"))["answers"]
    finally:
        shutil.rmtree(course.scratch_dir, ignore_errors=True)


SAVED = datetime(2026, 1, 20, 10, 0, tzinfo=UTC)  # when the simulated students saved their answers


def answers_file(assignment: str, answers: dict[str, Any]) -> str:
    """A simulated student's answers file, saved at ``SAVED``."""
    return answers_text(assignment, answers, saved=SAVED)


def _notebook(release: Path, assignment: str, profile: str, answers: dict[str, Any] | None = None) -> bytes:
    """The notebook a simulated student uploads; with ``answers``, saved after its receipt cell ran."""
    text = (release / f"{assignment}.ipynb").read_bytes()
    if profile == "broken":
        return text[: len(text) // 3]  # a truncated upload
    nb = nbformat.reads(text.decode("utf-8"), as_version=4)
    if profile == "tampered":
        nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("-score")]
    if answers is not None:
        receipt = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "receipt")
        doc = document(assignment, answers, saved=SAVED)
        receipt.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "receipt", RECEIPT_MIME: doc})]
    return nbformat.writes(nb).encode("utf-8")


def simulate_week_submissions(
    course,
    assignment: str,
    folder: Path,
    people: list[tuple[str, str, str, str]] | None = None,
    rng: random.Random | None = None,
) -> Path:
    """Simulated students answer and submit: half to the exchange, half in a Canvas-style zip.

    ``people``: (student id, first, last, profile); by default the course roster with
    the profiles expert, partial and broken in turn. Returns the zip's path.
    """
    from medialit.grading.collect import squash, submit_to_exchange

    rng = rng or random.Random(2026)
    if people is None:
        cycle = ["expert", "partial", "broken"]
        people = [(s.student_id, s.first_name, s.last_name, cycle[i % 3]) for i, s in enumerate(course.roster())]
    lms_ids = {s.student_id: s.lms_id or str(10_000 + i) for i, s in enumerate(course.roster())}
    release = course.release_dir(assignment)
    gold = gold_answers(course, assignment)
    skill = {name: p for name, p, _ in PROFILES}
    zip_path = Path(folder) / f"{assignment}-canvas-download.zip"
    when = datetime(2026, 1, 20, 9, 0)
    with zipfile.ZipFile(zip_path, "w") as archive:
        for i, (sid, first, last, profile) in enumerate(people):
            if profile in ("blank", "broken"):
                answers = None
            elif assignment in PREPOST:  # the discernment test: each student on their own form
                answers = prepost_answers(assignment, sid, profile, [p[0] for p in people], rng)
            else:
                answers = synthesize(gold, profile, skill[profile], rng)
            files = {f"{assignment}.ipynb": _notebook(release, assignment, profile, answers)}
            if answers is not None and i % 4 != 1:  # every other LMS student uploads the notebook alone
                files[f"{assignment}.answers.json"] = answers_file(assignment, answers)
            if i % 2 == 0:  # half the class submits through nbgrader's exchange
                home = Path(folder) / "students" / sid / assignment
                shutil.rmtree(home, ignore_errors=True)
                home.mkdir(parents=True)
                for name, content in files.items():
                    (home / name).write_bytes(content if isinstance(content, bytes) else content.encode())
                submit_to_exchange(course, assignment, sid, home)
            else:  # the other half uploads to the LMS (Canvas names; the last upload is late)
                late = "LATE_" if i == len(people) - 1 else ""
                stamp = when + timedelta(minutes=i) + (timedelta(days=2) if late else timedelta())
                for name, content in files.items():
                    entry = f"{squash(last + first)}_{late}{lms_ids.get(sid, 0)}_{900 + i}_{name}"
                    archive.writestr(zipfile.ZipInfo(entry, date_time=stamp.timetuple()[:6]), content)
    return zip_path


def run_demo(
    folder: str | None = None,
    students: int = 32,
    jobs: int | None = None,
    seed: int = 2026,
    assignments: list[str] | None = None,
) -> int:
    """Run the demo; print the grade table and where the reports are. Returns an exit code."""
    from medialit.grading.autograde import autograde, class_table
    from medialit.grading.collect import collect_exchange, collect_lms
    from medialit.grading.course import Course, CourseError
    from medialit.grading.roster import Student, write_roster
    from medialit.reports.discernment_report import SYNTHETIC
    from medialit.reports.export import export_grades
    from medialit.reports.feedback import write_feedback
    from medialit.reports.report import write_report

    if students < 30:
        raise CourseError("the demo class needs at least 30 students (--students 30 or more)")
    start = time.perf_counter()
    base = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="medialit-demo-"))
    people = class_list(students, seed)
    roster = [
        Student(sid, first, last, f"{sid}@school.example", str(10_000 + i))
        for i, (sid, first, last, _) in enumerate(people)
    ]
    roster_csv = base / "roster.csv"
    base.mkdir(parents=True, exist_ok=True)
    write_roster(roster_csv, roster)
    course = Course.init(base / "course", roster=roster_csv)
    print(f"demo course: {course.root} ({students} simulated students, seed {seed})")
    (course.root / SYNTHETIC).write_text("medialit demo: a simulated class; its figures check arithmetic only.\n")
    assignments = assignments or ["ps1-sources", "ps2-numbers", *PREPOST]
    rng = random.Random(seed)
    failed_any = False
    for assignment in assignments:
        course.release(assignment, to="exchange")
        course.release(assignment, to="zip", out=base / "lms")
        zip_path = simulate_week_submissions(course, assignment, base, people, rng)
        print(f"\n== {assignment}: released to the exchange and as {base / 'lms' / (assignment + '.zip')}")
        print(collect_exchange(course, assignment).summary())
        print(collect_lms(course, assignment, zip_path).summary())
        statuses = autograde(course, assignment, jobs=jobs)
        print(class_table(course, assignment, statuses))  # as medialit autograde shows it
        failed_any |= any(st.status == "failed" for st in statuses.values())
        pages = write_feedback(course, assignment)
        exports = [export_grades(course, assignment, fmt) for fmt in ("csv", "canvas", "moodle")]
        notes: list[str] = []
        report = write_report(course, assignment, notes=notes)
        print(f"feedback: {len(pages)} pages under {course.root / 'feedback'}")
        print("grades for your LMS: " + ", ".join(str(e.path) for e in exports))
        print(f"class report: {report}")
        if assignment == PREPOST[-1]:
            print(prepost_line(course))
        for note in notes:  # lesson 07's class file, from the synthetic class's labels
            print(note)
    print(f"\ndemo finished in {time.perf_counter() - start:.0f} s. The course is kept in {course.root}.")
    if failed_any:
        print("As planned, the broken submissions are listed as failed, with their reasons: nobody got a silent 0.")
    return 0
