"""JupyterHub for medialit: real Linux accounts, one formgrader per course (nbgrader's "multiple classes" layout).

Started by ``bin/medialit-admin start hub`` (as root, from the shared environment). Everything
site-specific comes from the site file named by $MEDIALIT_SITE (see site.example.yaml):

- people log in with their Linux password (PAM); each gets their own JupyterLab, run as their own
  account from the shared environment (LocalProcessSpawner), with nbgrader's Assignments list and
  none of its instructor tools (the kit's jupyter-config/student settings);
- per course, the account ``grader-<course>`` runs formgrader as the Hub service ``<course>``
  (``/services/<course>/formgrader``), in the course folder it owns;
- group ``formgrade-<course>``: the course's instructors, the only people who may open that service;
  group ``nbgrader-<course>``: its students (and instructors), who see the course's assignments.
  A student holds no scope on any service, so every formgrader answers them 403.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import random
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "bin"))
from site_file import load_site  # noqa: E402 (deploy/bin/site_file.py, beside the admin tool)

c = get_config()  # noqa: F821 (provided by JupyterHub)
site = load_site(os.environ.get("MEDIALIT_SITE") or "/etc/medialit/site.yaml")
venv_bin = site.venv / "bin"
state = site.state / "hub"

# ---------------------------------------------------------------- the Hub, its proxy and its state
c.JupyterHub.ip = site.hub["ip"]
c.JupyterHub.port = site.hub["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = site.hub["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{site.hub['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = ["configurable-http-proxy"]  # npm's, on PATH (/usr/bin or /usr/local/bin)
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")  # medialit-admin stop reads it
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the Hub stops every student's server and the formgraders

# ---------------------------------------------------------------- who may log in
c.JupyterHub.authenticator_class = "pam"  # a real deployment: OAuth or LTI (README)
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = set(site.people())  # graders are no people: they cannot log in
c.Authenticator.admin_users = set(site.hub.get("admins") or [])

# ---------------------------------------------------------------- each person's own JupyterLab
# deploy/jupyter/student first: the Nbgrader menu comes back, holding only "Assignment List" (the kit's
# student settings turn off formgrader, Create Assignment and the course list, whose menu items go with them)
config_path = os.pathsep.join(
    str(site.prefix / "jupyter-config" / name) for name in ("deploy/student", "student", "kit")
)
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(venv_bin / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {
    "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
    "JUPYTER_CONFIG_PATH": config_path,  # no formgrader, no Create Assignment, no course list
}
c.Spawner.start_timeout = 120
# Each server's port comes from server_ports (below Linux's ephemeral range), not from the random free port the
# Hub picks by default: the kernels' ports are drawn from the ephemeral range too, and in the classroom
# benchmark (N=30) a kernel took a server's port before the server bound it: the Hub waited on a ZMQ socket
# for 120 s and gave up on that student's server.
ports = site.hub.get("server_ports") or [20000, 29999]


def server_port(spawner) -> None:  # Spawner.pre_spawn_hook
    for port in random.sample(range(int(ports[0]), int(ports[1]) + 1), 64):
        with socket.socket() as probe:
            try:
                probe.bind((spawner.ip or "127.0.0.1", port))
            except OSError:
                continue
        spawner.port = port
        return
    raise RuntimeError(f"no free port for {spawner.user.name}'s server in hub.server_ports {ports}")


c.Spawner.pre_spawn_hook = server_port
c.Spawner.http_timeout = 120
# What a student's server may ask the Hub: its owner's name and groups (nbgrader's JupyterHubAuthPlugin
# reads them to list the student's courses), and nothing about anyone else.
c.Spawner.server_token_scopes = [
    "users:activity!user",
    "access:servers!server",
    "read:users:name!user",
    "read:users:groups!user",
]

# ---------------------------------------------------------------- courses: groups, roles, formgraders
# JupyterHub stops itself when a course's formgrader is not up within the service's timeout (30 s by
# default): on a loaded machine (the classroom benchmark, load 20 on 2 cores) it took longer.
try:
    hub_major = int(importlib.metadata.version("jupyterhub").split(".")[0])
except importlib.metadata.PackageNotFoundError:  # read without the Hub (tests/deploy/test_site_config.py)
    hub_major = 0
groups: dict[str, dict[str, list[str]]] = {}
roles: list[dict] = []
services: list[dict] = []
for course, spec in site.courses.items():
    grader = site.grader(course)
    instructors = list(spec.get("instructors") or [])
    students = list(spec.get("students") or [])
    # The grader is a Hub user too (as in nbgrader's demo), never logged in (no password): formgrader's
    # JupyterHubAuthPlugin looks its service's account up at the Hub to find the course.
    groups[f"formgrade-{course}"] = {"users": [*instructors, grader]}
    groups[f"nbgrader-{course}"] = {"users": instructors + students}
    roles.append(
        {
            "name": f"formgrade-{course}",
            "description": f"open {course}'s formgrader",
            "groups": [f"formgrade-{course}"],
            "scopes": [f"access:services!service={course}"],
        }
    )
    roles.append(
        {
            "name": f"nbgrader-{course}",
            "description": f"see that the course {course} exists",
            "groups": [f"nbgrader-{course}"],
            "scopes": ["list:services", f"read:services!service={course}"],
        }
    )
    roles.append(
        {
            "name": f"service-{course}",
            "description": f"{course}'s formgrader adds and removes its students (nbgrader's JupyterHubAuthPlugin)",
            "services": [course],
            "scopes": ["list:users", "read:users", "list:groups", f"groups!group=nbgrader-{course}"],
        }
    )
    services.append(
        {
            "name": course,
            "url": f"http://127.0.0.1:{spec['service_port']}",
            "command": [str(venv_bin / "jupyterhub-singleuser")],
            "user": grader,
            "cwd": str(site.course_dir(course)),  # formgrader reads the course's nbgrader_config.py here
            "oauth_no_confirm": True,  # the Hub's own service: no "authorize access?" page for instructors
            **({"timeout": 180} if hub_major >= 6 else {}),  # a busy machine: formgrader took > 30 s to start
            "environment": {
                "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
                "HOME": str(site.home(grader)),
                "JUPYTERHUB_DEFAULT_URL": "/lab",
                "JUPYTER_CONFIG_PATH": os.pathsep.join(
                    [
                        str(site.prefix / "jupyter-config" / "deploy" / "grader"),
                        str(site.prefix / "jupyter-config" / "kit"),
                    ]
                ),
            },
        }
    )
# ---------------------------------------------------------------- a class at once (README: "Sizing")
# Measured with benchmarks/classroom.py. Each setting can be changed in the site file's hub: section.
# Spawns beyond this many at once get "too many users trying to log in, try again in a minute"
# (a starting server costs ~1 CPU-second; a class logging in together queues instead of thrashing).
c.JupyterHub.concurrent_spawn_limit = int(site.hub.get("concurrent_spawn_limit", 10))
# A kernel idle this long is shut down, also while its tab is open (answers are saved in files as the
# student goes; Run All brings the widgets back). An open lesson's kernel holds ~100 MB.
kernel_idle = int(site.hub.get("kernel_idle_timeout", 3600))
c.Spawner.args = [
    f"--MappingKernelManager.cull_idle_timeout={kernel_idle}",
    f"--MappingKernelManager.cull_interval={int(site.hub.get('cull_interval', 300))}",
    "--MappingKernelManager.cull_connected=True",
]
# A server nobody used for this long is stopped (jupyterhub-idle-culler, a Hub service run as nobody):
# its kernels go with it; the student's files stay, and their next login starts it again.
server_idle = int(site.hub.get("server_idle_timeout", 3600))
# How often a server tells the Hub it was used, and the Hub reads the proxy's activity (300 s by default):
# a quarter of the idle limit at most, or a short limit would stop a server still in use.
activity_every = max(10, min(300, server_idle // 4)) if server_idle > 0 else 300
c.JupyterHub.last_activity_interval = activity_every
c.Spawner.environment["JUPYTERHUB_ACTIVITY_INTERVAL"] = str(activity_every)
# 0: never (jupyterhub-idle-culler is not started).
if server_idle > 0 and importlib.util.find_spec("jupyterhub_idle_culler"):  # build-env installs it (medialit[scale])
    services.append(
        {
            "name": "idle-culler",
            # setpriv --pdeathsig: it stops with the Hub (the classroom benchmark found it outliving a stopped Hub)
            "command": [
                "/usr/bin/setpriv", "--pdeathsig", "TERM", "--", sys.executable, "-m", "jupyterhub_idle_culler",
                f"--timeout={server_idle}", f"--cull-every={int(site.hub.get('cull_interval', 300))}",
            ],
            "user": "nobody",
            "cwd": "/",
            "environment": {"HOME": "/", "PATH": f"{venv_bin}:/usr/bin:/bin"},
        }
    )  # fmt: skip
    roles.append(
        {
            "name": "idle-culler",
            "description": "stop the servers nobody used for a while",
            "services": ["idle-culler"],
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        }
    )

c.JupyterHub.load_groups = groups
c.JupyterHub.load_roles = roles
c.JupyterHub.services = services
