"""Task models: each question a student answers, as pure Python (no widgets, no ipywidgets).

A task owns its key and arguments, checks and normalises a saved answer, and says what the
answer scores and what feedback it earns (``score``, ``complete``, ``feedback_html``,
``completeness_html``, ``report_html``, ``result_data``). The widgets show a task; the
grader and the reports use tasks alone. The shared HTML of the feedback is ``markup``; the
registry of the plan's factory names is ``registry``.

A new question is a task here (a subclass of ``base.Task``, or a ``choices.ChoiceTableTask``
whose rows it builds) and its view in ``medialit.widgets`` (listed in ``widgets.views.VIEWS``);
a graded one also gets a registry entry, a Lesson method of the same name and a place in
``grading.plan.FACTORIES`` (tests/test_layering.py checks the four agree).

May import: content and pure teaching (teaching's ``scoring``, ``rewrite``, ``discernment``,
...). Never the widgets or ipywidgets, the lessons, grading, the reports or the CLI.
"""
