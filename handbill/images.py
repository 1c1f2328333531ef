"""Photos as published: decoded safely, metadata removed, colours right, a few widths.

Stories come from people at risk, so no EXIF, GPS, XMP or comment of the original
survives: every photo is decoded and encoded again. The camera orientation is
applied, colours are converted to sRGB using the photo's own colour profile (CMYK
and wide-gamut phone photos included), 16-bit, palette and transparent images keep
their look, and smaller copies are made for ``srcset``. The published name carries a
hash of the source bytes, so it is the same in every locale and changes when the
photo does.

The file is checked before it is decoded: its first bytes must say JPEG, PNG, WebP
or GIF and agree with its name, and its pixel count must be sane, so a damaged,
mislabelled or "decompression bomb" file is an error and never hangs the build.
"""
from __future__ import annotations

import hashlib
import io
import struct
import warnings
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .photos import FORMATS, SUFFIXES, ImageProblem, PublishedImage, Rendition, heic_problem

MAX_WIDTH = 1600  # wider photos are scaled down: plenty for a phone and a laptop
WIDTHS = (480, 960)  # smaller copies for srcset, made when the photo is clearly wider
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
MAX_ANIMATION_PIXELS = 150_000_000  # all frames of an animated GIF together
MAX_FILE_BYTES = 25 * 1024 * 1024
QUALITY = 82
PHOTO_PNG_RATIO = 3  # an opaque PNG is published as JPEG when that is this many times smaller: a photo, not a drawing
PROBE_WIDTH = 480  # the width of the copy that tells (see _photographic)
# what other files look like, for a message that says what the file really is
OTHER_KINDS = (
    (b"%PDF", "a PDF document", "export the page as a JPEG or PNG picture"),
    (b"II*\x00", "a TIFF image", "save it again as JPEG (photos) or PNG (drawings)"),
    (b"MM\x00*", "a TIFF image", "save it again as JPEG (photos) or PNG (drawings)"),
    (b"BM", "a BMP image", "save it again as PNG"),
    (b"8BPS", "a Photoshop file", "export it from Photoshop as JPEG"),
)


