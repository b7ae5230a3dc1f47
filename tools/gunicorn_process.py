"""Start and stop the project's gunicorn on a loopback port: shared by the load test, the
bench and the tests."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOT_SECONDS = 120.0
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


def loaded_workers(log: Path) -> set[int]:
    """Pids of the workers that logged "model loaded" (the app's lines of the log are JSON)."""
    pids = set()
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{"):
            event = json.loads(line)
            if event.get("event") == "model loaded":
                pids.add(event["pid"])
    return pids


def health_status(port: int) -> int | None:
    """The status of GET /health on 127.0.0.1:`port`, or None while nothing answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/health")
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def wait_until_ready(
    process: subprocess.Popen[bytes], port: int, log: Path, workers: int,
    seconds: float = BOOT_SECONDS,
) -> float:  # fmt: skip
    """Seconds until `workers` workers have loaded the model and /health answers 200.

    Raises RuntimeError with the server's log if gunicorn exits or is not ready in time.
    """
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited early:\n" + log.read_text(errors="replace"))
        if len(loaded_workers(log)) >= workers and health_status(port) == 200:
            return time.perf_counter() - started
        time.sleep(0.1)
    raise RuntimeError(
        f"gunicorn was not ready in {seconds:g} s:\n" + log.read_text(errors="replace")
    )
