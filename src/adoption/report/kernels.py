"""Kernels for the build: each report gets a kernel of its own, started ahead of time.

Starting a kernel and importing pandas and matplotlib in it takes seconds, and a report
then waits for it. Here a kernel is launched when its report is claimed, before the
report ahead of it on the same worker runs, so that it boots and imports while that one
runs (:func:`run_all`). Pre-imported modules are all a kernel holds before its report:
the imports bind no name, no cell has run, and the kernel is used for one report only,
then shut down, so every report starts from a namespace as fresh as a new kernel's.
Shutting a kernel down does not wait for its process to exit: the wait happens later,
when the worker has nothing else to do.

Everything about one kernel happens in the thread that launched it, in that thread's
event loop (the one papermill's client uses there too).

What a kernel's process itself writes (not its cells: their output goes to the notebook)
is read from a pipe, never passed through to the build's terminal: ipykernel and tornado
log there, with tracebacks, when a kernel is killed or shut down mid-flush, which is not
news. The lines go to this module's logger at DEBUG level, and the last of them are kept
(:meth:`EnvironmentKernelManager.said`) for the error of a report whose kernel died.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.utils import run_sync
from traitlets import default

from ..core import config
from ..core.signals import WAKE_SECONDS

log = logging.getLogger(__name__)

# Imported in every kernel of a build before its notebook runs (and no name bound).
WARM_MODULES = ("pandas", "matplotlib.pyplot")
# A report kernel keeps no input history: nothing written to the user's IPython folder
# (parallel kernels would share one SQLite file), nothing to fail on a full disk. Its own
# log shows errors only: a kernel on the loopback is not news to a user at every report.
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False", "--IPKernelApp.log_level=ERROR"]
# How many of the last lines a kernel's process wrote are kept for a report's error.
SAID_LINES = 20


class EnvironmentKernelSpecs(KernelSpecManager):
    """Kernel specs with this environment's own first: the kernel `make` registers here
    wins over a same-named kernel another checkout registered in the user's folders."""

    @default("kernel_dirs")
    def _kernel_dirs_default(self) -> list[str]:
        own = str(Path(sys.prefix) / "share" / "jupyter" / "kernels")
        return [own] + [d for d in super()._kernel_dirs_default() if d != own]


class EnvironmentKernelManager(AsyncKernelManager):
    """A kernel manager looking kernels up with :class:`EnvironmentKernelSpecs`, which
    keeps the clients made for its kernel so that :meth:`close` can stop them."""

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self) -> KernelSpecManager:
        return EnvironmentKernelSpecs(data_dir=self.data_dir)

    def client(self, **kwargs):
        made = super().client(**kwargs)
        self.__dict__.setdefault("_made_clients", []).append(made)
        return made

    async def _stop_clients(self) -> None:
        for made in self.__dict__.pop("_made_clients", []):
            made.stop_channels()

    async def _request_close(self) -> None:
        """Stop this manager's clients and ask the kernel to exit, without waiting."""
        await self._stop_clients()
        if self.has_kernel and await self.is_alive():
            await self.request_shutdown()

    async def _finish_close(self) -> None:
        """Wait for the kernel to exit (killing it after a while), then free its files."""
        if self.has_kernel:
            await self.finish_shutdown(waittime=5)
        await self.cleanup_resources()

    request_close = run_sync(_request_close)
    finish_close = run_sync(_finish_close)

    def listen(self) -> None:
        """Read what the launched kernel's process writes to its stdout and stderr (one
        pipe), in a thread of its own until the process closes it."""
        process = getattr(self.provisioner, "process", None)
        if process is None or process.stdout is None:
            return
        said: deque[str] = self.__dict__.setdefault("_said", deque(maxlen=SAID_LINES))

        def read() -> None:
            with process.stdout:
                for raw in iter(process.stdout.readline, b""):
                    line = raw.decode("utf-8", "replace").rstrip()
                    said.append(line)
                    log.debug("kernel %d: %s", process.pid, line)

        reader = self.__dict__["_reader"] = threading.Thread(target=read, name=f"adoption-kernel-{process.pid}", daemon=True)
        reader.start()

    def said(self) -> str:
        """The last lines (at most :data:`SAID_LINES`) the kernel's process wrote so far:
        all it wrote, once it has exited (its pipe read to the end, waiting a second at most)."""
        process, reader = getattr(self.provisioner, "process", None), self.__dict__.get("_reader")
        if process is not None and reader is not None and process.poll() is not None:
            reader.join(timeout=1)
        return "\n".join(self.__dict__.get("_said", ()))


def kernel_name() -> str:
    """The project's kernel when this environment has it, else the running Python's."""
    return config.KERNEL_NAME if config.KERNEL_NAME in EnvironmentKernelSpecs().find_kernel_specs() else "python3"


