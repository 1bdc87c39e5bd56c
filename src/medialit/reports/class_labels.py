"""Lesson 07's class file, from a graded class: label counts per sentence, with no names or ids.

The format and its privacy rule belong to :mod:`medialit.content.class_counts`; this module
only gathers each scored student's labels from the grader's results and says to the teacher
where the file is and how to hand it to students.
"""

from __future__ import annotations

from pathlib import Path

from medialit.content.class_counts import FILE_NAME, MIN_ANSWERS, tally
from medialit.content.kit import doc_path
from medialit.content.scheme import load_scheme
from medialit.grading.results import Results


def handout() -> str:
    """How to share the class file, pointing to the instructor guide where this install has it."""
    return (
        "To share it, put a copy in the folder where students keep their lessons, beside "
        f"07-agreement.ipynb (the instructor guide, {doc_path()}: 'Class agreement for lesson 07')."
    )


def label_answers(results: dict[str, Results]) -> tuple[str, list[dict[str, str | None]]]:
    """The article and each scored student's labels ({sentence: label}), from every scored label part."""
    articles = {data.article for data in results.values()}
    per_student = []
    for data in results.values():
        chosen: dict[str, str | None] = {}
        for part in data.parts.values():
            if part.scored and part.kind == "choices" and part.details.get("columns") == ["label"]:
                for sid, cols in part.details.get("rows", {}).items():
                    chosen[sid] = chosen.get(sid) or cols.get("label", {}).get("answer")
        if chosen:
            per_student.append(chosen)
    return (articles.pop() if len(articles) == 1 else ""), per_student


def write_class_labels(folder: Path, assignment: str, results: dict[str, Results]) -> str:
    """Write ``FOLDER/class-labels.json`` when the assignment has labels; return a line for the teacher.

    The line is empty when the assignment asks for no labels. A stale file is removed when no
    new one can be written (too few students, or labels of more than one article).
    """
    path = Path(folder) / FILE_NAME
    article, answers = label_answers(results)
    if not answers:
        path.unlink(missing_ok=True)
        return ""
    counts = tally(answers, load_scheme().label_ids, assignment=assignment, article=article) if article else None
    if counts is None:
        path.unlink(missing_ok=True)
        who = sum(1 for a in answers if any(a.values()))
        return (
            f"No class file for lesson 07: {who} student{'s' if who != 1 else ''} labelled sentences, and it is "
            f"written from {MIN_ANSWERS} on, so that nobody's answers can be worked out from the counts."
        )
    counts.write(path)
    left = (
        f" {len(counts.left_out)} sentences answered by fewer than {MIN_ANSWERS} are left out."
        if counts.left_out
        else ""
    )
    return (
        f"Lesson 07's class file: {path} (how many of the {counts.students} students chose each label, per "
        f"sentence; no names).{left} {handout()}"
    )
