"""What machine a benchmark ran on: CPU, cores, memory, load, OS, Python and the versions
of the packages whose speed the figures depend on."""

from __future__ import annotations

import os
import platform
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# Packages whose versions move the figures: the data stack, the notebook machinery.
PACKAGES = ("pandas", "numpy", "pyarrow", "pandera", "openpyxl", "python-calamine", "matplotlib", "highspy", "papermill",
            "nbclient", "nbconvert", "jupyter-client", "ipykernel")


def _cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else what :mod:`platform` says."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float:
    """Physical memory in GiB (0 where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return 0.0


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def describe() -> dict[str, str]:
    """The machine and software a benchmark runs on, as label -> text."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "CPU": f"{_cpu_model()}, {os.cpu_count()} logical cores",
        "memory": f"{_memory_gib():.1f} GiB",
        "load average at start": " / ".join(f"{value:.2f}" for value in load) + " (1 / 5 / 15 min)",
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": ", ".join(f"{name} {_version(name)}" for name in PACKAGES),
    }
