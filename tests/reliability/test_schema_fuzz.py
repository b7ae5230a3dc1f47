"""Schema fuzzing: schemathesis generates requests from the live /openapi.json of a gunicorn
server on loopback and checks every answer against the document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import given, settings

from tools.loadtest import Server, start_server, stop_server

# Bounded so that `make test` stays fast: per operation, valid and invalid requests together.
EXAMPLES_PER_OPERATION = 40


@pytest.fixture(scope="module")
def fuzzed_server(
    model_artifact: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """One gunicorn with two workers and the session's model, for the whole module."""
    folder = tmp_path_factory.mktemp("schemathesis")
    server = start_server(2, folder, {"STANCE_MODEL_PATH": str(model_artifact)})
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def live_schema(fuzzed_server: Server) -> schemathesis.BaseSchema:
    """The document the server publishes, read over HTTP like any client would."""
    return schemathesis.openapi.from_url(f"{fuzzed_server.url}/openapi.json")


def _operations(schema: schemathesis.BaseSchema) -> list[schemathesis.APIOperation]:
    """Every operation of the document (an unparsable one fails the test)."""
    return [result.ok() for result in schema.get_all_operations()]


def _unique_ids(case: schemathesis.Case) -> schemathesis.Case:
    """Number the batch ids: JSON Schema cannot say "unique by id", the description does."""
    documents = case.body.get("documents") if isinstance(case.body, dict) else None
    for index, document in enumerate(documents if isinstance(documents, list) else []):
        if isinstance(document, dict):
            document["id"] = str(index)
    return case


def _strategy(operation: schemathesis.APIOperation, mode: schemathesis.GenerationMode):
    """Requests for one operation; valid batches get unique ids."""
    strategy = operation.as_strategy(generation_mode=mode)
    if mode is schemathesis.GenerationMode.POSITIVE and operation.label == "POST /predict/batch":
        strategy = strategy.map(_unique_ids)
    return strategy


# schemathesis' own pytest plugin does not support pytest 9 yet: drive its strategies directly.
@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=lambda m: m.value)
def test_every_operation_conforms_to_its_document(
    live_schema: schemathesis.BaseSchema, mode: schemathesis.GenerationMode
) -> None:
    operations = _operations(live_schema)
    assert {op.label for op in operations} >= {"POST /predict", "POST /predict/batch"}
    for operation in operations:
        if mode is schemathesis.GenerationMode.NEGATIVE and operation.method.upper() == "GET":
            continue  # no body and no constrained parameter: nothing can be made invalid

        @settings(max_examples=EXAMPLES_PER_OPERATION)
        @given(case=_strategy(operation, mode))
        def fuzz(case: schemathesis.Case) -> None:
            case.call_and_validate(timeout=60)

        fuzz()
