"""The optional access token: /predict* need `Authorization: Bearer <token>` when it is set."""

from __future__ import annotations

import hmac
import json
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from service import auth
from service.app import create_app
from service.config import load_settings
from service.state import EXTENSION_KEY

TOKEN = "s3cret-token-0123456789abcdef"
ARTICLE = {"text": "Poland urged allies to lift the limits on strikes inside Russia."}
BATCH = {"documents": [{"id": "1", **ARTICLE}]}


@pytest.fixture(scope="module")
def guarded(model_artifact: Path) -> Flask:
    """An app that requires the token."""
    return create_app({"STANCE_MODEL_PATH": str(model_artifact), "STANCE_API_TOKEN": TOKEN})


def _post(app: Flask, path: str, body: dict, authorization: str | None):
    """POST JSON with an optional Authorization header."""
    headers = {} if authorization is None else {"Authorization": authorization}
    return app.test_client().post(path, json=body, headers=headers)


@pytest.mark.parametrize(("path", "body"), [("/predict", ARTICLE), ("/predict/batch", BATCH)])
def test_prediction_needs_the_bearer_token(guarded: Flask, path: str, body: dict) -> None:
    missing = _post(guarded, path, body, None)
    assert missing.status_code == 401
    assert missing.json["error"]["code"] == "unauthorized"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert missing.headers["X-Request-ID"]

    wrong = _post(guarded, path, body, "Bearer " + TOKEN[:-1] + "x")
    assert wrong.status_code == 401
    assert 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]
    assert TOKEN not in wrong.get_data(as_text=True)

    assert _post(guarded, path, body, f"Bearer {TOKEN}").status_code == 200
    assert _post(guarded, path, body, f"bearer  {TOKEN} ").status_code == 200


@pytest.mark.parametrize("path", ["/health", "/metrics", "/openapi.json", "/model"])
def test_health_metrics_and_documents_stay_open(guarded: Flask, path: str) -> None:
    assert guarded.test_client().get(path).status_code == 200


def test_the_token_is_checked_before_the_body_is_read(guarded: Flask) -> None:
    client = guarded.test_client()
    malformed = client.post("/predict", data=b"{", content_type="application/json")
    assert malformed.status_code == 401
    too_large = client.post("/predict", data=b"x" * (2 << 20), content_type="text/plain")
    assert too_large.status_code == 401
    unknown = client.post("/predict/unknown", json=ARTICLE)
    assert unknown.status_code == 401


# Header values a client can send: Latin-1 without line breaks.
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60)
near_misses = st.one_of(
    header_text,
    header_text.map(lambda s: f"Bearer {s}"),
    st.integers(0, len(TOKEN) - 1).map(lambda n: f"Bearer {TOKEN[:n]}"),
    st.sampled_from(["Basic", "Token", "Bearer", "Bearer:", ""]).map(lambda s: f"{s} {TOKEN}x"),
    st.sampled_from([f"Basic {TOKEN}", f"Token {TOKEN}", f"Bearer{TOKEN}", TOKEN, "Bearer"]),
)


@settings(max_examples=150)
@given(header=near_misses)
def test_any_other_authorization_header_is_refused(guarded: Flask, header: str) -> None:
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() == "bearer" and rest.strip() == TOKEN:
        return  # the right token, however spaced
    response = _post(guarded, "/predict", ARTICLE, header)
    assert response.status_code == 401
    assert set(json.loads(response.get_data())) == {"error"}


def test_the_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    assert auth.token_matches(TOKEN, TOKEN)
    assert not auth.token_matches("x" * len(TOKEN), TOKEN)
    assert len(calls) == 2


def test_without_a_token_prediction_is_open_and_undocumented_401(model_artifact: Path) -> None:
    app = create_app({"STANCE_MODEL_PATH": str(model_artifact)})
    assert app.test_client().post("/predict", json=ARTICLE).status_code == 200
    doc = app.extensions[EXTENSION_KEY].openapi
    assert "401" not in doc["paths"]["/predict"]["post"]["responses"]
    assert "securitySchemes" not in doc["components"]


def test_the_document_declares_the_bearer_scheme(guarded: Flask) -> None:
    doc = guarded.extensions[EXTENSION_KEY].openapi
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path in ("/predict", "/predict/batch"):
        operation = doc["paths"][path]["post"]
        assert operation["security"] == [{"bearerAuth": []}]
        assert "401" in operation["responses"]
    assert "security" not in doc["paths"]["/health"]["get"]


@pytest.mark.parametrize(
    "token", ["short", "has a space in it 123456", "tøken-with-non-ascii-0123"]
)
def test_a_weak_or_unsendable_token_is_refused_without_echoing_it(token: str) -> None:
    with pytest.raises(ValueError, match="STANCE_API_TOKEN") as error:
        load_settings(environ={"STANCE_API_TOKEN": token})
    assert token not in str(error.value)


def test_the_token_never_appears_in_the_settings_repr() -> None:
    assert TOKEN not in repr(load_settings(environ={"STANCE_API_TOKEN": TOKEN}))
