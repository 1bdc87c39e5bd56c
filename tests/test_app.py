"""The app (medialit app, Voila): the index is read from the lessons, Lab-only text has an app version,
the hook serves lessons only and points each student's answers at a folder of their own."""

from __future__ import annotations

import re
import subprocess
import sys
from types import SimpleNamespace

import nbformat
import pytest
from conftest import ROOT
from tornado import web

from medialit.app.index import index_page
from medialit.app.lessons import lesson_entries
from medialit.app.notebook import APP_KEY, app_text, for_app
from medialit.app.server import Prelaunch
from medialit.app.students import cookie_secret, folder_name, student_folder
from medialit.cli.app import voila_argv
from medialit.cli.main import build_parser
from medialit.grading.answers import FOLDER_ENV

NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
# What only makes sense where there are cells to run, a kernel menu and a toolbar.
# What a notebook has and an app page has not (the app shows lessons, with no cells).
NOT_IN_APP = re.compile(r"notebook|arrow keys move between cells", re.I)
LAB_ONLY = re.compile(r"Run All|Run →|Shift \+ Enter|run (the|this|each|every) cells?|Restart Kernel|Kernel →", re.I)


def request(path: str, username: str | None = "student-a") -> SimpleNamespace:
    user = SimpleNamespace(username=username) if username is not None else None
    return SimpleNamespace(request=SimpleNamespace(path=path), current_user=user)


def test_the_index_lists_every_lesson_with_its_time_and_objectives():
    entries = lesson_entries(NOTEBOOKS)
    assert [e.file[:2] for e in entries] == [f"{n:02d}" for n in range(8)]
    for entry in entries:
        assert entry.title.startswith(entry.file[:2] + " · ")
        assert re.match(r"About \d+ minutes", entry.time), entry
        assert len(entry.objectives) >= 3, entry
    page = index_page(entries, "/base/")
    assert page.count('href="/base/voila/render/') == 8
    assert "About 35 minutes" in page and "<strong>sourcing profile</strong>" in page
    assert "**" not in page


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_lab_instruction_reaches_the_app(path):
    """Every markdown cell that tells the student to run cells or use Lab's menus has an app version."""
    nb = for_app(nbformat.read(path, as_version=4))
    lab_only = [c.source[:120] for c in nb.cells if c.cell_type == "markdown" and LAB_ONLY.search(c.source)]
    assert not lab_only, f"{path.name}: give these cells an app version (metadata.medialit.{APP_KEY}): {lab_only}"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_the_app_never_says_notebook(path):
    """The app shows lessons, not notebooks with cells: such a paragraph needs an app version."""
    nb = for_app(nbformat.read(path, as_version=4))
    found = [c.source[:120] for c in nb.cells if c.cell_type == "markdown" and NOT_IN_APP.search(c.source)]
    assert not found, f"{path.name}: give these cells an app version (metadata.medialit.{APP_KEY}): {found}"


def test_a_lesson_in_the_app_links_back_to_the_index():
    nb = for_app(nbformat.read(LESSONS[1], as_version=4), "/srv/a", index_url="/base/")
    assert nb.cells[0].cell_type == "code" and FOLDER_ENV in nb.cells[0].source  # the answers folder first
    assert nb.cells[1].cell_type == nb.cells[-1].cell_type == "markdown"
    assert nb.cells[1].source == nb.cells[-1].source == "[← All lessons](/base/)"
    assert len({c.id for c in nb.cells}) == len(nb.cells)


def test_app_versions_swap_or_drop_markdown_and_never_touch_code():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("Run → Run All Cells", metadata={"medialit": {APP_KEY: "Answer below."}}),
        nbformat.v4.new_markdown_cell("Lab only", metadata={"medialit": {APP_KEY: ""}}),
        nbformat.v4.new_code_cell("lesson.labeler()", metadata={"medialit": {APP_KEY: "x = 1"}}),
    ]
    assert app_text(nb.cells[0]) == "Answer below."
    out = for_app(nb)
    assert [c.source for c in out.cells] == ["Answer below.", "lesson.labeler()"]


