"""The Dask cluster a batch runs on: a local one of processes, or an existing scheduler."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from distributed import Client

LOCAL = "local"
LOOPBACK = "127.0.0.1"
CONNECT_TIMEOUT = "20s"


@contextlib.contextmanager
def connect(scheduler: str, workers: int) -> Iterator[Client]:
    """A client of a new LocalCluster (`local`) or of the scheduler at `tcp://host:port`."""
    from distributed import Client, LocalCluster

    # Dask logs connection churn at INFO, with tracebacks when a run is interrupted: noise here.
    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler != LOCAL:
        with Client(scheduler, timeout=CONNECT_TIMEOUT) as client:
            yield client
        return
    # One thread per worker process: prediction is pure Python and holds the GIL.
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host=LOOPBACK,
            dashboard_address=f"{LOOPBACK}:0",  # any free port: 8787 may be taken
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
