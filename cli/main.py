"""The `stancewatch` command: argument parsing, dispatch to a subcommand, and exit codes.

Exit codes: 0 success, 1 runtime error (a missing model, an unreadable or invalid input; one
line on stderr), 2 usage error (argparse's own message on stderr), 130 interrupted.

Adding a subcommand (e.g. `batch` or `network`) takes two steps and touches no other command:

1. Write a module `cli/<name>.py` that exposes

       def register(subparsers: argparse._SubParsersAction) -> None:
           parser = subparsers.add_parser("<name>", help="one line for `stancewatch --help`")
           parser.add_argument(...)
           parser.set_defaults(run=run)

       def run(args: argparse.Namespace) -> int:
           ...  # return the exit code; raise cli.common.CommandError("why") for exit 1

   Import heavy packages (model, scikit-learn, training) inside `run`, not at the top of the
   module, so that `stancewatch --help` stays instant. Use `cli.common.progress` for long loops:
   it shows a tqdm bar on a terminal and nothing when stderr is piped.
2. Add the module to COMMANDS below; `--help` lists the commands in that order.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import metadata

from cli import batch, network, predict, training
from cli.common import CommandError

COMMANDS = (predict, training, batch, network)
PROG = "stancewatch"


def _version() -> str:
    """The installed package's version, or a marker when running from an uninstalled tree."""
    try:
        return metadata.version("stancewatch")
    except metadata.PackageNotFoundError:
        return "0.0.0+unknown"


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Actors in news articles and their stances on lifting the limits on Ukraine's use "
            "of Western weapons against targets in Russia."
        ),
        epilog="Run `stancewatch COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def _error(message: str) -> None:
    """Print a one-line error to stderr, prefixed like argparse's own."""
    print(f"{PROG}: error: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        code = args.run(args)
        sys.stdout.flush()
    except CommandError as error:
        _error(str(error))
        return 1
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        # The reader (e.g. `head`) left: silence the flush at exit, as Python's docs advise.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code
