"""Photos as published: decoded safely, metadata removed, orientation applied, size capped.

Stories come from people at risk, so no EXIF, GPS or comment of the original survives:
every photo is decoded and encoded again. The published name carries a hash of the
source bytes, so it is the same in every locale and changes when the photo does.
"""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_WIDTH = 1600  # wider photos are scaled down: plenty for a phone and a laptop
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
MAX_FILE_BYTES = 25 * 1024 * 1024
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


class ImageProblem(Exception):
    """A photo that cannot be published; the message and hint are for a volunteer."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class PublishedImage:
    path: str  # relative to the output root
    width: int
    height: int
    data: bytes


def _open(data: bytes, name: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise ImageProblem(f"{name} is a {image.format} file; photos must be JPEG, PNG, WebP or GIF",
                                   "save it again as JPEG (photos) or PNG (drawings)")
            if image.width * image.height > MAX_PIXELS:
                raise ImageProblem(f"{name} is {image.width}x{image.height} pixels, too large to publish",
                                   "scale it down to at most 4000 pixels wide before adding it")
            image.load()
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem(f"{name} claims to be enormous (a 'decompression bomb')",
                           "save the photo again from a photo editor, at a normal size") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageProblem(f"{name} is damaged or not an image ({exc.__class__.__name__})",
                           "open it in a photo viewer; if it does not show, export or download it again") from None
    return image


def publish_image(path: Path) -> PublishedImage:
    """Decode, clean and re-encode one photo. Raises ImageProblem with a friendly message."""
    name = path.name
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImageProblem(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", "export a smaller copy of the photo")
    data = path.read_bytes()
    image = _open(data, name)
    fmt = image.format
    digest = hashlib.sha256(data).hexdigest()[:10]
    stem = path.stem.lower() if path.stem.isascii() else "image"
    stem = "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in stem).strip("-") or "image"
    if fmt == "GIF" and getattr(image, "is_animated", False):
        # an animation is kept as drawn; GIF carries no camera metadata, but comments are dropped
        frames = io.BytesIO()
        image.info.pop("comment", None)
        image.save(frames, format="GIF", save_all=True)
        return PublishedImage(f"img/{stem}-{digest}.gif", image.width, image.height, frames.getvalue())
    image = ImageOps.exif_transpose(image) or image
    if image.width > MAX_WIDTH:
        height = round(image.height * MAX_WIDTH / image.width)
        image = image.resize((MAX_WIDTH, max(1, height)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = _to_rgb(image)
        image.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    elif fmt == "WEBP":
        image.save(out, format="WEBP", quality=82)
    else:
        if image.mode == "I;16" or image.mode == "I":
            image = image.point(lambda v: v / 256).convert("L")
        elif image.mode == "CMYK":
            image = _to_rgb(image)
        fmt = "PNG"
        image.save(out, format="PNG", optimize=True)
    return PublishedImage(f"img/{stem}-{digest}{FORMATS[fmt]}", image.width, image.height, out.getvalue())


def _to_rgb(image: Image.Image) -> Image.Image:
    """CMYK, palette and transparent images on a white ground, as a JPEG needs."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        ground = Image.new("RGB", rgba.size, (255, 255, 255))
        ground.paste(rgba, mask=rgba.getchannel("A"))
        return ground
    return image.convert("RGB")
