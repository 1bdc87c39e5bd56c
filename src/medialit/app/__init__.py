"""The lessons as a web app (Voila): no code on the page, the same widgets and answer files as in Lab.

Owns: the lesson index (``lessons``, ``index``), how a lesson reads in the app (``notebook``: Lab-only
text swapped for its app version), whose answers folder a page uses (``students``) and the server
(``server``, a Voila with the index page and the prelaunch hook).

May import: content and grading.answers. Never the widgets, the lessons or the grader: the lessons
run in the kernel exactly as in Lab, and the app only chooses the folder their answers go to.
"""
