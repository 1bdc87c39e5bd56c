"""``medialit app``: the lessons as a web app (Voila), with no code on the page."""

from __future__ import annotations

import argparse
from pathlib import Path


def voila_argv(args: argparse.Namespace) -> list[str]:
    """The Voila command line of ``medialit app`` (see medialit.app.server)."""
    argv = [
        str(Path(args.folder).resolve()),
        f"--port={args.port}",
        f"--Voila.ip={args.ip}",
        "--Voila.port_retries=0" if args.exact_port else "--Voila.port_retries=50",
        "--VoilaConfiguration.show_tracebacks=False",
    ]
    cull = max(args.cull_idle, 0)
    argv += [
        f"--MappingKernelManager.cull_idle_timeout={cull}",  # a page left without a word (a closed laptop)
        f"--MappingKernelManager.cull_interval={min(60, max(1, cull // 2))}",
        "--MappingKernelManager.cull_connected=False",  # a page still open keeps its kernel
        f"--MedialitVoila.warm_kernels={max(args.warm_kernels, 0)}",
        f"--MedialitVoila.prepare={max(args.prepare, 0)}",
    ]
    if args.no_browser:
        argv.append("--no-browser")
    if args.per_student:
        argv.append(f"--MedialitVoila.per_student_dir={Path(args.per_student).resolve()}")
    if args.token is not None:
        argv.append(f"--token={args.token}")
    return argv + list(args.voila)


def cmd_app(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if not any(folder.glob("[0-9][0-9]-*.ipynb")):
        raise FileNotFoundError(
            f"{folder} holds no lessons (00-start-here.ipynb ...): run `medialit app` in the medialit folder, "
            "or give the lessons' folder, e.g. `medialit app notebooks` (`medialit lessons DIR` copies them)"
        )
    from medialit.app.server import MedialitVoila

    MedialitVoila.launch_instance(argv=voila_argv(args))
    return 0


def add_app_command(sub: argparse._SubParsersAction) -> None:
    app = sub.add_parser(
        "app",
        help="serve the lessons as a web app (Voila): an index page, each lesson without code; answers as in Lab",
    )
    app.add_argument("folder", nargs="?", default="notebooks", help="the lessons' folder (default: notebooks)")
    app.add_argument("--port", type=int, default=8866, help="the port (default 8866, or the next free one)")
    app.add_argument("--exact-port", action="store_true", help="fail if the port is taken instead of trying others")
    app.add_argument("--ip", default="127.0.0.1", help="the address to listen on (default: this computer only)")
    app.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    app.add_argument(
        "--per-student",
        metavar="DIR",
        help="several students on this server: keep each browser login's answers in a folder of its own "
        "under DIR (outside the lessons' folder); without it answers are saved beside the lessons, as in Lab",
    )
    app.add_argument(
        "--cull-idle",
        type=int,
        default=600,
        metavar="SECONDS",
        help="shut down a lesson's kernel once its page has been closed and idle this long "
        "(default 600; keep it a minute or more: a page connects a few seconds after its lesson has run; 0: never)",
    )
    app.add_argument(
        "--warm-kernels",
        type=int,
        default=0,
        metavar="N",
        help="kernels kept started, the kit loaded, for the next pages (default 0: on the machines measured so "
        "far they did not make a lesson appear sooner; see docs/app.md)",
    )
    app.add_argument(
        "--prepare",
        type=int,
        default=4,
        metavar="N",
        help="prepare the lesson each student will likely open next (after a lesson, the next one), so it "
        "opens at once; one per student, at most N at once, about 70 MB each (default 4; 0: none)",
    )
    app.add_argument(
        "--voila",
        action="append",
        default=[],
        metavar="OPTION",
        help="pass an option on to Voila, e.g. --voila=--VoilaConfiguration.show_margins=True (may be repeated)",
    )
    app.add_argument("--token", default=None, help="require this login token (default: none on this computer)")
    app.set_defaults(func=cmd_app)
