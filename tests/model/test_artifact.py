"""The artifact's manifest: written beside it, checked on load, served as is."""

import json
import shutil
from pathlib import Path

import pytest

import model
from model import config


@pytest.fixture
def artifact_copy(model_artifact: Path, tmp_path: Path) -> Path:
    """A private copy of the trained artifact and its manifest, free to damage."""
    target = tmp_path / model_artifact.name
    shutil.copy(model_artifact, target)
    shutil.copy(config.manifest_path_for(model_artifact), config.manifest_path_for(target))
    return target


def test_manifest_records_provenance(model_artifact: Path) -> None:
    manifest = json.loads(config.manifest_path_for(model_artifact).read_text())
    assert manifest["labels"] == ["favor", "against", "none"]
    assert set(manifest["libraries"]) == {"python", "scikit-learn", "joblib"}
    assert len(manifest["artifact_sha256"]) == len(manifest["training_data_sha256"]) == 64
    assert sum(manifest["training_counts"]["labels"].values()) > 0
    assert model.load(model_artifact).manifest == manifest


def test_corrupted_artifact_is_refused(artifact_copy: Path) -> None:
    with artifact_copy.open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00\xff\x00")
    with pytest.raises(model.ModelLoadError, match="does not match the sha256"):
        model.load(artifact_copy)


def test_other_scikit_learn_version_is_refused(artifact_copy: Path) -> None:
    manifest_path = config.manifest_path_for(artifact_copy)
    manifest = json.loads(manifest_path.read_text())
    manifest["libraries"]["scikit-learn"] = "0.0.1"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(model.ModelLoadError, match="trained with scikit-learn 0.0.1"):
        model.load(artifact_copy)


def test_artifact_of_another_model_version_is_refused(artifact_copy: Path) -> None:
    manifest_path = config.manifest_path_for(artifact_copy)
    manifest = json.loads(manifest_path.read_text())
    manifest["version"] = "0.0.9"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(model.ModelLoadError, match="is model version 0.0.9, this code reads"):
        model.load(artifact_copy)


def test_missing_artifact_and_manifest_are_refused(artifact_copy: Path, tmp_path: Path) -> None:
    with pytest.raises(model.ModelLoadError, match="no model artifact"):
        model.load(tmp_path / "absent.joblib")
    config.manifest_path_for(artifact_copy).unlink()
    with pytest.raises(model.ModelLoadError, match="missing or unreadable manifest"):
        model.load(artifact_copy)


def test_environment_variable_chooses_the_artifact(artifact_copy: Path, monkeypatch) -> None:
    monkeypatch.setenv("STANCE_MODEL_PATH", str(artifact_copy))
    assert config.default_artifact_path() == artifact_copy
    assert model.load().version == config.MODEL_VERSION
