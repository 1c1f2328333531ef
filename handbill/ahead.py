"""A first build's page folders, made by another process while the content is still being read.

Making a folder is the kernel's work, and on some disks a slow part of a build: ext4
without a journal walks past every inode freed in the last minute for each new one, so
building a site again right after deleting it cost up to a second of system time here.
While the build process reads and checks the content (one core busy, the other idle), a
forked process makes the folder of every page the file names promise; the page workers
then find them there. A process, not a thread: a thread would take the build's GIL back
after every system call (that cost 50 ms a build on a fast disk).

Nothing here decides what the site holds: a folder made ahead that the build did not
write into (a draft, a broken story) is removed again before the site is swapped in.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from pathlib import Path
from typing import AbstractSet, Sequence

from .inplace import make_folder


def can_fork() -> bool:
    """fork is cheap and safe: Linux, and no other thread a child could inherit a held lock from
    (the preview server's)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def fork_helper() -> int:
    """``os.fork()`` for a helper process that must never run the build's own code: Ctrl+C is held
    back in it (it would raise KeyboardInterrupt there before its ``try``, and unwind the build's
    stack in the copy), so only the build process hears it, and ends the helper (SIGKILL)."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    pid = -1
    try:
        pid = os.fork()
    finally:
        if pid != 0:  # the build process (or no fork at all): Ctrl+C as before
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
    return pid


class FoldersAhead:
    """Makes ``folders`` (path parts under ``root``, parents before children) in a process of its own."""

    def __init__(self, root: Path, folders: Sequence[tuple[str, ...]]) -> None:
        self._root = root
        self._folders = folders
        self._pid: int | None = None
        if not can_fork():
            return
        try:
            pid = fork_helper()
        except OSError:
            return  # no process to spare: the workers make the folders as they write
        if pid == 0:
            code = 0
            try:
                for parts in folders:
                    make_folder(root.joinpath(*parts))
            except BaseException:  # noqa: BLE001 - a full disk or the like: the build's own writes report it
                code = 1
            finally:
                os._exit(code)
        self._pid = pid

    def stop(self) -> None:
        """Make no more folders; returns when the process has ended."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        self._wait()

    def remove_unused(self, used: AbstractSet[tuple[str, ...]]) -> None:
        """Wait for the process, then remove the folders it was to make that are not ``used``."""
        self._wait()
        for parts in reversed(self._folders):  # children before parents
            if parts not in used:
                with contextlib.suppress(OSError):  # not made, or not empty: something of the site is in it
                    os.rmdir(self._root.joinpath(*parts))

    def _wait(self) -> None:
        if self._pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None
