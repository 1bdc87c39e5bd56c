"""``medialit new-article``, ``make-exercise`` and ``make-lesson``: any article, drafted, reviewed, taught."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_new_article(args: argparse.Namespace) -> int:
    """Draft an annotation for a text file; print where it is and what to do next."""
    from medialit.content.annotation import draft_marks
    from medialit.content.drafting import draft_annotation, write_draft

    text = Path(args.text)
    if not text.is_file():
        print(f"error: {text} not found; give the path of the article's .txt file", file=sys.stderr)
        return 1
    try:
        target = write_draft(text, args.out, invented=args.invented)
    except ValueError as exc:
        print(f"error: {text}: {exc}", file=sys.stderr)
        return 1
    data = draft_annotation(text, invented=args.invented)
    labels: dict[str, int] = {}
    for s in data["sentences"]:
        labels[s["label"]] = labels.get(s["label"], 0) + 1
    counts = ", ".join(f"{n} {label}" for label, n in labels.items())
    print(
        f"wrote the draft {target}: {len(data['sentences'])} sentences ({counts}), "
        f"{sum(map(len, draft_marks(data).values()))} suggestions to review"
    )
    from medialit.content.drafting.split import split_text

    print("what the text was taken as (check it in the review):")
    for line in split_text(text.read_text(encoding="utf-8")).layout.taken():
        print(f"  {line}")
    print(f"next: review it in notebooks/instructor-review-article.ipynb, then medialit check-annotations {target}")
    return 0


def _solutions(root: str) -> Path:
    return Path(root) / "solutions"


def cmd_make_exercise(args: argparse.Namespace) -> int:
    """Write the master into solutions/NAME/ and the student version into exercises/ (nbgrader)."""
    from medialit.content.article import find_article
    from medialit.grading.nbgrader_env import BuildError, build
    from medialit.teaching.generate import GenerateError, make_exercise, reviewed_article, rewrite_target

    path = find_article(args.article)
    try:
        name = args.name or f"ps-{reviewed_article(path).id}"[:60]
        existing = _solutions(args.root) / name / f"{name}.ipynb"
        if existing.exists() and not args.force:
            print(
                f"error: {existing} already exists; choose another --name, or add --force to replace it",
                file=sys.stderr,
            )
            return 1
        master = make_exercise(path, name, _solutions(args.root), args.rewrite_model or "")
    except GenerateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote the master {master}")
    target = rewrite_target(reviewed_article(path))
    if not args.rewrite_model and target:
        sentence = reviewed_article(path).sentence(target).text
        print(
            f"note: no rewrite part. To add one, write your own neutral version of {target} ({sentence!r}) "
            'and run this again with --rewrite-model "..." (a model answer is never made up)'
        )
    try:
        for folder in build(args.root, None, [name]):
            print(f"generated {folder}")
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_make_lesson(args: argparse.Namespace) -> int:
    """Write the guided lesson "Read it like a fact-checker: TITLE" for an article."""
    from medialit.content.article import find_article
    from medialit.teaching.generate import GenerateError, make_lesson

    try:
        target = make_lesson(find_article(args.article), args.out)
    except GenerateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote the lesson {target}")
    return 0


def add_authoring_commands(sub: argparse._SubParsersAction) -> None:
    """Register the three commands of "use your own article"."""
    new = sub.add_parser("new-article", help="draft an annotation for an article text (every field a suggestion)")
    new.add_argument("text", metavar="FILE.txt", help="the article: headline, blank line, byline and date, paragraphs")
    new.add_argument("--out", default=None, help="where to write the draft (default: FILE.yaml beside the text)")
    new.add_argument("--invented", action="store_true", help="the text is invented for practice")
    new.set_defaults(func=cmd_new_article)

    ex = sub.add_parser("make-exercise", help="write a graded exercise (master and student version) for an article")
    ex.add_argument("article", metavar="ARTICLE", help="an article id in seeds/ or the path of its annotation file")
    ex.add_argument("--name", default=None, help="the assignment's name (default: ps-ARTICLE)")
    ex.add_argument(
        "--rewrite-model",
        default=None,
        metavar="TEXT",
        help="your neutral rewrite of the first sentence with the writer's loaded words (adds a hand-graded part)",
    )
    ex.add_argument("--force", action="store_true", help="replace a master of the same name")
    ex.add_argument("--root", default=".", help="the folder holding solutions/ and exercises/ (default: here)")
    ex.set_defaults(func=cmd_make_exercise)

    lesson = sub.add_parser("make-lesson", help='write the guided lesson "Read it like a fact-checker" for an article')
    lesson.add_argument("article", metavar="ARTICLE", help="an article id in seeds/ or the path of its annotation file")
    lesson.add_argument("--out", default="notebooks", help="the folder to write the lesson into (default: notebooks)")
    lesson.set_defaults(func=cmd_make_lesson)
