"""Opening a Dask client from the address a user gives: malformed addresses refused before
anything connects, an unreachable scheduler refused quickly with its address named."""

import socket
import time

import pytest

from adoption.core import cluster, signals
from adoption.core.errors import ClusterError


def free_port() -> int:
    """A port nothing listens on (as far as one can tell)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("address, workers", [("local:3", 3), ("local:1", 1), ("tcp://10.0.0.5:8786", None),
                                               ("10.0.0.5:8786", None)])
def test_local_or_a_scheduler_elsewhere(address, workers):
    assert cluster.local_workers(address) == workers


def test_local_alone_is_a_worker_a_core():
    import os

    assert cluster.local_workers("local") == (os.cpu_count() or 1)


@pytest.mark.parametrize("address", ["local:0", "local:two", "local:-1", "", "tcp://host name:8786"])
def test_a_malformed_address_is_refused_with_what_was_expected(address):
    with pytest.raises(ClusterError, match="expected tcp://HOST:PORT .* local or local:N"):
        cluster.local_workers(address)


def test_an_address_without_a_port_is_refused_before_connecting():
    started = time.monotonic()
    with pytest.raises(ClusterError, match="--scheduler schedulerhost: missing port"):
        with cluster.open_client("schedulerhost", timeout=30):
            pass
    assert time.monotonic() - started < 5


def test_an_unreachable_scheduler_is_refused_within_the_timeout():
    address = f"tcp://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(ClusterError) as refused:
        with cluster.open_client(address, timeout=1):
            pass
    assert time.monotonic() - started < 8
    message = str(refused.value)
    assert message.startswith(f"--scheduler {address}: no Dask scheduler answered within 1 s")
    assert "expected tcp://HOST:PORT (a running `dask scheduler`)" in message


def test_local_n_starts_n_worker_processes_for_the_duration():
    with cluster.open_client("local:1") as client:
        assert len(client.scheduler_info()["workers"]) == 1
        assert client.submit(abs, -3).result() == 3
        local = client.cluster
    assert local.status.name == "closed"


def test_a_stop_signal_during_a_cluster_start_is_delivered_after_it():
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    reached = []
    try:
        with pytest.raises(KeyboardInterrupt):
            with signals.stop_signals_deferred():
                signal.raise_signal(signal.SIGINT)
                reached.append("the rest of the block")
        assert reached == ["the rest of the block"]
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_local_worker_leaves_the_stop_to_the_driving_process_and_says_nothing_of_it():
    """What :func:`cluster.dask_setup` sets in each worker of a local cluster: Ctrl+C
    ignored; a cancelled task and a heartbeat lost as the scheduler closes not logged; any
    other message of the worker logged as before. In a process of its own (it sets a signal)."""
    import subprocess
    import sys

    code = (
        "import logging, signal, sys\n"
        "from adoption.core import cluster\n"
        "logging.basicConfig(stream=sys.stderr, format='%(name)s: %(message)s')\n"
        "cluster.dask_setup(None)\n"
        "print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)\n"
        "try:\n    raise OSError('Stream is closed')\nexcept OSError:\n"
        "    logging.getLogger('distributed.worker').exception('Failed to communicate with scheduler during heartbeat.')\n"
        "logging.getLogger('distributed.worker.state_machine').error('Compute Failed ... ended with CancelledError')\n"
        "logging.getLogger('distributed.worker').error('Worker is out of memory')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
    assert done.stderr.strip().splitlines() == ["distributed.worker: Worker is out of memory"]
