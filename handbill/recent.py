"""A table of what the last build made, keeping only what the current build uses again.

Each memo of `serve` (:mod:`handbill.memo`) holds its results in one. Forgetting costs
nothing: the table has two generations, what the last build used and what this build
used; a new build drops the older one. A build that stopped early (at an error) did
not ask for everything, so then nothing is dropped.
"""
from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """A dict over two builds (see the module docstring)."""

    def __init__(self) -> None:
        self._before: dict[K, V] = {}  # what the last (complete) builds used
        self._now: dict[K, V] = {}  # what this build used or made

    def get(self, key: K) -> V | None:
        value = self._now.get(key)
        if value is None:
            value = self._before.get(key)
            if value is not None:
                self._now[key] = value
        return value

    def put(self, key: K, value: V) -> None:
        self._now[key] = value

    def next_build(self, last_complete: bool = True) -> None:
        """Begin a build: forget what the last build did not use, unless it stopped early."""
        if last_complete:
            self._before, self._now = self._now, {}
        else:
            self._before.update(self._now)
            self._now = {}

    def clear(self) -> None:
        self._before, self._now = {}, {}

    def __len__(self) -> int:
        return len(self._before.keys() | self._now.keys())
