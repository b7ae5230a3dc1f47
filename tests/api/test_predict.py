"""POST /predict: JSON and text/plain bodies, the answer's exact shape, request ids."""

from __future__ import annotations

from typing import Any

import model

ARTICLE = (
    "German Chancellor Olaf Scholz said Germany would not send Taurus missiles. "
    "Poland urged allies to lift the limits on strikes inside Russia."
)
ACTOR_FIELDS = {"actor", "type", "stance", "confidence", "scores", "mentions", "evidence"}


def _check_actor(actor: dict[str, Any], text: str) -> None:
    """One actor object has exactly the contract's fields, and its offsets index `text`."""
    assert set(actor) == ACTOR_FIELDS
    assert actor["type"] in {"person", "country", "government", "organization", "group", "media"}
    assert actor["stance"] in {"favor", "against", "none"}
    assert set(actor["scores"]) == {"favor", "against", "none"}
    assert actor["confidence"] == actor["scores"][actor["stance"]]
    for span in actor["mentions"]:
        assert set(span) == {"text", "start", "end"}
        assert text[span["start"] : span["end"]] == span["text"]
    for item in actor["evidence"]:
        assert set(item) == {"text", "start", "end", "stance", "confidence"}
        assert text[item["start"] : item["end"]] == item["text"]


def test_json_article_gets_every_actor(client, stance_model: model.StanceModel) -> None:
    response = client.post("/predict", json={"text": ARTICLE})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"model", "actors"}
    assert body["model"] == {"version": stance_model.version}
    assert body["actors"] == stance_model.predict(ARTICLE).to_dict()["actors"]
    assert {"Germany", "Poland"} <= {actor["actor"] for actor in body["actors"]}
    for actor in body["actors"]:
        _check_actor(actor, ARTICLE)


def test_requested_actors_are_answered_in_request_order(client) -> None:
    response = client.post("/predict", json={"text": ARTICLE, "actors": ["Poland", "Germany"]})
    assert response.status_code == 200
    assert [a["actor"] for a in response.get_json()["actors"]] == ["Poland", "Germany"]


def test_actor_absent_from_text_is_none_without_evidence(client) -> None:
    response = client.post("/predict", json={"text": ARTICLE, "actors": ["Hungary"]})
    assert response.status_code == 200
    (actor,) = response.get_json()["actors"]
    assert (actor["actor"], actor["stance"], actor["evidence"]) == ("Hungary", "none", [])


def test_empty_actor_list_answers_no_actors(client) -> None:
    response = client.post("/predict", json={"text": ARTICLE, "actors": []})
    assert response.status_code == 200
    assert response.get_json()["actors"] == []


def test_null_actors_means_every_actor(client) -> None:
    both = [
        client.post("/predict", json=body)
        for body in ({"text": ARTICLE, "actors": None}, {"text": ARTICLE})
    ]
    assert both[0].status_code == both[1].status_code == 200
    assert both[0].get_json() == both[1].get_json()


def test_plain_text_body_equals_json_body(client) -> None:
    as_json = client.post("/predict", json={"text": ARTICLE})
    for content_type in ("text/plain; charset=utf-8", "text/plain", "text/plain; charset=UTF-8"):
        as_text = client.post("/predict", data=ARTICLE.encode(), content_type=content_type)
        assert as_text.status_code == 200, content_type
        assert as_text.get_json() == as_json.get_json()


def test_offsets_count_unicode_code_points(client) -> None:
    text = "Über «Zelenskyy» 🇺🇦: " + ARTICLE
    response = client.post("/predict", data=text.encode(), content_type="text/plain")
    assert response.status_code == 200
    actors = response.get_json()["actors"]
    assert actors
    for actor in actors:
        _check_actor(actor, text)


def test_json_charset_parameter_utf8_is_accepted(client) -> None:
    body = b'{"text": "Poland urged allies to lift the limits."}'
    response = client.post("/predict", data=body, content_type="application/json; charset=utf-8")
    assert response.status_code == 200


def test_request_id_is_made_when_absent(client) -> None:
    first = client.post("/predict", json={"text": ARTICLE}).headers["X-Request-ID"]
    second = client.post("/predict", json={"text": ARTICLE}).headers["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


def test_sane_incoming_request_id_is_echoed(client) -> None:
    response = client.post(
        "/predict", json={"text": ARTICLE}, headers={"X-Request-ID": "abc-123.x_Y"}
    )
    assert response.headers["X-Request-ID"] == "abc-123.x_Y"


def test_insane_incoming_request_id_is_replaced(client) -> None:
    for bad in ("has space", "x" * 65, "new\\nline", "<script>", ""):
        response = client.get("/health", headers={"X-Request-ID": bad})
        assert response.headers["X-Request-ID"] != bad
        assert len(response.headers["X-Request-ID"]) == 32
