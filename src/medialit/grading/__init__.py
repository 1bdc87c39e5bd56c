"""Grading: everything between a collected submission and a trusted score.

Owns: the plan read from the masters (``plan``), trusted scoring of saved answers
(``score``), the one results model (``results``), nbgrader's pipeline and preprocessors
(``pipeline``, ``preprocessors``), the three autograde stages (``prepare``, ``worker``,
``merge``; run by ``medialit.grading.autograde``), the kernel sandbox (``sandbox``), the
patches of nbgrader's internals, each checked before it is applied (``nbgrader_patches``: its
docstring lists them) and spreadsheet-safe CSV files (``spreadsheet``: every CSV the kit writes).

May import: content and tasks (the task models score a saved answer and word its
feedback). Never the widgets or ipywidgets, the lessons, the reports or the CLI: the grader
builds task models, never widgets.
"""
