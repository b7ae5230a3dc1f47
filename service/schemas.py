"""Pydantic models of every request and response body; the OpenAPI document is built from them."""

from __future__ import annotations

import functools
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    ValidationError,
    create_model,
    field_validator,
)

ActorType = Literal["person", "country", "government", "organization", "group", "media"]
Stance = Literal["favor", "against", "none"]


# `pattern` has search semantics in both pydantic and JSON Schema: at least one non-space.
NonBlank = Annotated[StrictStr, Field(min_length=1, pattern=r"\S")]
ArticleText = Annotated[NonBlank, Field(description="The article, as plain text.")]
ActorList = Annotated[
    list[NonBlank] | None,
    Field(
        description="Actor names or aliases to report on; omit to report every actor found.",
    ),
]


class _Request(BaseModel):
    """Base of request bodies: strict types, unknown fields rejected."""

    model_config = ConfigDict(strict=True, extra="forbid")


class PredictRequest(_Request):
    """One article to analyse."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"text": "Germany opposes lifting the limits.", "actors": ["Germany"]}]
        }
    )

    text: ArticleText
    actors: ActorList = None


class BatchDocument(_Request):
    """One article of a batch, with an id the client chooses."""

    id: Annotated[NonBlank, Field(max_length=256, description="Unique within the batch.")]
    text: ArticleText
    actors: ActorList = None


class BatchRequest(_Request):
    """Several articles analysed in one call."""

    documents: list[BatchDocument] = Field(description="Answered in the same order.")

    @field_validator("documents")
    @classmethod
    def _unique_ids(cls, documents: list[BatchDocument]) -> list[BatchDocument]:
        """Ids must be unique, else a client could not match results to documents."""
        seen: set[str] = set()
        for document in documents:
            if document.id in seen:
                raise ValueError(f"ids must be unique; {document.id!r} repeats")
            seen.add(document.id)
        return documents


@functools.lru_cache(maxsize=8)
def batch_request_model(max_batch: int) -> type[BatchRequest]:
    """BatchRequest with the configured batch limit, so validation and schema share it."""
    documents = Annotated[
        list[BatchDocument],
        Field(max_length=max_batch, description="Answered in the same order."),
    ]
    return create_model("BatchRequest", __base__=BatchRequest, documents=(documents, ...))


class _Response(BaseModel):
    """Base of response bodies."""

    model_config = ConfigDict(protected_namespaces=())


class Span(_Response):
    """A stretch of the input text; offsets index the submitted string."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Evidence(Span):
    """A passage that supports the actor's stance."""

    stance: Stance
    confidence: float = Field(ge=0, le=1)


class Scores(_Response):
    """Probability of each stance."""

    favor: float = Field(ge=0, le=1)
    against: float = Field(ge=0, le=1)
    none: float = Field(ge=0, le=1)


class ActorStance(_Response):
    """One actor found in the article and where it stands."""

    actor: str
    type: ActorType
    stance: Stance
    confidence: float = Field(ge=0, le=1)
    scores: Scores
    mentions: list[Span]
    evidence: list[Evidence]


class ModelInfo(_Response):
    """The model that answered."""

    version: str


class PredictResponse(_Response):
    """The stances of the actors of one article."""

    model: ModelInfo
    actors: list[ActorStance]


class BatchResult(_Response):
    """The stances of the actors of one batch document."""

    id: str
    actors: list[ActorStance]


class BatchResponse(_Response):
    """The results of a batch, in input order."""

    model: ModelInfo
    results: list[BatchResult]


class HealthResponse(_Response):
    """The service is up and its model is loaded."""

    status: Literal["ok"]
    model_version: str


class Manifest(_Response):
    """The artifact's manifest; fields beyond these are passed through as written."""

    model_config = ConfigDict(extra="allow")

    version: str
    created_at: str
    labels: list[str]


class ErrorDetail(_Response):
    """What went wrong, as a stable code and a human-readable message."""

    code: str
    message: str


class ErrorResponse(_Response):
    """The body of every error response."""

    error: ErrorDetail


# Friendlier wording for the pydantic errors a client is most likely to hit.
_MESSAGES = {
    "missing": "field required",
    "extra_forbidden": "unknown field",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "string_too_short": "must not be empty",
    "string_pattern_mismatch": "must not be blank",
    "model_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
    # Strict str refuses unpaired surrogates, which JSON \u escapes can carry but UTF-8 cannot.
    "string_unicode": "must be valid Unicode text",
}


def describe_validation_error(error: ValidationError, limit: int = 3) -> str:
    """One line naming each invalid field; never echoes the input values."""
    parts = []
    for item in error.errors(include_url=False, include_input=False)[:limit]:
        where = ".".join(str(part) for part in item["loc"]) or "body"
        what = _MESSAGES.get(item["type"])
        if item["type"] == "too_long":
            what = f"at most {item['ctx']['max_length']} items allowed"
        elif what is None:
            ctx_error = item.get("ctx", {}).get("error")
            what = str(ctx_error) if ctx_error is not None else item["msg"]
        parts.append(f"{where}: {what}")
    extra = error.error_count() - limit
    if extra > 0:
        parts.append(f"and {extra} more")
    return "; ".join(parts)
