"""Fixtures for the HTTP service: apps built from the session's trained artifact, and clients
whose every response is checked against the app's own OpenAPI document."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from werkzeug.test import TestResponse

from service.app import create_app
from service.logs import LOGGER_NAME, JsonFormatter
from service.state import EXTENSION_KEY

ResponseChecker = Callable[[dict[str, Any], str, str, int, Mapping[str, str], bytes], None]


def check_against_openapi(
    doc: dict[str, Any],
    method: str,
    path: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
) -> None:
    """Assert that a response is documented in `doc` and that its body matches the schema."""
    assert headers.get("X-Request-ID"), f"{method} {path}: no X-Request-ID header"
    media = headers.get("Content-Type", "").split(";")[0].strip()
    operation = doc["paths"].get(path, {}).get(method.lower())
    if operation is None:
        # Unknown paths and methods are not operations; they must still use the error envelope.
        assert status in (404, 405), f"{method} {path} is not in the OpenAPI document"
        schema: dict[str, Any] = {"$ref": "#/components/schemas/ErrorResponse"}
        assert media == "application/json"
    else:
        documented = operation["responses"].get(str(status))
        assert documented is not None, f"{method} {path} -> {status} is not documented"
        assert media in documented["content"], f"{method} {path} -> {status}: {media} undocumented"
        schema = documented["content"][media]["schema"]
    instance = json.loads(body) if media == "application/json" else body.decode("utf-8")
    Draft202012Validator({**schema, "components": doc["components"]}).validate(instance)


class OpenAPIClient(FlaskClient):
    """A test client that checks every response against the app's OpenAPI document."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        """Send the request, then validate the response before handing it back."""
        response = super().open(*args, **kwargs)
        doc = self.application.extensions[EXTENSION_KEY].openapi
        check_against_openapi(
            doc,
            response.request.method,
            response.request.path,
            response.status_code,
            response.headers,
            response.get_data(),
        )
        return response


def _build(config: Mapping[str, Any]) -> Flask:
    """An app whose test client validates responses."""
    app = create_app(config)
    app.test_client_class = OpenAPIClient
    return app


@pytest.fixture(scope="session")
def app(model_artifact: Path) -> Flask:
    """One app with the session's model, shared by the tests that do not change settings."""
    return _build({"STANCE_MODEL_PATH": str(model_artifact)})


@pytest.fixture
def client(app: Flask) -> OpenAPIClient:
    """A validating test client of the shared app."""
    return app.test_client()


@pytest.fixture
def make_client(model_artifact: Path) -> Callable[..., OpenAPIClient]:
    """Build a fresh app with setting overrides and return its validating client."""

    def make(**overrides: Any) -> OpenAPIClient:
        config = {"STANCE_MODEL_PATH": str(model_artifact), **overrides}
        return _build(config).test_client()

    return make


@pytest.fixture
def unloaded_client(tmp_path: Path) -> OpenAPIClient:
    """A client of an app whose artifact does not exist."""
    return _build({"STANCE_MODEL_PATH": str(tmp_path / "missing.joblib")}).test_client()


@pytest.fixture
def openapi_doc(app: Flask) -> dict[str, Any]:
    """The shared app's OpenAPI document."""
    return app.extensions[EXTENSION_KEY].openapi


@pytest.fixture
def check_response() -> ResponseChecker:
    """The OpenAPI response check, for responses that did not come from the test client."""
    return check_against_openapi


class _Lines(logging.Handler):
    """Collect formatted log lines."""

    def __init__(self) -> None:
        """Format like the service's own handler."""
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the formatted line."""
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """The JSON lines the service logs while the test runs."""
    handler = _Lines()
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
