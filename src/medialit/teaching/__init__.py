"""Teaching: what a lesson or exercise notebook imports and what it checks.

Owns: the task models (``tasks``: each question, its key, score and feedback, with no
widgets), the lesson and exercise front doors (``lesson``, ``exercise``), scoring a label or a
quote against the key (``scoring``), the rewrite pre-checks (``rewrite``), article summaries
(``analysis``), the Validate-time completeness check (``completeness``), the reading-load
estimate (``reading_load``), the page helpers (``page``) and the kit's JupyterLab contents
manager (``lab``), and the generated exercise and lesson of any reviewed article (``generate``).

May import: content, tasks, widgets, grading.answers and grading (an exercise checks its own
answers with the grader's code). Never the reports or the CLI.

Its pure modules, ``scoring``, ``rewrite``, ``discernment``, ``lateral``, ``agreement``,
``retrieval``, ``analysis`` and ``review`` (a teacher's review of a draft annotation), import
only content and each other: the task models
(``tasks``), the grader and the reports use them.
"""
