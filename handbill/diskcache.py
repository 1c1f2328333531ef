"""The build cache on disk: rendered Markdown and published photos, kept between builds.

It lives in ``.handbill-cache/`` beside the content folder (see :mod:`handbill.cache`),
next to the share cards, and makes a second build of an unchanged site skip the two
costly steps of a cold one: Python-Markdown (about 5 ms a story; the default engine,
cmark, is faster than the disk and its bodies are not stored, see
``ParseCache.markdown_disk``) and decoding and encoding photos (50-100 ms each). It is
never needed for correctness:

- **Keys name everything the result depends on.** Every key starts with
  :func:`code_salt` (the cache format, handbill's version, the Python version and a
  hash of the source of the modules that make the cached results: ``markup``,
  ``images``, this module, and every handbill module they import, found by reading
  their ``import`` lines), so a new handbill release, or an edit to the renderer in a
  checkout, empties it in effect; an edit elsewhere (a template helper, the writer)
  does not. A Markdown body adds ``markup.MARKDOWN_SETTINGS`` (extensions, allowlists,
  the Markdown and nh3 versions), its file, the line it starts on and its text; a
  photo adds its file name, the SHA-256 of its bytes and the Pillow version.
- **What cannot be in a key is checked on use.** Rendering a body asks the resolver
  where its links and images go (a URL depends on the locale, ``base_url`` and the
  other files of the site). Those questions are stored with their answers, and a
  stored body is used only when the resolver gives the same answers in this build;
  a body has one stored *variant* per set of answers (one per locale at most).
- **A damaged entry is a miss.** Entries are written to a temporary file and renamed
  into place, so a reader never sees half of one; each carries its own key and a
  hash of its content, and anything that does not read back exactly is ignored (and
  overwritten by the next build that renders it).
- **Plain data only.** Entries are JSON, raw HTML and raw photo bytes, never pickles or
  compiled code, so a cache folder from elsewhere cannot run code. It can still
  hold HTML, so treat it like the content folder: never restore it from a source
  you would not take content from.

Failing to read or write the cache only costs time; it is never an error.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import FileCache, cache_root, write_atomic
from .diagnostics import ERROR, WARNING, Diagnostic, Diagnostics
from .photos import PublishedImage, Rendition
from . import markup
from .markup import Reference

CACHE_FORMAT = 2  # bump when the layout of an entry changes
MAX_VARIANTS = 8  # stored renderings of one body (one per set of resolver answers: about one per locale)
_METHODS = ("page_link", "image", "file_link")  # the Resolver protocol
SALT_ROOTS = ("markup", "images", "diskcache")  # modules whose code shapes what is cached (with their imports)
SALT_ALSO = ("parsecache",)  # ... and modules that store it (without their imports)
_salt: str | None = None
_MODULE_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(?:\.|handbill\.)|import[ \t]+handbill\.)(\w+)", re.MULTILINE)
_NAMES_IMPORT = re.compile(r"^[ \t]*from[ \t]+(?:\.|handbill)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.MULTILINE)


def code_salt() -> str:
    """A hash of the code that makes cached results: handbill's version, the source of
    :func:`salt_modules`, Python's version. Computed once per process (about a millisecond)."""
    global _salt
    if _salt is None:
        import handbill  # the package is fully imported by the time a build asks

        package = Path(__file__).resolve().parent
        digest = hashlib.sha256(f"{CACHE_FORMAT}\0{getattr(handbill, '__version__', '?')}\0{sys.version}\0".encode())
        for name in salt_modules():
            digest.update(name.encode() + b"\0" + (package / f"{name}.py").read_bytes())
        _salt = digest.hexdigest()
    return _salt


def salt_modules() -> list[str]:
    """SALT_ROOTS and every handbill module they import, directly or not (from their source), and SALT_ALSO.

    The import lines are found with patterns, not ``ast`` (which took 25 ms a process): an
    import line that only looks like one (in a docstring) can add a module, never drop one."""
    package = Path(__file__).resolve().parent
    found: set[str] = set(SALT_ALSO)
    todo = list(SALT_ROOTS)
    while todo:
        name = todo.pop()
        if name in found or not (package / f"{name}.py").is_file():
            continue
        found.add(name)
        todo += imported_modules((package / f"{name}.py").read_text(encoding="utf-8"))
    return sorted(found)


def imported_modules(source: str) -> list[str]:
    """The handbill modules a module's source imports: ``from .x import``, ``from handbill.x import``,
    ``import handbill.x``, ``from . import x, y`` and ``from handbill import (x, y)``, at any indent."""
    found = _MODULE_IMPORT.findall(source)
    for names in _NAMES_IMPORT.findall(source):
        found += [part.split()[0] for part in re.sub(r"#.*", "", names).strip("() \n").split(",") if part.strip()]
    return found


def _key(*parts: str | int) -> str:
    digest = hashlib.sha256(code_salt().encode())
    for part in parts:
        data = str(part).encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big") + data)  # length-prefixed: no two part lists collide
    return digest.hexdigest()


