"""Load test: concurrent clients against gunicorn on loopback for a bounded time.

    python tools/loadtest.py [--duration 30] [--clients 16] [--workers 2] [--json PATH]

Starts gunicorn (gunicorn.conf.py) on a free 127.0.0.1 port with the configured artifact, warms
it up, then runs the clients and reports requests, errors, throughput, latency percentiles and
the workers' resident memory at the start and the end. `--url` with `--pidfile` targets a
server that is already running (loopback only). It then times one request of the maximum size
(single and batch). Exits 1 when a request failed or the workers' memory grew past
--max-growth.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import requests

from tools.gunicorn_process import free_port, spawn_gunicorn, stop_gunicorn, wait_until_ready

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "training" / "data" / "test" / "articles.jsonl"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Call:
    """One request of the workload."""

    name: str
    path: str
    body: bytes
    content_type: str


@dataclass
class Tally:
    """What the clients saw."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    by_call: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, call: Call, seconds: float, error: str | None) -> None:
        """Record one answered (or failed) request."""
        with self.lock:
            self.latencies.append(seconds)
            self.by_call[call.name] += 1
            if error is not None:
                self.errors[error] += 1


@dataclass
class Server:
    """A gunicorn master this tool started or was pointed at."""

    url: str
    pidfile: Path
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def master_pid(self) -> int:
        """The master's pid, from the pidfile."""
        return int(self.pidfile.read_text().strip())


