"""The ``medialit`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from medialit import __version__

if TYPE_CHECKING:
    from medialit.content.article import Article


def _annotation_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            from medialit.content.article import list_articles

            files += [
                p
                for stem in list_articles(path)
                for p in sorted(path.glob(f"{stem}.*"))
                if p.suffix in {".yaml", ".yml", ".json"}
            ]
        else:
            files.append(path)
    return files


def cmd_check_annotations(args: argparse.Namespace) -> int:
    """Validate annotation files; print every problem, or a one-line summary per good file."""
    from medialit.content.annotation import AnnotationError
    from medialit.content.article import from_file
    from medialit.content.discernment_items import check_folder as check_discernment_folder

    files = _annotation_files(args.paths)
    if not files:
        print("error: no annotation files found in " + ", ".join(args.paths), file=sys.stderr)
        return 2
    failed = 0
    named = {Path(p) for p in args.paths}
    for path in files:
        if not path.exists():
            print(f"{path}: file not found; check the path", file=sys.stderr)
            failed += 1
            continue
        if path.name.endswith(".coverage.yaml"):  # other reports of an article (content.coverage)
            failed += _check_coverage(path)
            continue
        try:
            article = from_file(path)
        except AnnotationError as exc:
            print(exc, file=sys.stderr)
            failed += 1
            continue
        n_claims = len(article.claims())
        n_loaded = sum(len(s.loaded) for s in article.sentences)
        print(
            f"{path}: OK: {len(article.sentences)} sentences (headline included), "
            f"{n_claims} claims, {n_loaded} loaded phrases"
        )
        failed += _check_drafts(path)
        if path not in named:  # found in a folder: its lesson-07 hard cases are checked too
            failed += _check_hard_cases(article)
            failed += _check_warm_ups(article)
    for folder in sorted({Path(p) for p in args.paths if Path(p).is_dir()}):  # the discernment test's forms
        ok, line = check_discernment_folder(folder)
        if line:
            print(line, file=sys.stdout if ok else sys.stderr)
        failed += not ok
    return 1 if failed else 0


def _check_drafts(path: Path) -> int:
    """Report the suggestions of a draft no one has reviewed yet (return 1 if any)."""
    import yaml  # reads JSON too

    from medialit.content.annotation import describe_drafts, draft_marks

    marks = draft_marks(yaml.safe_load(path.read_text(encoding="utf-8")))
    if marks:
        print(describe_drafts(marks, str(path)), file=sys.stderr)
    return 1 if marks else 0


def _check_hard_cases(article: Article) -> int:
    """Check an article's hard cases for lesson 07, if it has a file (return 1 on a problem)."""
    from medialit.content.hard_cases import HardCasesError, hard_cases_path, load_hard_cases

    if not hard_cases_path(article).is_file():
        return 0
    try:
        cases = load_hard_cases(article)
    except HardCasesError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{cases.path}: OK: {len(cases.label)} sentences to label, {len(cases.cases)} hard cases")
    return 0


def _check_warm_ups(article: Article) -> int:
    """Check the warm-ups of the lessons on an article, if it has a file (return 1 on a problem)."""
    from medialit.teaching.retrieval import RetrievalError, load_retrieval, retrieval_path

    path = retrieval_path(article.id, article.path.parent)
    if not path.is_file():
        return 0
    try:
        warm_ups = load_retrieval(path)
    except RetrievalError as exc:
        print(exc, file=sys.stderr)
        return 1
    count = sum(len(qs) for qs in warm_ups.lessons.values())
    print(f"{path}: OK: warm-ups for {len(warm_ups.lessons)} lessons, {count} questions")
    return 0


