"""gunicorn settings for stancewatch: `gunicorn -c gunicorn.conf.py "service.app:create_app()"`."""

from __future__ import annotations

import glob
import os
import shutil
import sys
import tempfile

_MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# gunicorn re-executes this file on HUP, so what must outlive a reload is kept on the arbiter.
_OWNED_METRICS_DIR = "stancewatch_metrics_dir"

# One single-threaded process per core: OpenMP threads inside a worker (the aggregator's
# boosted trees) would fight the other workers for the same cores. The workers inherit this.
os.environ.setdefault("OMP_NUM_THREADS", "1")

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
    """Refuse to start without a servable model, then give the workers a fresh metrics dir."""
    from service.pinning import PINS, PinError  # stdlib only: the master never loads the model

    PINS.source = os.environ.get("STANCE_MODEL_PATH") or None
    try:
        pinned = PINS.pin()
    except PinError as error:
        server.log.error("stancewatch cannot start: %s", error)
        if server.pidfile is not None:
            server.pidfile.unlink()
        sys.exit(1)
    server.log.info("model %s (sha256 %s) pinned at %s", pinned.version, pinned.sha256, pinned.path)
    _metrics_dir(server)


def on_reload(server) -> None:
    """On HUP: move the new workers to the configured artifact if it checks out, else keep the
    model they serve now."""
    from service.pinning import PINS, PinError

    try:
        pinned = PINS.pin()
    except PinError as error:
        kept = PINS.keep()
        server.log.error("reload refused, still serving model %s: %s", kept.version, error)
        return
    server.log.info("reload: model %s (sha256 %s) pinned", pinned.version, pinned.sha256)


def _metrics_dir(server) -> None:
    """Give the workers a fresh shared metrics directory before any of them starts."""
    path = os.environ.get(_MULTIPROC_ENV)
    if path:
        os.makedirs(path, exist_ok=True)
        # Files left by an earlier run would be summed into this run's figures.
        for stale in glob.glob(os.path.join(path, "*.db")):
            os.remove(stale)
    else:
        path = tempfile.mkdtemp(prefix="stancewatch-metrics-")
        setattr(server, _OWNED_METRICS_DIR, path)
        os.environ[_MULTIPROC_ENV] = path
    server.log.info("prometheus multiprocess dir: %s", path)


def child_exit(server, worker) -> None:
    """Drop a dead worker's live gauges; its counters stay and keep counting in the totals."""
    from prometheus_client import multiprocess  # only in the master, after on_starting

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    """Remove the pinned models, and the metrics directory if this server made it."""
    from service.pinning import PINS

    PINS.remove_all()
    owned = getattr(server, _OWNED_METRICS_DIR, None)
    if owned:
        shutil.rmtree(owned, ignore_errors=True)
