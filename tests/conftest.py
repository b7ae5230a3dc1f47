"""Shared fixtures: the test registry and a model trained once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

import model
from model.actors import ActorDetector
from model.registry import Registry, load_registry
from training.train import train

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The small registry in tests/fixtures."""
    return load_registry(FIXTURES / "actors.toml")


@pytest.fixture(scope="session")
def detector(registry: Registry) -> ActorDetector:
    """An actor detector over the test registry."""
    return ActorDetector(registry)


@pytest.fixture(scope="session")
def model_artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An artifact trained on the team's corpus without model selection, in a temp folder."""
    artifact = tmp_path_factory.mktemp("model") / "stance_model.joblib"
    train(artifact_path=artifact, quick=True)
    return artifact


@pytest.fixture(scope="session")
def stance_model(model_artifact: Path) -> model.StanceModel:
    """The session's trained model, loaded through the public API."""
    return model.load(model_artifact)
