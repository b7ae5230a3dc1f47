"""GET /health, /model, /metrics and /openapi.json, and the app without a model."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from prometheus_client.parser import text_string_to_metric_families

import model
from model import config
from service.schemas import PredictRequest

ARTICLE = "Poland urged allies to lift the limits on strikes inside Russia."


def test_health_ok(client, stance_model: model.StanceModel) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "model_version": stance_model.version}


def test_model_returns_the_manifest_as_written(client, model_artifact: Path) -> None:
    response = client.get("/model")
    assert response.status_code == 200
    manifest = json.loads(config.manifest_path_for(model_artifact).read_text(encoding="utf-8"))
    assert response.get_json() == manifest
    assert {"version", "created_at", "labels", "libraries"} <= set(response.get_json())


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Prometheus text -> {(sample name, sorted labels): value}."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_requests_latency_and_stances(make_client: Callable) -> None:
    client = make_client()
    stances = []
    for _ in range(2):
        answer = client.post("/predict", json={"text": ARTICLE}).get_json()
        stances += [actor["stance"] for actor in answer["actors"]]
    client.post("/predict", json={"text": ""})
    client.get("/nowhere")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    samples = _samples(response.get_data(as_text=True))

    def requests(endpoint: str, method: str, status: str) -> float:
        labels = (("endpoint", endpoint), ("method", method), ("status", status))
        return samples.get(("stancewatch_http_requests_total", labels), 0.0)

    assert requests("/predict", "POST", "200") == 2
    assert requests("/predict", "POST", "400") == 1
    assert requests("unmatched", "GET", "404") == 1
    count = samples[
        ("stancewatch_http_request_duration_seconds_count", (("endpoint", "/predict"),))
    ]
    assert count == 3
    for stance in ("favor", "against", "none"):
        expected = stances.count(stance)
        assert samples.get(("stancewatch_predictions_total", (("stance", stance),)), 0) == expected


def test_openapi_document_is_valid_and_served(client, openapi_doc: dict[str, Any]) -> None:
    validate(openapi_doc)
    assert openapi_doc["openapi"] == "3.1.0"
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == openapi_doc


def test_openapi_documents_every_route(app, openapi_doc: dict[str, Any]) -> None:
    routes = {
        (rule.rule, method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and not rule.endpoint.startswith("ui.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, item in openapi_doc["paths"].items() for method in item}
    assert routes == documented


def test_openapi_schemas_are_the_validation_models(openapi_doc: dict[str, Any]) -> None:
    # The document is generated from the models that validate requests, not written beside them.
    generated = PredictRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    assert openapi_doc["components"]["schemas"]["PredictRequest"] == generated
    body = openapi_doc["paths"]["/predict"]["post"]["requestBody"]["content"]
    assert body["text/plain"]["schema"] == generated["properties"]["text"]


def test_openapi_batch_limit_follows_the_setting(make_client: Callable) -> None:
    doc = make_client(STANCE_MAX_BATCH=7).get("/openapi.json").get_json()
    documents = doc["components"]["schemas"]["BatchRequest"]["properties"]["documents"]
    assert documents["maxItems"] == 7


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("get", "/health", {}),
        ("get", "/model", {}),
        ("post", "/predict", {"json": {"text": ARTICLE}}),
        ("post", "/predict/batch", {"json": {"documents": [{"id": "1", "text": ARTICLE}]}}),
    ],
)
def test_without_a_model_the_app_starts_and_answers_503(
    unloaded_client, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    response = getattr(unloaded_client, method)(path, **kwargs)
    assert response.status_code == 503
    assert response.get_json() == {
        "error": {
            "code": "model_unavailable",
            "message": "the model is not loaded; see the server log",
        }
    }


def test_without_a_model_metrics_and_openapi_still_answer(unloaded_client) -> None:
    assert unloaded_client.get("/metrics").status_code == 200
    assert unloaded_client.get("/openapi.json").status_code == 200


def test_corrupted_artifact_is_refused_with_503(
    tmp_path: Path, model_artifact: Path, make_client: Callable
) -> None:
    broken = tmp_path / "stance_model.joblib"
    broken.write_bytes(model_artifact.read_bytes()[:-10] + b"0123456789")
    manifest = config.manifest_path_for(model_artifact)
    config.manifest_path_for(broken).write_bytes(manifest.read_bytes())
    response = make_client(STANCE_MODEL_PATH=str(broken)).get("/health")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "model_unavailable"
