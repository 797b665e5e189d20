"""The cleaning's processes keep the memory they free for reuse (glibc's allocator), in
this process and in the workers of a local Dask cluster."""

import os
import platform
import subprocess
import sys

import pytest

from adoption.core import cluster, memory

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the settings are glibc's")

# 400 MB made and dropped: by default glibc maps a block that large from the kernel and
# unmaps it when freed, so the process's resident memory falls back.
PROBE = """
import os, sys
import numpy as np
from adoption.core.memory import keep_freed_memory
if sys.argv[1] == "keep":
    assert keep_freed_memory()
def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
before = resident()
block = np.ones(50_000_000)
del block
print(resident() - before)
"""


def _kept_after_free(mode: str) -> int:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}  # glibc's defaults
    out = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True, env=environ)
    return int(out.stdout)


def test_freed_memory_is_kept_only_when_asked():
    assert _kept_after_free("default") < 50_000_000
    assert _kept_after_free("keep") > 350_000_000


def test_pyarrow_allocates_from_the_kept_memory_only_when_asked():
    probe = "import sys, pyarrow as pa\nfrom adoption.core.memory import keep_freed_memory\n" \
            "if sys.argv[1] == 'keep':\n    assert keep_freed_memory()\nprint(pa.default_memory_pool().backend_name)"
    pools = {mode: subprocess.run([sys.executable, "-c", probe, mode], capture_output=True, text=True, check=True,
                                  env={k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}).stdout.strip()
             for mode in ("default", "keep")}
    assert pools["keep"] == "system" and pools["default"] != "system"


def _worker_state():
    import pyarrow as pa

    return dict(os.environ), pa.default_memory_pool().backend_name


def test_local_workers_start_with_the_allocator_settings(monkeypatch):
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # as another cluster's nannies leave it
    with cluster.open_client("local:1") as client:
        states = client.run(_worker_state)
    ((worker, pool),) = states.values()
    assert pool == "system"  # pyarrow's buffers from the same kept memory
    for name, value in memory.ALLOCATOR_ENVIRON.items():
        assert worker[name] == value
    assert int(worker["MALLOC_TRIM_THRESHOLD_"]) == 1 << 30  # not Dask's 64 KB
    assert os.environ["MALLOC_TRIM_THRESHOLD_"] == "65536"  # this process's, put back


def test_the_settings_leave_this_process_environment_as_it_was():
    before = {name: os.environ.get(name) for name in memory.ALLOCATOR_ENVIRON}
    with cluster.local_cluster(1, dashboard_address=None):
        pass
    assert {name: os.environ.get(name) for name in memory.ALLOCATOR_ENVIRON} == before


def test_a_local_cluster_leaves_nothing_in_the_temporary_folder(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with cluster.local_cluster(1, dashboard_address=None) as running:
        assert running.workers  # the worker's scratch folder is made
    assert list(tmp_path.iterdir()) == []


def test_a_local_cluster_keeps_its_scratch_in_the_folder_dask_is_told(tmp_path):
    import dask

    with dask.config.set({"temporary-directory": str(tmp_path)}):
        with cluster.local_cluster(1, dashboard_address=None) as running:
            folders = [p.name for p in tmp_path.iterdir()]
            assert len(folders) == 1 and folders[0].startswith("adoption-dask-") and running.workers
    assert list(tmp_path.iterdir()) == []
