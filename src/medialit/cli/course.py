"""The instructor's commands: course init, release, collect, autograde, feedback, export, report, demo."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from medialit.cli.course_option import COURSE_ENV
from medialit.cli.course_option import open_course as _course


def cmd_course_init(args: argparse.Namespace) -> int:
    from medialit.grading import gradebook_url
    from medialit.grading.course import Course
    from medialit.grading.roster import read_roster

    if args.roster:
        notes: list[str] = []
        read_roster(args.roster, notes=notes)  # checked again by Course.init; here for its notes
        for note in notes:
            print(f"NOTE: {note}", file=sys.stderr)
    from medialit.reports.overview import in_sequence

    course = Course.init(
        args.dir, kit=args.kit, roster=args.roster, course_id=args.course_id, db_url=args.db_url, exchange=args.exchange
    )
    students = len(course.roster())
    print(f"created the course workspace {course.root}")
    print(f"  course id: {course.course_id}")
    print(f"  gradebook: {gradebook_url.display(course.db_url)}")
    print(f"  exchange: {course.exchange_root}")
    sequence = in_sequence(course.assignments())  # as taught: the pre-test first (not the first alphabetically)
    print(f"  assignments: {', '.join(sequence)}")
    print(f"  roster: {students} student(s)" + ("" if students else " (add one later with --roster)"))
    if sequence:
        print(f"  next: cd {course.root} && medialit release {sequence[0]}")
    return 0


def cmd_course_upgrade(args: argparse.Namespace) -> int:
    from medialit.grading.course_upgrade import upgrade

    course = _course(args)
    changes = upgrade(course, kit=args.kit)
    if not changes:
        print(f"{course.root} already has this medialit version's seeds and masters")
        return 0
    for line in changes:
        print(f"  {line}")
    print("Grades change only when you autograde again (medialit autograde ASSIGNMENT).")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    course = _course(args)
    where = course.release(args.assignment, to=args.to, out=args.out)
    print(f"released {args.assignment} to {where}")
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    from medialit.grading import collect
    from medialit.grading.lms_download import MB, Caps

    course = _course(args)
    if args.source == "exchange":
        report = collect.collect_exchange(course, args.assignment)
    else:
        caps = Caps(total=args.max_download_mb * MB, entries=args.max_entries, file=collect.MAX_FILE_BYTES)
        report = collect.collect_lms(course, args.assignment, args.source, caps)
    print(report.summary(verbose=args.verbose))
    if not report.problems:
        return 0
    unplaced = len(report.unmatched) + len(report.unrecognised) + len(report.refused)
    said = [f"{len(report.missing)} roster student(s) have no submission"] if report.missing else []
    said += [f"{unplaced} file(s) were given to no student"] if unplaced else []
    print(
        f"\n{' and '.join(said)} (listed above). Fix the roster {course.root / 'roster.csv'} (lms_id, names; "
        "a late enrollee: `medialit roster add ID --first ... --last ... --lms-id ...`, or `medialit roster "
        "import` a new export) or ask for the missing files, then collect again; what was collected is kept.",
        file=sys.stderr,
    )
    return 1


def cmd_autograde(args: argparse.Namespace) -> int:
    from medialit.cli.grading import executor_from_args
    from medialit.grading.autograde import autograde, class_table
    from medialit.grading.status import FAILED
    from medialit.grading.timings import Stopwatch, process_age

    clock = Stopwatch()
    clock.add("start-up", process_age() or 0.0)
    course = _course(args)
    problems: list[str] = []
    notices: list[str] = []
    statuses = autograde(
        course,
        args.assignment,
        args.student or None,
        jobs=args.jobs,
        progress=not args.quiet,
        verbose=args.verbose,
        warnings_out=problems,
        execute=args.execute,
        sandbox=not args.no_sandbox,
        notices_out=notices,
        executor=executor_from_args(args),
        timings=clock,
    )
    for notice in notices:
        print(f"NOTE: {notice}", file=sys.stderr)
    print(class_table(course, args.assignment, statuses, every=not args.student))
    for problem in problems:
        print(f"WARNING: {problem}", file=sys.stderr)
    if args.timings:
        print(f"\nWhere the time went (seconds):\n{clock.table(process_age())}")
    failed = [s for s, st in statuses.items() if st.status == FAILED]
    if problems:
        return 1
    if failed:
        print(
            f"\n{len(failed)} submission(s) failed: {', '.join(failed)}. Their reasons are above; "
            "fix or ask for a new file, collect again, then rerun autograde.",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from medialit.reports.feedback import write_feedback

    course = _course(args)
    pages = write_feedback(course, args.assignment)
    print(f"wrote {len(pages)} feedback page(s) under {course.root / 'feedback'}")
    command = release_feedback_command(course.root, args.assignment)
    if command:
        print(f"To send the pages of students who submitted through nbgrader's exchange, run in {course.root}:")
        print(f"  {command}")
    if not args.zip:
        if args.changed:
            print("NOTE: --changed only applies with --zip canvas or --zip moodle", file=sys.stderr)
        return 0
    from medialit.reports.feedback_zip import LMS_NAMES, feedback_zip

    out = Path(args.out) if args.out else None
    done = feedback_zip(course, args.assignment, args.zip, pages, out, changed=args.changed)
    print(f"wrote {done.path} ({len(done.entries)} page(s) for {LMS_NAMES[args.zip]})")
    if done.unchanged:
        print(
            f"  left out {len(done.unchanged)} page(s) unchanged since the zip of {done.since[:16].replace('T', ' ')} "
            f"(already uploaded; grade and feedback the same): {', '.join(done.unchanged)}"
        )
    if args.changed and not done.entries and done.unchanged:
        print("Nothing changed since the last zip: nothing to upload.")
        return 0
    if not done.entries:
        print(
            f"NOTE: no submission of {args.assignment} was collected from a {LMS_NAMES[args.zip]} download: "
            "the zip is empty, nothing to upload",
            file=sys.stderr,
        )
    for line in done.left_out:
        print(f"  not in the zip: {line}")
    print("To upload it:")
    for number, step in enumerate(done.steps, 1):
        print(f"  {number}. {step}")
    return 0


def release_feedback_command(root: Path, assignment: str) -> str:
    """The ``nbgrader release_feedback`` command for the exchange's students ('' when there are none).

    nbgrader reads ``submission_secret.txt`` beside every page and stops at the first it lacks: pages
    of students collected from an LMS download (which has no secret) are excluded by name.
    """
    from medialit.grading.layout import Layout

    folders = sorted(p for p in Layout(root).feedback_root.glob(f"*/{assignment}") if any(p.glob("*.html")))
    without = [f.parent.name for f in folders if not (f / "submission_secret.txt").is_file()]
    if len(without) == len(folders):
        return ""
    exclude = f" --CourseDirectory.student_id_exclude={','.join(without)}" if without else ""
    return f"nbgrader release_feedback {assignment}{exclude}"


def cmd_export(args: argparse.Namespace) -> int:
    from medialit.grading.assignment_settings import save_settings
    from medialit.reports.export import export_grades

    course = _course(args)
    done = export_grades(
        course,
        args.assignment,
        args.format,
        Path(args.out) if args.out else None,
        lms_name=args.lms_name,
        lms_id=args.lms_id,
        bom=args.bom,
        match=args.match,
    )
    if args.save and (args.lms_name is not None or args.lms_id is not None):
        saved = save_settings(course.root, args.assignment, lms_name=args.lms_name, lms_id=args.lms_id)
        print(f"saved the LMS name/id of {args.assignment} in {saved}")
    print(f"wrote {done.path} (grade column: {done.header!r})")
    if done.notes is not None:
        print(f"wrote {done.notes} (students who need your attention)")
    for warning in done.warnings:
        print(f"WARNING: {warning}", file=sys.stderr)
    print("To import it:")
    for number, step in enumerate(done.steps, 1):
        print(f"  {number}. {step}")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from medialit.grading.assignment_settings import save_settings, settings_for

    course = _course(args)
    course.require_assignment(args.assignment)
    values = {"lms_name": args.lms_name, "lms_id": args.lms_id, "due": args.due, "late_policy": args.late_policy}
    if any(v is not None for v in values.values()):
        print(f"saved in {save_settings(course.root, args.assignment, **values)}")
    current = settings_for(course.root, args.assignment)
    due = f"{current.due:%Y-%m-%d %H:%M %z}" if current.due else "not set"
    print(f"{args.assignment}:")
    print(f"  LMS name    : {current.lms_name or '(not set: the assignment id is used)'}")
    print(f"  LMS id      : {current.lms_id or '(not set)'}")
    print(f"  due         : {due}")
    print(f"  late policy : {current.late_policy.describe()}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from medialit.reports.report import write_report

    course = _course(args)
    notes: list[str] = []
    path = write_report(course, args.assignment, Path(args.out) if args.out else None, notes)
    print(f"wrote the class report {path}")
    for note in notes:  # lesson 07's class file: where it is and how to hand it out
        print(note)
    return 0


def cmd_overview(args: argparse.Namespace) -> int:
    from medialit.reports.overview import page_path, write_overview

    course = _course(args)
    view, table, owes = write_overview(course, Path(args.out) if args.out else None)
    if not view.assignments:
        print("No assignment has been collected or graded yet: nothing to show.")
        return 0
    print(f"wrote {table} ({len(view.table)} student(s); {', '.join(view.assignments)})")
    print(f"wrote {owes} (who still owes what)")
    print(f"wrote {page_path(course)} (the same, to read in your browser)")
    if view.owes.empty:
        print("Everyone on the roster has a graded submission for each of these assignments.")
        return 0
    print("Who still owes what:")
    for student, rows in view.owes.groupby("student", sort=False):
        print(f"  {student}: " + ", ".join(f"{r.assignment} ({r.status})" for r in rows.itertuples()))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from medialit.cli.demo import run_demo

    return run_demo(args.dir, students=args.students, jobs=args.jobs, seed=args.seed, assignments=args.assignment)


def add_course_commands(sub: argparse._SubParsersAction) -> None:
    """Register the instructor's subcommands."""
    from medialit.cli.grading import add_executor_options, add_grading_worker_command

    course_opt = argparse.ArgumentParser(add_help=False)
    course_opt.add_argument(
        "--course", metavar="DIR", help=f"the course workspace (default: ${COURSE_ENV} or the current folder)"
    )

    course = sub.add_parser("course", help="manage a course workspace")
    course_sub = course.add_subparsers(dest="course_command", metavar="COMMAND", required=True)
    init = course_sub.add_parser("init", help="create a course workspace outside the repository")
    init.add_argument("dir", metavar="DIR", help="a new, empty folder")
    init.add_argument(
        "--roster",
        metavar="CSV",
        help="students: Canvas's gradebook export, Moodle's participants download, or a CSV with "
        "student_id, first_name, last_name, email, lms_id",
    )
    init.add_argument(
        "--kit",
        metavar="PATH",
        help="the medialit checkout (default: the instructor install, medialit-instructor, or this checkout)",
    )
    init.add_argument(
        "--course-id",
        metavar="ID",
        help="nbgrader's course id: letters, digits, '.', '_', '-' (default: medialit); "
        "give each course on a shared JupyterHub its own",
    )
    init.add_argument(
        "--db-url",
        metavar="URL",
        help="the gradebook (default: DIR/gradebook.db, SQLite); for several graders at once a PostgreSQL "
        "database of the course's own, which must exist: "
        "'postgresql+psycopg:///medialit_media101?host=/var/run/postgresql'",
    )
    init.add_argument(
        "--exchange",
        metavar="DIR",
        help="a shared nbgrader exchange folder (default: DIR/exchange). An administrator creates it once, "
        "mode 1777; the course only adds its own ID/ folder in it when it releases",
    )
    init.set_defaults(func=cmd_course_init)
    upgrade = course_sub.add_parser(
        "upgrade", parents=[course_opt], help="bring the course's seeds and masters up to this medialit version"
    )
    upgrade.add_argument(
        "--kit",
        metavar="PATH",
        help="the medialit checkout (default: the instructor install, medialit-instructor, or this checkout)",
    )
    upgrade.set_defaults(func=cmd_course_upgrade)

    from medialit.cli.roster import add_roster_commands

    add_roster_commands(sub, course_opt)
    from medialit.cli.after_week import add_after_week_commands

    add_after_week_commands(sub, course_opt)

    release = sub.add_parser("release", parents=[course_opt], help="release an assignment to students")
    release.add_argument("assignment", metavar="ASSIGNMENT")
    release.add_argument(
        "--to",
        choices=["exchange", "folder", "zip"],
        default="exchange",
        help="nbgrader's exchange (default), or a folder or zip to upload to an LMS",
    )
    release.add_argument("--out", metavar="PATH", help="where the folder or zip goes (default: COURSE/lms)")
    release.set_defaults(func=cmd_release)

    from medialit.grading.lms_download import MB, Caps

    collect = sub.add_parser("collect", parents=[course_opt], help="collect submissions")
    collect.add_argument("assignment", metavar="ASSIGNMENT")
    collect.add_argument("source", metavar="FROM", help="'exchange', or an LMS download (zip or folder)")
    collect.add_argument(
        "--max-download-mb",
        type=int,
        default=Caps().total // MB,
        metavar="MB",
        help="an LMS zip whose students' files would take more is refused, nothing extracted (default %(default)s)",
    )
    collect.add_argument(
        "--max-entries",
        type=int,
        default=Caps().entries,
        metavar="N",
        help="an LMS zip with more files is refused, nothing extracted (default %(default)s)",
    )
    collect.add_argument(
        "--verbose", action="store_true", help="list where each student's files came from (always kept in the record)"
    )
    collect.set_defaults(func=cmd_collect)

    grade = sub.add_parser("autograde", parents=[course_opt], help="autograde submissions in parallel")
    grade.add_argument("assignment", metavar="ASSIGNMENT")
    grade.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="worker processes (default: the number of cores); with --executor celery: submissions sent at a time "
        "(default: all; the workers' --concurrency decides)",
    )
    grade.add_argument("--student", action="append", metavar="ID", help="only this student (repeatable)")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    grade.add_argument("--verbose", action="store_true", help="let the libraries' own warnings through (for debugging)")
    grade.add_argument(
        "--timings", action="store_true", help="print the seconds spent in each stage (start-up, backup, merge, ...)"
    )
    grade.add_argument(
        "--execute",
        action="store_true",
        help="also run each notebook (in a bubblewrap sandbox; refused where none can start) and flag it where its "
        "own result differs; points always come from the saved answers",
    )
    grade.add_argument(
        "--no-sandbox",
        action="store_true",
        help="with --execute: run students' code unsandboxed, as this account (only where that is safe)",
    )
    add_executor_options(grade)
    grade.set_defaults(func=cmd_autograde)
    add_grading_worker_command(sub)

    feedback = sub.add_parser("feedback", parents=[course_opt], help="write per-student HTML feedback")
    feedback.add_argument("assignment", metavar="ASSIGNMENT")
    feedback.add_argument(
        "--zip",
        choices=["canvas", "moodle"],
        help="also put the pages in the zip the LMS takes back (Canvas: Re-Upload Submissions; Moodle: "
        "Upload multiple feedback files in a zip), named after the submissions collected from its download",
    )
    feedback.add_argument("--out", metavar="ZIP", help="with --zip: where the zip goes (default: COURSE/exports)")
    feedback.add_argument(
        "--changed",
        action="store_true",
        help="with --zip: only the pages that changed since the last zip (so the LMS gets no duplicate comments)",
    )
    feedback.set_defaults(func=cmd_feedback)

    export = sub.add_parser("export", parents=[course_opt], help="write a grade table for your LMS")
    export.add_argument("assignment", metavar="ASSIGNMENT")
    export.add_argument("--format", choices=["csv", "canvas", "moodle"], default="csv")
    export.add_argument("--out", metavar="FILE")
    export.add_argument("--lms-name", metavar="TITLE", help="the assignment's title in the LMS (Canvas, Moodle)")
    export.add_argument(
        "--lms-id", metavar="NUMBER", help="Canvas: the number after /assignments/ in the assignment's address"
    )
    export.add_argument("--bom", action="store_true", help="add a UTF-8 byte-order mark (for Excel)")
    export.add_argument(
        "--match",
        choices=["email", "idnumber"],
        default="email",
        help="moodle: identify students by email (default) or by ID number (the student id here)",
    )
    export.add_argument("--save", action="store_true", help="keep --lms-name/--lms-id in assignments.yaml")
    export.set_defaults(func=cmd_export)

    settings = sub.add_parser(
        "settings", parents=[course_opt], help="an assignment's LMS name and id, due date and late policy"
    )
    settings.add_argument("assignment", metavar="ASSIGNMENT")
    settings.add_argument("--lms-name", metavar="TITLE")
    settings.add_argument("--lms-id", metavar="NUMBER")
    settings.add_argument("--due", metavar="WHEN", help="e.g. '2026-01-21 23:59 +01:00' (with the time zone)")
    settings.add_argument(
        "--late-policy", metavar="POLICY", help="none, '10%% per day' or 'zero after 2026-01-25 23:59 +01:00'"
    )
    settings.set_defaults(func=cmd_settings)

    report = sub.add_parser("report", parents=[course_opt], help="write the class item analysis (HTML + CSV)")
    report.add_argument("assignment", metavar="ASSIGNMENT")
    report.add_argument("--out", metavar="DIR")
    report.set_defaults(func=cmd_report)

    overview = sub.add_parser(
        "overview",
        parents=[course_opt],
        help="every student's points and status across assignments, and who still owes what (CSV)",
    )
    overview.add_argument("--out", metavar="DIR", help="where overview.csv and owes.csv go (default: COURSE/exports)")
    overview.set_defaults(func=cmd_overview)

    demo = sub.add_parser("demo", help="run a whole grading week on a synthetic class, headless")
    demo.add_argument("--dir", metavar="DIR", help="keep the demo course here (default: a temporary folder)")
    demo.add_argument("--students", type=int, default=32, help="class size (at least 30; default 32)")
    demo.add_argument("--jobs", type=int, default=None, help="autograde worker processes (default: cores)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (the demo is deterministic)")
    demo.add_argument(
        "--assignment",
        action="append",
        metavar="ASSIGNMENT",
        help="assignments to run (default: ps1-sources, ps2-numbers, pre-test and post-test)",
    )
    demo.set_defaults(func=cmd_demo)
