"""The OpenAPI 3.1 document, generated from the pydantic models in service.schemas."""

from __future__ import annotations

import copy
from importlib import metadata
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from service import schemas

REF = "#/components/schemas/{model}"
REQUEST_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
BEARER = "bearerAuth"


def _service_version() -> str:
    """The installed package's version, or a marker when running from an uninstalled tree."""
    try:
        return metadata.version("stancewatch")
    except metadata.PackageNotFoundError:
        return "0.0.0+unknown"


def _ref(model: type[BaseModel]) -> dict[str, str]:
    """A reference to a model's component schema."""
    return {"$ref": REF.format(model=model.__name__)}


def _response(description: str, content: dict[str, Any]) -> dict[str, Any]:
    """A response object carrying the X-Request-ID header."""
    return {
        "description": description,
        "headers": {"X-Request-ID": {"$ref": "#/components/headers/RequestId"}},
        "content": content,
    }


def _json(description: str, model: type[BaseModel]) -> dict[str, Any]:
    """A JSON response whose body is one of our models."""
    return _response(description, {"application/json": {"schema": _ref(model)}})


def _errors(*statuses: int, predicts: bool = False) -> dict[str, Any]:
    """Error responses for the given status codes, all with the error envelope."""
    unavailable = "The model is not loaded (model_unavailable)"
    if predicts:
        unavailable += ", or predicting took longer than 80% of STANCE_TIMEOUT (timeout)"
    reasons = {
        400: "Malformed JSON, invalid UTF-8 or an invalid field (code names which).",
        401: "STANCE_API_TOKEN is set and the bearer token is missing or wrong (unauthorized).",
        413: "The body is larger than STANCE_MAX_BYTES.",
        415: "The content type is not supported.",
        500: "Unexpected server error; the body never holds a traceback.",
        503: unavailable + ".",
    }
    return {str(code): _json(reasons[code], schemas.ErrorResponse) for code in statuses}


def _operation(summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An operation object that accepts the optional X-Request-ID header."""
    return {
        "summary": summary,
        "parameters": [{"$ref": "#/components/parameters/RequestId"}],
        "responses": responses,
        **extra,
    }


def _component_schemas(max_batch: int) -> dict[str, Any]:
    """JSON Schemas of every model, requests in validation mode and responses as serialized."""
    requests = [schemas.PredictRequest, schemas.batch_request_model(max_batch)]
    responses = [
        schemas.PredictResponse,
        schemas.BatchResponse,
        schemas.HealthResponse,
        schemas.Manifest,
        schemas.ErrorResponse,
    ]
    pairs = [(m, "validation") for m in requests] + [(m, "serialization") for m in responses]
    _, top = models_json_schema(pairs, ref_template=REF)  # type: ignore[arg-type]
    return top["$defs"]


def _paths(components: dict[str, Any]) -> dict[str, Any]:
    """The path items of every endpoint."""
    # The text/plain body obeys the same rules as the JSON `text` field: reuse that schema.
    plain_text = copy.deepcopy(components["PredictRequest"]["properties"]["text"])
    predict_body = {
        "required": True,
        "content": {
            "application/json": {"schema": _ref(schemas.PredictRequest)},
            "text/plain": {"schema": plain_text},
        },
    }
    batch_body = {
        "required": True,
        "content": {"application/json": {"schema": _ref(schemas.BatchRequest)}},
    }
    metrics_text = {"text/plain": {"schema": {"type": "string"}}}
    return {
        "/predict": {
            "post": _operation(
                "Stances of the actors of one article",
                {
                    "200": _json("The actors found and their stances.", schemas.PredictResponse),
                    **_errors(400, 413, 415, 500, 503, predicts=True),
                },
                operationId="predict",
                requestBody=predict_body,
            )
        },
        "/predict/batch": {
            "post": _operation(
                "Stances of the actors of several articles",
                {
                    "200": _json("One result per document, in input order.", schemas.BatchResponse),
                    **_errors(400, 413, 415, 500, 503, predicts=True),
                },
                operationId="predictBatch",
                requestBody=batch_body,
            )
        },
        "/health": {
            "get": _operation(
                "Liveness and readiness",
                {"200": _json("Ready.", schemas.HealthResponse), **_errors(503)},
                operationId="health",
            )
        },
        "/model": {
            "get": _operation(
                "The manifest of the loaded model",
                {"200": _json("The manifest.", schemas.Manifest), **_errors(503)},
                operationId="model",
            )
        },
        "/metrics": {
            "get": _operation(
                "Prometheus metrics of all worker processes",
                {"200": _response("Prometheus text exposition format.", metrics_text)},
                operationId="metrics",
            )
        },
        "/openapi.json": {
            "get": _operation(
                "This document",
                {
                    "200": _response(
                        "The OpenAPI 3.1 document.",
                        {"application/json": {"schema": {"type": "object"}}},
                    )
                },
                operationId="openapi",
            )
        },
    }


def _require_token(doc: dict[str, Any]) -> dict[str, Any]:
    """Mark the prediction endpoints as needing the bearer token, which may answer 401."""
    doc["components"]["securitySchemes"] = {BEARER: {"type": "http", "scheme": "bearer"}}
    for path in ("/predict", "/predict/batch"):
        operation = doc["paths"][path]["post"]
        operation["security"] = [{BEARER: []}]
        operation["responses"].update(_errors(401))
    return doc


def build_openapi(max_batch: int, token_required: bool = False) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document for a service with the given batch limit."""
    components = _component_schemas(max_batch)
    doc = {
        "openapi": "3.1.0",
        "info": {
            "title": "stancewatch",
            "version": _service_version(),
            "description": (
                "Actors and their stances (favor, against, none) on lifting the limits on "
                "Ukraine's use of Western weapons against targets in Russia, from news text. "
                'Every error body is {"error": {"code", "message"}}; unknown paths answer '
                "404 and wrong methods 405 with that body."
            ),
        },
        "paths": _paths(components),
        "components": {
            "schemas": components,
            "headers": {
                "RequestId": {
                    "description": "The request id, also written in the request's log line.",
                    "schema": {"type": "string"},
                }
            },
            "parameters": {
                "RequestId": {
                    "name": "X-Request-ID",
                    "in": "header",
                    "required": False,
                    # Any value is accepted: one that does not match is replaced, not refused.
                    "description": (
                        f"Reused as the request id when it matches {REQUEST_ID_PATTERN}; "
                        "any other value is replaced by a fresh id."
                    ),
                    "schema": {"type": "string"},
                }
            },
        },
    }
    return _require_token(doc) if token_required else doc
