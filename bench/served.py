"""Throughput and latency over HTTP: gunicorn on a free loopback port, concurrent clients."""

from __future__ import annotations

import http.client
import json
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.corpus import Document
from tools.gunicorn_process import free_port, spawn_gunicorn, stop_gunicorn, wait_until_ready

ROOT = Path(__file__).resolve().parents[1]
REQUEST_SECONDS = 60


@dataclass(frozen=True)
class Load:
    """How hard to push the server: clients, requests and a time cap on the run."""

    workers: int
    clients: int
    requests: int
    seconds: float


@dataclass
class Server:
    """A running gunicorn, its port and log."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path


def post(port: int, body: bytes) -> tuple[int, float]:
    """POST /predict on a fresh connection; the status and the seconds to the full answer."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_SECONDS)
    try:
        connection.request("POST", "/predict", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


@contextmanager
def gunicorn(artifact: Path, workers: int) -> Iterator[Server]:
    """gunicorn with the project's gunicorn.conf.py on 127.0.0.1, stopped afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="stancewatch-bench-") as folder:
        settings = {
            "STANCE_MODEL_PATH": str(artifact),
            "WORKERS": str(workers),
            "LOG_LEVEL": "info",
        }
        log = Path(folder) / "server.log"
        process = spawn_gunicorn(port, log, settings)
        try:
            yield Server(process, port, log)
        finally:
            stop_gunicorn(process)


def worker_pids(master: int) -> list[int]:
    """The pids of the master's children (its workers), from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Field 4 (after the parenthesised name, which may hold spaces) is the parent pid.
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry.name))
    return sorted(pids)


def peak_rss_mb(pid: int) -> float | None:
    """A process's peak resident set size (VmHWM) in MB, if /proc shows it."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _drive(port: int, bodies: Sequence[bytes], load: Load) -> tuple[list[int], list[float], float]:
    """Send the requests from `load.clients` threads; statuses, latencies and wall seconds."""
    deadline = time.perf_counter() + load.seconds

    def client(offset: int) -> list[tuple[int, float]]:
        done = []
        for index in range(offset, load.requests, load.clients):
            if time.perf_counter() > deadline:
                break
            done.append(post(port, bodies[index % len(bodies)]))
        return done

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=load.clients) as pool:
        results = [r for batch in pool.map(client, range(load.clients)) for r in batch]
    wall = time.perf_counter() - started
    return [s for s, _ in results], [t for _, t in results], wall


def measure_served(artifact: Path, documents: Sequence[Document], load: Load) -> dict:
    """Served throughput and latency percentiles, worker RSS and boot time."""
    bodies = [json.dumps({"text": d.text}).encode() for d in documents]
    with gunicorn(artifact, load.workers) as server:
        boot = wait_until_ready(server.process, server.port, server.log, load.workers)
        for body in bodies[: load.workers * 2]:
            post(server.port, body)  # warm every worker before the clock starts
        statuses, latencies, wall = _drive(server.port, bodies, load)
        workers = worker_pids(server.process.pid)
        rss = {str(pid): peak_rss_mb(pid) for pid in workers}
    seconds = np.array(latencies)
    ok = sum(status == 200 for status in statuses)
    return {
        "workers": load.workers,
        "clients": load.clients,
        "requests": len(statuses),
        "ok": ok,
        "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "mean_words": round(float(np.mean([d.words for d in documents])), 1),
        "wall_s": round(wall, 3),
        "articles_per_s": round(ok / wall, 2),
        "p50_ms": round(float(np.percentile(seconds, 50)) * 1000, 3),
        "p95_ms": round(float(np.percentile(seconds, 95)) * 1000, 3),
        "p99_ms": round(float(np.percentile(seconds, 99)) * 1000, 3),
        "boot_s": round(boot, 2),
        "worker_peak_rss_mb": rss,
    }
