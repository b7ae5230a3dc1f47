"""Fixtures for the reliability tests: hypothesis settings, an app, a live gunicorn, and checks
that an answer is schema-valid and that its offsets point into the submitted text."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, settings
from jsonschema import Draft202012Validator

from service.app import create_app
from service.state import EXTENSION_KEY
from tools.loadtest import Server, start_server, stop_server

# Bounded so that `make test` stays fast; CI replays the same examples every run (derandomize),
# a developer's run explores new ones. No example database: nothing is written into the tree.
settings.register_profile(
    "stancewatch",
    deadline=None,  # timings belong in benchmarks, not in tests
    database=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("stancewatch")


@pytest.fixture(scope="session")
def reliability_app(model_artifact: Path) -> Flask:
    """An app with the session's model and the default limits (1 MB, 30 s worker timeout)."""
    return create_app({"STANCE_MODEL_PATH": str(model_artifact)})


@pytest.fixture(scope="session")
def openapi(reliability_app: Flask) -> dict[str, Any]:
    """The app's OpenAPI document."""
    return reliability_app.extensions[EXTENSION_KEY].openapi


def _validator(doc: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for one schema of the document, resolving its component references."""
    return Draft202012Validator({**schema, "components": doc["components"]})


def check_spans(text: str, actors: list[dict[str, Any]]) -> None:
    """Every mention and evidence passage must be the exact slice of `text` it claims."""
    for actor in actors:
        for span in [*actor["mentions"], *actor["evidence"]]:
            assert 0 <= span["start"] <= span["end"] <= len(text), span
            assert text[span["start"] : span["end"]] == span["text"], span
        assert actor["scores"][actor["stance"]] == actor["confidence"], actor


AnswerCheck = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def check_answer(openapi: dict[str, Any]) -> AnswerCheck:
    """Assert a response is a documented 200 or a 4xx error envelope, never a 5xx."""

    def check(path: str, status: int, content_type: str, body: bytes) -> dict[str, Any]:
        assert status < 500, f"{path} -> {status}: {body[:300]!r}"
        assert content_type.split(";")[0] == "application/json", content_type
        payload = json.loads(body)
        documented = openapi["paths"][path]["post"]["responses"].get(str(status))
        assert documented is not None, f"{path} -> {status} is not documented"
        schema = documented["content"]["application/json"]["schema"]
        _validator(openapi, schema).validate(payload)
        return payload

    return check


@pytest.fixture
def artifact_copy(model_artifact: Path, tmp_path: Path) -> Path:
    """A private copy of the session's artifact and manifest, free to be replaced or broken."""
    folder = tmp_path / "artifacts"
    folder.mkdir()
    for source in (model_artifact, model_artifact.with_suffix(".json")):
        shutil.copy2(source, folder / source.name)
    return folder / model_artifact.name


LiveServer = Callable[..., Server]


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """Start gunicorn (gunicorn.conf.py) on loopback with given settings; stopped afterwards."""
    started: list[Server] = []

    def start(artifact: Path, workers: int = 2, **env: str) -> Server:
        folder = tmp_path / f"server{len(started)}"
        folder.mkdir()
        settings_env = {"STANCE_MODEL_PATH": str(artifact), "LOG_LEVEL": "info", **env}
        server = start_server(workers, folder, settings_env)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_server(server)
