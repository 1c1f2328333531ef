"""What a published photo is, without Pillow: its copies, the formats handbill takes, the problem a volunteer is told.

The decoding and encoding (Pillow) is :mod:`handbill.images`, loaded only by a build that
publishes a photo; the cache, the views and the workers need only these.
"""
from __future__ import annotations

from dataclasses import dataclass

FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
SUFFIXES = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "WEBP": (".webp",), "GIF": (".gif",)}
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


class ImageProblem(Exception):
    """A photo that cannot be published; the message and hint are for a volunteer."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


def heic_problem(name: str) -> ImageProblem:
    """An iPhone photo, named .heic or saved under another name."""
    return ImageProblem(f"{name} is an HEIC photo (the iPhone's own format), which browsers cannot show",
                        "export it as JPEG (on the iPhone: share it to Files, or set Settings > Camera > "
                        "Formats > Most Compatible) and use that file")


@dataclass(frozen=True)
class Rendition:
    """One published copy of a photo."""

    path: str  # relative to the output root
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class PublishedImage:
    """A photo as published: the largest copy, and narrower ones for srcset."""

    path: str  # relative to the output root
    width: int
    height: int
    data: bytes
    smaller: tuple[Rendition, ...] = ()  # narrowest first

    @property
    def renditions(self) -> tuple[Rendition, ...]:
        """Every copy, narrowest first, the full one last."""
        return (*self.smaller, Rendition(self.path, self.width, self.height, self.data))

    def srcset(self, href) -> str:
        """``srcset`` for an <img>, given the function that turns an output path into a link."""
        return ", ".join(f"{href(r.path)} {r.width}w" for r in self.renditions) if self.smaller else ""
