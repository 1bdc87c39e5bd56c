"""The app's server: Voila serving the lessons folder, with the lesson index as its front page.

Everything else is Voila's own: each page view starts a kernel in the lessons folder and runs the
lesson's cells there, exactly as JupyterLab would, with the code hidden (``strip_sources``).
The prelaunch hook (``Prelaunch``) serves lessons only, swaps Lab-only text for its app version
and, with ``per_student_dir``, points the kernel's answers at the student's own folder.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.ioloop import IOLoop
from traitlets import Int, Unicode
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from medialit.app.index import index_page
from medialit.app.kernels import WarmKernelManager
from medialit.app.lessons import LESSON_GLOB, lesson_entries
from medialit.app.notebook import for_app
from medialit.app.prepared import PreparedPages
from medialit.app.students import cookie_secret, student_folder

SERVED = (LESSON_GLOB, "discernment-check.ipynb")  # the lessons and the self-study discernment check
# The browser extensions a lesson page loads: the widgets' and Voila's widget manager. Lab's others
# (nbgrader's, nbdime's, the notebook's) do nothing on a lesson page and cost the page their scripts.
EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"]


def is_served(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in SERVED)


class Prelaunch:
    """Voila's prelaunch hook: which notebooks the app serves, and how they read in it."""

    def __init__(self, per_student_dir: str = ""):
        self.per_student_dir = per_student_dir

    def student(self, req: Any) -> tuple[str, str | None]:
        """Who asks (their login; "" for the one student) and their answers folder (None: beside the lesson)."""
        if not self.per_student_dir:
            return "", None
        user = req.current_user
        if user is None or not getattr(user, "username", ""):
            raise web.HTTPError(403, "log in first")
        return user.username, str(student_folder(self.per_student_dir, user.username))

    def __call__(self, req: Any, notebook: Any, cwd: str) -> Any:
        name = os.path.basename(unquote(req.request.path))
        if not is_served(name):
            raise web.HTTPError(404, f"{name} is not one of the lessons")
        _, folder = self.student(req)
        # Voila's page asks the server to shut its kernel down when it is left, a POST that must carry
        # the _xsrf cookie: reading the token sets that cookie on this page (voila-dashboards/voila#1458).
        getattr(req, "xsrf_token", None)
        return for_app(notebook, folder, index_url=getattr(req, "base_url", "/"))


class IndexHandler(JupyterHandler):
    """The front page: every lesson, its time and its objectives."""

    def initialize(self, root: str, where: str) -> None:
        self.root = root
        self.where = where

    @web.authenticated
    def get(self, path: str = "") -> None:
        self.set_header("Cache-Control", "no-cache")
        self.finish(index_page(lesson_entries(self.root), self.base_url, self.where))
        app = self.settings["medialit-app"]
        app.prepared.on_index(*app.prelaunch.student(self))


class LessonHandler(TornadoVoilaHandler):
    """Voila's lesson page, sent at once when it was prepared for this student (medialit.app.prepared)."""

    async def get_generator(self, path: str | None = None) -> Any:
        app = self.settings["medialit-app"]
        name = unquote(path or "")
        own = is_served(os.path.basename(name)) and not self.get_argument("template", None)
        own = own and not self.get_argument("theme", None)
        student, folder = app.prelaunch.student(self) if own else ("", None)
        taken = await app.prepared.take(student, name, folder) if own else None
        if taken is None:
            async for snippet in super().get_generator(path=path):
                yield snippet
        else:
            self.xsrf_token  # noqa: B018  (sets the _xsrf cookie the page's kernel shutdown needs; see Prelaunch)
            self.set_header("Content-Type", "text/html")
            self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
            render, cache, _ = taken
            if cache:
                yield "".join(cache)
            rendered, rest = await render
            if len(rendered) > len(cache):
                yield "".join(rendered[len(cache) :])
            async for snippet, _ in rest:
                yield snippet
        if own:
            app.prepared.viewed(student, name, folder)


def where_saved(per_student_dir: str) -> str:
    if per_student_dir:
        return "Your answers are saved as you go, in a folder of your own on this server."
    return "Your answers are saved as you go, in the same files JupyterLab uses, and come back when you return."


class MedialitVoila(Voila):
    """Voila with the lesson index at / (and at voila/tree) and the kit's prelaunch hook."""

    name = "medialit-app"
    per_student_dir = Unicode("", config=True, help="Keep each student's answers in a folder of their own here.")
    warm_kernels = Int(0, config=True, help="Kernels kept started for the next page views (0: start one per page).")
    prepare = Int(4, config=True, help="Lesson pages prepared ahead, one per student, at most this many (0: none).")

    def initialize(self, argv: Any = None) -> None:
        super().initialize(argv)
        self.voila_configuration.show_tracebacks = False
        if not self.voila_configuration.extension_allowlist:  # unless --voila gave a list
            self.voila_configuration.extension_allowlist = EXTENSIONS
        if self.per_student_dir:
            self.per_student_dir = str(Path(self.per_student_dir).resolve())
            root = Path(self.root_dir).resolve()
            if Path(self.per_student_dir).is_relative_to(root):
                raise ValueError(
                    f"The students' answers folder {self.per_student_dir} is inside the lessons folder {root}: "
                    "choose a folder outside it (the app must not serve one student's answers to another)."
                )
            self.cookie_secret = cookie_secret(self.per_student_dir)
        self.prelaunch = Prelaunch(self.per_student_dir)
        self.voila_configuration.prelaunch_hook = self.prelaunch
        self.voila_configuration.multi_kernel_manager_class = WarmKernelManager

    def init_settings(self) -> dict:
        settings = super().init_settings()
        manager = self.kernel_manager
        manager.warm_kernels = self.warm_kernels
        manager.warm_env = {  # as Voila sets them for a page's kernel; the page's request is added when it is taken
            "VOILA_PREHEAT": "False",
            "VOILA_BASE_URL": self.base_url,
            "VOILA_SERVER_URL": self.server_url or self.base_url,
        }
        self.prepared = PreparedPages(self, self.prepare, keep=max(3600, manager.cull_idle_timeout))
        manager.keep = self.prepared.keeps
        manager.initialize_culler()
        IOLoop.current().add_callback(manager.fill)
        return settings

    def init_handlers(self) -> list:
        index = (IndexHandler, {"root": self.root_dir, "where": where_saved(self.per_student_dir)})
        own = [
            (self.server_url, *index),
            (url_path_join(self.server_url, r"/voila/tree(.*)"), *index),
        ]
        render = url_path_join(self.server_url, r"/voila/render/(.*)")
        voila = [h for h in super().init_handlers() if h[0] != render or h[1] is not TornadoVoilaHandler]
        lesson = {"template_paths": self.template_paths, "config": self.config}
        own.append((render, LessonHandler, {**lesson, "voila_configuration": self.voila_configuration}))
        return own + voila
