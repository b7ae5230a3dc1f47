"""`stancewatch predict`: the actors of articles in files or stdin, as a table or as JSON."""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.common import CommandError, progress
from training.data import DataError, parse_object

if TYPE_CHECKING:
    from model import StanceModel

STDIN = "-"
HEADERS = ("ACTOR", "TYPE", "STANCE", "CONF", "STRONGEST EVIDENCE")
ACTOR_WIDTH = 32
MIN_EVIDENCE_WIDTH = 30
DESCRIPTION = """\
Print every actor each article mentions, with its stance on lifting the limits on strikes
inside Russia, the confidence and the strongest evidence passage.

Each FILE is one plain-text article ('-' or no FILE reads stdin). With --jsonl each FILE holds
one JSON object per line, {"id": ..., "text": ...} (and optionally "actors": [...]).

--json prints the answer the HTTP API gives: POST /predict's body for a single article, and
POST /predict/batch's body (ids are the file names or the JSON Lines ids) for several articles
or --jsonl."""


@dataclass(frozen=True, slots=True)
class Document:
    """One article to analyse and the id its answer is reported under."""

    id: str
    text: str
    actors: list[str] | None = None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `predict` subcommand."""
    parser = subparsers.add_parser(
        "predict",
        help="print the actors and stances of articles",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="article files; '-' is stdin")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--jsonl", action="store_true", help='inputs are JSON Lines {"id","text"}')
    parser.add_argument(
        "--actor",
        action="append",
        dest="actors",
        metavar="NAME",
        help="report only this actor (repeatable), as the API's `actors` field",
    )
    parser.add_argument(
        "--model",
        type=Path,
        default=None,
        metavar="PATH",
        help="model artifact (default: $STANCE_MODEL_PATH, else model/artifacts/)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read the inputs, predict each article and print the answers."""
    names = args.files or [STDIN]
    documents = [doc for name in names for doc in read_documents(name, args.jsonl, args.actors)]
    stance_model = load_model(args.model)
    answers = [
        stance_model.predict(doc.text, doc.actors).to_dict()["actors"]
        for doc in progress(documents, len(documents), "predicting")
    ]
    batch = args.jsonl or len(documents) > 1
    if args.json:
        print(json_answer(stance_model.version, documents, answers, batch))
    else:
        width = shutil.get_terminal_size(fallback=(120, 24)).columns
        print(tables(documents, answers, batch, width), end="")
    return 0


def load_model(path: Path | None) -> StanceModel:
    """The verified model, or a CommandError with the loader's one-line reason."""
    import model  # deferred: scikit-learn takes a second to import and `--help` needs none

    try:
        return model.load(path)
    except model.ModelLoadError as error:
        raise CommandError(str(error)) from None


def read_bytes(name: str) -> bytes:
    """The raw content of a file, or of stdin for '-'."""
    if name == STDIN:
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {name}: {error.strerror}") from None


def read_text(name: str) -> str:
    """A file's content decoded as UTF-8, the only encoding the API accepts too."""
    raw = read_bytes(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CommandError(f"{name}: not valid UTF-8 (byte {error.start})") from None


def read_documents(name: str, jsonl: bool, actors: list[str] | None) -> list[Document]:
    """The articles of one input: the whole file, or one per JSON line."""
    text = read_text(name)
    label = "stdin" if name == STDIN else name
    if not jsonl:
        return [validated(label, {"id": label, "text": text, "actors": actors})]
    documents = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{label}:{number}"
        try:
            record = parse_object(line)
        except DataError as error:
            raise CommandError(f"{where}: {error}") from None
        if actors is not None and "actors" not in record:
            record["actors"] = actors
        documents.append(validated(where, record))
    if not documents:
        raise CommandError(f"{label}: no JSON lines")
    return documents


def validated(where: str, record: dict[str, Any]) -> Document:
    """A document checked by the API's own request model, so both refuse the same input."""
    from pydantic import ValidationError

    from service.schemas import BatchDocument, describe_validation_error

    try:
        document = BatchDocument.model_validate(record)
    except ValidationError as error:
        raise CommandError(f"{where}: {describe_validation_error(error)}") from None
    return Document(document.id, document.text, document.actors)


def json_answer(
    version: str, documents: list[Document], answers: list[list[dict]], batch: bool
) -> str:
    """The API's response body for the same request, serialised by the API's schema."""
    from service.schemas import BatchResponse, PredictResponse

    model_info = {"version": version}
    if not batch:
        return PredictResponse.model_validate(
            {"model": model_info, "actors": answers[0]}
        ).model_dump_json()
    results = [
        {"id": doc.id, "actors": actors} for doc, actors in zip(documents, answers, strict=True)
    ]
    return BatchResponse.model_validate({"model": model_info, "results": results}).model_dump_json()


def strongest_evidence(actor: dict) -> str:
    """The surest evidence passage on one line, or '-' when the actor has none."""
    if not actor["evidence"]:
        return "-"
    best = max(actor["evidence"], key=lambda evidence: evidence["confidence"])
    return re.sub(r"\s+", " ", best["text"]).strip()


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters, with an ellipsis when cut."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def table(actors: list[dict], width: int) -> str:
    """One article's actors as aligned columns that fit in `width` characters."""
    if not actors:
        return "no actors found\n"
    rows = [
        (
            a["actor"],
            a["type"],
            a["stance"],
            f"{a['confidence']:.2f}",
            strongest_evidence(a),
        )
        for a in actors
    ]
    widths = [min(ACTOR_WIDTH, max(len(row[i]) for row in [HEADERS, *rows])) for i in range(4)]
    used = sum(widths) + 2 * len(widths)
    evidence_width = max(MIN_EVIDENCE_WIDTH, width - used)
    lines = []
    for row in [HEADERS, *rows]:
        cells = [clip(cell, w).ljust(w) for cell, w in zip(row[:4], widths, strict=True)]
        lines.append("  ".join([*cells, clip(row[4], evidence_width)]).rstrip())
    return "\n".join(lines) + "\n"


def tables(documents: list[Document], answers: list[list[dict]], batch: bool, width: int) -> str:
    """Every article's table, each under a heading naming it when there are several."""
    parts = []
    for doc, actors in zip(documents, answers, strict=True):
        heading = f"==> {doc.id} <==\n" if batch else ""
        parts.append(heading + table(actors, width))
    return "\n".join(parts)
