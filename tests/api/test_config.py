"""Settings precedence, request logging, and an import that does no work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.app import create_app
from service.config import Settings, load_settings
from service.state import EXTENSION_KEY

ROOT = Path(__file__).resolve().parents[2]


def test_defaults() -> None:
    assert load_settings(environ={}) == Settings(
        model_path=None, max_bytes=1048576, max_batch=100, log_level="INFO", timeout=30.0
    )
    assert load_settings(environ={}).predict_budget == 24.0


def test_environment_overrides_defaults_and_config_overrides_environment() -> None:
    environ = {
        "STANCE_MAX_BYTES": "2048",
        "STANCE_MAX_BATCH": "5",
        "STANCE_TIMEOUT": "10",
        "LOG_LEVEL": "debug",
    }
    env = load_settings(environ=environ)
    assert (env.max_bytes, env.max_batch, env.timeout, env.log_level) == (2048, 5, 10.0, "DEBUG")
    both = load_settings({"STANCE_MAX_BATCH": 9, "STANCE_MODEL_PATH": "/m.joblib"}, environ)
    assert (both.max_bytes, both.max_batch, both.model_path) == (2048, 9, Path("/m.joblib"))


def test_empty_environment_values_fall_back_to_defaults() -> None:
    assert load_settings(environ={"STANCE_MAX_BATCH": "", "LOG_LEVEL": ""}).max_batch == 100


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"STANCE_MAX_BYTES": "1MB"}, "STANCE_MAX_BYTES must be a positive integer, got '1MB'"),
        ({"STANCE_MAX_BATCH": "0"}, "STANCE_MAX_BATCH must be a positive integer, got '0'"),
        ({"STANCE_MAX_BATCH": "-3"}, "STANCE_MAX_BATCH must be a positive integer, got '-3'"),
        (
            {"STANCE_TIMEOUT": "soon"},
            "STANCE_TIMEOUT must be a positive number of seconds, got 'soon'",
        ),
        ({"STANCE_TIMEOUT": "0"}, "STANCE_TIMEOUT must be a positive number of seconds, got '0'"),
        (
            {"STANCE_TIMEOUT": "nan"},
            "STANCE_TIMEOUT must be a positive number of seconds, got 'nan'",
        ),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, got 'loud'"),
    ],
)
def test_invalid_settings_fail_fast_with_a_clear_message(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError) as raised:
        load_settings(environ=environ)
    assert str(raised.value) == message


def test_create_app_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch, model_artifact: Path
) -> None:
    monkeypatch.setenv("STANCE_MODEL_PATH", str(model_artifact))
    monkeypatch.setenv("STANCE_MAX_BYTES", "4096")
    monkeypatch.setenv("STANCE_MAX_BATCH", "3")
    app = create_app()
    assert app.config["MAX_CONTENT_LENGTH"] == 4096
    state = app.extensions[EXTENSION_KEY]
    assert state.settings.max_batch == 3
    assert state.model is not None
    assert app.test_client().get("/health").status_code == 200


def test_config_dict_beats_the_environment(
    monkeypatch: pytest.MonkeyPatch, model_artifact: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv("STANCE_MODEL_PATH", str(tmp_path / "missing.joblib"))
    monkeypatch.setenv("STANCE_MAX_BYTES", "4096")
    app = create_app({"STANCE_MODEL_PATH": str(model_artifact), "STANCE_MAX_BYTES": 100})
    assert app.config["MAX_CONTENT_LENGTH"] == 100
    assert app.extensions[EXTENSION_KEY].model is not None


def test_missing_artifact_reason_is_logged(tmp_path: Path, log_lines: list[str]) -> None:
    missing = tmp_path / "missing.joblib"
    app = create_app({"STANCE_MODEL_PATH": str(missing)})
    assert app.extensions[EXTENSION_KEY].model is None
    (event,) = [json.loads(line) for line in log_lines]
    assert event["event"] == "model not loaded"
    assert event["level"] == "ERROR"
    assert str(missing) in event["reason"]


def test_one_json_line_per_request_without_the_article(client, log_lines: list[str]) -> None:
    text = "Poland urged allies to lift the limits, said the secret-marker source."
    response = client.post("/predict", json={"text": text}, headers={"X-Request-ID": "log-1"})
    assert response.status_code == 200
    events = [json.loads(line) for line in log_lines]
    (line,) = [e for e in events if e["event"] == "request"]
    assert {k: line[k] for k in ("method", "path", "status", "request_id")} == {
        "method": "POST",
        "path": "/predict",
        "status": 200,
        "request_id": "log-1",
    }
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert not any("secret-marker" in raw for raw in log_lines)


def test_importing_the_service_does_no_work() -> None:
    code = (
        "import sys, service.app, service.metrics, service.schemas; "
        "print(sorted(m for m in ('model', 'sklearn', 'joblib') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
    assert result.stderr == ""
