"""How a cleaning process asks the C allocator to keep the memory it frees.

The cleaning makes and drops arrays of tens to hundreds of megabytes, chunk after chunk.
By default glibc's ``malloc`` maps each large block from the kernel and unmaps it when
freed, and returns the top of its heap as soon as 128 KB are free there; the next chunk
then touches fresh pages, which the kernel must zero one by one. At 5 M register rows that
was a fifth of the cleaning's processor time, in the kernel (Dask's worker processes set a
trim threshold of 64 KB, which makes it more). Keeping freed blocks for reuse costs the
process no more than its peak, which the chunked engine bounds anyway.

pyarrow's buffers (most of the cleaning's text) come from its own allocator, mimalloc, which
hands freed pages back to the kernel after a few milliseconds, with the same cost. Where
glibc keeps freed memory, pyarrow is told to allocate from it too (its ``system`` pool):
at 1.2 M national register rows in parts, 32 s to 28 s, and the time in the kernel 5.3 s
to 1.7 s, at the same peak.

:func:`keep_freed_memory` sets this for the running process (``adoption clean`` does, as
its first step); :data:`ALLOCATOR_ENVIRON` is the same as environment variables, for
worker processes started by this package (a local Dask cluster). On a C library other than
glibc both do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform

# mallopt's parameters (glibc's malloc.h) and the values used: blocks under 1 GiB come
# from the heap, which keeps up to 1 GiB free at its top and grows 256 MiB at a time
# (mallopt takes a C int: at most 2 GiB).
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
MMAP_THRESHOLD = 1 << 30
TRIM_THRESHOLD = 1 << 30
TOP_PAD = 256 << 20
ALLOCATOR_ENVIRON = {"MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD), "MALLOC_TRIM_THRESHOLD_": str(TRIM_THRESHOLD),
                     "MALLOC_TOP_PAD_": str(TOP_PAD), "ARROW_DEFAULT_MEMORY_POOL": "system"}


def keep_freed_memory() -> bool:
    """Ask glibc's allocator of this process to keep freed memory for reuse, and pyarrow
    to allocate from it (see the module's text); True when glibc accepted every setting,
    False on another C library (nothing changed then).

    >>> isinstance(keep_freed_memory(), bool)
    True
    """
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    settings = ((_M_MMAP_THRESHOLD, MMAP_THRESHOLD), (_M_TRIM_THRESHOLD, TRIM_THRESHOLD), (_M_TOP_PAD, TOP_PAD))
    if not all([mallopt(parameter, value) == 1 for parameter, value in settings]):
        return False
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
    return True