def warm_arguments(modules: tuple[str, ...] = WARM_MODULES) -> list[str]:
    """Kernel options that import ``modules`` at start-up and bind no name in the namespace.

    >>> warm_arguments(("pandas",))
    ['--IPKernelApp.exec_lines=import pandas', '--IPKernelApp.exec_lines=del pandas']
    """
    tops = sorted({module.split(".")[0] for module in modules})
    return [f"--IPKernelApp.exec_lines=import {', '.join(modules)}", f"--IPKernelApp.exec_lines=del {', '.join(tops)}"]


def start_kernel(cwd: Path, env: dict[str, str] | None = None) -> EnvironmentKernelManager:
    """Launch a kernel in ``cwd`` (with ``env``) that pre-imports :data:`WARM_MODULES`.

    Returns at once: the kernel boots on its own, and a client waits for it to be ready.
    """
    manager = EnvironmentKernelManager(kernel_name=kernel_name())
    environment = dict(os.environ) if env is None else env
    run_sync(manager.start_kernel)(cwd=str(cwd), env=environment, extra_arguments=warm_arguments() + KERNEL_ARGUMENTS,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    manager.listen()
    return manager


def run_all(
    count: int,
    workers: int,
    launch: Callable[[int], EnvironmentKernelManager],
    run: Callable[[int, EnvironmentKernelManager | Exception], None],
) -> None:
    """Run jobs ``0 .. count-1`` on ``workers`` threads, each job with a kernel of its own.

    A worker claims its next job, and launches its kernel, before it runs the current one.
    ``run(job, kernel)`` gets the kernel, or the exception that launching it raised, and
    must not raise; the kernel is closed after it.
    """
    pending: queue.SimpleQueue[int] = queue.SimpleQueue()
    for job in range(count):
        pending.put(job)
    everything: list[EnvironmentKernelManager] = []  # every kernel launched, for a stop

    def claim() -> tuple[int, EnvironmentKernelManager | Exception] | None:
        if STOPPING.is_set():
            return None
        try:
            job = pending.get_nowait()
        except queue.Empty:
            return None
        try:
            return job, launch(job)
        except Exception as exc:  # a kernel that cannot start fails its report only
            return job, exc

    def work() -> None:
        launched: list[EnvironmentKernelManager] = []

        def claim_here() -> tuple[int, EnvironmentKernelManager | Exception] | None:
            claimed = claim()
            if claimed is not None and not isinstance(claimed[1], Exception):
                launched.append(claimed[1])
                everything.append(claimed[1])
            return claimed

        try:
            current = claim_here()
            while current is not None:
                following = claim_here()  # its kernel boots while this report runs
                job, kernel = current
                try:
                    if not STOPPING.is_set():  # a kernel launched while the build was being stopped runs nothing
                        run(job, kernel)
                finally:
                    if not isinstance(kernel, Exception):
                        _close(kernel.request_close)
                current = following
        finally:  # wait for the kernels' exits only now, when the worker has nothing left
            for kernel in launched:
                _close(kernel.finish_close)

    def worker(finished: threading.Event) -> None:
        try:
            work()
        finally:
            finished.set()

    STOPPING.clear()
    ends = [threading.Event() for _ in range(max(1, min(workers, count)))]
    threads = [threading.Thread(target=worker, args=(end,), name=f"adoption-report-{n}") for n, end in enumerate(ends)]
    for thread in threads:
        thread.start()
    try:
        # On events, in steps, never in Thread.join (see adoption.core.signals): stopped,
        # the build ends after its reports under way cleaned up, not before.
        for end in ends:
            while not end.wait(timeout=WAKE_SECONDS):
                pass
    except BaseException:  # Ctrl+C or a stop signal in the main thread: end the reports under way
        STOPPING.set()
        for kernel in list(everything):
            kill(kernel)  # the report running in it fails at once; its worker cleans up and ends
        for thread in threads:
            thread.join(timeout=30)
        for kernel in everything:  # whatever a report's client left behind, killed mid-start
            _close(kernel.cleanup_connection_file)
        raise


# Set while a build is being stopped: no new report starts, and the reports under way fail
# because their kernels were killed (their failures are not news).
STOPPING = threading.Event()
# Nor are papermill's and nbclient's errors (on papermill's logger) about those kernels, nor
# nbclient's error for a kernel that did not start: the report says it runs in a new kernel
# (adoption.report.execute), or fails with that error.
KERNEL_NOT_STARTED = "Error occurred while starting new kernel client"
logging.getLogger("papermill").addFilter(
    lambda record: not STOPPING.is_set() and not str(record.msg).startswith(KERNEL_NOT_STARTED))


def kill(kernel: EnvironmentKernelManager) -> None:
    """Kill a kernel's process from any thread (its manager's own calls belong to the
    thread that launched it)."""
    process = getattr(kernel.provisioner, "process", None) if kernel.has_kernel else None
    if process is not None and process.poll() is None:
        process.kill()


def _close(step: Callable[[], None]) -> None:
    """One step of closing a kernel; a kernel that will not close is logged, not raised."""
    try:
        step()
    except Exception as exc:  # the report is done; a stuck kernel must not fail the build
        log.warning("a report kernel did not shut down cleanly: %s", exc)
