"""The course a command works on: ``--course DIR``, else ``$MEDIALIT_COURSE``, else the current folder."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

COURSE_ENV = "MEDIALIT_COURSE"


def open_course(args: argparse.Namespace):
    """The course workspace ``args`` names, its gradebook checked before any work."""
    from medialit.grading.course import Course

    course = Course(args.course or os.environ.get(COURSE_ENV) or Path.cwd())
    course.check_gradebook()  # a PostgreSQL gradebook that does not answer: say so, before any work
    return course
