"""After the first week: ``medialit override``, ``medialit overrides`` and ``medialit regrades``."""

from __future__ import annotations

import argparse

from medialit.cli.course_option import open_course as _course


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
    row = None
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
    penalty = float(row["late_penalty"] or 0) if row is not None else 0.0
    if penalty > 0 and done.after is not None and done.max_score:  # NaN (lateness unknown) is not > 0
        exported = max(0.0, done.after - done.max_score * penalty / 100)
        print(f"NOTE: {student} was late: the late policy still takes {penalty:g}% of the points off ({exported:g})")
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


def cmd_regrades(args: argparse.Namespace) -> int:
    import pandas as pd

    from medialit.grading import overrides, regrades
    from medialit.grading.course import CourseError
    from medialit.grading.spreadsheet import write_frame

    course = _course(args)
    if args.assignment:
        course.require_assignment(args.assignment)
    if args.close is not None:
        if not args.assignment:
            raise CourseError("--close needs the assignment: medialit regrades ASSIGNMENT --close N --reason ...")
        done = regrades.close(course, args.assignment, args.close, args.reason)
        print(f"closed request {done.number} of {done.student} ({args.assignment}) without a change: {args.reason}")
    if args.source:
        read = regrades.read_requests(course, args.source, args.assignment)
        added = sum(len(v) for v in read.added.values())
        print(
            f"read {added} new regrade request(s) from {args.source}"
            + (f"; {read.already} already listed" if read.already else "")
        )
        for line in read.refused:
            print(f"  not a request taken: {line}")
    names = {s.student_id: s.name for s in course.roster()}
    rows = []
    for assignment in [args.assignment] if args.assignment else course.assignments():
        current = overrides.active(course, assignment)
        for request in regrades.load(course, assignment):
            state, answer = regrades.status(request, current)
            who = names.get(request.student, request.student)
            rows.append(
                {
                    "number": request.number,
                    "student": f"{who} ({request.student})" if who != request.student else who,
                    "student_id": request.student,
                    "assignment": assignment,
                    "part": request.part,
                    "what": request.what,
                    "why": request.why,
                    "status": state,
                    "answer": answer,
                    "received": request.received,
                    "from": request.source,
                    "note": request.note,
                }
            )
    table = pd.DataFrame(rows, columns=REGRADE_COLUMNS)
    out = course.exports_dir / (f"{args.assignment}-regrades.csv" if args.assignment else "regrades.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_frame(table, out)
    waiting = table[table["status"] == regrades.OPEN]
    print(f"wrote {out} ({len(table)} request(s), {len(waiting)} open)")
    for row in waiting.itertuples():
        print(f"  [{row.assignment} #{row.number}] {row.student}, part: {row.part or '(not said)'}")
        print(f"      what: {_short(row.what)}")
        print(f"      why:  {_short(row.why)}")
        if row.note:
            print(f"      note: {row.note}")
    if len(waiting):
        print(
            "Answer each: medialit override STUDENT ASSIGNMENT --points P [--part PART] --reason ... (the request is "
            "then answered), or medialit regrades ASSIGNMENT --close N --reason ... (no change)."
        )
    elif not len(table):
        print("No regrade requests yet. Read them from the LMS's download with --from DOWNLOAD.")
    return 0


REGRADE_COLUMNS = [
    "number",
    "student",
    "student_id",
    "assignment",
    "part",
    "what",
    "why",
    "status",
    "answer",
    "received",
    "from",
    "note",
]


def _short(text: str, width: int = 200) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


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

    asks = sub.add_parser(
        "regrades",
        parents=[course_opt],
        help="students' regrade requests as a list to work through (read from the LMS's download with --from)",
    )
    asks.add_argument("assignment", metavar="ASSIGNMENT", nargs="?", help="only this assignment")
    asks.add_argument(
        "--from",
        dest="source",
        metavar="DOWNLOAD",
        help="read new requests from the LMS's download of the regrade-requests assignment (zip or folder), "
        "or a folder of request files",
    )
    asks.add_argument("--close", type=int, metavar="N", help="close request N without a change (with --reason)")
    asks.add_argument(
        "--reason", metavar="TEXT", help="with --close: why the score stays (shown on the student's feedback page)"
    )
    asks.set_defaults(func=cmd_regrades)
