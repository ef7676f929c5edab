"""Ask glibc's malloc to keep freed memory for reuse instead of giving it back to the kernel.

Every L-BFGS evaluation allocates and frees the network's activations, tens to hundreds of MB
each at 700 px. glibc serves blocks over 32 MiB with fresh mmap()s and unmaps them when freed,
so each evaluation page-faults and zero-fills every one of them again: on a large object this
took a third of the run's time in the kernel (docs/design/performance.md, "Freed memory").
Serving them from the heap and not trimming it keeps the pages mapped across evaluations, at
the price of the process holding its peak memory. This is the glibc counterpart of the
jemalloc / TCMalloc switch PyTorch's CPU tuning guide recommends; it needs no extra library.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

# glibc malloc.h
M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
NEVER_TRIM = 2**31 - 1  # mallopt takes an int: the largest, about 2 GiB of free heap top kept


def keep_freed_memory() -> bool:
    """Serve large blocks from the heap and keep freed memory (glibc only); True when it applied."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
        is_glibc = hasattr(libc, "gnu_get_libc_version")  # musl and macOS keep their defaults
    except (OSError, AttributeError):
        return False
    if not is_glibc:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    applied = bool(mallopt(M_MMAP_MAX, 0)) and bool(mallopt(M_TRIM_THRESHOLD, NEVER_TRIM))
    if not applied:
        log.info("malloc did not take the freed-memory settings; running with its defaults")
    return applied
