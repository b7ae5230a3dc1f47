"""The real server: gunicorn with two workers on a free loopback port."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

import model
from tools.gunicorn_process import free_port, spawn_gunicorn, stop_gunicorn, wait_until_ready

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = (
    "German Chancellor Olaf Scholz said Germany would not send Taurus missiles. "
    "Poland urged allies to lift the limits on strikes inside Russia."
)
BOOT_SECONDS = 90
REQUEST_SECONDS = 30


@dataclass
class Server:
    """A running gunicorn and where to find its traces."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path
    pidfile: Path

    def log_events(self) -> list[dict]:
        """The JSON lines the app wrote (gunicorn's own lines are plain text)."""
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]


@pytest.fixture
def server(model_artifact: Path, tmp_path: Path) -> Iterator[Server]:
    """gunicorn with gunicorn.conf.py, two workers, stopped (forcibly if need be) afterwards."""
    port = free_port()
    settings = {
        "STANCE_MODEL_PATH": str(model_artifact),
        "WORKERS": "2",
        "STANCE_PIDFILE": str(tmp_path / "gunicorn.pid"),
        "LOG_LEVEL": "info",
    }
    log = tmp_path / "server.log"
    process = spawn_gunicorn(port, log, settings)
    running = Server(process, f"http://127.0.0.1:{port}", log, tmp_path / "gunicorn.pid")
    try:
        wait_until_ready(process, port, log, workers=2, seconds=BOOT_SECONDS)
        yield running
    finally:
        stop_gunicorn(process)


def _probe(port: str) -> int:
    """The exit status of the container health probe against `port`."""
    env = {**os.environ, "PORT": port}
    command = [sys.executable, "-m", "service.healthcheck"]
    return subprocess.run(command, cwd=ROOT, env=env, timeout=REQUEST_SECONDS).returncode


def _predict(url: str) -> int:
    """POST the article on a fresh connection; return the status."""
    with requests.post(f"{url}/predict", json={"text": ARTICLE}, timeout=REQUEST_SECONDS) as r:
        return r.status_code


def _predict_count(metrics_text: str) -> float:
    """The /predict 200 count in a Prometheus exposition."""
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            wanted = {"endpoint": "/predict", "method": "POST", "status": "200"}
            if sample.name == "stancewatch_http_requests_total" and sample.labels == wanted:
                return sample.value
    return 0.0


def test_gunicorn_serves_counts_all_workers_and_stops_cleanly(
    server: Server, check_response, stance_model: model.StanceModel
) -> None:
    with requests.get(f"{server.url}/openapi.json", timeout=REQUEST_SECONDS) as response:
        doc = response.json()

    with requests.post(f"{server.url}/predict", json={"text": ARTICLE}, timeout=30) as answer:
        assert answer.status_code == 200
        check_response(doc, "POST", "/predict", 200, answer.headers, answer.content)
        body = answer.json()
    assert body["model"] == {"version": stance_model.version}
    assert body["actors"] == stance_model.predict(ARTICLE).to_dict()["actors"]
    assert {"Germany", "Poland"} <= {actor["actor"] for actor in body["actors"]}

    with requests.post(f"{server.url}/predict", data=b"{", timeout=30,
                       headers={"Content-Type": "application/json"}) as bad:  # fmt: skip
        assert bad.status_code == 400
        check_response(doc, "POST", "/predict", 400, bad.headers, bad.content)
        assert bad.json()["error"]["code"] == "malformed_json"

    # Concurrent requests on fresh connections land on both workers; keep the count exact.
    sent = 1
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(5):
            statuses = list(pool.map(lambda _: _predict(server.url), range(24)))
            assert statuses == [200] * 24
            sent += 24
            served_by = {
                e["pid"]
                for e in server.log_events()
                if e["event"] == "request" and e["path"] == "/predict" and e["status"] == 200
            }
            if len(served_by) == 2:
                break
    assert len(served_by) == 2, "every request went to one worker"

    with requests.get(f"{server.url}/metrics", timeout=REQUEST_SECONDS) as metrics:
        assert metrics.status_code == 200
        check_response(doc, "GET", "/metrics", 200, metrics.headers, metrics.content)
        assert _predict_count(metrics.text) == sent

    assert int(server.pidfile.read_text().strip()) == server.process.pid
    multiproc_dir = next(
        line.split("prometheus multiprocess dir: ", 1)[1].strip()
        for line in server.log.read_text(encoding="utf-8").splitlines()
        if "prometheus multiprocess dir: " in line
    )
    assert Path(multiproc_dir).is_dir()

    port = server.url.rsplit(":", 1)[1]
    assert _probe(port) == 0
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    assert _probe(port) == 1
    assert not server.pidfile.exists()
    assert not Path(multiproc_dir).exists()
    assert "Shutting down: Master" in server.log.read_text(encoding="utf-8")
