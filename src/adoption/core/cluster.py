"""A Dask cluster to run work on: an existing one by its scheduler's address, or one
started on this machine for the duration of the work.

``dask`` and ``distributed`` are imported only here, and only when a cluster is asked
for: the in-memory path and the report kernels never load them.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from .errors import ParameterError

# How long to wait for a scheduler to answer.
CONNECT_TIMEOUT_S = 10
_LOCAL = re.compile(r"^local(?::(\d+))?$")


def local_workers(address: str) -> int | None:
    """The number of workers of a cluster on this machine that ``address`` asks for
    (``local`` = 2, ``local:N`` = N), or None for the address of an existing scheduler.

    >>> local_workers("local:3"), local_workers("local"), local_workers("tcp://10.0.0.5:8786")
    (3, 2, None)
    """
    found = _LOCAL.match(address.strip())
    if not found:
        return None
    workers = int(found.group(1) or 2)
    if workers < 1:
        raise ParameterError(f"scheduler {address!r}: a local cluster needs at least 1 worker")
    return workers


@contextmanager
def open_client(address: str):
    """A ``distributed.Client`` on the scheduler at ``address`` (``tcp://host:8786``), or on
    ``local:N`` workers started here (one process each, one thread each) and stopped after."""
    from distributed import Client, LocalCluster

    workers = local_workers(address)
    if workers is not None:
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ParameterError(f"scheduler {address!r}: no Dask scheduler answered within {CONNECT_TIMEOUT_S} s "
                             f"({exc.__class__.__name__}); expected the address `dask scheduler` prints, "
                             "e.g. tcp://10.0.0.5:8786, or local:N") from None
    with client:
        yield client
