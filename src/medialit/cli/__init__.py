"""The ``medialit`` command: argument parsing and messages, nothing else.

Owns: the top-level commands (``main``), the course commands (``course``) and the
synthetic-class demo (``demo``).

May import: content, tasks, pure teaching, teaching, widgets, grading, grading.answers and reports
(everything below it). Nothing imports the CLI.
"""
