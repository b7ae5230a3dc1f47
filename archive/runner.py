"""The driver of `stancewatch batch`: cut the input into chunks, score them on Dask, commit them.

Exactly once, even across a crash: chunk k always holds the same items (the input stream cut
every `chunk_size` items), and it counts as done only once its part files are renamed into
place and then its marker `part-k.done` is; a resumed run skips the chunks with a marker and
redoes the others, overwriting any half-written part. Chunks are committed in input order, so
the output of a resumed run is byte for byte that of an uninterrupted one.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from archive import output, reader
from archive.scoring import Chunk, ChunkResult, model_identity, score_chunk

if TYPE_CHECKING:
    from distributed import Client, Future

    from archive.dedupe import StoryIndex

STATE_VERSION = 1
STATE_NAMES = {
    "version": "version of stancewatch's parts format",
    "inputs": "set of inputs (names or sizes differ)",
    "fmt": "--format",
    "chunk_size": "--chunk-size",
    "dedupe": "--dedupe setting",
    "model": "model",
}
ERRORS_NAME = "errors.jsonl"


class BatchError(Exception):
    """A run that cannot start or go on; the message says why in one line."""


@dataclass(frozen=True)
class Settings:
    """What a run reads and writes; everything a resumed run must share with the first."""

    inputs: list[Path]
    out: Path
    fmt: str = "jsonl"
    chunk_size: int = 500
    dedupe: float | None = None  # the Jaccard threshold, or None for no deduplication
    artifact: str = ""


@dataclass
class Summary:
    """What a run did: items scored or rejected now, and what an earlier run had done."""

    articles: int = 0
    errors: int = 0
    duplicates: int = 0
    resumed_items: int = 0
    chunks: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Layout:
    """Where a run's files live: the output, errors.jsonl beside it, and the parts folder."""

    out: Path

    @property
    def errors(self) -> Path:
        """errors.jsonl, beside the output."""
        return self.out.parent / ERRORS_NAME

    @property
    def parts(self) -> Path:
        """The folder of committed chunks, removed once the output is complete."""
        return self.out.with_name(self.out.name + ".parts")

    @property
    def state(self) -> Path:
        """The settings the run started with, checked when it resumes."""
        return self.parts / "state.json"

    def part(self, number: int, kind: str) -> Path:
        """A chunk's file: results, errors, stories (dedupe) or done (its commit marker)."""
        return self.parts / f"part-{number:06d}.{kind}"


def chunks(items: Iterator[reader.RawItem], size: int) -> Iterator[Chunk]:
    """The input stream cut into consecutive chunks of `size` items."""
    number = start = 0
    while batch := list(islice(items, size)):
        yield Chunk(number, start, batch)
        number += 1
        start += len(batch)


def start_state(layout: Layout, state: dict) -> bool:
    """Create the parts folder, or check that it belongs to this run; True when resuming."""
    if layout.state.is_file():
        previous = json.loads(layout.state.read_text(encoding="utf-8"))
        for key, value in state.items():
            if previous.get(key) != value:
                raise BatchError(
                    f"{layout.parts} was started with another {STATE_NAMES[key]}; "
                    "run the same command again, or delete that folder to start over"
                )
        return True
    if layout.out.exists():
        raise BatchError(f"{layout.out} already exists; delete it to score again")
    layout.parts.mkdir(parents=True, exist_ok=True)
    data = json.dumps(state, indent=2).encode("utf-8")
    output.atomic_write(layout.state, lambda stream: stream.write(data))
    return False


