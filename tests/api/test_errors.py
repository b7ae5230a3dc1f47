"""Every error answers the JSON envelope with the right status and code, and never crashes."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from service.state import EXTENSION_KEY

VALID = "Poland urged allies to lift the limits on strikes inside Russia."


def _error(response) -> dict[str, str]:
    """The error object of an error response, after checking the envelope has nothing else."""
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    return body["error"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "text: field required"),
        ({"text": None}, "text: must be a string"),
        ({"text": 42}, "text: must be a string"),
        ({"text": 4.2}, "text: must be a string"),
        ({"text": True}, "text: must be a string"),
        ({"text": ["a"]}, "text: must be a string"),
        ({"text": ""}, "text: must not be empty"),
        ({"text": " \n\t "}, "text: must not be blank"),
        ({"text": VALID, "actors": "Poland"}, "actors: must be a list"),
        ({"text": VALID, "actors": {"Poland": 1}}, "actors: must be a list"),
        ({"text": VALID, "actors": [1]}, "actors.0: must be a string"),
        ({"text": VALID, "actors": ["Poland", None]}, "actors.1: must be a string"),
        ({"text": VALID, "actors": [""]}, "actors.0: must not be empty"),
        ({"text": VALID, "actors": ["  "]}, "actors.0: must not be blank"),
        ({"text": VALID, "actor": ["Poland"]}, "actor: unknown field"),
        ([], "body: must be a JSON object"),
        ("just a string", "body: must be a JSON object"),
        (None, "body: must be a JSON object"),
        (7, "body: must be a JSON object"),
    ],
)
def test_invalid_json_fields_are_400(client, body: Any, message: str) -> None:
    response = client.post("/predict", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert _error(response) == {"code": "invalid_request", "message": message}


def test_several_invalid_fields_are_all_named(client) -> None:
    response = client.post("/predict", json={"text": 1, "actors": [2, 3, 4]})
    assert response.status_code == 400
    assert _error(response)["message"] == (
        "text: must be a string; actors.0: must be a string; actors.1: must be a string; and 1 more"
    )


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b'{"text": "a",}', b"{'text': 'a'}", b'{"text": "a"} trailing', b"\xef\xbb\xbf{}"],
)
def test_malformed_json_is_400(client, raw: bytes) -> None:
    response = client.post("/predict", data=raw, content_type="application/json")
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "malformed_json"
    assert error["message"].startswith("malformed JSON: ")


def test_deeply_nested_json_is_400_not_a_crash(client) -> None:
    response = client.post("/predict", data=b"[" * 200_000, content_type="application/json")
    assert response.status_code == 400
    assert _error(response) == {
        "code": "malformed_json",
        "message": "malformed JSON: nested too deeply",
    }


def test_unpaired_surrogate_escape_is_400(client) -> None:
    raw = b'{"text": "Poland \\ud800 urged allies."}'
    response = client.post("/predict", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert _error(response) == {
        "code": "invalid_request",
        "message": "text: must be valid Unicode text",
    }


@pytest.mark.parametrize("content_type", ["application/json", "text/plain; charset=utf-8"])
def test_invalid_utf8_is_400(client, content_type: str) -> None:
    raw = b'{"text": "Pol\xffand"}' if content_type == "application/json" else b"Pol\xffand"
    position = raw.index(b"\xff")
    response = client.post("/predict", data=raw, content_type=content_type)
    assert response.status_code == 400
    assert _error(response) == {
        "code": "invalid_utf8",
        "message": f"body is not valid UTF-8 (byte {position})",
    }


@pytest.mark.parametrize(
    ("raw", "message"), [(b"", "text: must not be empty"), (b" \r\n ", "text: must not be blank")]
)
def test_empty_or_blank_plain_text_is_400(client, raw: bytes, message: str) -> None:
    response = client.post("/predict", data=raw, content_type="text/plain; charset=utf-8")
    assert response.status_code == 400
    assert _error(response) == {"code": "invalid_request", "message": message}


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        (
            None,
            "content type 'none' is not supported; use application/json or text/plain; "
            "charset=utf-8",
        ),
        (
            "application/x-www-form-urlencoded",
            "content type 'application/x-www-form-urlencoded' "
            "is not supported; use application/json or text/plain; charset=utf-8",
        ),
        (
            "text/html",
            "content type 'text/html' is not supported; use application/json or "
            "text/plain; charset=utf-8",
        ),
        ("text/plain; charset=latin-1", "charset 'latin-1' is not supported; use utf-8"),
        ("application/json; charset=utf-16", "charset 'utf-16' is not supported; use utf-8"),
    ],
)
def test_unsupported_content_type_is_415(client, content_type: str | None, message: str) -> None:
    response = client.post("/predict", data=VALID.encode(), content_type=content_type)
    assert response.status_code == 415
    assert _error(response) == {"code": "unsupported_media_type", "message": message}


def test_body_over_the_limit_is_413_and_at_the_limit_is_not(make_client: Callable) -> None:
    client = make_client(STANCE_MAX_BYTES=64)
    at_limit = VALID.encode()[:64]
    assert len(at_limit) == 64
    ok = client.post("/predict", data=at_limit, content_type="text/plain")
    assert ok.status_code == 200
    over = client.post("/predict", data=at_limit + b"x", content_type="text/plain")
    assert over.status_code == 413
    assert _error(over) == {
        "code": "payload_too_large",
        "message": "request body exceeds 64 bytes",
    }
    batch = client.post("/predict/batch", json={"documents": [{"id": "1", "text": VALID}]})
    assert batch.status_code == 413


def test_default_body_limit_is_one_megabyte(client) -> None:
    over = b"a" * (1024 * 1024 + 1)
    response = client.post("/predict", data=over, content_type="text/plain")
    assert response.status_code == 413
    assert _error(response)["message"] == "request body exceeds 1048576 bytes"


@pytest.mark.parametrize("path", ["/nowhere", "/predict/", "/predict/batch/x"])
def test_unknown_path_is_json_404(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert _error(response) == {"code": "not_found", "message": f"no endpoint at {path}"}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/predict", "POST"),
        ("put", "/predict/batch", "POST"),
        ("post", "/health", "GET"),
        ("delete", "/model", "GET"),
        ("post", "/metrics", "GET"),
        ("post", "/openapi.json", "GET"),
    ],
)
def test_wrong_method_is_json_405_with_allow(client, method: str, path: str, allowed: str) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert _error(response) == {
        "code": "method_not_allowed",
        "message": f"{method.upper()} is not allowed on {path}",
    }
    assert allowed in response.headers["Allow"]


def test_unexpected_failure_is_500_without_traceback(
    app, client, monkeypatch: pytest.MonkeyPatch, log_lines: list[str]
) -> None:
    secret = "The article text that must never be shown or logged."

    def explode(text: str, actors: list[str] | None = None) -> None:
        raise RuntimeError(f"model failed on {text!r}")

    monkeypatch.setattr(app.extensions[EXTENSION_KEY].model, "predict", explode)
    response = client.post("/predict", json={"text": secret}, headers={"X-Request-ID": "req-500"})
    assert response.status_code == 500
    assert _error(response) == {"code": "internal_error", "message": "internal server error"}
    raw = response.get_data(as_text=True)
    assert "Traceback" not in raw and secret not in raw
    events = [json.loads(line) for line in log_lines]
    failure = next(e for e in events if e["event"] == "unhandled exception")
    assert failure["request_id"] == "req-500"
    assert failure["error_type"] == "RuntimeError"
    assert "explode" in failure["traceback"]
    assert not any(secret in line for line in log_lines)


def test_every_error_is_logged_with_its_request_id(client, log_lines: list[str]) -> None:
    client.post("/predict", json={"text": ""}, headers={"X-Request-ID": "req-400"})
    client.get("/nowhere", headers={"X-Request-ID": "req-404"})
    errors = [json.loads(line) for line in log_lines if '"event": "error"' in line]
    assert [(e["request_id"], e["status"], e["code"], e["level"]) for e in errors] == [
        ("req-400", 400, "invalid_request", "WARNING"),
        ("req-404", 404, "not_found", "WARNING"),
    ]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/predict", {"text": VALID}),
        ("/predict/batch", {"documents": [{"id": "1", "text": VALID}, {"id": "2", "text": VALID}]}),
    ],
)
def test_prediction_over_budget_is_json_503(
    make_client: Callable, monkeypatch: pytest.MonkeyPatch, path: str, body: dict[str, Any]
) -> None:
    client = make_client(STANCE_TIMEOUT=0.25)
    state = client.application.extensions[EXTENSION_KEY]
    assert state.settings.predict_budget == 0.2

    def slow(text: str, actors: list[str] | None = None) -> None:
        time.sleep(10)

    monkeypatch.setattr(state.model, "predict", slow)
    started = time.monotonic()
    response = client.post(path, json=body)
    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert _error(response) == {
        "code": "timeout",
        "message": "the prediction took longer than 0.2 s; send shorter texts",
    }
    # The alarm is disarmed afterwards: a later request that takes half the budget (a quarter
    # per document) is not interrupted. The answer is computed beforehand, so the machine's
    # load cannot matter.
    monkeypatch.undo()
    answer = state.model.predict(VALID)

    def half_budget(text: str, actors: list[str] | None = None):
        time.sleep(0.05)
        return answer

    monkeypatch.setattr(state.model, "predict", half_budget)
    assert client.post(path, json=body).status_code == 200


@pytest.mark.parametrize(("size", "status"), [(64, 200), (65, 413), (5000, 413)])
def test_streamed_body_over_the_limit_is_413_not_truncated(
    make_client: Callable, size: int, status: int
) -> None:
    # A chunked body has no Content-Length; the server marks it terminated, as gunicorn does.
    client = make_client(STANCE_MAX_BYTES=64)
    body = (VALID * 100).encode()[:size]
    response = client.post(
        "/predict",
        input_stream=io.BytesIO(body),
        content_type="text/plain",
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == status
    if status == 413:
        assert _error(response)["code"] == "payload_too_large"