def test_the_hook_serves_lessons_only_and_keeps_lab_files_for_one_student(tmp_path):
    hook = Prelaunch()
    nb = hook(request("/voila/render/01-anatomy.ipynb"), nbformat.read(LESSONS[1], as_version=4), str(NOTEBOOKS))
    assert FOLDER_ENV not in "".join(c.source for c in nb.cells)  # answers beside the notebook, as in Lab
    for name in ("instructor-workflow.ipynb", "..%2Fexercises%2Fps1-sources%2Fps1-sources.ipynb"):
        with pytest.raises(web.HTTPError) as refused:
            hook(request(f"/voila/render/{name}"), nbformat.v4.new_notebook(), str(NOTEBOOKS))
        assert refused.value.status_code == 404


def test_per_student_each_login_gets_its_own_answers_folder(tmp_path):
    hook = Prelaunch(str(tmp_path))
    folders = set()
    for user in ("student-a", "student-b"):
        nb = hook(request("/voila/render/01-anatomy.ipynb", user), nbformat.read(LESSONS[1], as_version=4), "")
        first = nb.cells[0]
        assert first.cell_type == "code" and FOLDER_ENV in first.source
        namespace: dict = {}
        environ: dict = {}
        exec(first.source.replace("_os.environ", "environ"), {"environ": environ}, namespace)  # noqa: S102
        folders.add(environ[FOLDER_ENV])
    assert folders == {str(tmp_path / "student-a"), str(tmp_path / "student-b")}
    with pytest.raises(web.HTTPError):
        hook(request("/voila/render/01-anatomy.ipynb", None), nbformat.v4.new_notebook(), "")


def test_folder_names_cannot_leave_the_students_folder(tmp_path):
    for name in ("../x", "a/b", "", ".", "..", "ö"):
        folder = student_folder(tmp_path, name)
        assert folder.parent == tmp_path and folder.name not in ("", ".", "..")
    assert folder_name("3f2a9c") == "3f2a9c" and folder_name("a b") != folder_name("a_b")


def test_the_cookie_secret_is_made_once_and_private(tmp_path):
    first = cookie_secret(tmp_path / "s")
    assert cookie_secret(tmp_path / "s") == first and len(first) == 32
    assert (tmp_path / "s" / ".cookie_secret").stat().st_mode & 0o077 == 0


def test_the_command_line(tmp_path):
    args = build_parser().parse_args(["app", "notebooks", "--per-student", str(tmp_path), "--no-browser"])
    argv = voila_argv(args)
    assert argv[0] == str(NOTEBOOKS.resolve()) or argv[0].endswith("notebooks")
    assert f"--MedialitVoila.per_student_dir={tmp_path.resolve()}" in argv and "--no-browser" in argv
    assert "--Voila.ip=127.0.0.1" in argv
    # A closed page's kernel is culled after 10 minutes; no kernel is started ahead unless asked for.
    assert "--MappingKernelManager.cull_idle_timeout=600" in argv and "--MedialitVoila.warm_kernels=0" in argv
    assert "--MappingKernelManager.cull_connected=False" in argv
    assert "--MedialitVoila.prepare=4" in argv  # the next lesson prepared for at most 4 students at once
    argv = voila_argv(build_parser().parse_args(["app", "--cull-idle", "0", "--warm-kernels", "3", "--prepare", "0"]))
    assert "--MappingKernelManager.cull_idle_timeout=0" in argv and "--MedialitVoila.warm_kernels=3" in argv
    assert "--MedialitVoila.prepare=0" in argv
    argv = voila_argv(build_parser().parse_args(["app", "--voila=--VoilaConfiguration.show_margins=True"]))
    assert argv[-1] == "--VoilaConfiguration.show_margins=True"  # any Voila option, passed on


