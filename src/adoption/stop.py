"""How the ``adoption`` command stops on a signal: the way Ctrl+C stops it, every clean-up
run, one line on stderr and the shell's code for the signal."""

from __future__ import annotations

import signal
from collections.abc import Callable

from rich.console import Console

from .core.signals import STOP_SIGNALS


class Stopped(KeyboardInterrupt):
    """Raised in the main thread by SIGTERM or SIGHUP (and Ctrl+C): the work stops the way
    Ctrl+C stops it, so that every clean-up runs (staged outputs removed, the previous set
    of clean data kept, report kernels shut down, temporary folders deleted)."""


def until_stopped(main: Callable[[], None], console: Console) -> None:
    """Run ``main``, stopped cleanly by a signal.

    A signal ends the run with one line on ``console`` and the shell's code for it (130 for
    Ctrl+C, 143 for SIGTERM, 129 for SIGHUP); further signals while it cleans up are
    ignored (SIGKILL still kills). A run that no signal stopped leaves the handlers it
    found.
    """
    received: list[int] = []

    def stop(signum, frame) -> None:
        if not received:
            received.append(signum)
            raise Stopped(signum)

    previous = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    try:
        main()
    except SystemExit:
        if not received:
            raise
    finally:
        if not received:  # run in-process (a test, a notebook): its signals handled as before
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    if received:
        name = signal.Signals(received[0]).name
        console.print(f"[bold red]stopped[/] by {name}: outputs published before it are kept; nothing half-written is left",
                      highlight=False)
        raise SystemExit(128 + received[0])
