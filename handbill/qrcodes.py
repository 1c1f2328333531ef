"""QR codes for posters, flyers and the printable petition sheet, drawn with ``segno``.

Error correction level M (15% of the code may be smudged or torn and it still scans),
raised by segno when the same size allows more. SVG for print (any size, sharp), PNG
for everything else (10 pixels a module). Both are deterministic, and cached by URL so
the preview server does not redraw them on every save.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

PNG_SCALE = 10  # pixels per module
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


@dataclass(frozen=True)
class QRImages:
    url: str  # what the code says
    svg: bytes
    png: bytes
    modules: int  # width and height in modules, quiet zone included


@lru_cache(maxsize=512)
def qr_images(url: str) -> QRImages:
    import segno  # 17 ms with the urllib.request its SVG writer loads: a build loads it while workers render

    code = segno.make(url, error="m", micro=False)
    svg, png = io.BytesIO(), io.BytesIO()
    code.save(svg, kind="svg", border=QUIET_ZONE, xmldecl=False, omitsize=True, dark="#000", light="#fff")
    code.save(png, kind="png", scale=PNG_SCALE, border=QUIET_ZONE, dark="#000", light="#fff")
    width, _ = code.symbol_size(scale=1, border=QUIET_ZONE)
    return QRImages(url, svg.getvalue(), png.getvalue(), width)
