"""After the first week: ``medialit override``, ``medialit overrides`` and ``medialit regrades``."""

from __future__ import annotations

import argparse

from medialit.cli.course import _course


def _points(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of points; write it like 12 or 12.5") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of points; write it like 12 or 12.5")
    return value


def cmd_override(args: argparse.Namespace) -> int:
    from medialit.grading import overrides
    from medialit.grading.course import CourseError
    from medialit.grading.status import FAILED, FLAGGED
    from medialit.reports.classdata import grade_table

    course = _course(args)
    course.require_assignment(args.assignment)
    student = overrides.find_student(course, args.student)
    if args.clear and (args.points is not None or args.accept_flag):
        raise CourseError("--clear undoes the override; give it alone (with an optional --reason)")
    if args.clear:
        done = overrides.clear(course, args.assignment, student, args.reason)
    else:
        table = grade_table(course, args.assignment).set_index("student_id", drop=False)
        row = table.loc[student] if student in table.index else None
        flag = str(row["reason"]) if row is not None and row["status"] in (FLAGGED, FAILED) else ""
        if args.accept_flag and args.points is None and not flag:
            status = row["status"] if row is not None else "not graded"
            raise CourseError(
                f"{student}'s {args.assignment} is {status}, not flagged: there is no flag to accept. To change the "
                "score, give --points P"
            )
        done = overrides.override(
            course,
            args.assignment,
            student,
            points=args.points,
            part=args.part or "",
            accept_flag=args.accept_flag,
            reason=args.reason,
            flag=flag,
        )
    for line in done.lines:
        print(f"{student}: {line}")
    print(f"kept in the gradebook (formgrader shows it) and in {done.record}")
    if not args.clear:
        print(
            "The reason is shown on the student's feedback page: run medialit feedback "
            f"{args.assignment} (and --zip ... --changed) and medialit export {args.assignment} again."
        )
    return 0


def cmd_overrides(args: argparse.Namespace) -> int:
    from medialit.grading import overrides

    course = _course(args)
    names = {s.student_id: s.name for s in course.roster()}
    assignments = [args.assignment] if args.assignment else course.assignments()
    if args.assignment:
        course.require_assignment(args.assignment)
    count = 0
    for assignment in assignments:
        current = overrides.active(course, assignment)
        if not current:
            continue
        checks = overrides.check(course, assignment, list(current))
        print(f"{assignment}:")
        for student, found in sorted(current.items()):
            count += 1
            who = f"{names[student]} ({student})" if names.get(student, student) != student else student
            print(f"  {who}: {overrides.describe(found)}")
            for warning in overrides.warnings(found, checks.get(student)):
                print(f"    look again: {warning}")
    if not count:
        where = args.assignment or "any assignment"
        print(f"No overrides in {where}. Set one with: medialit override STUDENT ASSIGNMENT --points P --reason ...")
    return 0


def add_after_week_commands(sub: argparse._SubParsersAction, course_opt: argparse.ArgumentParser) -> None:
    """Register override, overrides and regrades."""
    over = sub.add_parser(
        "override",
        parents=[course_opt],
        help="set a student's points by hand, or accept a flagged submission, with a reason (kept in the gradebook)",
    )
    over.add_argument("student", metavar="STUDENT", help="the student's id (or full name)")
    over.add_argument("assignment", metavar="ASSIGNMENT")
    over.add_argument("--points", type=_points, metavar="P", help="the new score (of the whole assignment or --part)")
    over.add_argument("--part", metavar="PART", help="only this part (e.g. labels); its points then")
    over.add_argument(
        "--accept-flag", action="store_true", help="the flagged submission is fine as it is: the score stands"
    )
    over.add_argument("--clear", action="store_true", help="undo the student's override: the automatic score counts")
    over.add_argument("--reason", metavar="TEXT", help="why (required; the student sees it on the feedback page)")
    over.set_defaults(func=cmd_override)

    listing = sub.add_parser("overrides", parents=[course_opt], help="list the overrides in force, with their reasons")
    listing.add_argument("assignment", metavar="ASSIGNMENT", nargs="?", help="only this assignment")
    listing.set_defaults(func=cmd_overrides)
