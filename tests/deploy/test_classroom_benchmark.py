"""The classroom benchmark (benchmarks/classroom.py) at a small N, so it does not rot.

Three students at once through the Hub of deploy/ (its own environment, folders, course and
accounts, apart from the deployment test's): every one logs in, starts a server, runs lesson 01 and
submits ps1; the grader grades all three on Celery; the idle kernels are culled after the
benchmark's kernel idle limit; and afterwards no account, folder or process of it remains.
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
from test_deployment import _missing_tools, _why_not

pytestmark = [pytest.mark.deployment, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
N = 3


def test_three_students_at_once_then_nothing_remains(tmp_path: Path) -> None:
    reason = _why_not()
    if reason:
        pytest.skip(reason)
    missing = [m for m in _missing_tools() if not m.startswith("chromium")]
    if missing:
        pytest.fail(f"the classroom benchmark needs: {', '.join(missing)} (see deploy/README.md)", pytrace=False)
    figures = tmp_path / "figures.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "classroom.py"), "--students", str(N), "--time-limit", "900"]
    cmd += ["--cull-wait", "150", "--label", "CI", "--json", str(figures)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=2400, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    said = run.stdout + run.stderr
    print(said)
    assert run.returncode == 0, said[-4000:]
    assert f"submitted {N}/{N}; graded {N}/{N}" in said, said[-4000:]
    assert "FAILED" not in said, said[-4000:]
    phases = ("log in (the form)", "start the server", "run lesson 01's cells (kernel)", "save answers + submit ps1")
    for phase in phases:
        assert re.search(rf"^{re.escape(phase)}\s+{N}\s+0\s", said, re.M), (phase, said[-4000:])
    assert re.search(r"^kernels alive at the end: [1-9]", said, re.M), said[-2000:]  # each student's lesson kernel
    assert re.search(r"^kernels alive 150 s later .*: 0$", said, re.M), said[-2000:]  # culled when idle
    assert "no account, folder or process of the benchmark remains" in said, said[-2000:]
    for i in range(1, N + 1):
        with pytest.raises(KeyError):
            pwd.getpwnam(f"mlb-s{i:02d}")
    assert not Path("/srv/medialit-bench").exists()
