"""The Flask application factory: `create_app()` builds a ready app and loads the model once."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, g, request

from service.auth import register_auth
from service.config import SETTING_KEYS, load_settings
from service.errors import register_error_handlers
from service.logs import LOGGER_NAME, configure_logging, log_event
from service.metrics import Metrics
from service.openapi import REQUEST_ID_PATTERN, build_openapi
from service.routes import bp
from service.state import EXTENSION_KEY, ServiceState, current_state
from service.ui import ui

if TYPE_CHECKING:
    from model import StanceModel

logger = logging.getLogger(LOGGER_NAME)
_REQUEST_ID = re.compile(REQUEST_ID_PATTERN)


def _load_model(path: Path | None) -> StanceModel | None:
    """Load the model, or log why it could not be loaded and return None (the app still starts)."""
    import model  # deferred: importing the service must not pull in scikit-learn

    try:
        loaded = model.load(path)
    except model.ModelLoadError as error:
        log_event(logger, logging.ERROR, "model not loaded", reason=str(error))
        return None
    log_event(logger, logging.INFO, "model loaded", model_version=loaded.version)
    return loaded


def _start_request() -> None:
    """Adopt a sane incoming X-Request-ID or make one, and start the clock."""
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    """Tag the response with its request id, count it, and write the request's log line."""
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    # The route template, not the raw path, so unknown paths cannot inflate the label set.
    endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
    current_state().metrics.observe_request(endpoint, request.method, response.status_code, seconds)
    log_event(
        logger,
        logging.INFO,
        "request",
        method=request.method,
        path=request.path,
        status=response.status_code,
        duration_ms=round(seconds * 1000, 3),
        request_id=request_id,
    )
    return response


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then environment variables, then `config` overrides."""
    overrides = dict(config or {})
    settings = load_settings(overrides)
    configure_logging(settings.log_level)
    app = Flask(__name__, static_folder=None)
    # Keys that are not our settings are Flask's own (e.g. TESTING).
    app.config.update({k: v for k, v in overrides.items() if k not in SETTING_KEYS})
    app.config["MAX_CONTENT_LENGTH"] = settings.max_bytes
    app.extensions[EXTENSION_KEY] = ServiceState(
        settings=settings,
        metrics=Metrics(),
        openapi=build_openapi(settings.max_batch, token_required=settings.api_token is not None),
        model=_load_model(settings.model_path),
    )
    app.before_request(_start_request)
    register_auth(app)
    app.after_request(_finish_request)
    register_error_handlers(app)
    app.register_blueprint(bp)
    app.register_blueprint(ui)
    return app
