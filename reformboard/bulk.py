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
from collections.abc import Iterator


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
