"""Teaching: what a lesson or exercise notebook imports and what it checks.

Owns: the lesson and exercise front doors (``lesson``, ``exercise``), scoring a label or a
quote against the key (``scoring``), the rewrite pre-checks (``rewrite``), article summaries
(``analysis``), the Validate-time completeness check (``completeness``), the reading-load
estimate (``reading_load``), the page helpers (``page``) and the kit's JupyterLab contents
manager (``lab``).

May import: content, widgets and the answers file format (``grading.answers``). Never the
reports or the CLI.
"""
