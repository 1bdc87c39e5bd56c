"""nbgrader's global settings for the shared environment (installed by bin/build-env into the venv's etc/jupyter).

Every account's JupyterLab reads this: one exchange folder shared by all courses, and the Hub's
groups decide who sees which course (``nbgrader-<course>``: students, ``formgrade-<course>``:
instructors). A course's own folder adds its course id, gradebook and exchange in its own
nbgrader_config.py (``medialit course init --course-id … --db-url … --exchange …``).
"""

from nbgrader.auth import JupyterHubAuthPlugin

c = get_config()  # noqa: F821 (provided by nbgrader)
c.Exchange.root = "/srv/nbgrader/exchange"
c.Exchange.path_includes_course = True  # a student's copy is ~/COURSE/ASSIGNMENT: two courses never collide
c.Authenticator.plugin_class = JupyterHubAuthPlugin
