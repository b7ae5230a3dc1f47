"""docker-compose.yml and the Dockerfile, checked without a Docker engine."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The parsed compose file."""
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _volume_targets(service: dict[str, Any]) -> dict[str, str]:
    """A service's named volumes: {volume name: mount path}."""
    mounts = {}
    for entry in service.get("volumes", []):
        source, target, *_ = entry.split(":")
        mounts[source] = target
    return mounts


def test_services_and_profiles(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"api", "train"}
    assert "profiles" not in compose["services"]["api"]
    assert compose["services"]["train"]["profiles"] == ["train"]


def test_api_publishes_port_8000(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    assert api["ports"] == ["8000:8000"]
    assert api["environment"]["PORT"] == "8000"


def test_api_healthcheck_probes_health(compose: dict[str, Any]) -> None:
    check = compose["services"]["api"]["healthcheck"]
    assert check["test"] == ["CMD", "python", "-m", "service.healthcheck"]
    assert {"interval", "timeout", "retries", "start_period"} <= set(check)
    probe = (ROOT / "service" / "healthcheck.py").read_text(encoding="utf-8")
    assert "/health" in probe


def test_train_writes_the_volume_api_reads(compose: dict[str, Any]) -> None:
    api, train = compose["services"]["api"], compose["services"]["train"]
    assert "models" in compose["volumes"]
    assert _volume_targets(api) == _volume_targets(train) == {"models": "/models"}
    model_path = api["environment"]["STANCE_MODEL_PATH"]
    assert model_path.startswith("/models/")
    assert train["command"][-2:] == ["--out", model_path]


def test_both_services_use_the_image_built_here(compose: dict[str, Any]) -> None:
    for service in compose["services"].values():
        assert service["build"] == "."
        assert service["image"] == "stancewatch:latest"


def test_dockerfile_trains_and_serves_as_non_root() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    user = dockerfile.index("USER app")
    assert user < dockerfile.index("RUN python -m training.train")
    assert re.search(
        r"HEALTHCHECK .*\n\s+CMD \[\"python\", \"-m\", \"service.healthcheck\"\]", dockerfile
    )
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "service.app:create_app()"]' in dockerfile
    assert "ENV" in dockerfile and "STANCE_MODEL_PATH=/models/stance_model.joblib" in dockerfile


def test_dockerignore_keeps_local_state_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", ".git", "model/artifacts"} <= set(ignored)
