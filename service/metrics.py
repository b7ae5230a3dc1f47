"""Prometheus metrics; summed over all gunicorn workers when PROMETHEUS_MULTIPROC_DIR is set."""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_dir() -> str | None:
    """The shared metrics directory gunicorn.conf.py sets up, if any."""
    return os.environ.get(MULTIPROC_ENV) or None


class Metrics:
    """The service's metrics, in a registry of their own so several apps can share a process."""

    def __init__(self) -> None:
        """Create the metrics; under gunicorn their values live in the shared directory."""
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "stancewatch_http_requests",
            "HTTP requests answered, by endpoint, method and status.",
            ["endpoint", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "stancewatch_http_request_duration_seconds",
            "Time to answer an HTTP request, by endpoint.",
            ["endpoint"],
            registry=self.registry,
        )
        self.predictions = Counter(
            "stancewatch_predictions",
            "Actor stances returned, by stance.",
            ["stance"],
            registry=self.registry,
        )

    def observe_request(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request and record its latency."""
        self.requests.labels(endpoint=endpoint, method=method, status=str(status)).inc()
        self.latency.labels(endpoint=endpoint).observe(seconds)

    def observe_stances(self, stances: list[str]) -> None:
        """Count the stances of one prediction."""
        for stance in stances:
            self.predictions.labels(stance=stance).inc()

    def render(self) -> tuple[bytes, str]:
        """The exposition text and its content type."""
        if multiprocess_dir() is None:
            return generate_latest(self.registry), CONTENT_TYPE_LATEST
        # Every worker writes its own files; a fresh collector reads and sums them all.
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
