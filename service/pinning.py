"""Pin the model the gunicorn workers load: a verified private copy, replaced only on reload.

The gunicorn master never imports scikit-learn: it runs `python -m service.pinning DEST` in a
child process, which copies the configured artifact and its manifest into DEST, loads the copy
with `model.load` (sha256, scikit-learn version, unpickling, registry) and prints what it pinned.
The workers then load that copy, so a `make train` running meanwhile, a half-swapped artifact or
a worker respawned later can never give them another model than the one the master checked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# The variable the workers read; the master points it at the pinned copy.
MODEL_PATH_ENV = "STANCE_MODEL_PATH"
CHECK_SECONDS = 120.0
# `make train` writes the artifact, then its manifest: a copy taken between the two does not
# match; if the files changed meanwhile, copy again.
ATTEMPTS = 3
SETTLE_SECONDS = 1.0


class PinError(RuntimeError):
    """The configured artifact cannot be served; the message says why in one line."""


@dataclass(frozen=True)
class Pinned:
    """A verified copy of the artifact, ready for the workers."""

    path: Path
    version: str
    sha256: str
    source: str


@dataclass
class Pins:
    """The master's pinned copies, newest last; kept across gunicorn's re-reading of its config."""

    source: str | None = None  # the configured STANCE_MODEL_PATH, None for model's default
    pinned: list[Pinned] = field(default_factory=list)

    def current(self) -> Pinned | None:
        """The copy the workers load now."""
        return self.pinned[-1] if self.pinned else None

    def pin(self) -> Pinned:
        """Copy and verify the configured artifact; on success the workers load it next."""
        directory = Path(tempfile.mkdtemp(prefix="stancewatch-model-"))
        try:
            pinned = check_in_child(self.source, directory)
        except PinError:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        self.pinned.append(pinned)
        os.environ[MODEL_PATH_ENV] = str(pinned.path)
        # Keep the previous copy: a worker that was booting from it may still be reading it.
        for old in self.pinned[:-2]:
            shutil.rmtree(old.path.parent, ignore_errors=True)
        self.pinned = self.pinned[-2:]
        return pinned

    def keep(self) -> Pinned:
        """After a refused reload: point the workers at the current copy again."""
        current = self.current()
        if current is None:  # on_starting pins before any worker exists
            raise RuntimeError("no model was pinned at start")
        os.environ[MODEL_PATH_ENV] = str(current.path)
        return current

    def remove_all(self) -> None:
        """Delete every pinned copy (at exit)."""
        for old in self.pinned:
            shutil.rmtree(old.path.parent, ignore_errors=True)
        self.pinned = []


# One per master process; a module global because gunicorn re-executes gunicorn.conf.py on HUP
# (losing its globals) but keeps imported modules.
PINS = Pins()


def check_in_child(source: str | None, directory: Path) -> Pinned:
    """Run the copy-and-verify in a fresh interpreter, so the master stays free of the model."""
    env = {k: v for k, v in os.environ.items() if k != MODEL_PATH_ENV}
    if source:
        env[MODEL_PATH_ENV] = source
    command = [sys.executable, "-m", "service.pinning", str(directory)]
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=CHECK_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise PinError(f"checking the artifact took longer than {CHECK_SECONDS:g} s") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise PinError(lines[-1] if lines else f"artifact check exited {done.returncode}")
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return Pinned(Path(answer["path"]), answer["version"], answer["sha256"], answer["source"])


def _fingerprint(paths: list[Path]) -> list[tuple[int, int, int] | None]:
    """Inode, size and mtime of each file (None when missing), to notice a replacement."""
    prints: list[tuple[int, int, int] | None] = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            prints.append(None)
            continue
        prints.append((info.st_ino, info.st_size, info.st_mtime_ns))
    return prints


def copy_and_verify(directory: Path) -> Pinned:
    """Copy the configured artifact and manifest into `directory` and load the copy."""
    import model  # deferred: only the child process pays for scikit-learn
    from model.config import default_artifact_path, manifest_path_for

    source = default_artifact_path().resolve()
    sources = [source, manifest_path_for(source)]
    target = directory / source.name
    for attempt in range(1, ATTEMPTS + 1):
        before = _fingerprint(sources)
        try:
            _copy(sources, directory)
            loaded = model.load(target)
        except model.ModelLoadError as error:
            time.sleep(SETTLE_SECONDS)
            if attempt < ATTEMPTS and _fingerprint(sources) != before:
                continue
            # Name the configured file, not the private copy the check ran on.
            raise model.ModelLoadError(str(error).replace(str(target), str(source))) from None
        return Pinned(target, loaded.version, loaded.manifest["artifact_sha256"], str(source))
    raise AssertionError("unreachable")  # pragma: no cover


def _copy(sources: list[Path], directory: Path) -> None:
    """Copy the artifact and its manifest, turning a missing file into a ModelLoadError."""
    from model import ModelLoadError

    artifact, manifest = sources
    if not artifact.is_file():
        raise ModelLoadError(f"no model artifact at {artifact}: run `make train`")
    for path in sources:
        try:
            shutil.copyfile(path, directory / path.name)
        except OSError as error:
            what = "manifest" if path == manifest else "artifact"
            raise ModelLoadError(f"cannot read the {what} {path}: {error.strerror}") from None


def main(argv: list[str]) -> int:
    """`python -m service.pinning DEST`: pin into DEST, print it as JSON, or one line why not."""
    import model

    try:
        pinned = copy_and_verify(Path(argv[0]))
    except model.ModelLoadError as error:
        print(str(error), file=sys.stderr)
        return 1
    answer = {
        "path": str(pinned.path),
        "version": pinned.version,
        "sha256": pinned.sha256,
        "source": pinned.source,
    }
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
