"""The endpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, jsonify
from pydantic import BaseModel

from service.bodies import read_json, read_json_or_text
from service.budget import time_budget
from service.schemas import (
    BatchResponse,
    BatchResult,
    HealthResponse,
    Manifest,
    ModelInfo,
    PredictRequest,
    PredictResponse,
    batch_request_model,
)
from service.state import current_state, require_model

if TYPE_CHECKING:
    from model import StanceModel

bp = Blueprint("stancewatch", __name__)


def _json(body: BaseModel, status: int = 200) -> Response:
    """Serialise a response model; it checks the answer has the documented shape."""
    # The trailing newline keeps curl output apart from the next shell prompt.
    return Response(body.model_dump_json() + "\n", status=status, mimetype="application/json")


def _actors(model: StanceModel, text: str, actors: list[str] | None) -> list[dict[str, Any]]:
    """Predict one article and count the stances returned."""
    found = model.predict(text, actors).to_dict()["actors"]
    current_state().metrics.observe_stances([actor["stance"] for actor in found])
    return found


@bp.post("/predict")
def predict() -> Response:
    """Stances of the actors of one article."""
    model = require_model()
    body = read_json_or_text(PredictRequest)
    with time_budget(current_state().settings.predict_budget):
        actors = _actors(model, body.text, body.actors)
    answer = {"model": {"version": model.version}, "actors": actors}
    return _json(PredictResponse.model_validate(answer))


@bp.post("/predict/batch")
def predict_batch() -> Response:
    """Stances of the actors of several articles, in input order."""
    model = require_model()
    settings = current_state().settings
    body = read_json(batch_request_model(settings.max_batch))
    with time_budget(settings.predict_budget):
        results = [
            BatchResult.model_validate({"id": d.id, "actors": _actors(model, d.text, d.actors)})
            for d in body.documents
        ]
    return _json(BatchResponse(model=ModelInfo(version=model.version), results=results))


@bp.get("/health")
def health() -> Response:
    """200 when the model is loaded, 503 otherwise."""
    model = require_model()
    return _json(HealthResponse(status="ok", model_version=model.version))


@bp.get("/model")
def manifest() -> Response:
    """The loaded artifact's manifest."""
    return _json(Manifest.model_validate(require_model().manifest))


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus text, summed over every worker under gunicorn."""
    payload, content_type = current_state().metrics.render()
    return Response(payload, content_type=content_type)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this service."""
    return jsonify(current_state().openapi)
