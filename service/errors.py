"""The error envelope and the handlers that turn every failure into it."""

from __future__ import annotations

import logging
import re
import traceback

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from service.logs import LOGGER_NAME, log_event
from service.schemas import ErrorDetail, ErrorResponse

logger = logging.getLogger(LOGGER_NAME)


class ApiError(Exception):
    """An error with an HTTP status and a stable machine-readable code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        """Keep the status, code and one-line message."""
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str) -> Response:
    """Build the JSON error envelope response and log it with the request id."""
    level = logging.ERROR if status >= 500 else logging.WARNING
    log_event(
        logger,
        level,
        "error",
        request_id=g.get("request_id"),
        method=request.method,
        path=request.path,
        status=status,
        code=code,
        message=message,
    )
    body = ErrorResponse(error=ErrorDetail(code=code, message=message))
    # The trailing newline keeps curl output apart from the next shell prompt.
    return Response(body.model_dump_json() + "\n", status=status, mimetype="application/json")


def _snake(name: str) -> str:
    """'Method Not Allowed' -> 'method_not_allowed'."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _handle_api_error(error: ApiError) -> Response:
    """Our own errors carry their status and code."""
    return error_response(error.status, error.code, error.message)


def _handle_too_large(error: RequestEntityTooLarge) -> Response:
    """413, naming the limit so the client knows what to split to."""
    limit = request.max_content_length
    return error_response(413, "payload_too_large", f"request body exceeds {limit} bytes")


def _handle_http(error: HTTPException) -> Response:
    """Werkzeug's 404, 405 and friends, as JSON, keeping headers such as Allow."""
    status = error.code or 500
    message = {
        404: f"no endpoint at {request.path}",
        405: f"{request.method} is not allowed on {request.path}",
    }.get(status, error.description or error.name)
    response = error_response(status, _snake(error.name), message)
    allow = dict(error.get_headers()).get("Allow")
    if allow:
        response.headers["Allow"] = allow
    return response


def _handle_unexpected(error: Exception) -> Response:
    """Any other exception: log where it happened, answer a bare 500."""
    # The frames but not the exception's message: a message could quote the article.
    log_event(
        logger,
        logging.ERROR,
        "unhandled exception",
        request_id=g.get("request_id"),
        error_type=type(error).__name__,
        traceback="".join(traceback.format_tb(error.__traceback__)),
    )
    return error_response(500, "internal_error", "internal server error")


def register_error_handlers(app: Flask) -> None:
    """Route every exception raised while handling a request to the JSON envelope."""
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(RequestEntityTooLarge, _handle_too_large)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
