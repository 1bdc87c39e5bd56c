"""deploy/: the Hub's configuration is built from the site file alone, and a wrong site file says where and how.

Fast and without root (the end-to-end run is test_deployment.py).
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest
from traitlets.config import Config

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
EXAMPLE = DEPLOY / "site.example.yaml"
sys.path.insert(0, str(DEPLOY / "bin"))

from site_file import SiteError, load_site  # noqa: E402


def hub_config(site: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    config = Config()
    monkeypatch.setenv("MEDIALIT_SITE", str(site))
    runpy.run_path(str(DEPLOY / "jupyterhub_config.py"), init_globals={"get_config": lambda: config})
    return config


def test_the_hub_config_follows_the_site_file(monkeypatch: pytest.MonkeyPatch) -> None:
    c = hub_config(EXAMPLE, monkeypatch)
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.JupyterHub.spawner_class == "localprocess"
    assert c.Authenticator.allowed_users == {"instructor1", "instructor2", "student1", "student2", "student3"}
    groups = c.JupyterHub.load_groups
    assert groups["formgrade-media101"]["users"] == ["instructor1", "instructor2", "grader-media101"]
    assert groups["nbgrader-media101"]["users"] == ["instructor1", "instructor2", "student1", "student2", "student3"]
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    # only the formgrade group may open the course's formgrader; students only see that the course exists
    assert roles["formgrade-media101"]["scopes"] == ["access:services!service=media101"]
    assert not any(s.startswith("access:services") for s in roles["nbgrader-media101"]["scopes"])
    # the course's formgrader, and the idle culler where jupyterhub-idle-culler is installed (medialit[scale])
    names = [s["name"] for s in c.JupyterHub.services]
    assert sorted(names) in (["media101"], ["idle-culler", "media101"])
    (service,) = [s for s in c.JupyterHub.services if s["name"] == "media101"]
    assert service["name"] == "media101" and service["user"] == "grader-media101"
    assert service["cwd"] == "/srv/medialit/courses/media101"
    assert service["url"] == "http://127.0.0.1:9101"
    assert service["command"] == ["/opt/medialit/venv/bin/jupyterhub-singleuser"]
    # students' servers: the shared environment, the kit's student settings, a token that reads only its owner
    assert c.Spawner.cmd == ["/opt/medialit/venv/bin/jupyterhub-singleuser"]
    assert c.Spawner.environment["JUPYTER_CONFIG_PATH"].split(":") == [
        "/opt/medialit/jupyter-config/deploy/student",  # the Nbgrader menu back, for its Assignment List
        "/opt/medialit/jupyter-config/student",  # the kit's: no formgrader, Create Assignment or course list
        "/opt/medialit/jupyter-config/kit",
    ]
    assert all(scope.endswith(("!user", "!server")) for scope in c.Spawner.server_token_scopes)


def test_the_gradebook_url_is_the_courses_own_database() -> None:
    site = load_site(EXAMPLE)
    assert site.db_url("media101") == (
        "postgresql+psycopg:///medialit_media101?host=/srv/medialit/run/postgresql&port=5432"
    )
    assert site.grader("media101") == "grader-media101"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("service_port: 9101", "service_port: nine"), "courses.media101.service_port must be a whole number"),
        (("students: [student1", "students: [Student 1"), "'Student 1' is not a valid Linux account name"),
        (("instructors: [instructor1", "instructors: [grader-x"), "'grader-' names are the courses' own accounts"),
        (("  media101:", "  Media 101:"), "course id 'Media 101' must be lower-case"),
        (("hub:", "hubb:"), "the file has no 'hub'"),
    ],
)
def test_a_wrong_site_file_says_where(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert change[0] in text
    site = tmp_path / "site.yaml"
    site.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(SiteError, match=rf"^{site}: .*") as caught:
        load_site(site)
    assert message in str(caught.value)


def test_a_missing_site_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match="Copy deploy/site.example.yaml there"):
        load_site(tmp_path / "nope.yaml")


def _admin_module():
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader("medialit_admin", str(DEPLOY / "bin" / "medialit-admin"))
    spec = importlib.util.spec_from_loader("medialit_admin", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_stop_ends_a_proxy_the_hub_left_running_and_nothing_else(tmp_path: Path) -> None:
    """A Hub killed before its clean-up leaves its proxy (its own session) running: stop ends it by its pid file."""
    import subprocess
    from types import SimpleNamespace

    admin = _admin_module()
    site = SimpleNamespace(state=tmp_path)
    (tmp_path / "hub").mkdir()
    pid_file = tmp_path / "hub" / admin.PROXY_PID_FILE
    proxy = subprocess.Popen(["bash", "-c", "exec -a configurable-http-proxy sleep 120"], start_new_session=True)
    other = subprocess.Popen(["sleep", "120"])  # a pid file naming a process that is no proxy: left alone
    try:
        pid_file.write_text(f"{other.pid}\n")
        assert admin.stop_left_proxy(site) is None
        assert other.poll() is None
        pid_file.write_text(f"{proxy.pid}\n")
        assert admin.stop_left_proxy(site) == proxy.pid
        assert proxy.wait(timeout=30) is not None
        assert not pid_file.exists()
        assert admin.stop_left_proxy(site) is None  # no pid file: nothing to do
    finally:
        for p in (proxy, other):
            p.kill()
            p.wait()


def test_stop_ends_the_servers_a_killed_hub_left_and_nothing_else(tmp_path: Path) -> None:
    """A person's server or kernel (the site's Python, run as that person) outliving the Hub is ended by stop."""
    import os
    import pwd
    import subprocess
    from types import SimpleNamespace

    if os.geteuid() != 0:
        pytest.skip("starts a process as another account (root only)")
    admin = _admin_module()
    venv = tmp_path / "venv"
    site = SimpleNamespace(venv=venv, people=lambda: ["nobody", "no-such-person"])
    server = subprocess.Popen(
        ["bash", "-c", f"exec -a {venv}/bin/jupyterhub-singleuser sleep 120"], user="nobody", start_new_session=True
    )
    mine = subprocess.Popen(["bash", "-c", f"exec -a {venv}/bin/python sleep 120"])  # root's: not a person's
    elsewhere = subprocess.Popen(["sleep", "120"], user="nobody")  # a person's, not the site's Python
    try:
        assert pwd.getpwnam("nobody")
        assert admin.stop_left_servers(site) == [server.pid]
        assert server.wait(timeout=30) is not None
        assert mine.poll() is None and elsewhere.poll() is None
    finally:
        for p in (server, mine, elsewhere):
            p.kill()
            p.wait()
