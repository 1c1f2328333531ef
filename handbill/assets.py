"""Files that content points at (photos, videos, documents): found safely, published once.

A relative path resolves against the file that names it, then against the same
folder of the default locale; ``/media/x.jpg`` resolves from the content folder. A
path can never reach outside the content folder, whatever it is dressed as.
"""
from __future__ import annotations

import difflib
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from .photos import IMAGE_SUFFIXES, ImageProblem, PublishedImage, heic_problem
from .sources import SOURCE_SUFFIXES, active_file_problem, is_junk


def similar_name(target: str, candidates: list[Path], suffix: str = "", *, skip: tuple[str, ...] = (),
                 besides: Path | None = None) -> str:
    """"did you mean `Maria.jpg`?" when a file in the folder of one of ``candidates`` has a name close to the
    one written (the same but for capitals first), with the rest of ``target`` as it was written; else "".
    ``suffix``: only names that end in it (a link to a page names a .md file); ``skip``: never names that end
    so (a photo is never a story's .md). Never suggested: the name written itself (a draft's file exists),
    nor ``besides`` (the file the link is written in)."""
    written = target.rsplit("/", 1)
    for candidate in candidates:
        try:
            names = [entry.name for entry in os.scandir(candidate.parent)
                     if entry.is_file() and not is_junk(entry.name) and entry.name.endswith(suffix)
                     and not entry.name.lower().endswith(skip) and entry.name != written[-1]
                     and (besides is None or os.path.join(candidate.parent, entry.name) != str(besides))]
        except OSError:
            continue
        same = [name for name in names if name.casefold() == written[-1].casefold()]
        close = same or difflib.get_close_matches(written[-1], sorted(names), n=1, cutoff=0.75)
        if close:
            return f"did you mean `{'/'.join([*written[:-1], close[0]])}`?" + (" (capitals count)" if same else "")
    return ""


class AssetProblem(Exception):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Asset:
    path: str  # output path
    width: int = 0
    height: int = 0


@dataclass
class AssetStore:
    """Resolves references and remembers what to publish, each file once."""

    content: Path
    images: dict[Path, PublishedImage] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)  # output path -> source
    _failed: dict[Path, ImageProblem] = field(default_factory=dict)

    def find(self, target: str, base_dirs: list[Path], *, percent_encoded: bool = True) -> Path:
        """The file ``target`` names, looked up in ``base_dirs`` in order. A target from the text of a
        story was decoded once already (``percent_encoded=False``): `%2541.jpg` names `%41.jpg`."""
        text = unquote(target.strip()) if percent_encoded else target.strip()
        if not text:
            raise AssetProblem("the file name is empty", "write the name of the file, like photo.jpg")
        try:
            scheme = urlsplit(text).scheme
        except ValueError:  # `//[x/y.jpg`: an unclosed [ in what would be a host name
            raise AssetProblem(f"`{target}` is not a usable file path", "write the file name, like photos/maria.jpg") from None
        if scheme and len(scheme) > 1:  # `C:` would be a Windows drive: refused below as absolute
            raise AssetProblem(f"`{target}` is a web address, not a file in the content folder",
                               "download the file into the content folder and use its name")
        if "\\" in text or (len(text) > 1 and text[1] == ":") or "\x00" in text:
            raise AssetProblem(f"`{target}` is not a usable file path", "use forward slashes, like photos/maria.jpg")
        posix = PurePosixPath(text)
        if posix.is_absolute():
            if posix.parts[1:2] != ("media",):
                raise AssetProblem(f"`{target}` starts with /, which means the shared media/ folder, but it is not in media/",
                                   "write the path relative to this file, like maria.jpg, or put the file in content/media/")
            base_dirs, posix = [self.content], PurePosixPath(*posix.parts[1:])
        if any(part in ("..",) for part in posix.parts) and not self._inside(base_dirs, posix):
            raise AssetProblem(f"`{target}` points outside the content folder", "keep photos inside the content folder")
        if any(is_junk(part) for part in posix.parts if part not in (".", "..")):
            raise AssetProblem(f"`{target}` is a hidden or temporary file, which is never published",
                               "rename the file so it does not start with a dot")
        root = self.content.resolve()
        for base in base_dirs:
            candidate = (base / posix)
            try:
                resolved = candidate.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if not resolved.is_relative_to(root):
                raise AssetProblem(f"`{target}` points outside the content folder", "keep photos inside the content folder")
            if resolved.is_file():
                return resolved
        where = "content/media/" if base_dirs == [self.content] else "the same folder as this one"
        raise AssetProblem(f"the file `{target}` was not found",
                           similar_name(target, [base / posix for base in base_dirs], skip=SOURCE_SUFFIXES)
                           or f"check the spelling and that the file is in {where}")

    def _inside(self, base_dirs: list[Path], posix: PurePosixPath) -> bool:
        root = self.content.resolve()
        try:
            return all((base / posix).resolve().is_relative_to(root) for base in base_dirs)
        except (OSError, RuntimeError):  # a symlink loop on the way: nothing to publish there
            return False

    def image(self, path: Path) -> PublishedImage:
        if path in self._failed:
            raise self._failed[path]
        if path not in self.images:
            if path.suffix.lower() in (".heic", ".heif"):
                raise heic_problem(path.name)
            if path.suffix.lower() not in IMAGE_SUFFIXES:
                raise AssetProblem(f"`{path.name}` is not a photo; photos must be JPEG, PNG, WebP or GIF",
                                   "save it as a .jpg or .png file")
            from .images import publish_image  # Pillow is loaded by the first photo a build publishes

            try:
                self.images[path] = publish_image(path)
            except ImageProblem as problem:
                self._failed[path] = problem
                raise
        return self.images[path]

    def file(self, path: Path) -> Asset:
        """A non-image file (a video, a PDF) published by content hash."""
        active = active_file_problem(path.name)
        if active is not None:
            raise AssetProblem(*active)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        stem = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "-") else "-" for ch in path.stem.lower()).strip("-")
        out = f"files/{stem or 'file'}-{digest}{path.suffix.lower()}"
        self.files[out] = path
        return Asset(out)
