"""Start and stop the project's gunicorn on a loopback port: shared by the load test, the
bench and the tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Inherited values would make runs share state: gunicorn.conf.py makes its own metrics folder,
# and each caller chooses its own pidfile (or none).
_NOT_INHERITED = ("PROMETHEUS_MULTIPROC_DIR", "STANCE_PIDFILE")


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command(port: int) -> list[str]:
    """The command line of gunicorn with gunicorn.conf.py on 127.0.0.1:`port`."""
    return [
        sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
        "--bind", f"127.0.0.1:{port}", "service.app:create_app()",
    ]  # fmt: skip


def spawn_gunicorn(port: int, log: Path, settings: dict[str, str]) -> subprocess.Popen[bytes]:
    """gunicorn with gunicorn.conf.py on 127.0.0.1:`port`, its output in `log`."""
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(settings, PORT=str(port))
    with log.open("wb") as sink:
        return subprocess.Popen(gunicorn_command(port), cwd=ROOT, env=env, stdout=sink, stderr=sink)


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn gracefully (so that it cleans up), forcibly if it hangs."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait(timeout=30)
