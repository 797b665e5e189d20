"""Stop signals (Ctrl+C, SIGTERM, SIGHUP) in a process that runs threads.

Python runs a signal's handler in the main thread only, when that thread next runs
bytecode, though the system may hand the signal to any thread: a main thread that waits
without a timeout acts on it only when its wait ends. And an exception a handler raises
inside ``Thread.join`` marks the thread joined as ended while it runs on (CPython 3.11),
so a process stopped there exits before that thread's clean-up. Waits on other threads'
work are therefore made on events or futures, in steps of :data:`WAKE_SECONDS`.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
# How long a wait of the main thread lasts before it wakes to run a signal's handler.
WAKE_SECONDS = 0.25


@contextmanager
def stop_signals_deferred() -> Iterator[None]:
    """Hold a stop signal that arrives in the block until it ends, then deliver it (to the
    handlers it found). Only the main thread handles signals: elsewhere, nothing is held.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: held.append(signum)) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if held:
            signal.raise_signal(held[0])
