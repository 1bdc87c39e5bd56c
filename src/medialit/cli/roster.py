"""``medialit roster show|import|add|drop``: the course's students after ``course init``."""

from __future__ import annotations

import argparse
import sys

from medialit.cli.course_option import open_course as _course


def _print_notes(notes: list[str]) -> None:
    for note in notes:
        print(f"NOTE: {note}", file=sys.stderr)


def cmd_roster_show(args: argparse.Namespace) -> int:
    from medialit.grading import roster_edit

    course = _course(args)
    roster = roster_edit.load(course.root)
    if not roster:
        print(f"{course.root / 'roster.csv'}: no students yet; add them with `medialit roster import FILE`")
        return 0
    rows = [("student", "name", "email", "lms_id")] + [(s.student_id, s.name, s.email, s.lms_id) for s in roster]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    no_email = sum(not s.email for s in roster)
    print(f"{len(roster)} student(s)" + (f", {no_email} without an email" if no_email else ""))
    return 0


def _save(course, roster, changed_students) -> None:
    from medialit.grading import roster_edit

    roster_edit.save(course.root, roster)
    course.import_roster(changed_students)


def cmd_roster_import(args: argparse.Namespace) -> int:
    from medialit.grading import roster_edit
    from medialit.grading.roster import read_roster

    course = _course(args)
    notes: list[str] = []
    incoming = read_roster(args.file, notes=notes)
    _print_notes(notes)
    roster, added, changed = roster_edit.merge(roster_edit.load(course.root), incoming)
    touched = {s.student_id for s in added} | {c.split(":", 1)[0] for c in changed}
    _save(course, roster, [s for s in roster if s.student_id in touched])
    for s in added:
        print(f"  added {s.name} ({s.student_id})")
    for line in changed:
        print(f"  updated {line}")
    print(f"{course.root / 'roster.csv'}: {len(roster)} student(s), {len(added)} added, {len(changed)} updated")
    return 0


def cmd_roster_add(args: argparse.Namespace) -> int:
    from medialit.grading import roster_edit
    from medialit.grading.roster import SAFE_ID, Student

    course = _course(args)
    if not SAFE_ID.match(args.student_id):
        raise ValueError(
            f"student id {args.student_id!r} has spaces or odd characters; use letters, digits, '.', '_' or '-'"
        )
    roster = roster_edit.load(course.root)
    if any(s.student_id == args.student_id for s in roster):
        raise ValueError(f"{args.student_id} is already on the roster; `medialit roster show` lists it")
    new = Student(args.student_id, args.first or "", args.last or "", args.email or "", args.lms_id or "")
    roster, added, _ = roster_edit.merge(roster, [new])
    if not added:
        raise ValueError(
            f"{new.name} ({new.student_id}) matches a student already on the roster (same LMS id or email)"
        )
    _save(course, roster, added)
    print(f"added {new.name} ({new.student_id}) to {course.root / 'roster.csv'}")
    if not new.email:
        print("NOTE: no email: a Moodle export then matches them with --match idnumber", file=sys.stderr)
    print("Collect again to take in their submissions (what was collected is kept).")
    return 0


def cmd_roster_drop(args: argparse.Namespace) -> int:
    from medialit.grading import roster_edit

    course = _course(args)
    roster, gone = roster_edit.drop(roster_edit.load(course.root), args.student_id)
    roster_edit.save(course.root, roster)
    print(
        f"dropped {gone.name} ({gone.student_id}) from {course.root / 'roster.csv'}; their grades stay in the "
        "gradebook, and exports leave them out"
    )
    return 0


def add_roster_commands(sub: argparse._SubParsersAction, course_opt: argparse.ArgumentParser) -> None:
    """Register ``medialit roster``."""
    roster = sub.add_parser("roster", help="show or change the course's students")
    rsub = roster.add_subparsers(dest="roster_command", metavar="COMMAND", required=True)
    show = rsub.add_parser("show", parents=[course_opt], help="list the students")
    show.set_defaults(func=cmd_roster_show)
    imp = rsub.add_parser(
        "import",
        parents=[course_opt],
        help="add or update students from a roster CSV, Canvas's gradebook export or Moodle's participants download",
    )
    imp.add_argument("file", metavar="CSV")
    imp.set_defaults(func=cmd_roster_import)
    add = rsub.add_parser("add", parents=[course_opt], help="add one student (a late enrollee)")
    add.add_argument("student_id", metavar="ID")
    add.add_argument("--first", metavar="NAME")
    add.add_argument("--last", metavar="NAME")
    add.add_argument("--email", metavar="ADDRESS")
    add.add_argument("--lms-id", metavar="NUMBER", help="Canvas: the ID column of the gradebook export")
    add.set_defaults(func=cmd_roster_add)
    drop = rsub.add_parser("drop", parents=[course_opt], help="take a student off the roster (grades are kept)")
    drop.add_argument("student_id", metavar="ID")
    drop.set_defaults(func=cmd_roster_drop)
