"""Building many objects at once without Python's cycle collector scanning the heap again and again.

Reading a 10,000-row roster, or the board's rosters of 3,000 schools, allocates containers by the
hundred thousand, and every burst of allocations starts a collection; the older generations hold
what a long-running app keeps (the board's caches), so each one is slow. What is built in these
places forms no reference cycles, so reference counting frees it just the same, and the collector
runs again as soon as the block ends.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator

_modules_when_frozen = 0  # how many modules were loaded when freeze_imports last froze the heap


@contextlib.contextmanager
def cycle_collection_paused() -> Iterator[None]:
    # Process-wide: a thread entering while another holds it paused sees it disabled and leaves the
    # re-enabling to the first, so the collector is never left off.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_imports() -> None:
    """Put everything alive now out of the collector's reach, if modules were imported since the last call.

    The imported modules, their classes and functions (about 200,000 objects for the board) live as long
    as the process, yet every full collection scans them all: ≈110 ms on the bench machine, paid by
    whichever board request a collection fell on. The app calls this after each script run; it acts
    only after the few runs that imported something (each page's first), collecting first so that no
    garbage is frozen."""
    global _modules_when_frozen
    if len(sys.modules) == _modules_when_frozen:
        return
    gc.collect()
    gc.freeze()
    _modules_when_frozen = len(sys.modules)