def test_per_student_answers_inside_the_lessons_folder_are_refused():
    """The app serves the lessons' folder: students' answers kept inside it could be read by any student."""
    run = subprocess.run(
        [sys.executable, "-m", "medialit", "app", str(NOTEBOOKS), "--per-student", str(NOTEBOOKS / "answers")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1 and "inside the lessons folder" in run.stderr, run.stderr[-2000:]
    assert not (NOTEBOOKS / "answers").exists()


class FakeRenderer:
    """Stands in for Voila's renderer: a notebook that renders in two snippets."""

    def __init__(self) -> None:
        self.notebook = SimpleNamespace(metadata=SimpleNamespace(kernelspec=SimpleNamespace(name="python3")))
        self.stop_generator = False
        self.rendered_cache: list[str] = []

    async def initialize(self) -> None:
        return None

    async def generate_content_hybrid(self, kernel_id: str, kernel: object) -> tuple[list[str], object]:
        self.rendered_cache += ["<html>", f"<p>{kernel_id}</p>"]

        async def rest():
            yield "</html>", None

        return list(self.rendered_cache), rest()


class FakeKernels(dict):
    async def start_kernel(self, **kwargs: object) -> str:
        kernel_id = f"k{len(self.started)}"
        self.started.append(kernel_id)
        self[kernel_id] = kwargs
        return kernel_id

    def get_kernel(self, kernel_id: str) -> object:
        return self[kernel_id]

    async def shutdown_kernel(self, kernel_id: str, now: bool = False) -> None:
        del self[kernel_id]


def prepared_pages(root, limit: int):
    from medialit.app.prepared import PreparedPages

    kernels = FakeKernels()
    kernels.started = []
    app = SimpleNamespace(root_dir=str(root), kernel_manager=kernels, log=SimpleNamespace(info=lambda *a: None))
    pages = PreparedPages(app, limit)
    pages._renderer = lambda page: FakeRenderer()
    pages._env = dict
    return pages, kernels


def test_prepared_pages_are_bounded_used_once_and_never_stale(tmp_path):
    """One page per student, ``limit`` in all; a page is used only while its answers files are unchanged."""
    import asyncio
    import concurrent.futures

    for name in ("00-start-here", "01-anatomy", "02-who-says-so"):
        (tmp_path / f"{name}.ipynb").write_text("{}", encoding="utf-8")

    async def scenario() -> None:
        pages, kernels = prepared_pages(tmp_path, limit=2)
        assert pages.next_lesson(None) == "00-start-here.ipynb"
        assert pages.next_lesson("00-start-here.ipynb") == "01-anatomy.ipynb"
        assert pages.next_lesson("02-who-says-so.ipynb") is None
        for student in ("a", "b", "c"):  # three students, at most two pages: the oldest is dropped
            folder = tmp_path / student
            folder.mkdir()
            pages.viewed(student, "00-start-here.ipynb", str(folder), delay=0)
            await asyncio.sleep(0.05)
        assert sorted(pages.pages) == ["b", "c"] and len(kernels) == 2
        render, cache, kernel_id = await pages.take("b", "01-anatomy.ipynb", str(tmp_path / "b"))
        rendered, rest = await render
        assert cache and [s async for s, _ in rest] == ["</html>"] and kernel_id in kernels
        assert await pages.take("b", "01-anatomy.ipynb", str(tmp_path / "b")) is None  # used once
        # c saves lesson 01's answers (another tab) after the page was prepared: it is run again instead
        (tmp_path / "c" / "01-anatomy.answers.json").write_text("{}", encoding="utf-8")
        assert await pages.take("c", "01-anatomy.ipynb", str(tmp_path / "c")) is None
        await asyncio.sleep(0.05)
        assert list(kernels) == [kernel_id]  # the stale page's kernel was shut down
        pages.on_index("b", str(tmp_path / "b"))  # b opened 00 last: 01 again
        await asyncio.sleep(0.05)
        assert pages.pages["b"].notebook == "01-anatomy.ipynb"
        assert await pages.take("b", "02-who-says-so.ipynb", str(tmp_path / "b")) is None  # chose another
        await asyncio.sleep(0.05)
        assert not pages.pages and list(kernels) == [kernel_id]

    # in a thread of its own: a browser test run before it in this process (Playwright's sync API) leaves an
    # event loop running in the main thread, where asyncio.run refuses to start
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def test_answers_of_other_lessons_do_not_make_a_page_stale(tmp_path):
    from medialit.app.prepared import stamp

    (tmp_path / "01-anatomy.ipynb").write_text("{}", encoding="utf-8")
    before = stamp(tmp_path, "01-anatomy.ipynb", None)
    (tmp_path / "00-start-here.answers.json").write_text("{}", encoding="utf-8")
    assert stamp(tmp_path, "01-anatomy.ipynb", None) == before
    (tmp_path / "01-anatomy-practice.answers.json").write_text("{}", encoding="utf-8")
    assert stamp(tmp_path, "01-anatomy.ipynb", None) != before
