"""A Dask client from the address a user gives (``--scheduler``): a running scheduler
(``tcp://host:8786``), or ``local`` / ``local:N`` for a cluster of N worker processes on
this machine, started for the duration of the work.

Dask is imported only when a client is opened: a command without ``--scheduler`` never
loads it (importing ``distributed`` takes about half a second).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from .errors import ClusterError
from .memory import ALLOCATOR_ENVIRON
from .signals import stop_signals_deferred

# How long a scheduler has to answer, and to have a worker, before the work is refused.
CONNECT_TIMEOUT = 10.0
LOCAL = "local"
EXPECTED = "expected tcp://HOST:PORT (a running `dask scheduler`), local or local:N (N worker processes here)"


def local_workers(address: str) -> int | None:
    """The number of worker processes ``address`` asks for on this machine, or None when it
    names a scheduler elsewhere. ``local`` alone means one worker a core.

    >>> local_workers("local:2"), local_workers("tcp://10.0.0.5:8786")
    (2, None)
    >>> local_workers("local:none")
    Traceback (most recent call last):
    ...
    adoption.core.errors.ClusterError: --scheduler local:none: expected tcp://HOST:PORT (a running `dask scheduler`), local or local:N (N worker processes here)
    """
    name, _, count = address.strip().partition(":")
    if name != LOCAL:
        if not address.strip() or " " in address.strip():
            raise ClusterError(f"--scheduler {address!r}: {EXPECTED}")
        return None
    if not count:
        return os.cpu_count() or 1
    if not count.isdigit() or int(count) < 1:
        raise ClusterError(f"--scheduler {address}: {EXPECTED}")
    return int(count)


@contextmanager
def local_cluster(workers: int, **options) -> Iterator["distributed.LocalCluster"]:  # noqa: F821
    """A ``distributed.LocalCluster`` of ``workers`` processes of one thread each, closed on
    exit. Their C allocator keeps the memory they free (:data:`~adoption.core.memory.ALLOCATOR_ENVIRON`,
    in place of the 64 KB trim threshold Dask sets by default); ``options`` go to the cluster.
    The cluster's scratch folder is a temporary folder of its own, removed after it (Dask's
    default, ``dask-scratch-space`` in the temporary folder, stays there).
    """
    import tempfile

    import dask
    from distributed import LocalCluster

    environ = {**dask.config.get("distributed.nanny.pre-spawn-environ", default={}), **ALLOCATOR_ENVIRON}
    # A nanny takes a variable of this process's environment before its configuration, and
    # sets them here too (another cluster's nannies may have): both are set for the start,
    # and this process's environment put back after.
    saved = {name: os.environ.get(name) for name in environ}
    os.environ.update(ALLOCATOR_ENVIRON)
    try:
        with ExitStack() as stack:
            # Inside the folder the user's Dask configuration names, if any (a larger disk, say).
            scratch = stack.enter_context(tempfile.TemporaryDirectory(
                prefix="adoption-dask-", dir=dask.config.get("temporary-directory", None), ignore_cleanup_errors=True))
            stack.enter_context(dask.config.set({"distributed.nanny.pre-spawn-environ": environ,
                                                 "temporary-directory": scratch}))
            # A cluster stopped half started would be closed only at the process's exit, after
            # its scratch folder went, with distributed's tracebacks: the stop waits for it.
            with stop_signals_deferred():
                preload = [*(dask.config.get("distributed.worker.preload", default=None) or []), __name__]
                cluster = stack.enter_context(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                           preload=preload, **options))
            yield cluster
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def dask_setup(worker) -> None:  # noqa: ARG001  (Dask's preload hook, run in each worker of a local cluster)
    """Leave Ctrl+C to the process that drives the work. A terminal sends it to every
    process of the command, the workers included: each stopped with a traceback of its own,
    and its tasks' cancellations logged, while the driving process was closing the cluster
    and removing what was half written. The task a worker was running when the cluster
    closed is cancelled: that is the stop, not a warning to print. Nor is a heartbeat sent
    as the scheduler (in the driving process, which closes it) goes: distributed logs it
    with two tracebacks."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("distributed.worker.state_machine").addFilter(
        lambda record: "ended with CancelledError" not in record.getMessage())
    logging.getLogger("distributed.worker").addFilter(
        lambda record: not record.getMessage().startswith("Failed to communicate with scheduler during heartbeat"))


@contextmanager
def open_client(address: str, *, timeout: float | None = None) -> Iterator["distributed.Client"]:  # noqa: F821
    """A ``distributed.Client`` of the scheduler at ``address`` with at least one worker,
    closed on exit (with the local cluster, for ``local`` / ``local:N``).

    Raises :class:`ClusterError`, naming the address, when no scheduler answers within
    ``timeout`` seconds (default :data:`CONNECT_TIMEOUT`) or it has no worker by then.
    """
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    workers = local_workers(address)
    logger = logging.getLogger("distributed")
    level = logger.level  # as the command line set it: importing distributed sets it to INFO
    from distributed import Client
    from distributed.comm.addressing import parse_address, parse_host_port

    if level:
        logger.setLevel(level)

    if workers is not None and workers > (os.cpu_count() or 1):
        logging.getLogger(__name__).warning(
            "--scheduler %s: %d worker processes on %d cores; each runs one task at a time, so more than one a "
            "core only share the cores and the memory", address, workers, os.cpu_count() or 1)
    if workers is not None:
        # Processes with one thread each: a report's kernel is a process of its own anyway,
        # and a worker runs one report at a time. Listening on the loopback only (its web page
        # on a free port: 8787 may be another cluster's).
        with ExitStack() as stack:
            cluster = stack.enter_context(local_cluster(workers, host="127.0.0.1", dashboard_address="127.0.0.1:0"))
            with stop_signals_deferred():
                client = stack.enter_context(Client(cluster, set_as_default=False))
            yield client
        return
    try:
        parse_host_port(parse_address(address)[1])
    except ValueError as exc:  # not an address at all: refused before a client is made
        raise ClusterError(f"--scheduler {address}: {exc}; {EXPECTED}") from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # refused, timed out, or something that does not speak Dask's protocol
        raise ClusterError(f"--scheduler {address}: no Dask scheduler answered within {timeout:g} s "
                           f"({exc.__class__.__name__}); {EXPECTED}") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"--scheduler {address}: the scheduler has no worker after {timeout:g} s "
                               f"({exc.__class__.__name__}); start `dask worker {address}` on each machine") from None
        yield client
