"""Start the project's gunicorn on a loopback port: shared by the load test, bench and tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Inherited values would make runs share state: gunicorn.conf.py makes its own metrics folder,
# and each caller chooses its own pidfile (or none).
_NOT_INHERITED = ("PROMETHEUS_MULTIPROC_DIR", "STANCE_PIDFILE")


def spawn_gunicorn(port: int, log: Path, settings: dict[str, str]) -> subprocess.Popen[bytes]:
    """gunicorn with gunicorn.conf.py on 127.0.0.1:`port`, its output in `log`."""
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(settings, PORT=str(port))
    command = [
        sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
        "--bind", f"127.0.0.1:{port}", "service.app:create_app()",
    ]  # fmt: skip
    with log.open("wb") as sink:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=sink)
