"""Limits: a batch counts against the same byte limit as one article, and the worker timeout
is a setting that the prediction budget follows."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest
from flask import Flask

from service.config import MAX_BATCH, MAX_BYTES, load_settings
from tools.loadtest import ROOT

SENTENCE = "Poland urged allies to lift the limits on strikes inside Russia. "


def _batch(total_bytes: int) -> bytes:
    """A batch of MAX_BATCH small documents whose JSON body is exactly `total_bytes` long."""
    documents = [{"id": str(i), "text": SENTENCE} for i in range(MAX_BATCH)]
    body = json.dumps({"documents": documents}).encode()
    documents[0]["text"] += "x" * (total_bytes - len(body))
    body = json.dumps({"documents": documents}).encode()
    assert len(body) == total_bytes
    return body


def test_a_batch_over_the_byte_limit_is_413(reliability_app: Flask) -> None:
    client = reliability_app.test_client()
    response = client.post(
        "/predict/batch", data=_batch(MAX_BYTES + 1), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_a_batch_at_the_byte_limit_is_answered(reliability_app: Flask) -> None:
    client = reliability_app.test_client()
    response = client.post(
        "/predict/batch", data=_batch(MAX_BYTES), content_type="application/json"
    )
    assert response.status_code == 200
    assert len(response.json["results"]) == MAX_BATCH


@pytest.mark.parametrize(("setting", "expected"), [(None, 30), ("7", 7), ("12.4", 12)])
def test_the_worker_timeout_is_the_stance_timeout_setting(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, expected: int
) -> None:
    if setting is None:
        monkeypatch.delenv("STANCE_TIMEOUT", raising=False)
    else:
        monkeypatch.setenv("STANCE_TIMEOUT", setting)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["timeout"] == expected
    assert conf["graceful_timeout"] == expected
    # The app answers a JSON 503 before gunicorn would kill the worker.
    assert load_settings().predict_budget < conf["timeout"]


def test_the_gunicorn_config_does_no_work_when_read(tmp_path: Path) -> None:
    """Reading gunicorn.conf.py (as gunicorn does on every HUP) pins nothing and makes no folder."""
    before = set(Path("/tmp").glob("stancewatch-*"))
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert set(Path("/tmp").glob("stancewatch-*")) == before