def _check_coverage(path: Path) -> int:
    """Check one coverage file: print its problems (return 1) or a one-line summary (return 0)."""
    from medialit.content.coverage import CoverageError, read_coverage

    try:
        coverage = read_coverage(path)
    except CoverageError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{path}: OK: other coverage of {len(coverage.claims)} claims from {len(coverage.reports)} reports")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Tidy the lessons, fold the masters' code, and regenerate exercises/ from solutions/ with nbgrader."""
    from medialit.grading.nbgrader_env import BuildError, build, hide_master_code, tidy_lessons

    if args.out is None:  # building the kit itself, not a copy
        for path in tidy_lessons(args.root) + hide_master_code(args.root):
            print(f"tidied {path}")
    try:
        folders = build(args.root, args.out, args.assignments or None)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for folder in folders:
        print(f"generated {folder}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate exercise notebooks; exit non-zero when any check fails."""
    from medialit.teaching.completeness import validate_notebook

    failed = 0
    for path in args.notebooks:
        result = validate_notebook(path)
        if result.passed:
            print(f"{path}: passed: every part is complete. Submit it when you are ready.")
            continue
        failed += 1
        print(f"{path}: NOT complete yet:", file=sys.stderr)
        for problem in result.problems:
            print(f"  - {problem}", file=sys.stderr)
    return 1 if failed else 0


def cmd_reading_load(args: argparse.Namespace) -> int:
    """Words to read, choices and boxes per lesson, and the minutes they take (docs/reading-load.md)."""
    from medialit.teaching.reading_load import main

    return main(Path(args.root), write=args.write, check=args.check)


def cmd_lessons(args: argparse.Namespace) -> int:
    """Copy the lessons into a working folder; a lesson already there is kept."""
    from medialit.teaching.workspace import copy_lessons

    done = copy_lessons(args.folder)
    for name in done.copied:
        print(f"copied {done.folder / name}")
    if done.kept:
        print(f"kept your own copy of {len(done.kept)} lesson(s) already in {done.folder}: " + ", ".join(done.kept))
    print(f"Open the first lesson with:\n  jupyter lab {done.first}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medialit",
        description="medialit: a Jupyter kit that teaches media literacy.",
    )
    parser.add_argument("--version", action="version", version=f"medialit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser(
        "check-annotations",
        help="validate annotation files (YAML or JSON) against the label scheme and article text",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="annotation files or folders")
    check.set_defaults(func=cmd_check_annotations)

    build = sub.add_parser(
        "build",
        help="regenerate exercises/ (student versions) from the masters in solutions/; "
        "clear the outputs of notebooks/ and fold away the code of lessons and masters",
    )
    build.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="only these (default: all)")
    build.add_argument("--root", default=".", help="the medialit folder (default: the current folder)")
    build.add_argument("--out", default=None, help="write the student versions here instead of exercises/")
    build.set_defaults(func=cmd_build)

    lessons = sub.add_parser(
        "lessons", help="copy the lessons into a folder of your own to work in (keeps any lesson already there)"
    )
    lessons.add_argument("folder", metavar="DIR", help="the folder to copy the lessons into (created if needed)")
    lessons.set_defaults(func=cmd_lessons)

    validate = sub.add_parser("validate", help="check that an exercise notebook is complete (exits 1 if not)")
    validate.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    validate.set_defaults(func=cmd_validate)

    load = sub.add_parser(
        "reading-load",
        help="count each lesson's words of prose and feedback, its choices and boxes, and estimate its minutes",
    )
    load.add_argument("--root", default=".", help="the medialit folder (default: the current folder)")
    load.add_argument("--write", action="store_true", help="write the table to docs/reading-load.md")
    load.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when docs/reading-load.md is stale or a lesson states fewer minutes than the estimate",
    )
    load.set_defaults(func=cmd_reading_load)

    from medialit.cli.app import add_app_command
    from medialit.cli.authoring import add_authoring_commands
    from medialit.cli.course import add_course_commands

    add_course_commands(sub)
    add_app_command(sub)
    add_authoring_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from medialit.grading.nbgrader_patches import NbgraderChanged, skip_unused_checkers

    try:
        skip_unused_checkers()  # about 2 s off every command that reads a notebook
    except NbgraderChanged as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from medialit.grading.course import CourseError
    from medialit.grading.roster import RosterError

    try:
        return int(args.func(args))
    except (CourseError, RosterError, NbgraderChanged, FileNotFoundError, NotADirectoryError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except PermissionError as exc:
        print(f"error: {_permission_message(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopped (Ctrl+C); nothing already written was lost", file=sys.stderr)
        return 130


def _permission_message(exc: PermissionError) -> str:
    """A file this account may not read or write: which one, who we are, and what to do."""
    import getpass

    where = exc.filename or "a file"
    return (
        f"the account {getpass.getuser()} may not use {where} ({exc.strerror or 'permission denied'}). "
        "Choose a folder this account can write (for example the default, inside the course), "
        "or ask whoever runs this machine to give the account access."
    )


if __name__ == "__main__":
    sys.exit(main())
