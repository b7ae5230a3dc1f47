"""`stancewatch batch`: score a whole archive on Dask, resumably, into JSONL or Parquet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import CommandError, add_command, positive_int

DESCRIPTION = """\
Score every article of an archive on a Dask cluster and write one result per article.

Each IN is a JSON Lines file of {"id", "text", "date"?, "outlet"?} objects (gzip allowed: a
name ending in .gz) or a folder of .txt files (one article each, the id is the file's path).

A line that is not a valid article goes, with the reason, to errors.jsonl beside OUT; the run
goes on. Every input line ends up in exactly one of OUT and errors.jsonl.

The run is resumable: chunks are committed to OUT.parts/ as they finish; run the same command
again after an interruption and it skips the committed chunks. OUT appears, complete, at the end.

--dedupe flags near-duplicates (syndicated copies of one story with different boilerplate):
"duplicate_of" names the story's first article, and `stancewatch network` skips the copies."""


def _fraction(text: str) -> float:
    """An argparse type: a number strictly between 0 and 1."""
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {value}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `batch` subcommand."""
    parser = add_command(
        subparsers, "batch", "score a whole archive on a Dask cluster (resumable)", DESCRIPTION
    )
    parser.add_argument("inputs", nargs="+", type=Path, metavar="IN", help="JSONL file or folder")
    parser.add_argument("--out", type=Path, required=True, metavar="OUT", help="results file")
    parser.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl", dest="fmt")
    parser.add_argument(
        "--scheduler",
        default="local",
        metavar="local|tcp://HOST:PORT",
        help="'local' starts a cluster of processes here (default); else an existing scheduler",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=2,
        metavar="N",
        help="worker processes of the local cluster (default 2)",
    )
    parser.add_argument(
        "--chunk-size",
        type=positive_int,
        default=500,
        metavar="N",
        help="articles per task and per committed part (default 500)",
    )
    parser.add_argument("--dedupe", action="store_true", help="flag near-duplicate articles")
    parser.add_argument(
        "--dedupe-threshold",
        type=_fraction,
        default=None,
        metavar="J",
        help="body similarity (Jaccard of word 5-grams) from which a copy is flagged (0.7)",
    )
    parser.add_argument(
        "--model",
        type=Path,
        default=None,
        metavar="PATH",
        help="model artifact, at this path on every worker "
        "(default: $STANCE_MODEL_PATH, else model/artifacts/)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Score the archive and print a one-line summary."""
    from tqdm import tqdm

    from archive.cluster import connect
    from archive.dedupe import DEFAULT_THRESHOLD
    from archive.runner import BatchError, Settings, score_archive
    from model import ModelLoadError, config

    if args.dedupe_threshold is not None and not args.dedupe:
        raise CommandError("--dedupe-threshold needs --dedupe")
    artifact = (args.model or config.default_artifact_path()).absolute()
    if args.scheduler == "local" and not artifact.is_file():
        raise CommandError(f"no model at {artifact}; run `stancewatch train` or pass --model")
    settings = Settings(
        inputs=args.inputs,
        out=args.out,
        fmt=args.fmt,
        chunk_size=args.chunk_size,
        dedupe=(args.dedupe_threshold or DEFAULT_THRESHOLD) if args.dedupe else None,
        artifact=str(artifact),
    )
    bar = tqdm(unit=" articles", desc="scoring", disable=not sys.stderr.isatty(), leave=False)

    def resumed(items: int) -> None:
        """Start the bar at what an earlier run had done, without counting it in the rate."""
        bar.reset()
        bar.initial = bar.n = items
        bar.write(f"resuming: {items} input items already done", file=sys.stderr)

    try:
        with bar, connect(args.scheduler, args.workers) as client:
            summary = score_archive(client, settings, on_resume=resumed, on_chunk=bar.update)
    except BatchError as error:
        raise CommandError(str(error)) from None
    except ModelLoadError as error:
        raise CommandError(f"a worker cannot load the model: {error}") from None
    except OSError as error:
        raise CommandError(f"cannot connect to or run on {args.scheduler}: {error}") from None
    except Exception as error:
        # A worker-side failure (e.g. the model missing on a remote worker) arrives as its own
        # exception type; name it in one line rather than print a cluster traceback.
        raise CommandError(f"{type(error).__name__}: {error}") from None
    rate = summary.articles / summary.seconds if summary.seconds else 0.0
    resumed_note = f", {summary.resumed_items} done before" if summary.resumed_items else ""
    duplicates = f", {summary.duplicates} duplicates" if args.dedupe else ""
    print(
        f"{summary.articles} articles scored, {summary.errors} errors{duplicates}{resumed_note} "
        f"in {summary.seconds:.1f} s ({rate:.0f} articles/s) -> {args.out}, "
        f"{args.out.parent / 'errors.jsonl'}",
        file=sys.stderr,
    )
    return 0
