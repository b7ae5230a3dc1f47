"""What one app instance holds: its settings, metrics, OpenAPI document and the model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import current_app

from service.config import Settings
from service.errors import ApiError
from service.metrics import Metrics

if TYPE_CHECKING:  # the model package pulls in scikit-learn; import it only where it is used
    from model import StanceModel

EXTENSION_KEY = "stancewatch"


@dataclass
class ServiceState:
    """Per-app state, kept in app.extensions."""

    settings: Settings
    metrics: Metrics
    openapi: dict[str, Any]
    model: StanceModel | None = None


def current_state() -> ServiceState:
    """The state of the app handling the current request."""
    return current_app.extensions[EXTENSION_KEY]


def require_model() -> StanceModel:
    """The loaded model, or a 503 when it failed to load."""
    model = current_state().model
    if model is None:
        raise ApiError(503, "model_unavailable", "the model is not loaded; see the server log")
    return model
