"""Task models: each question a student answers, as pure Python (no widgets, no ipywidgets).

A task owns its key and arguments, checks and normalises a saved answer, and says what the
answer scores and what feedback it earns (``score``, ``complete``, ``feedback_html``,
``completeness_html``, ``report_html``, ``result_data``). The widgets show a task; the
grader and the reports use tasks alone. The shared HTML of the feedback is ``markup``; the
one list of task kinds is ``registry``.

A new question is a task here (a subclass of ``base.Task``, or a ``choices.ChoiceTableTask``
whose rows it builds), its view in ``medialit.widgets`` (imported in ``widgets.views``) and one
entry in ``registry.KINDS``: the Lesson method, the plan's ``grading.plan.FACTORIES`` and
``widgets.views.VIEWS`` are made from that list (tests/test_task_kinds.py checks they agree).

May import: content and pure teaching (teaching's ``scoring``, ``rewrite``, ``discernment``,
...). Never the widgets or ipywidgets, the lessons, grading, the reports or the CLI.
"""
