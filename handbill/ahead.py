"""Work done ahead by forked helper processes, on the core a build leaves idle while it starts and reads.

The first build's page folders (:class:`FoldersAhead`), any work that hands a value back
(:class:`ResultAhead`: the content's fingerprint, the print sheets' QR codes), and a cache file
written while the build goes on (:class:`CallAhead`: the rendered Markdown's pack).

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
import pickle
import signal
import sys
import threading
from pathlib import Path
from typing import AbstractSet, Any, Callable, Sequence

from .inplace import make_folder


def can_fork() -> bool:
    """fork is cheap and safe: Linux, and no other thread a child could inherit a held lock from
    (the preview server's)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


class Helper:
    """A forked process that does one piece of a build's work on a core the build leaves idle.

    Ctrl+C is held back while it is forked, and in it for good: heard in the helper before its
    ``try``, it would unwind a copy of the build's stack there; and the build process hears it only
    once the helper's pid is kept, so :meth:`stop` can end it. Its owner keeps the object before
    calling :meth:`start`, for the same reason."""

    def __init__(self) -> None:
        self._pid: int | None = None

    def start(self) -> bool:
        """Fork the helper (it runs :meth:`work`); False where fork is unsafe or fails."""
        if not can_fork():
            return False
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    self.work()
                    code = 0
                except BaseException:  # noqa: BLE001 - a full disk or the like: the build's own work reports it
                    pass
                finally:
                    os._exit(code)
            self._pid = pid
        except OSError:
            return False  # no process to spare: the build does the work itself
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # (the helper never gets here)
        return True

    def work(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        """End the helper now; returns when it has ended."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        self.wait()

    def wait(self) -> None:
        if self._pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None


class ResultAhead(Helper):
    """A helper that calls ``compute`` and sends back what it returns, pickled, through a pipe."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        super().__init__()
        self._compute = compute
        self._pipe: tuple[int, int] | None = None

    def start(self) -> bool:
        self._pipe = os.pipe()
        if super().start():
            os.close(self._pipe[1])
            return True
        os.close(self._pipe[0])
        os.close(self._pipe[1])
        self._pipe = None
        return False

    def work(self) -> None:
        assert self._pipe is not None
        os.close(self._pipe[0])
        with os.fdopen(self._pipe[1], "wb") as out:
            out.write(pickle.dumps(self._compute()))  # (nothing is written when it raises)

    def result(self, default: Any = None) -> Any:
        """Wait for the value; ``default`` when the helper failed, was not started, or was asked already."""
        if self._pipe is None:
            return default
        try:
            with os.fdopen(self._pipe[0], "rb") as pipe:
                data = pipe.read()
            return pickle.loads(data) if data else default
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return default
        finally:
            self._pipe = None
            self.wait()

    def stop(self) -> None:
        """Not needed after all: end the helper."""
        if self._pipe is not None:
            os.close(self._pipe[0])
            self._pipe = None
        super().stop()


class CallAhead(Helper):
    """A helper that calls ``call`` for what it leaves on disk (a cache file written whole by replacing)."""

    def __init__(self, call: Callable[[], None]) -> None:
        super().__init__()
        self._call = call

    def work(self) -> None:
        self._call()

    def succeeded(self) -> bool:
        """Wait for the helper; True when it got through."""
        if self._pid is None:
            return False
        try:
            _, status = os.waitpid(self._pid, 0)
        except ChildProcessError:
            return False
        finally:
            self._pid = None
        return os.waitstatus_to_exitcode(status) == 0

    def stop(self) -> None:
        """Let it finish rather than end it: ended, it could leave a temporary file behind."""
        self.wait()


class FoldersAhead(Helper):
    """Makes ``folders`` (path parts under ``root``, parents before children) in a helper process."""

    def __init__(self, root: Path, folders: Sequence[tuple[str, ...]]) -> None:
        super().__init__()
        self._root = root
        self._folders = folders

    def work(self) -> None:
        for parts in self._folders:
            make_folder(self._root.joinpath(*parts))

    def remove_unused(self, used: AbstractSet[tuple[str, ...]]) -> None:
        """Wait for the process, then remove the folders it was to make that are not ``used``."""
        self.wait()
        for parts in reversed(self._folders):  # children before parents
            if parts not in used:
                with contextlib.suppress(OSError):  # not made, or not empty: something of the site is in it
                    os.rmdir(self._root.joinpath(*parts))
