"""A slower young-generation pace for the garbage collector while a Kafka view decodes.

A view turns thousands of records a second into objects that live for a batch or two (records,
decoded changes, batches queued for the writer). With CPython's default threshold (a young
collection every 700 net allocations) those in-flight batches are swept again and again, and
every tenth sweep walks them once more: measured on a 100k-row Canal-JSON load, a third of the
consumer thread's CPU. Raising the young threshold while any view is open keeps the collector
(cycles are still found, a few hundred times less often) and gives the time back; the settings
the process had are restored when the last view closes.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

YOUNG = 50_000  # net allocations between young collections while a view is open


class Pace:
    """Holders of a raised young threshold; the first raises it, the last one out restores it."""

    def __init__(self, young: int = YOUNG) -> None:
        self.young = young
        self._lock = threading.Lock()
        self._holders = 0
        self._saved: tuple[int, int, int] | None = None  # the process's thresholds, while ours are set

    def relax(self) -> Callable[[], None]:
        """Raise the young threshold (never lower it) until the returned release is called once."""
        with self._lock:
            young, middle, old = gc.get_threshold()
            if self._holders == 0 and 0 < young < self.young:  # 0: automatic collection is off
                self._saved = (young, middle, old)
                gc.set_threshold(self.young, middle, old)
            self._holders += 1
        released = False

        def release() -> None:
            nonlocal released
            with self._lock:
                if released:
                    return
                released = True
                self._holders -= 1
                saved = self._saved
                if self._holders == 0 and saved is not None:
                    if gc.get_threshold() == (self.young, *saved[1:]):  # unless changed since by others
                        gc.set_threshold(*saved)
                    self._saved = None
        return release


relax = Pace().relax  # the process's one pace, shared by its views
