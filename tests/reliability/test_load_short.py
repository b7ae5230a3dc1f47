"""A short run of `make loadtest` (tools/loadtest.py) in the test suite: no request may fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tools.loadtest import ROOT

MAX_BYTES = 1024 * 1024


def test_short_load_test_has_no_errors(model_artifact: Path, tmp_path: Path) -> None:
    figures_path = tmp_path / "load.json"
    command = [
        sys.executable, "-m", "tools.loadtest", "--duration", "5", "--clients", "4",
        "--warmup", "1", "--max-growth", "0.5", "--json", str(figures_path),
    ]  # fmt: skip
    env = {**os.environ, "STANCE_MODEL_PATH": str(model_artifact)}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(figures_path.read_text(encoding="utf-8"))

    assert figures["errors"] == 0 and figures["requests"] > 0
    assert set(figures["requests_by_call"]) == {"predict", "predict_text", "batch", "health"}
    assert len(figures["workers_rss_mb_start"]) == 2
    assert figures["workers_replaced"] == []
    assert figures["latency_ms"]["p50"] <= figures["latency_ms"]["p99"]
    # The largest request a client may send, single and batch, is answered on the real server.
    probes = {probe["call"]: probe for probe in figures["max_size"]}
    assert set(probes) == {"max_single", "max_batch"}
    for probe in probes.values():
        assert probe["error"] is None
        assert MAX_BYTES - 200 <= probe["bytes"] <= MAX_BYTES
    assert "p99" in done.stdout and "memory growth" in done.stdout
