"""Keeps Python's cyclic garbage collector out of `serve`'s rebuilds.

A full collection walks every object the process holds. With the parses, views and
pages of a 1000-story site in memory that takes about 0.1 s, and allocation counts
start one in every second or third rebuild, which is half of what a rebuild costs.
So after each rebuild the objects that survived it are frozen (``gc.freeze``): the
collector skips them from then on, and the collections that run during a rebuild look
only at what that rebuild made. Frozen objects caught in a reference cycle are not
freed, so once the preview is idle (or after many rebuilds in a row) everything is
thawed and collected once, between rebuilds, and frozen again.

The freeze is process-wide: :meth:`QuietCollector.stop` thaws everything.
"""
from __future__ import annotations

import gc
import time

IDLE_SECONDS = 2.0  # no save for this long: collect the garbage of the rebuilds before
MOST_REBUILDS = 20  # saves that never stop: collect after this many rebuilds anyway


class QuietCollector:
    """Freezes after each rebuild, collects when idle (see the module docstring)."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS, most_rebuilds: int = MOST_REBUILDS) -> None:
        self.idle_seconds, self.most_rebuilds = idle_seconds, most_rebuilds
        self._rebuilds = 0  # since the last collection
        self._last = time.monotonic()

    def after_rebuild(self) -> None:
        """Call when a rebuild is done (after the browsers were told): freeze what survived it."""
        self._rebuilds += 1
        self._last = time.monotonic()
        if self._rebuilds >= self.most_rebuilds:
            self.collect()
        else:
            gc.freeze()

    def when_idle(self) -> None:
        """Call when nothing changed: collect once the preview has been idle for a while."""
        if self._rebuilds and time.monotonic() - self._last >= self.idle_seconds:
            self.collect()

    def collect(self) -> None:
        """Thaw, collect everything, and freeze the survivors."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._rebuilds = 0

    def stop(self) -> None:
        """Thaw everything: the process's collector works as usual again."""
        gc.unfreeze()
        self._rebuilds = 0
