"""Optional bearer-token access control for the prediction endpoints (STANCE_API_TOKEN)."""

from __future__ import annotations

import hmac

from flask import Flask, Response, request

from service.errors import error_response
from service.state import current_state

# Every path under these needs the token; /health, /model, /metrics and /openapi.json stay open.
PROTECTED_PREFIX = "/predict"
SCHEME = "bearer"


def is_protected(path: str) -> bool:
    """True for /predict and anything below it, matched or not, so no route slips through."""
    return path == PROTECTED_PREFIX or path.startswith(PROTECTED_PREFIX + "/")


def presented_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    scheme, _, token = (header or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != SCHEME or not token:
        return None
    return token


def token_matches(presented: str, expected: str) -> bool:
    """Compare in constant time, so the answer's timing does not leak the token."""
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))


def _unauthorized(message: str, challenge: str) -> Response:
    """A 401 in the error envelope, with the challenge RFC 6750 asks for."""
    response = error_response(401, "unauthorized", message)
    response.headers["WWW-Authenticate"] = challenge
    return response


def check_token() -> Response | None:
    """before_request hook: a 401 when a token is configured and the request lacks it."""
    expected = current_state().settings.api_token
    if expected is None or not is_protected(request.path):
        return None
    presented = presented_token(request.headers.get("Authorization"))
    if presented is None:
        return _unauthorized(
            "this endpoint needs the header `Authorization: Bearer <token>`",
            'Bearer realm="stancewatch"',
        )
    if not token_matches(presented, expected):
        return _unauthorized(
            "the bearer token is not valid",
            'Bearer realm="stancewatch", error="invalid_token"',
        )
    return None


def register_auth(app: Flask) -> None:
    """Check the token before any other work, so an unauthenticated body is never parsed."""
    app.before_request(check_token)
