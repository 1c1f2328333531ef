"""QR codes for posters, flyers and the printable petition sheet, drawn with ``segno``.

Error correction level M (15% of the code may be smudged or torn and it still scans),
raised by segno when the same size allows more. SVG for print (any size, sharp), PNG
for everything else (10 pixels a module). Both are deterministic, and cached by URL so
the preview server does not redraw them on every save.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache

from .ahead import ResultAhead
from .cache import FileCache

PNG_SCALE = 10  # pixels per module
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


@dataclass(frozen=True)
class QRImages:
    url: str  # what the code says
    svg: bytes
    png: bytes
    modules: int  # width and height in modules, quiet zone included


_DRAWN_AHEAD: dict[str, QRImages] = {}  # drawn by another process (CodesAhead), taken by qr_images
_DRAWN: set[str] = set()  # what qr_images has answered in this process (it remembers them)


# Room for every (language, campaign) of a large site (a code is about 3 KB): they are drawn ahead, then asked
# for again in the same order, which a cache of 512 evicted one by one past 512 campaigns (6 ms a redraw).
@lru_cache(maxsize=16384)
def qr_images(url: str) -> QRImages:
    _DRAWN.add(url)
    if url in _DRAWN_AHEAD:
        return _DRAWN_AHEAD.pop(url)
    import segno  # 17 ms with the urllib.request its SVG writer loads: a build loads it while workers render

    code = segno.make(url, error="m", micro=False)
    svg, png = io.BytesIO(), io.BytesIO()
    code.save(svg, kind="svg", border=QUIET_ZONE, xmldecl=False, omitsize=True, dark="#000", light="#fff")
    code.save(png, kind="png", scale=PNG_SCALE, border=QUIET_ZONE, dark="#000", light="#fff")
    width, _ = code.symbol_size(scale=1, border=QUIET_ZONE)
    return QRImages(url, svg.getvalue(), png.getvalue(), width)


class CodesAhead(ResultAhead):
    """QR codes drawn by a helper process while the build reads its content, on the core that is
    idle then: loading segno and drawing five codes cost 50-60 ms of the build process, while the
    text workers kept both cores busy. :meth:`collect` hands them to :func:`qr_images`; whatever
    the helper did not draw (it failed, fork is unsafe here) is drawn there as before. Codes this
    process has drawn already (an earlier build of ``serve`` or of a test) are not asked for."""

    def __init__(self, urls: list[str], store: FileCache | None = None) -> None:
        super().__init__(self._draw)
        self._urls = [url for url in dict.fromkeys(urls) if url not in _DRAWN]
        self._store = store  # .handbill-cache/qr/: codes drawn by earlier builds (6 ms each to draw again)

    def start(self) -> bool:
        return bool(self._urls) and super().start()

    def _draw(self) -> dict[str, QRImages]:
        if self._store is None:
            return {url: qr_images(url) for url in self._urls}
        import segno

        drawn = {}
        for url in self._urls:
            key = hashlib.sha256(f"{STORED_FORMAT}\0{segno.__version__}\0{url}".encode("utf-8", "surrogatepass")).hexdigest()
            images = _from_bytes(url, self._store.get(key))
            if images is None:
                images = qr_images(url)
                self._store.put(key, _to_bytes(images))
            drawn[url] = images
        return drawn

    def collect(self) -> None:
        """Wait for the codes and give them to :func:`qr_images` (nothing if the helper failed)."""
        drawn = self.result()
        if isinstance(drawn, dict):  # (None: not started, failed, or taken already)
            _DRAWN_AHEAD.clear()  # (anything an earlier build's helper drew and nobody asked for)
            _DRAWN_AHEAD.update(drawn)


STORED_FORMAT = 1  # of the files in .handbill-cache/qr/: the drawing's settings above are part of it


def _to_bytes(images: QRImages) -> bytes:
    return f"{STORED_FORMAT} {images.modules} {len(images.svg)}\n".encode() + images.svg + images.png


def _from_bytes(url: str, data: bytes | None) -> QRImages | None:
    """A stored code, or None when there is none or it does not read back whole (it is drawn again)."""
    if not data:
        return None
    head, _, rest = data.partition(b"\n")
    try:
        version, modules, svg_size = (int(part) for part in head.split())
    except ValueError:
        return None
    svg, png = rest[:svg_size], rest[svg_size:]
    if version != STORED_FORMAT or len(svg) != svg_size or not svg.startswith(b"<svg") \
            or not png.startswith(b"\x89PNG\r\n\x1a\n") or not png.endswith(b"IEND\xaeB`\x82") \
            or not 21 <= modules <= 177 + 2 * QUIET_ZONE:
        return None
    return QRImages(url, svg, png, modules)
