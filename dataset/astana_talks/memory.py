"""The process's memory: what the C allocator holds on to, given back."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable


def release_free_memory() -> None:
    """Give the memory freed since the last call back to the system (glibc's
    ``malloc_trim``; elsewhere nothing). The C allocator keeps freed blocks for reuse,
    and between the pieces of a large file, the columns of its parse and the
    temporaries of the checks, what it keeps fragments: 100 MB at a million rows."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    return trim
