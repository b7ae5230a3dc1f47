"""Paths and defaults shared by training, evaluation and serving."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent

REGISTRY_PATH = PACKAGE_DIR / "data" / "actors.toml"
ARTIFACT_DIR = PACKAGE_DIR / "artifacts"
ARTIFACT_NAME = "stance_model.joblib"

DATA_DIR = ROOT / "training" / "data"
PASSAGES_PATH = DATA_DIR / "passages.jsonl"
ARTICLES_PATH = DATA_DIR / "articles.jsonl"
TEST_ARTICLES_PATH = DATA_DIR / "test" / "articles.jsonl"
TEST_PASSAGES_PATH = DATA_DIR / "test" / "passages.jsonl"
REPORTS_DIR = ROOT / "reports"

LABELS: tuple[str, ...] = ("favor", "against", "none")
STANCES: tuple[str, ...] = ("favor", "against")
SEED = 13
# The question begins with the full-scale invasion; offices held since then span the debate.
DEBATE_START = "2022-02-24"
MODEL_VERSION = "0.4.0"


def default_artifact_path() -> Path:
    """The artifact to load: STANCE_MODEL_PATH if set, else the one `make train` writes."""
    return Path(os.environ.get("STANCE_MODEL_PATH") or ARTIFACT_DIR / ARTIFACT_NAME)


def manifest_path_for(artifact: Path) -> Path:
    """The JSON manifest that sits beside an artifact."""
    return artifact.with_suffix(".json")