def _checksum(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Rendered:
    """One stored rendering of a Markdown body: the HTML, the resolver's questions and answers, the problems."""

    html: str
    calls: tuple[tuple[str, Reference, Any], ...]  # (method, reference, answer)
    problems: tuple[Diagnostic, ...]  # found by the renderer itself (unsafe HTML removed, ...)


class DiskCache:
    """``.handbill-cache/markdown/`` and ``.handbill-cache/photos/``: results kept between builds."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._markdown = FileCache(self.root / "markdown", ".json")
        self._photos = FileCache(self.root / "photos", ".bin")
        self._pack: dict[str, Any] | None = None  # markdown.pack, read on first use

    @classmethod
    def beside(cls, content: Path) -> DiskCache:
        """The cache of the site whose content folder is ``content``."""
        return cls(cache_root(content))

    # --- Markdown ------------------------------------------------------------------------------

    @staticmethod
    def markdown_key(text: str, path: str | Path, first_line: int) -> str:
        return _key("markdown", markup.MARKDOWN_SETTINGS, str(path), first_line, text)

    def has_markdown(self, key: str) -> bool:
        return self._markdown._path(key).is_file()

    def markdown_variants(self, key: str, path: str | Path, diags: Diagnostics) -> list[Rendered]:
        """Every stored rendering of the body with this key (empty when none, or when the entry is damaged).

        ``path`` and ``diags`` remake the stored problems for this build (paths are shown
        relative to ``diags.root``, which may differ from the build that stored them).
        """
        data = self._markdown.get(key)
        if data is None:
            return []
        try:
            return _decode_markdown(data, key, str(path), diags)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            return []  # damaged or from another layout: render again

    def put_markdown(self, key: str, path: str | Path, rendered: Rendered, diags: Diagnostics) -> None:
        """Store one more rendering of a body (the newest first; at most MAX_VARIANTS are kept)."""
        others = [r for r in self.markdown_variants(key, path, diags) if r.calls != rendered.calls]
        variants = [rendered, *others][:MAX_VARIANTS]
        shown = diags.display_path(path)
        body = {"key": key, "variants": [_encode_rendered(r, shown) for r in variants]}
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
        self._markdown.put(key, _checksum(payload).encode() + b"\n" + payload)

    # --- Markdown in one file, for an engine faster than creating a file per body -------------

    @property
    def pack_path(self) -> Path:
        return self.root / "markdown.pack"

    def pack_is_empty(self) -> bool:
        return not self._packed()

    def has_packed_markdown(self, key: str) -> bool:
        return key in self._packed()

    def packed_markdown(self, key: str, path: str | Path, diags: Diagnostics) -> list[Rendered]:
        """The renderings of the body with this key in ``markdown.pack`` (empty when none or damaged)."""
        variants = self._packed().get(key)
        if variants is None:
            return []
        try:
            return _decode_variants(variants, str(path), diags)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            return []

    def save_markdown_pack(self, bodies: list[tuple[str, str | Path, list[Rendered]]], diags: Diagnostics) -> None:
        """Replace ``markdown.pack`` with these bodies, ``(key, path, renderings)``: the ones a build used,
        so the pack never holds more than one build's texts.

        The pack is a checksum line, a JSON line of every body's questions, answers and problems
        with where its HTML is (start and end), then all the HTML: only the small part is JSON
        (escaping and parsing 5 MB of HTML as JSON took 25 ms each way at 1000 stories)."""
        html: list[bytes] = []
        end = 0
        entries = {}
        for key, path, variants in bodies:
            shown = diags.display_path(path) if any(r.problems for r in variants) else ""  # (25 µs: only if needed)
            entries[key] = encoded = []
            for rendered in variants[:MAX_VARIANTS]:
                data = rendered.html.encode("utf-8", "surrogatepass")
                html.append(data)
                encoded.append({**_encode_rendered(rendered, shown), "html": [end, end + len(data)]})
                end += len(data)
        head = json.dumps({"salt": code_salt(), "entries": entries}, ensure_ascii=False, separators=(",", ":"))
        chunks = [head.encode("utf-8", "surrogatepass"), b"\n", *html]  # never joined: 120 MB at 10,000 stories
        del html, entries, head
        checksum = hashlib.blake2b(digest_size=16)
        for chunk in chunks:
            checksum.update(chunk)
        write_atomic(self.pack_path, checksum.hexdigest().encode() + b"\n", *chunks)

    def _packed(self) -> dict[str, Any]:
        if self._pack is None:
            self._pack = {}
            try:
                data = self.pack_path.read_bytes()  # (one copy in memory: 120 MB at 10,000 stories in 3 languages)
                first = data.index(b"\n")
                second = data.index(b"\n", first + 1)
                if data[:first].decode("ascii") == _checksum(memoryview(data)[first + 1:]):
                    body = json.loads(data[first + 1:second].decode("utf-8", "surrogatepass"))
                    html = memoryview(data)[second + 1:]
                    if body.get("salt") == code_salt() and isinstance(body.get("entries"), dict):
                        _decode_pack_html(body["entries"], html)
                        self._pack = body["entries"]
            except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
                pass  # missing or damaged: every body is rendered again
        return self._pack

    # --- photos --------------------------------------------------------------------------------

    @staticmethod
    def photo_key(path: Path, digest: bytes) -> str:
        from PIL import __version__ as pillow_version

        return _key("photo", pillow_version, path.name, digest.hex())

    def has_photo(self, key: str) -> bool:
        return self._photos._path(key).is_file()

    def photo(self, key: str) -> PublishedImage | None:
        data = self._photos.get(key)
        if data is None:
            return None
        try:
            return _decode_photo(data, key)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            return None

    def put_photo(self, key: str, image: PublishedImage) -> None:
        parts = image.renditions  # narrowest first, the full one last
        header = {"key": key, "parts": [[r.path, r.width, r.height, len(r.data), _checksum(r.data)] for r in parts]}
        self._photos.put(key, json.dumps(header, separators=(",", ":")).encode() + b"\n" + b"".join(r.data for r in parts))


# --- the entry formats ----------------------------------------------------------------------------

def _encode_rendered(rendered: Rendered, shown_path: str) -> dict[str, Any]:
    return {
        "html": rendered.html,
        "calls": [[method, ref.target, ref.line, answer] for method, ref, answer in rendered.calls],
        # the body's own file is stored as null, so it can be shown relative to a later build's folder
        "problems": [[d.severity, None if d.path == shown_path else d.path, d.line, d.col, d.message, d.hint]
                     for d in rendered.problems],
    }


def _decode_pack_html(entries: dict[str, Any], html: memoryview) -> None:
    """Put each variant's HTML in place of where it is, decoded: the pieces must follow one another
    and cover ``html`` exactly, so a pack made by hand cannot make the same megabyte into thousands
    of strings (ValueError)."""
    position = 0
    for variants in entries.values():
        if len(variants) > MAX_VARIANTS:
            raise ValueError("too many variants")
        for variant in variants:
            start, stop = variant["html"]
            if start != position or type(stop) is not int or stop < start:
                raise ValueError("the HTML of the pack is not in order")
            variant["html"] = str(html[start:stop], "utf-8", "surrogatepass")
            position = stop
    if position != len(html):
        raise ValueError("the HTML of the pack is not all used")


def _decode_markdown(data: bytes, key: str, path: str, diags: Diagnostics) -> list[Rendered]:
    checksum, _, payload = data.partition(b"\n")
    if checksum.decode("ascii") != _checksum(payload):
        raise ValueError("damaged entry")
    body = json.loads(payload.decode("utf-8", "surrogatepass"))
    if body["key"] != key:
        raise ValueError("another entry")
    return _decode_variants(body["variants"], path, diags)


def _decode_variants(variants: list[Any], path: str, diags: Diagnostics) -> list[Rendered]:
    shown = diags.display_path(path) if any(variant["problems"] for variant in variants) else ""
    result = []
    for variant in variants:
        calls = []
        for method, target, line, answer in variant["calls"]:
            if method not in _METHODS or not isinstance(target, str) or type(line) is not int:
                raise ValueError("bad call")
            if not (answer is None or isinstance(answer, str) or
                    (isinstance(answer, dict) and all(isinstance(v, str) for v in answer.values()))):
                raise ValueError("bad answer")
            calls.append((method, Reference(target, line), answer))
        problems = []
        for severity, where, line, col, message, hint in variant["problems"]:
            if severity not in (ERROR, WARNING) or not all(isinstance(s, str) for s in (message, hint)) \
                    or type(line) is not int or type(col) is not int or not (where is None or isinstance(where, str)):
                raise ValueError("bad problem")
            problems.append(Diagnostic(shown if where is None else where, line, col, severity, message, hint))
        if not isinstance(variant["html"], str):
            raise ValueError("bad html")
        result.append(Rendered(variant["html"], tuple(calls), tuple(problems)))
    return result


def _decode_photo(data: bytes, key: str) -> PublishedImage:
    head, _, blob = data.partition(b"\n")
    header = json.loads(head)
    if header["key"] != key:
        raise ValueError("another entry")
    renditions, offset = [], 0
    for out_path, width, height, size, checksum in header["parts"]:
        if not isinstance(out_path, str) or not out_path.startswith("img/") or type(width) is not int \
                or type(height) is not int or type(size) is not int or size < 0:
            raise ValueError("bad part")
        part = blob[offset:offset + size]
        offset += size
        if len(part) != size or _checksum(part) != checksum:
            raise ValueError("damaged part")
        renditions.append(Rendition(out_path, width, height, part))
    if offset != len(blob) or not renditions:
        raise ValueError("damaged entry")
    full = renditions[-1]
    return PublishedImage(full.path, full.width, full.height, full.data, tuple(renditions[:-1]))
