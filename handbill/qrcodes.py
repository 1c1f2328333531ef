"""QR codes for posters, flyers and the printable petition sheet, drawn with ``segno``.

Error correction level M (15% of the code may be smudged or torn and it still scans),
raised by segno when the same size allows more. SVG for print (any size, sharp), PNG
for everything else (10 pixels a module). Both are deterministic, and cached by URL so
the preview server does not redraw them on every save.
"""
from __future__ import annotations

import contextlib
import io
import os
import pickle
import signal
from dataclasses import dataclass
from functools import lru_cache

from .ahead import can_fork, fork_helper

PNG_SCALE = 10  # pixels per module
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


@dataclass(frozen=True)
class QRImages:
    url: str  # what the code says
    svg: bytes
    png: bytes
    modules: int  # width and height in modules, quiet zone included


_DRAWN_AHEAD: dict[str, QRImages] = {}  # drawn by another process (CodesAhead), taken by qr_images


@lru_cache(maxsize=512)
def qr_images(url: str) -> QRImages:
    if url in _DRAWN_AHEAD:
        return _DRAWN_AHEAD.pop(url)
    import segno  # 17 ms with the urllib.request its SVG writer loads: a build loads it while workers render

    code = segno.make(url, error="m", micro=False)
    svg, png = io.BytesIO(), io.BytesIO()
    code.save(svg, kind="svg", border=QUIET_ZONE, xmldecl=False, omitsize=True, dark="#000", light="#fff")
    code.save(png, kind="png", scale=PNG_SCALE, border=QUIET_ZONE, dark="#000", light="#fff")
    width, _ = code.symbol_size(scale=1, border=QUIET_ZONE)
    return QRImages(url, svg.getvalue(), png.getvalue(), width)


class CodesAhead:
    """QR codes drawn by a forked process while the build reads its content, on the core that is
    idle then: loading segno and drawing five codes cost 50-60 ms of the build process, while the
    text workers kept both cores busy. :meth:`collect` hands them to :func:`qr_images`; whatever
    the process did not draw (it failed, fork is unsafe here) is drawn there as before."""

    def __init__(self, urls: list[str]) -> None:
        self._pid: int | None = None
        self._pipe: int | None = None
        if not urls or not can_fork():
            return
        read, write = os.pipe()
        try:
            pid = fork_helper()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:
            os.close(read)
            code = 1
            try:
                with os.fdopen(write, "wb") as out:
                    out.write(pickle.dumps({url: qr_images(url) for url in urls}))
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._pipe = pid, read

    def collect(self) -> None:
        """Wait for the codes and give them to :func:`qr_images` (nothing if the process failed)."""
        if self._pipe is None:
            return
        try:
            with os.fdopen(self._pipe, "rb") as pipe:
                data = pipe.read()
            drawn = pickle.loads(data) if data else {}
            _DRAWN_AHEAD.update(drawn if isinstance(drawn, dict) else {})
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            pass
        finally:
            self._pipe = None
            self._reap()

    def stop(self) -> None:
        """Not needed after all (the build failed first): end the process."""
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        self._reap()

    def _reap(self) -> None:
        if self._pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None
