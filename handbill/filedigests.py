"""SHA-256 of files, read again only when the file's stat changed (for `serve`, which asks on every save).

A file is identified by its stat signature: device, inode, size, modification and
status-change times. Saving a file changes its ctime, which nothing can set back, so
an unchanged signature means unchanged bytes, with one exception: a second write within
the file system's timestamp granularity. So, like git's "racily clean" index entries, a
remembered digest is trusted only when the file's times are older than the moment it
was read by a safe margin; a file saved just before it was read is read again next time.
"""
from __future__ import annotations

import errno
import hashlib
import os
import time
from pathlib import Path
from stat import S_ISDIR, S_ISREG

RACY_NS = 2_000_000_000  # coarser than any file system's clock (FAT: 2 s), and a save takes less


def read_whole(path: str | Path) -> tuple[os.stat_result, bytes]:
    """The file's stat, taken once it is open and before it is read, and its bytes.

    Raises OSError like ``Path.read_bytes``, in a third of the time: no buffered file object
    (whose opening asks the system three more questions), one read for a small file."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)  # a named pipe must not hold the build
    try:
        stat = os.fstat(fd)
        if S_ISDIR(stat.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not S_ISREG(stat.st_mode):  # a named pipe, a socket, a device
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        chunks = [os.read(fd, max(stat.st_size + 1, 1 << 16))]
        while chunks[-1]:  # the file grew, or its size was not known (a /proc file)
            chunks.append(os.read(fd, 1 << 20))
        return stat, b"".join(chunks)
    finally:
        os.close(fd)


def signature(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class FileDigests:
    """Remembered digests of files (one table for a whole `serve`); see the module docstring."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[tuple[int, ...], bytes, int]] = {}  # path -> (signature, digest, read at)
        self._asked: set[str] = set()  # the files asked about since start()
        self.reads = 0  # files read and hashed since start() (for tests)

    def start(self) -> None:
        """Begin a build: count reads afresh and note which files it asks about."""
        self._asked, self.reads = set(), 0

    def forget_unused(self) -> None:
        """Drop the files the build did not ask about (deleted or renamed ones), so memory follows the site."""
        self._known = {path: entry for path, entry in self._known.items() if path in self._asked}

    def known(self, path: Path) -> bytes | None:
        """The digest of ``path`` when its bytes are surely the ones hashed before, else None."""
        self._asked.add(str(path))
        entry = self._known.get(str(path))
        if entry is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        remembered, digest, read_at = entry
        if signature(stat) != remembered or max(stat.st_mtime_ns, stat.st_ctime_ns) >= read_at - RACY_NS:
            return None
        return digest

    def read(self, path: Path) -> tuple[bytes, bytes]:
        """Read ``path``: (its bytes, their SHA-256), remembered under the stat it had before the read.

        Raises OSError like ``Path.read_bytes``. A file changed while it was read gets a
        signature that does not match the next stat, so it is read again next time.
        """
        read_at = time.time_ns()
        stat, data = read_whole(path)
        digest = hashlib.sha256(data).digest()
        self._known[str(path)] = (signature(stat), digest, read_at)
        self._asked.add(str(path))
        self.reads += 1
        return data, digest

    def digest(self, path: Path) -> bytes:
        """The SHA-256 of ``path``'s bytes, read only when not surely known."""
        known = self.known(path)
        return known if known is not None else self.read(path)[1]
