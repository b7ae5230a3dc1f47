"""gunicorn settings for stancewatch: `gunicorn -c gunicorn.conf.py "service.app:create_app()"`."""

from __future__ import annotations

import glob
import os
import shutil
import tempfile

_MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_created_multiproc_dir: str | None = None

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WORKERS", "2"))
# The app answers a 503 `timeout` after 80% of this; gunicorn kills a worker stuck longer.
timeout = max(1, round(float(os.environ.get("STANCE_TIMEOUT") or "30")))
graceful_timeout = timeout
# Off: every worker imports the app after the fork and loads its own model, so no worker
# inherits sockets, locks or metric files from the master.
preload_app = False
pidfile = os.environ.get("STANCE_PIDFILE") or None
# The app writes one structured JSON line per request; gunicorn's access log would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn >= 24 opens a control socket under $HOME, shared by every server of the user and
# not writable for the container's user; stancewatch does not use it.
control_socket_disable = True
# Heartbeat files on tmpfs when there is one: a slow disk must not get workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def on_starting(server) -> None:
    """Give the workers a fresh shared metrics directory before any of them starts."""
    global _created_multiproc_dir
    path = os.environ.get(_MULTIPROC_ENV)
    if path:
        os.makedirs(path, exist_ok=True)
        # Files left by an earlier run would be summed into this run's figures.
        for stale in glob.glob(os.path.join(path, "*.db")):
            os.remove(stale)
    else:
        path = _created_multiproc_dir = tempfile.mkdtemp(prefix="stancewatch-metrics-")
        os.environ[_MULTIPROC_ENV] = path
    server.log.info("prometheus multiprocess dir: %s", path)


def child_exit(server, worker) -> None:
    """Drop a dead worker's live gauges; its counters stay and keep counting in the totals."""
    from prometheus_client import multiprocess  # only in the master, after on_starting

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    """Remove the metrics directory if this server made it."""
    if _created_multiproc_dir:
        shutil.rmtree(_created_multiproc_dir, ignore_errors=True)
