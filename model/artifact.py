"""Save and load the trained artifact with the manifest that vouches for it."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import joblib
import sklearn

from model import config

MANIFEST_RETRIES = 3
MANIFEST_RETRY_SECONDS = 0.2


class ModelLoadError(RuntimeError):
    """The artifact cannot be trusted or used; the message says why in one line."""


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """The versions that must match between training and serving."""
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "joblib": joblib.__version__,
    }


def _write_atomically(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save(bundle: dict, manifest: dict, artifact: Path) -> dict:
    """Write the artifact and its manifest (with the artifact's sha256); return the manifest."""
    # Uncompressed, so that loading can map the weights from the file instead of copying them.
    _write_atomically(artifact, lambda stream: joblib.dump(bundle, stream))
    manifest = {
        **manifest,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "libraries": library_versions(),
        "artifact": artifact.name,
        "artifact_sha256": sha256_of(artifact),
        "artifact_bytes": artifact.stat().st_size,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True).encode()
    _write_atomically(config.manifest_path_for(artifact), lambda stream: stream.write(text))
    return manifest


def _load_manifest(manifest_path: Path) -> dict:
    """The manifest's JSON object."""
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelLoadError(f"missing or unreadable manifest {manifest_path}: {error}") from error
    if not isinstance(manifest, dict):
        raise ModelLoadError(f"manifest {manifest_path} is not a JSON object")
    return manifest


def read_manifest(artifact: Path) -> dict:
    """The manifest beside an artifact, checked against the file and this environment."""
    manifest_path = config.manifest_path_for(artifact)
    if not artifact.is_file():
        raise ModelLoadError(f"no model artifact at {artifact}: run `make train`")
    manifest = _load_manifest(manifest_path)
    for _ in range(MANIFEST_RETRIES):
        if sha256_of(artifact) == manifest.get("artifact_sha256"):
            break
        # `make train` renames the artifact, then its manifest: a reader may fall in between.
        time.sleep(MANIFEST_RETRY_SECONDS)
        manifest = _load_manifest(manifest_path)
    else:
        raise ModelLoadError(f"{artifact} does not match the sha256 in its manifest: refusing it")
    # A local label ("0.2.0+retrained") names another fit of the same model version.
    if str(manifest.get("version")).split("+")[0] != config.MODEL_VERSION:
        raise ModelLoadError(
            f"{artifact} is model version {manifest.get('version')}, this code reads "
            f"{config.MODEL_VERSION} (its features differ): retrain with `make train`"
        )
    trained_with = manifest.get("libraries", {}).get("scikit-learn")
    if trained_with != sklearn.__version__:
        raise ModelLoadError(
            f"{artifact} was trained with scikit-learn {trained_with}, "
            f"this environment has {sklearn.__version__}: retrain with `make train`"
        )
    return manifest


def load_bundle(artifact: Path) -> tuple[dict, dict]:
    """The verified artifact's contents and its manifest."""
    manifest = read_manifest(artifact)
    try:
        # Mapped read-only: the workers share the weights' pages, and loading builds no copy.
        bundle = joblib.load(artifact, mmap_mode="r")
    except Exception as error:  # a verified file that still fails to unpickle is unusable
        raise ModelLoadError(f"cannot read {artifact}: {error}") from error
    if not isinstance(bundle, dict) or "classifier" not in bundle:
        raise ModelLoadError(f"{artifact} is not a stancewatch artifact")
    return bundle, manifest
