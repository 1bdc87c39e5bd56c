"""The ``medialit`` command: argument parsing and messages, nothing else.

Owns: the top-level commands (``main``), the course commands (``course``), the lessons as an app
(``app``) and the synthetic-class demo (``demo``).

May import: content, tasks, pure teaching, teaching, widgets, grading, grading.answers, reports and app
(everything below it). Nothing imports the CLI.
"""
