"""Reports: what an instructor reads after grading.

Owns: the class's grades as a table (``classdata``), LMS exports (``export``), per-student
feedback pages (``feedback``) and their zips for the LMS (``feedback_zip``), and the class
report (``report``).

May import: content, tasks, pure teaching, grading and grading.answers. Never the widgets
(a report is built in the instructor's process from saved answers), the lessons or the CLI.
"""