def load_articles(path: Path = ARTICLES) -> list[str]:
    """The held-out articles' texts: realistic lengths, actors and quotes."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


def workload(articles: list[str]) -> list[Call]:
    """The mix the clients cycle through: JSON and plain-text articles, batches, health."""
    calls: list[Call] = []
    for i, text in enumerate(articles):
        calls.append(Call("predict", "/predict", json.dumps({"text": text}).encode(), "json"))
        if i % 3 == 0:
            calls.append(Call("predict_text", "/predict", text.encode(), "text"))
        if i % 5 == 0:
            documents = [
                {"id": str(j), "text": t} for j, t in enumerate(articles[i : i + 4], start=1)
            ]
            body = json.dumps({"documents": documents}).encode()
            calls.append(Call("batch", "/predict/batch", body, "json"))
        if i % 10 == 0:  # probes come regularly, so even a short run sends some
            calls.append(Call("health", "/health", b"", ""))
    return calls


def _headers(call: Call, token: str | None) -> dict[str, str]:
    """Content type and, when a token is configured, the bearer header."""
    headers = {"Connection": "close"}
    if call.content_type == "json":
        headers["Content-Type"] = "application/json"
    elif call.content_type == "text":
        headers["Content-Type"] = "text/plain; charset=utf-8"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def send(url: str, call: Call, token: str | None, timeout: float) -> tuple[float, str | None]:
    """Send one call; return its latency and an error label, None when it got a 200."""
    started = time.perf_counter()
    try:
        if call.body:
            answer = requests.post(
                url + call.path, data=call.body, headers=_headers(call, token), timeout=timeout
            )
        else:
            answer = requests.get(url + call.path, headers=_headers(call, token), timeout=timeout)
        error = None if answer.status_code == 200 else f"HTTP {answer.status_code}"
        if error is None and call.path.startswith("/predict"):
            answer.json()  # a 200 must carry a whole JSON document
    except requests.RequestException as failure:
        error = type(failure).__name__
    except ValueError:
        error = "invalid JSON in a 200"
    return time.perf_counter() - started, error


def run_clients(
    url: str, calls: list[Call], clients: int, seconds: float, token: str | None, timeout: float
) -> tuple[Tally, float]:
    """Run `clients` threads, each sending calls back to back, for `seconds`."""
    tally = Tally()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        for call in itertools.islice(itertools.cycle(calls), offset, None):
            if time.monotonic() >= deadline:
                return
            latency, error = send(url, call, token, timeout)
            tally.add(call, latency, error)

    threads = [threading.Thread(target=client, args=(i * 7,), daemon=True) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile (0..1) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[round(share * 1000) - 1]


def worker_memory(master_pid: int) -> dict[int, int]:
    """Resident memory (bytes) of each worker of a gunicorn master."""
    memory: dict[int, int] = {}
    for child in psutil.Process(master_pid).children():
        try:
            memory[child.pid] = child.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return memory


def start_server(workers: int, folder: Path, env: dict[str, str] | None = None) -> Server:
    """Start gunicorn with gunicorn.conf.py on a free loopback port; wait until it answers."""
    port = free_port()
    pidfile = folder / "gunicorn.pid"
    log = folder / "server.log"
    settings = {**(env or {}), "WORKERS": str(workers), "STANCE_PIDFILE": str(pidfile)}
    process = spawn_gunicorn(port, log, settings)
    try:
        wait_until_ready(process, port, log, workers)
    except RuntimeError:
        stop_gunicorn(process)
        raise
    return Server(f"http://127.0.0.1:{port}", pidfile, process, log)


def stop_server(server: Server) -> None:
    """Stop a gunicorn this tool started: gracefully, forcibly if it hangs."""
    if server.process is not None:
        stop_gunicorn(server.process)


def max_size_calls(articles: list[str], limit: int) -> list[Call]:
    """A single article and a batch whose JSON bodies just fit in `limit` bytes."""
    text = "\n\n".join(itertools.islice(itertools.cycle(articles), 2000))

    def fitted(make) -> bytes:
        low, high = 0, len(text)
        while low < high:  # the longest prefix whose body fits
            middle = (low + high + 1) // 2
            if len(make(text[:middle])) <= limit:
                low = middle
            else:
                high = middle - 1
        return make(text[:low])

    def single(t: str) -> bytes:
        return json.dumps({"text": t}, ensure_ascii=False).encode()

    def batch(t: str) -> bytes:
        step = max(1, len(t) // 10)
        documents = [{"id": str(i), "text": t[i : i + step] or "."} for i in range(0, len(t), step)]
        return json.dumps({"documents": documents[:10]}, ensure_ascii=False).encode()

    return [
        Call("max_single", "/predict", fitted(single), "json"),
        Call("max_batch", "/predict/batch", fitted(batch), "json"),
    ]


def probe_max_size(server: Server, articles: list[str], token: str | None) -> list[dict]:
    """Time one request of the maximum size, single and batch, on the live server."""
    results = []
    for call in max_size_calls(articles, int(os.environ.get("STANCE_MAX_BYTES") or MAX_BYTES)):
        latency, error = send(server.url, call, token, timeout=600)
        results.append(
            {
                "call": call.name,
                "bytes": len(call.body),
                "seconds": round(latency, 3),
                "error": error,
            }
        )
    return results


def report(args: argparse.Namespace, server: Server, token: str | None) -> dict:
    """Warm up, measure memory, run the clients, measure again; the figures as a dict."""
    articles = load_articles()
    calls = workload(articles)
    timeout = float(os.environ.get("STANCE_TIMEOUT") or 30) + 10
    run_clients(server.url, calls, args.clients, args.warmup, token, timeout)
    master = server.master_pid()
    memory_start = worker_memory(master)
    tally, elapsed = run_clients(server.url, calls, args.clients, args.duration, token, timeout)
    memory_end = worker_memory(master)
    start_total, end_total = sum(memory_start.values()), sum(memory_end.values())
    latencies = sorted(tally.latencies)
    figures = {
        "duration_s": round(elapsed, 2),
        "clients": args.clients,
        "requests": len(latencies),
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(tally.errors),
        "requests_by_call": dict(tally.by_call),
        "throughput_rps": round(len(latencies) / elapsed, 2) if elapsed else 0.0,
        "latency_ms": {
            name: round(percentile(latencies, share) * 1000, 1)
            for name, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
        }
        | {"max": round(latencies[-1] * 1000, 1) if latencies else 0.0},
        "workers_rss_mb_start": {str(p): round(b / 2**20, 1) for p, b in memory_start.items()},
        "workers_rss_mb_end": {str(p): round(b / 2**20, 1) for p, b in memory_end.items()},
        "workers_replaced": sorted(set(memory_start) ^ set(memory_end)),
        "memory_growth": round(end_total / start_total - 1, 4) if start_total else 0.0,
    }
    if not args.no_probe:
        figures["max_size"] = probe_max_size(server, articles, token)
        figures["worker_timeout_s"] = float(os.environ.get("STANCE_TIMEOUT") or 30)
    return figures


def print_figures(figures: dict) -> None:
    """The figures for people."""
    latency = figures["latency_ms"]
    print(f"duration      {figures['duration_s']} s, {figures['clients']} clients")
    print(f"requests      {figures['requests']} ({figures['requests_by_call']})")
    print(f"errors        {figures['errors']} {figures['error_kinds'] or ''}")
    print(f"throughput    {figures['throughput_rps']} requests/s")
    print(
        f"latency       p50 {latency['p50']} ms, p95 {latency['p95']} ms, p99 {latency['p99']} ms"
    )
    print(f"worker RSS    start {figures['workers_rss_mb_start']} MB")
    print(f"              end   {figures['workers_rss_mb_end']} MB")
    print(f"memory growth {figures['memory_growth']:.1%}")
    for probe in figures.get("max_size", []):
        print(
            f"max size      {probe['call']}: {probe['bytes']} bytes in {probe['seconds']} s "
            f"(worker timeout {figures['worker_timeout_s']:g} s) {probe['error'] or ''}"
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (30)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers to start (2)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before measuring (3)")
    parser.add_argument("--url", help="a running server on loopback instead of starting one")
    parser.add_argument("--pidfile", type=Path, help="the running server's pidfile (with --url)")
    parser.add_argument("--max-growth", type=float, default=0.10, help="memory growth limit")
    parser.add_argument("--no-probe", action="store_true", help="skip the max-size requests")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.duration > 3600 or not 1 <= args.clients <= 256:
        parser.error("--duration must be in (0, 3600] s and --clients in 1..256")
    if args.url and (urlsplit(args.url).hostname not in LOOPBACK or not args.pidfile):
        parser.error("--url must be a loopback address and needs --pidfile")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the load test; 1 when a request failed or memory grew too much."""
    args = parse_args(argv)
    token = os.environ.get("STANCE_API_TOKEN") or None
    with tempfile.TemporaryDirectory(prefix="stancewatch-load-") as folder:
        if args.url:
            server = Server(args.url.rstrip("/"), args.pidfile)
        else:
            server = start_server(args.workers, Path(folder))
        try:
            figures = report(args, server, token)
        finally:
            stop_server(server)
    print_figures(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    failed_probe = any(probe["error"] for probe in figures.get("max_size", []))
    too_much = figures["memory_growth"] > args.max_growth
    return 1 if figures["errors"] or failed_probe or too_much else 0


if __name__ == "__main__":
    sys.exit(main())
