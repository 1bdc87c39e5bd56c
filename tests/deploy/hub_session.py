"""A person at the Hub, driven with requests: log in through the login form, start their server, call its APIs.

Everything goes through the Hub's public address (configurable-http-proxy), as a browser's requests
would: the Hub's own pages and API under /hub/, a person's JupyterLab under /user/NAME/ (reached
by the OAuth redirects the Hub sends), a course's formgrader under /services/COURSE/.
Requests with cookies carry the ``_xsrf`` cookie back as the X-XSRFToken header, as JupyterLab does.
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlparse

import requests

XSRF_FIELD = re.compile(r'name="_xsrf"\s+value="([^"]+)"')


class HubError(AssertionError):
    """The Hub or a server answered something the test did not expect; the message shows the answer."""


class HubUser:
    """One person's browser-like session with the Hub at ``base`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, base: str, name: str, password: str):
        self.base = base.rstrip("/")
        self.name = name
        self.password = password
        self.http = requests.Session()

    # ---------------------------------------------------------------- the Hub

    def login(self) -> HubUser:
        """Fill in and send the Hub's login form (PAM checks the Linux password)."""
        page = self.http.get(f"{self.base}/hub/login", timeout=30)
        field = XSRF_FIELD.search(page.text)
        form = {"username": self.name, "password": self.password}
        if field:
            form["_xsrf"] = field.group(1)
        answer = self.http.post(f"{self.base}/hub/login?next=", data=form, allow_redirects=False, timeout=60)
        if answer.status_code != 302 or "jupyterhub-session-id" not in self.http.cookies:
            raise HubError(f"{self.name} could not log in: {answer.status_code} {answer.text[:500]}")
        return self

    def _xsrf_headers(self, path: str) -> dict[str, str]:
        """X-XSRFToken from the _xsrf cookie whose path covers ``path``."""
        best = ""
        token = ""
        for cookie in self.http.cookies:
            if cookie.name == "_xsrf" and path.startswith(cookie.path or "/") and len(cookie.path or "/") >= len(best):
                best, token = cookie.path or "/", cookie.value
        return {"X-XSRFToken": token} if token else {}

    def hub_api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = f"{self.base}/hub/api{path}"
        headers = {**self._xsrf_headers("/hub/"), **kwargs.pop("headers", {})}
        return self.http.request(method, url, headers=headers, timeout=kwargs.pop("timeout", 60), **kwargs)

    def start_server(self, timeout: float = 180) -> HubUser:
        """Ask the Hub to start this person's JupyterLab (as the Spawn button does) and wait until it is ready."""
        self.http.get(f"{self.base}/hub/home", timeout=30)  # sets the Hub's _xsrf cookie
        answer = self.hub_api("POST", f"/users/{self.name}/server")
        if answer.status_code not in (201, 202, 400):  # 400: already running
            raise HubError(f"{self.name}'s server did not start: {answer.status_code} {answer.text[:500]}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.hub_api("GET", f"/users/{self.name}").json()
            server = (model.get("servers") or {}).get("")
            if server and server.get("ready"):
                break
            time.sleep(0.5)
        else:
            raise HubError(f"{self.name}'s server was not ready within {timeout:.0f} s")
        self.open(f"/user/{self.name}/lab")  # the OAuth round trip: the server's own cookie
        return self

    def open(self, path: str) -> requests.Response:
        """GET a page as a browser would, following the Hub's OAuth redirects."""
        answer = self.http.get(self.base + path, timeout=120)
        final = urlparse(answer.url).path
        if final.startswith("/hub/login"):
            raise HubError(f"{self.name}: {path} sent back to the login page")
        return answer

    # ---------------------------------------------------------------- their own server

    def server(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Call this person's server (``path`` after /user/NAME)."""
        prefix = f"/user/{self.name}"
        headers = {**self._xsrf_headers(prefix + "/"), **kwargs.pop("headers", {})}
        return self.http.request(
            method, self.base + prefix + path, headers=headers, timeout=kwargs.pop("timeout", 120), **kwargs
        )

    def server_json(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self.server(method, path, **kwargs)
        if answer.status_code >= 300:
            raise HubError(f"{self.name}: {method} {path} answered {answer.status_code}: {answer.text[:800]}")
        return answer.json() if answer.content else None

    def assignments(self, course: str) -> list[dict[str, Any]]:
        """nbgrader's Assignments list, as the student's JupyterLab shows it."""
        return self.server_json("GET", "/assignments", params={"course_id": course})

    def assignment_action(self, action: str, course: str, assignment: str) -> Any:
        """fetch or submit, through nbgrader's assignment-list server extension."""
        data = {"course_id": course, "assignment_id": assignment}
        answer = self.server_json("POST", f"/assignments/{action}", data=data)
        if isinstance(answer, dict) and answer.get("success") is False:
            raise HubError(f"{self.name}: {action} {assignment} failed: {answer.get('value') or answer}")
        return answer

    def read_file(self, path: str) -> dict[str, Any]:
        return self.server_json("GET", f"/api/contents/{path}", params={"content": "1"})

    def write_text(self, path: str, text: str) -> dict[str, Any]:
        """Save a text file with the Jupyter contents API (as JupyterLab's editor does)."""
        model = {"type": "file", "format": "text", "content": text}
        return self.server_json("PUT", f"/api/contents/{path}", json=model)

    # ---------------------------------------------------------------- a course's formgrader

    def service(self, method: str, course: str, path: str, **kwargs: Any) -> requests.Response:
        prefix = f"/services/{course}"
        headers = {**self._xsrf_headers(prefix + "/"), **kwargs.pop("headers", {})}
        return self.http.request(
            method, self.base + prefix + path, headers=headers, timeout=kwargs.pop("timeout", 120), **kwargs
        )
