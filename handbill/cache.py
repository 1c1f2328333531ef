"""The build cache: files named by the hash of everything that made them.

It lives in ``.handbill-cache/`` beside the content folder (git-ignored, safe to
delete). An entry is never updated in place: a changed input gives a new key, so a
hit is always right. Failing to read or write the cache only costs time.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

CACHE_DIR = ".handbill-cache"


def cache_root(content: Path) -> Path:
    """``.handbill-cache/`` beside the content folder."""
    return content.resolve().parent / CACHE_DIR


@dataclass(frozen=True)
class FileCache:
    """One kind of cached output (``cards``, ``img``), each entry a file named by its key."""

    folder: Path
    suffix: str = ""

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{self.suffix}"

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        write_atomic(self._path(key), data)


def write_atomic(path: Path, *chunks: bytes) -> None:
    """Write a cache file (its ``chunks`` one after the other) whole or not at all: a parallel build
    never reads half a file.

    A cache is never needed for correctness, so a failure to write is silently ignored.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(temp, path)
    except OSError:
        Path(temp).unlink(missing_ok=True)
