"""Read and validate request bodies: content type, size, UTF-8, JSON, then the pydantic model."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from service.errors import ApiError
from service.schemas import describe_validation_error

Model = TypeVar("Model", bound=BaseModel)

JSON = "application/json"
PLAIN = "text/plain"


def _check_charset() -> None:
    """Only UTF-8 bodies are accepted; a missing charset means UTF-8."""
    charset = request.mimetype_params.get("charset", "utf-8").strip().lower()
    if charset not in ("utf-8", "utf8"):
        message = f"charset {charset!r} is not supported; use utf-8"
        raise ApiError(415, "unsupported_media_type", message)


def _unsupported(accepted: tuple[str, ...]) -> ApiError:
    """The 415 for a content type outside `accepted`."""
    got = request.mimetype or "none"
    wanted = " or ".join(accepted)
    message = f"content type {got!r} is not supported; use {wanted}"
    return ApiError(415, "unsupported_media_type", message)


def _body() -> bytes:
    """The whole body; over MAX_CONTENT_LENGTH raises RequestEntityTooLarge (a 413)."""
    raw = request.get_data(cache=False)
    limit = request.max_content_length
    # Werkzeug stops a streamed (chunked) body at the limit without an error, which would
    # silently truncate the article: look one byte past it in the server's own stream.
    streamed = request.content_length is None and limit is not None
    if streamed and len(raw) >= limit and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
    return raw


def _body_text() -> str:
    """The whole body decoded as UTF-8."""
    raw = _body()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        message = f"body is not valid UTF-8 (byte {error.start})"
        raise ApiError(400, "invalid_utf8", message) from None


def _parse_json(text: str) -> Any:
    """Parse a JSON document, mapping every parser failure to a 400."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        message = f"malformed JSON: {error.msg} at line {error.lineno} column {error.colno}"
        raise ApiError(400, "malformed_json", message) from None
    except RecursionError:  # deeply nested arrays exhaust the parser's stack
        raise ApiError(400, "malformed_json", "malformed JSON: nested too deeply") from None


def _validate(model: type[Model], payload: Any) -> Model:
    """Validate a parsed body against a request model."""
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise ApiError(400, "invalid_request", describe_validation_error(error)) from None


def read_json(model: type[Model]) -> Model:
    """A JSON body validated against `model`."""
    if request.mimetype != JSON:
        raise _unsupported((JSON,))
    _check_charset()
    return _validate(model, _parse_json(_body_text()))


def read_json_or_text(model: type[Model]) -> Model:
    """A JSON body, or a text/plain body that becomes the `text` field."""
    if request.mimetype == JSON:
        return read_json(model)
    if request.mimetype != PLAIN:
        raise _unsupported((JSON, f"{PLAIN}; charset=utf-8"))
    _check_charset()
    return _validate(model, {"text": _body_text()})
