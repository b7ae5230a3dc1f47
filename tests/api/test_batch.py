"""POST /predict/batch: results in input order, the batch limit, duplicate ids."""

from __future__ import annotations

from collections.abc import Callable

import model

DOCUMENTS = [
    {"id": "b", "text": "Poland urged allies to lift the limits on strikes inside Russia."},
    {"id": "a", "text": "German Chancellor Olaf Scholz said Germany would not send Taurus."},
    {"id": "c", "text": "Poland urged allies to lift the limits.", "actors": ["Germany"]},
]


def test_results_follow_input_order_and_match_single_predictions(
    client, stance_model: model.StanceModel
) -> None:
    response = client.post("/predict/batch", json={"documents": DOCUMENTS})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"model", "results"}
    assert body["model"] == {"version": stance_model.version}
    assert [r["id"] for r in body["results"]] == ["b", "a", "c"]
    for document, result in zip(DOCUMENTS, body["results"], strict=True):
        assert set(result) == {"id", "actors"}
        single = client.post(
            "/predict", json={k: v for k, v in document.items() if k != "id"}
        ).get_json()
        assert result["actors"] == single["actors"]
    assert [a["actor"] for a in body["results"][2]["actors"]] == ["Germany"]


def test_empty_batch_answers_no_results(client) -> None:
    response = client.post("/predict/batch", json={"documents": []})
    assert response.status_code == 200
    assert response.get_json()["results"] == []


def test_batch_at_the_limit_passes_and_over_it_is_400(make_client: Callable) -> None:
    client = make_client(STANCE_MAX_BATCH=2)
    ok = client.post("/predict/batch", json={"documents": DOCUMENTS[:2]})
    assert ok.status_code == 200
    over = client.post("/predict/batch", json={"documents": DOCUMENTS})
    assert over.status_code == 400
    assert over.get_json() == {
        "error": {"code": "invalid_request", "message": "documents: at most 2 items allowed"}
    }


def test_default_batch_limit_is_100(client) -> None:
    documents = [{"id": str(i), "text": "Poland urged allies."} for i in range(101)]
    response = client.post("/predict/batch", json={"documents": documents})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "documents: at most 100 items allowed"


def test_duplicate_ids_are_400(client) -> None:
    documents = [{"id": "x", "text": "Poland urged allies."}] * 2
    response = client.post("/predict/batch", json={"documents": documents})
    assert response.status_code == 400
    assert response.get_json() == {
        "error": {
            "code": "invalid_request",
            "message": "documents: ids must be unique; 'x' repeats",
        }
    }


def test_invalid_document_names_its_position(client) -> None:
    documents = [{"id": "ok", "text": "Poland urged allies."}, {"id": "bad", "text": "   "}]
    response = client.post("/predict/batch", json={"documents": documents})
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "invalid_request",
        "message": "documents.1.text: must not be blank",
    }


def test_batch_body_errors(client) -> None:
    cases = [
        ({}, "documents: field required"),
        ({"documents": "x"}, "documents: must be a list"),
        ({"documents": [{"text": "t"}]}, "documents.0.id: field required"),
        ({"documents": [{"id": 7, "text": "t"}]}, "documents.0.id: must be a string"),
        ({"documents": [{"id": "", "text": "t"}]}, "documents.0.id: must not be empty"),
        (
            {"documents": [{"id": "i", "text": "t", "actors": "Poland"}]},
            "documents.0.actors: must be a list",
        ),
        ({"documents": [{"id": "i", "text": "t", "x": 1}]}, "documents.0.x: unknown field"),
        ({"documents": [], "extra": True}, "extra: unknown field"),
    ]
    for body, message in cases:
        response = client.post("/predict/batch", json=body)
        assert response.status_code == 400, body
        assert response.get_json()["error"] == {"code": "invalid_request", "message": message}


def test_batch_accepts_only_json(client) -> None:
    response = client.post("/predict/batch", data="text", content_type="text/plain")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