class Committer:
    """Commits scored chunks in input order, flagging duplicates against the stories so far."""

    def __init__(self, layout: Layout, settings: Settings, summary: Summary) -> None:
        """A committer writing into `layout` with the run's format and dedupe settings."""
        self.layout = layout
        self.settings = settings
        self.summary = summary
        self.index: StoryIndex | None = None
        if settings.dedupe is not None:
            from archive.dedupe import StoryIndex

            self.index = StoryIndex(settings.dedupe)

    def restore(self, number: int) -> None:
        """Put the stories of a chunk a previous run committed back into the index."""
        if self.index is not None:
            with np.load(self.layout.part(number, "stories.npz")) as stories:
                for position, article_id, hashvalues in zip(
                    stories["positions"], stories["ids"], stories["signatures"], strict=True
                ):
                    self.index.add(int(position), str(article_id), hashvalues)

    def flag_duplicates(self, result: ChunkResult) -> None:
        """Set duplicate_of on copies of earlier stories; index the originals, and save them."""
        assert self.index is not None and result.signatures is not None
        originals: list[int] = []
        for i, (record, position) in enumerate(zip(result.results, result.positions, strict=True)):
            found = self.index.original_of(result.signatures[i])
            if found is None:
                self.index.add(position, record["id"], result.signatures[i])
                originals.append(i)
            else:
                record["duplicate_of"] = found[1]
                self.summary.duplicates += 1
        stories = {
            "positions": np.array([result.positions[i] for i in originals], dtype=np.int64),
            "ids": np.array([result.results[i]["id"] for i in originals], dtype=np.str_),
            "signatures": result.signatures[originals],
        }
        output.atomic_write(
            self.layout.part(result.number, "stories.npz"),
            lambda stream: np.savez(stream, **stories),
        )

    def commit(self, result: ChunkResult) -> int:
        """Write a chunk's parts, then its marker: the chunk is done. Returns its item count."""
        if self.index is not None:
            self.flag_duplicates(result)
        output.write_results(
            self.layout.part(result.number, self.settings.fmt), result.results, self.settings.fmt
        )
        errors = output.jsonl_bytes(result.errors)
        output.atomic_write(
            self.layout.part(result.number, "errors.jsonl"), lambda s: s.write(errors)
        )
        counts = json.dumps({"results": len(result.results), "errors": len(result.errors)})
        output.atomic_write(
            self.layout.part(result.number, "done"), lambda s: s.write(counts.encode())
        )
        output.sync_folder(self.layout.parts)
        self.summary.articles += len(result.results)
        self.summary.errors += len(result.errors)
        return len(result.results) + len(result.errors)


def finish(layout: Layout, fmt: str, count: int) -> None:
    """Join every chunk's parts into the output and errors.jsonl, then drop the parts folder."""
    missing = [n for n in range(count) if not layout.part(n, "done").is_file()]
    if missing:
        raise BatchError(f"chunk {missing[0]} was never committed; run the command again")
    output.join_lines([layout.part(n, "errors.jsonl") for n in range(count)], layout.errors)
    output.join_results([layout.part(n, fmt) for n in range(count)], layout.out, fmt)
    output.sync_folder(layout.out.parent)
    shutil.rmtree(layout.parts)


def in_flight_limit(client: Client) -> int:
    """Chunks submitted ahead of the one being committed: enough to keep every thread busy."""
    return max(2, 2 * sum(client.nthreads().values()))


def submit(client: Client, chunk: Chunk, settings: Settings) -> Future:
    """Send a chunk's items to a worker, then score them there.

    The items are scattered rather than put in the task: Dask keeps the last messages of its
    streams for debugging, and task arguments in them would pile up in the driver and the
    scheduler, while scattered data lives on the worker only until the result is taken.
    """
    data = client.scatter(chunk, hash=False)
    return client.submit(
        score_chunk, data, settings.artifact, settings.dedupe is not None, pure=False
    )


def score_archive(
    client: Client,
    settings: Settings,
    on_resume: Callable[[int], None] = lambda items: None,
    on_chunk: Callable[[int], None] = lambda items: None,
) -> Summary:
    """Score every input item on the cluster into the output and errors.jsonl, exactly once."""
    started = time.perf_counter()
    try:
        sources = reader.expand(settings.inputs)
    except reader.InputError as error:
        raise BatchError(str(error)) from None
    identities = set(client.run(model_identity, settings.artifact).values())
    if len(identities) != 1:
        raise BatchError(f"the workers loaded different models: {sorted(identities)}")
    state = {
        "version": STATE_VERSION,
        "inputs": reader.fingerprint(sources),
        **{k: v for k, v in asdict(settings).items() if k in ("fmt", "chunk_size", "dedupe")},
        "model": identities.pop(),
    }
    layout = Layout(settings.out)
    summary = Summary()
    committer = Committer(layout, settings, summary)
    if start_state(layout, state):
        done = sorted(int(p.name.split(".")[0][5:]) for p in layout.parts.glob("part-*.done"))
        summary.resumed_items = sum(committed_items(layout, n) for n in done)
        on_resume(summary.resumed_items)
    window: deque[Future] = deque()
    limit = in_flight_limit(client)
    for chunk in chunks(reader.items(sources), settings.chunk_size):
        summary.chunks += 1
        if layout.part(chunk.number, "done").is_file():
            while window:  # stories must enter the index in input order
                on_chunk(committer.commit(window.popleft().result()))
            committer.restore(chunk.number)
            continue
        window.append(submit(client, chunk, settings))
        if len(window) >= limit:
            on_chunk(committer.commit(window.popleft().result()))
    while window:
        on_chunk(committer.commit(window.popleft().result()))
    finish(layout, settings.fmt, summary.chunks)
    summary.seconds = time.perf_counter() - started
    return summary


def committed_items(layout: Layout, number: int) -> int:
    """The item count recorded in a committed chunk's marker."""
    counts = json.loads(layout.part(number, "done").read_text(encoding="utf-8"))
    return counts["results"] + counts["errors"]
