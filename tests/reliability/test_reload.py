"""Retraining while serving: HUP moves the workers to a new artifact without failing a request,
and an unusable new artifact is refused while the old model keeps serving."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import pytest
import requests

from model.artifact import read_manifest, save
from tests.reliability.conftest import LiveServer
from tools.gunicorn_process import ROOT, free_port, gunicorn_command
from tools.loadtest import Server

ARTICLE = (
    "German Chancellor Olaf Scholz said Germany would not send Taurus missiles. "
    "Poland urged allies to lift the limits on strikes inside Russia."
)
WAIT_SECONDS = 120.0


@dataclass
class Outcome:
    """One request of the background load."""

    started: float
    status: int | str
    version: str | None


@dataclass
class Load:
    """Clients posting the article back to back until stopped; every outcome is kept."""

    url: str
    clients: int = 4
    outcomes: list[Outcome] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def _client(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                answer = requests.post(f"{self.url}/predict", json={"text": ARTICLE}, timeout=60)
                version = answer.json()["model"]["version"] if answer.status_code == 200 else None
                self.outcomes.append(Outcome(started, answer.status_code, version))
            except (requests.RequestException, ValueError) as error:
                self.outcomes.append(Outcome(started, type(error).__name__, None))

    def __enter__(self) -> Load:
        self.threads = [threading.Thread(target=self._client) for _ in range(self.clients)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=WAIT_SECONDS)

    def versions_since(self, moment: float) -> set[str | None]:
        """The model versions that answered requests sent after `moment`."""
        return {o.version for o in list(self.outcomes) if o.started >= moment}

    def wait_for_requests(self, count: int, since: float) -> None:
        """Block until `count` requests sent after `since` have been answered."""
        deadline = time.monotonic() + WAIT_SECONDS
        while sum(o.started >= since for o in list(self.outcomes)) < count:
            assert time.monotonic() < deadline, "the load stalled"
            time.sleep(0.05)


def _loaded(server: Server) -> list[dict]:
    """The "model loaded" events the workers logged, in order."""
    assert server.log is not None
    lines = server.log.read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines if line.startswith("{")]
    return [e for e in events if e["event"] == "model loaded"]


def _wait_for_loads(server: Server, before: int, count: int, version: str) -> None:
    """Block until `count` more workers have loaded a model, and check it is `version`."""
    deadline = time.monotonic() + WAIT_SECONDS
    while len(_loaded(server)) < before + count:
        assert time.monotonic() < deadline, server.log.read_text(encoding="utf-8")
        time.sleep(0.1)
    assert {e["model_version"] for e in _loaded(server)[before:]} == {version}


def _hup(server: Server) -> None:
    """What `make reload` does: HUP to the pid in the pidfile."""
    os.kill(int(server.pidfile.read_text().strip()), signal.SIGHUP)


def _log_lines(server: Server, text: str) -> list[str]:
    """gunicorn's own log lines that contain `text`."""
    assert server.log is not None
    return [line for line in server.log.read_text(encoding="utf-8").splitlines() if text in line]


def _retrain(bundle: dict, manifest: dict, artifact: Path, version: str) -> None:
    """Write a new artifact the way `make train` does (model.artifact.save), with a new version."""
    save(bundle, {**manifest, "version": version}, artifact)


def _break(artifact: Path, how: str) -> str:
    """Make the configured artifact unusable; return what the refusal must mention."""
    if how == "corrupted":
        with artifact.open("r+b") as handle:
            handle.seek(artifact.stat().st_size // 2)
            handle.write(b"\0" * 64)
        return "does not match the sha256"
    if how == "other scikit-learn":
        manifest_path = artifact.with_suffix(".json")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest["libraries"]["scikit-learn"] = "0.24.2"
        manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
        return "trained with scikit-learn 0.24.2"
    artifact.unlink()
    return "no model artifact"


def test_reload_under_load_fails_no_request(live_server: LiveServer, artifact_copy: Path) -> None:
    server = live_server(artifact_copy, workers=2)
    bundle, manifest = joblib.load(artifact_copy), read_manifest(artifact_copy)
    old = manifest["version"]
    new = f"{old}+retrained"
    with Load(server.url) as load:
        load.wait_for_requests(20, since=0)

        # Retrained on disk but no reload yet: a respawned worker keeps the pinned model.
        _retrain(bundle, manifest, artifact_copy, new)
        before = len(_loaded(server))
        os.kill(_loaded(server)[-1]["pid"], signal.SIGTERM)
        _wait_for_loads(server, before, 1, old)

        before = len(_loaded(server))
        _hup(server)
        _wait_for_loads(server, before, 2, new)
        moved = time.monotonic() + 1.0  # the old workers finish the requests they hold
        load.wait_for_requests(20, since=moved)
        assert load.versions_since(moved) == {new}

        # A retrained artifact, then made unusable: refused with its reason, the model stays.
        for how in ("corrupted", "other scikit-learn", "missing"):
            _retrain(bundle, manifest, artifact_copy, f"{new}-{how}")
            reason = _break(artifact_copy, how)
            before = len(_loaded(server))
            _hup(server)
            _wait_for_loads(server, before, 2, new)
            refused = _log_lines(server, "reload refused")
            assert refused and reason in refused[-1], refused
            settled = time.monotonic() + 1.0
            load.wait_for_requests(10, since=settled)
            assert load.versions_since(settled) == {new}

    failed = [o for o in load.outcomes if o.status != 200]
    assert not failed, f"{len(failed)} of {len(load.outcomes)} requests failed: {failed[:5]}"
    assert {o.version for o in load.outcomes} == {old, new}
    assert len(_log_lines(server, "reload refused")) == 3


@pytest.mark.parametrize("how", ["corrupted", "other scikit-learn", "missing"])
def test_a_fresh_start_refuses_an_unusable_artifact_in_one_line(
    artifact_copy: Path, tmp_path: Path, how: str
) -> None:
    reason = _break(artifact_copy, how)
    pidfile = tmp_path / "gunicorn.pid"
    env = {**os.environ, "STANCE_MODEL_PATH": str(artifact_copy), "STANCE_PIDFILE": str(pidfile)}
    command = gunicorn_command(free_port())
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    refusals = [line for line in output.splitlines() if "stancewatch cannot start" in line]
    assert len(refusals) == 1 and reason in refusals[0], output
    assert str(artifact_copy) in refusals[0]
    assert "Traceback" not in output and "Booting worker" not in output
    assert not pidfile.exists()
