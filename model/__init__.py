"""stancewatch's model: text in, each actor's stance on lifting the strike limits out."""

from __future__ import annotations

import os
from pathlib import Path

from model import config
from model.artifact import ModelLoadError, load_bundle
from model.predictor import ActorStance, ArticleStances, StanceModel
from model.registry import RegistryError, load_registry

__all__ = [
    "ActorStance",
    "ArticleStances",
    "ModelLoadError",
    "StanceModel",
    "load",
]


def load(path: str | os.PathLike | None = None, registry_path: Path | None = None) -> StanceModel:
    """Load the verified artifact (default: STANCE_MODEL_PATH, else `make train`'s output)."""
    artifact = Path(path) if path is not None else config.default_artifact_path()
    bundle, manifest = load_bundle(artifact)
    try:
        registry = load_registry(registry_path)
    except RegistryError as error:
        raise ModelLoadError(str(error)) from error
    return StanceModel(
        bundle["classifier"],
        registry,
        manifest,
        masked=bundle.get("masked", True),
        aggregator=bundle.get("aggregator"),
        profile_classifier=bundle.get("profile_classifier"),
    )