def sniff(data: bytes) -> str | None:
    """The format the file's first bytes announce, if it is one handbill publishes."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _refuse_other(data: bytes, name: str) -> ImageProblem:
    head = data[:64]
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"heim", b"heis"):
            return heic_problem(name)
        if brand in (b"avif", b"avis"):
            return ImageProblem(f"{name} is an AVIF image; photos must be JPEG, PNG, WebP or GIF",
                                "save it again as JPEG")
        return ImageProblem(f"{name} is a video or HEIF file, not a photo", "export a frame or the photo as JPEG")
    for magic, kind, hint in OTHER_KINDS:
        if head.startswith(magic):
            return ImageProblem(f"{name} is {kind}; photos must be JPEG, PNG, WebP or GIF", hint)
    if head.lstrip()[:1] == b"<":
        return ImageProblem(f"{name} is a web page or SVG file, not a photo",
                            "download the photo itself: open it in the browser, right-click it and choose Save Image As")
    return ImageProblem(f"{name} is damaged or not an image",
                        "open it in a photo viewer; if it does not show, export or download it again")


def _open(data: bytes, name: str, suffix: str) -> Image.Image:
    fmt = sniff(data)
    if fmt is None:
        raise _refuse_other(data, name)
    if suffix and suffix not in SUFFIXES[fmt]:
        stem = name[: -len(suffix)] if name.lower().endswith(suffix) else name
        raise ImageProblem(f"{name} is really a {fmt} file, but its name ends in {suffix}",
                           f"rename the file to {stem}{FORMATS[fmt]} and change its name where it is used")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
            if image.width * image.height > MAX_PIXELS:
                raise ImageProblem(f"{name} is {image.width}x{image.height} pixels, too large to publish",
                                   "scale it down to at most 4000 pixels wide before adding it")
            if fmt == "GIF" and getattr(image, "n_frames", 1) * image.width * image.height > MAX_ANIMATION_PIXELS:
                raise ImageProblem(f"{name} is an animation of {image.n_frames} frames, too large to publish",
                                   "use a shorter or smaller animation, or a still photo")
            image.load()
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem(f"{name} claims to be enormous (a 'decompression bomb')",
                           "save the photo again from a photo editor, at a normal size") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise ImageProblem(f"{name} is damaged or cut short ({exc.__class__.__name__})",
                           "open it in a photo viewer; if it does not show fully, export or download it again") from None
    return image


def publish_image(path: Path) -> PublishedImage:
    """Decode, clean and re-encode one photo. Raises ImageProblem with a friendly message."""
    name = path.name
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImageProblem(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", "export a smaller copy of the photo")
    data = path.read_bytes()
    image = _open(data, name, path.suffix.lower())
    fmt = image.format or "PNG"
    digest = hashlib.sha256(data).hexdigest()[:10]
    stem = path.stem.lower() if path.stem.isascii() else "image"
    stem = "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in stem).strip("-") or "image"
    if fmt == "GIF" and getattr(image, "is_animated", False):
        # an animation is kept as drawn; GIF carries no camera metadata, but comments are dropped
        frames = io.BytesIO()
        image.info.pop("comment", None)
        image.save(frames, format="GIF", save_all=True)
        return PublishedImage(f"img/{stem}-{digest}.gif", image.width, image.height, frames.getvalue())
    try:
        image = ImageOps.exif_transpose(image) or image
        image = to_srgb(image)
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageProblem(f"{name} is damaged ({exc.__class__.__name__})",
                           "open it in a photo viewer; if it does not show, export or download it again") from None
    out_format = fmt if fmt in ("JPEG", "WEBP") else "PNG"
    if image.width > MAX_WIDTH:
        image = _resize(image, MAX_WIDTH)
    if out_format == "PNG" and _opaque(image) and _photographic(image):
        out_format = "JPEG"  # a photo saved as PNG: a JPEG of it is many times smaller
    full = Rendition(f"img/{stem}-{digest}{FORMATS[out_format]}", image.width, image.height, _encode(image, out_format))
    smaller = []
    for width in WIDTHS:
        if width <= image.width * 0.8:
            copy = _resize(image, width)
            smaller.append(Rendition(f"img/{stem}-{digest}-{width}w{FORMATS[out_format]}", copy.width, copy.height,
                                     _encode(copy, out_format)))
    return PublishedImage(full.path, full.width, full.height, full.data, tuple(smaller))


def _resize(image: Image.Image, width: int) -> Image.Image:
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _encode(image: Image.Image, fmt: str) -> bytes:
    """Encode without any metadata: no EXIF, XMP, ICC profile or comment is passed on."""
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = _flatten(image)
        image.save(out, format="JPEG", quality=QUALITY, optimize=True, progressive=True)
    elif fmt == "WEBP":
        image.save(out, format="WEBP", quality=QUALITY, method=4)
    else:
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def to_srgb(image: Image.Image) -> Image.Image:
    """The image in sRGB, as RGB, RGBA, L or LA, whatever mode and colour profile it came in."""
    icc = image.info.get("icc_profile")
    mode = image.mode
    if mode.startswith("I;16") or mode == "I":  # 16-bit grey: keep the top 8 bits, not the clipped low ones
        image = image.convert("I").point(lambda v: v / 256).convert("L")
    elif mode == "F":
        image = image.point(lambda v: v * 255).convert("L")
    elif mode == "1":
        image = image.convert("L")
    elif mode in ("P", "PA"):
        transparent = mode == "PA" or "transparency" in image.info
        image = image.convert("RGBA" if transparent else "RGB")
    elif mode in ("La", "RGBa"):
        image = image.convert("LA" if mode == "La" else "RGBA")
    elif mode == "CMYK":
        image = _with_profile(image, icc, "RGB") or image.convert("RGB")
    elif mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    elif icc and mode in ("RGB", "RGBA"):
        image = _with_profile(image, icc, mode) or image
    image.info.clear()
    return image


def _with_profile(image: Image.Image, icc: bytes | None, mode: str) -> Image.Image | None:
    """Colours converted from the photo's own ICC profile to sRGB; None when there is none or it is broken."""
    if not icc:
        return None
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


def _photographic(image: Image.Image) -> bool:
    """A JPEG of the image is PHOTO_PNG_RATIO times smaller than a PNG: judged on a copy at most PROBE_WIDTH
    wide, in milliseconds (the full-size optimised PNG took 1-3 s for a phone's photo)."""
    probe = _resize(image, PROBE_WIDTH) if image.width > PROBE_WIDTH else image
    png = io.BytesIO()
    probe.save(png, format="PNG", compress_level=6)
    return len(_encode(probe, "JPEG")) * PHOTO_PNG_RATIO < len(png.getvalue())


def _opaque(image: Image.Image) -> bool:
    """No pixel is see-through (a PNG with transparency stays a PNG)."""
    if image.mode in ("RGBA", "LA"):
        return image.getchannel("A").getextrema() == (255, 255)
    return image.mode in ("RGB", "L") or (image.mode == "P" and "transparency" not in image.info)


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent and grey-with-alpha images on a white ground, as a JPEG needs."""
    rgba = image.convert("RGBA")
    ground = Image.new("RGB", rgba.size, (255, 255, 255))
    ground.paste(rgba, mask=rgba.getchannel("A"))
    return ground
