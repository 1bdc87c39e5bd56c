"""The classroom benchmark (benchmarks/classroom.py) at a small N, so it does not rot.

Five students at once through the Hub of deploy/ (its own environment, folders, course and
accounts, apart from the deployment test's), one of them in Chromium: every one logs in, starts a
server, runs lesson 01, submits ps1 and opens lesson 01 in the app (Voila); the grader grades all
five on Celery; the idle kernels and servers are culled after the benchmark's idle limits; and
afterwards no account, folder or process of it remains.
Runs as root with CI=true or MEDIALIT_DEPLOY_TEST=1 (a few minutes: it builds its environment).
"""

from __future__ import annotations

import os
import pwd
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_deployment import _missing_tools, _why_not, build_env_vars

pytestmark = [pytest.mark.deployment, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
N = 5
CULL_WAIT = 180  # the benchmark's server idle limit (90 s) + its checks (15 s) and some margin


def test_a_class_at_once_then_nothing_remains(tmp_path: Path) -> None:
    reason = _why_not()
    if reason:
        pytest.skip(reason)
    missing = _missing_tools()
    if missing:
        pytest.fail(f"the classroom benchmark needs: {', '.join(missing)} (see deploy/README.md)", pytrace=False)
    figures = tmp_path / "figures.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "classroom.py"), "--students", str(N), "--time-limit", "900"]
    cmd += ["--browsers", "1", "--cull-wait", str(CULL_WAIT), "--label", "CI", "--json", str(figures)]
    env = {**os.environ, **build_env_vars(), "PYTHONUNBUFFERED": "1"}  # build-env with uv where the test venv has it
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=2400, env=env)
    said = run.stdout + run.stderr
    print(said)
    assert run.returncode == 0, said[-4000:]
    assert f"submitted {N}/{N}; graded {N}/{N}" in said, said[-4000:]
    assert "FAILED" not in said, said[-4000:]
    by_api = ("log in (the form)", "start the server", "run lesson 01's cells (kernel)", "app: lesson 01 page (Voila)")
    in_browser = ("Chromium: log in + Spawn → Lab", "Chromium: Run All → first widget",
                  "Chromium: app (Voila) lesson 01 → first widget")  # fmt: skip
    for phase, count in [
        *((p, N - 1) for p in by_api),
        *((p, 1) for p in in_browser),
        ("save answers + submit ps1", N),
    ]:
        assert re.search(rf"^{re.escape(phase)}\s+{count}\s+0\s", said, re.M), (phase, said[-4000:])
    assert re.search(r"^kernels alive at the end: [1-9]", said, re.M), said[-2000:]  # the lessons' kernels
    assert re.search(rf"^kernels alive {CULL_WAIT} s after .*: 0$", said, re.M), said[-2000:]  # culled when idle
    assert re.search(rf"^students' servers running {CULL_WAIT} s after .*: 0$", said, re.M), said[-2000:]
    assert "no account, folder or process of the benchmark remains" in said, said[-2000:]
    for i in range(1, N + 1):
        with pytest.raises(KeyError):
            pwd.getpwnam(f"mlb-s{i:02d}")
    assert not Path("/srv/medialit-bench").exists()
