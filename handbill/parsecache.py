"""What a rebuild may reuse from the builds before it, each piece keyed by content.

``serve`` keeps one :class:`ParseCache` for its whole run and passes it to every
rebuild; a plain ``build`` gets a fresh, empty one. The rebuild still runs the whole
pipeline (STYLE.md habit 10): only the expensive, pure steps are remembered, and only
under a key that changes whenever their input does, so the output always equals a
clean build.

- **Parsed files** (site.yaml, campaign.yaml, a story's front matter and body):
  keyed by path and the SHA-256 of the file's bytes. The problems found while parsing
  are stored with the result and reported again on every build that uses it. A file
  whose stat did not change is not even read again (:mod:`handbill.filedigests`).
- **Rendered Markdown**: keyed by the file, the line where the body starts and the
  text. Rendering asks the resolver where links and images go; those questions and
  answers are recorded, and a remembered result is used only when the resolver gives
  the same answers today (a renamed story or a changed photo re-renders the bodies
  that point at it). A body keeps one rendering per set of answers: a fallback text
  with links is rendered once for each locale it is published in.
- **Published photos**: keyed by path and the SHA-256 of the photo's bytes.
- **Compiled templates**: one Jinja environment per set of template files, keyed by
  a hash of every template.

Nothing here is global: the cache is an argument. It lives in memory; with a
:class:`~handbill.diskcache.DiskCache` attached (:meth:`ParseCache.use_disk`, which
every build does), rendered Markdown (of the python-markdown engine only: cmark is
faster than the disk) and published photos missing from memory are looked up on disk,
and new ones are stored there, so the next *process* starts warm.
A stored body is checked against the resolver exactly like a remembered one.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

import jinja2

from .assets import AssetStore
from .diagnostics import Diagnostics
from .diskcache import MAX_VARIANTS, DiskCache, Rendered
from .filedigests import FileDigests
from .photos import PublishedImage
from .markdown_engines import DISK_CACHED_ENGINES
from .markup import MarkdownRenderer, Reference, Resolver
from .theme import Theme
from .yamlfile import decode_text, read_text

T = TypeVar("T")


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


@dataclass
class CacheStats:
    """How often each cache was used in the current build (for `serve -v` and tests)."""

    parsed: int = 0  # files parsed
    parse_hits: int = 0  # files whose earlier parse was reused
    rendered: int = 0  # Markdown bodies rendered
    render_hits: int = 0
    photos: int = 0  # photos decoded and encoded
    photo_hits: int = 0
    templates_compiled: bool = False
    render_disk_hits: int = 0  # Markdown bodies taken from .handbill-cache (not in memory yet)
    photo_disk_hits: int = 0
    prerendered: int = 0  # bodies rendered ahead in worker processes (see handbill.parallel)


@dataclass
class _Entry:
    value: Any
    used: int  # the generation (build number) that last used it


class ParseCache:
    """In-memory memory of parses, Markdown, photos and templates, shared by the rebuilds of one `serve`."""

    def __init__(self) -> None:
        self.generation = 0
        self.stats = CacheStats()
        self._parses: dict[tuple[str, str, bytes], _Entry] = {}
        self._markdown: dict[tuple[str, int, str], _Entry] = {}  # value: list of Rendered, newest first
        self._photos: dict[tuple[str, bytes], _Entry] = {}
        self._environment: tuple[tuple, jinja2.Environment] | None = None
        self._renderer: MarkdownRenderer | None = None
        self.markdown_engine = "commonmark"  # site.yaml's `markdown:` (load_project sets it); in every Markdown key
        self.disk: DiskCache | None = None
        self._digests: dict[Path, bytes] = {}  # photo path -> SHA-256, for the current build only
        self._disk_keys: dict[tuple[str, str, int, str], str] = {}  # (engine, path, line, text) -> disk key, this build
        self.files = FileDigests()  # content files and photos: read again only when their stat changed

    def use_disk(self, disk: DiskCache | None) -> None:
        """Also keep results in (and take them from) ``disk``; None: memory only."""
        self.disk = disk

    # --- the life of one build --------------------------------------------------------------

    def start_build(self) -> None:
        """Begin a build: reset the counters and mark what the build uses."""
        self.generation += 1
        self.stats = CacheStats()
        self._digests = {}
        self._disk_keys = {}
        self.files.start()

    def forget_unused(self) -> None:
        """Drop what the last build did not use (old versions of edited files), so memory stays flat.

        Call it only after a build that got all the way through: a build that stopped at
        an error did not render Markdown, and those results are still wanted.
        """
        for table in (self._parses, self._markdown, self._photos):
            for key in [k for k, entry in table.items() if entry.used != self.generation]:
                del table[key]
        self.files.forget_unused()

    # --- parsed files ------------------------------------------------------------------------

    def parse_file(self, path: Path, diags: Diagnostics, what: str, parse: Callable[[str, Diagnostics], T]) -> T | None:
        """Read ``path`` as UTF-8 text and ``parse`` it, or reuse the result for the same bytes.

        ``what`` names the kind of parse (``yaml``, ``markdown``), so one file read two
        ways is cached twice. Problems are reported to ``diags`` each time, cached or not.
        """
        digest = self.files.known(path)  # without reading the file, when its stat says it is unchanged
        entry = self._parses.get((what, str(path), digest)) if digest is not None else None
        if entry is None:  # read it (then ``data`` is set for the parse below)
            try:
                data, digest = self.files.read(path)
            except OSError:
                text = read_text(path, diags)  # reports why the file cannot be read
                return None if text is None else parse(text, diags)
            key = (what, str(path), digest)
            entry = self._parses.get(key)
        if entry is None:
            found = Diagnostics(root=diags.root)
            text = decode_text(data, path, found)
            value = None if text is None else parse(text, found)
            entry = self._parses[key] = _Entry((value, tuple(found.items)), self.generation)
            self.stats.parsed += 1
        else:
            self.stats.parse_hits += 1
        entry.used = self.generation
        value, problems = entry.value
        diags.extend(problems)
        return value

    # --- Markdown ----------------------------------------------------------------------------

    @property
    def markdown(self) -> "CachedMarkdown":
        """A Markdown renderer (same methods as MarkdownRenderer) that remembers its results."""
        if self._renderer is None:
            self._renderer = MarkdownRenderer(self.markdown_engine)
        return CachedMarkdown(self._renderer, self)

    def use_markdown_engine(self, engine: str) -> None:
        """Render Markdown with ``engine`` from now on; the bodies the other engine rendered are forgotten."""
        if engine != self.markdown_engine:
            self.markdown_engine, self._renderer = engine, None
            self._markdown.clear()

    def markdown_key(self, text: str, path: str | Path, first_line: int) -> str:
        """A body's key in .handbill-cache, the engine in it (before a NUL: no two pairs collide).
        Remembered for the build: a body's key is asked for up to three times (40 µs each)."""
        asked = (self.markdown_engine, str(path), first_line, text)
        key = self._disk_keys.get(asked)
        if key is None:
            key = self._disk_keys[asked] = DiskCache.markdown_key(f"{self.markdown_engine}\0{text}", path, first_line)
        return key

    @property
    def markdown_disk(self) -> DiskCache | None:
        """Where rendered bodies are kept between processes one file each: only for an engine slower
        than the disk. cmark renders a story in about 0.1 ms (0.5 ms with the links resolved and
        the HTML cleaned), less than creating its cache file costs (0.1-1.5 ms here); its bodies
        go into one file instead, ``markdown.pack`` (:meth:`save_markdown_pack`). Python-Markdown
        takes 5 ms."""
        return self.disk if self.markdown_engine in DISK_CACHED_ENGINES else None

    def knows_markdown(self, text: str, path: str | Path, first_line: int) -> bool:
        """True when a rendering of this body is remembered or stored (it may still not fit this build)."""
        if (str(path), first_line, text) in self._markdown:
            return True
        if self.disk is None or (self.markdown_disk is None and self.disk.pack_is_empty()):
            return False  # (a cold build asks this of every body: no key is worked out for nothing)
        key = self.markdown_key(text, path, first_line)
        disk = self.markdown_disk
        return disk.has_markdown(key) if disk is not None else self.disk.has_packed_markdown(key)

    def _stored_markdown(self, text: str, path: str | Path, first_line: int, diags: Diagnostics) -> list[Rendered]:
        if self.disk is None or (self.markdown_disk is None and self.disk.pack_is_empty()):
            return []
        key = self.markdown_key(text, path, first_line)
        disk = self.markdown_disk
        return disk.markdown_variants(key, path, diags) if disk is not None else self.disk.packed_markdown(key, path, diags)

    def save_markdown_pack(self, diags: Diagnostics) -> None:
        """Keep the bodies this build used in ``.handbill-cache/markdown.pack``, for the next build's
        process: one file for them all, for the engines whose bodies are not stored one by one."""
        if self.disk is None or self.markdown_disk is not None:
            return
        used = [(self.markdown_key(text, path, line), path, entry.value)
                for (path, line, text), entry in self._markdown.items() if entry.used == self.generation]
        self.disk.save_markdown_pack(used, diags)

    def remember_markdown(self, text: str, path: str | Path, first_line: int, rendered: Rendered) -> None:
        """Take a rendering made elsewhere (a worker process) into memory; the next lookup checks it."""
        entry = self._markdown.setdefault((str(path), first_line, text), _Entry([], self.generation))
        _add_variant(entry.value, rendered)

    def renderings(self, text: str, path: str | Path, first_line: int) -> list[Rendered]:
        """The renderings of this body in memory (what a worker process sends back for it)."""
        entry = self._markdown.get((str(path), first_line, text))
        return list(entry.value) if entry is not None else []

    def find_markdown(self, text: str, path: str | Path, first_line: int, resolver: Resolver,
                      diags: Diagnostics, *, count: bool = True) -> Rendered | None:
        """A remembered or stored rendering of this body that gets the same answers from ``resolver``, or None.

        Asking the resolver also publishes the photos and reports its own errors (to its own
        diagnostics), exactly as rendering would.
        """
        key = (str(path), first_line, text)
        entry = self._markdown.get(key)
        if entry is not None:
            entry.used = self.generation
            for rendered in entry.value:
                if _same_answers(resolver, rendered.calls):
                    self.stats.render_hits += count
                    return rendered
        if self.disk is not None:
            tried = [r.calls for r in entry.value] if entry is not None else []
            for stored in self._stored_markdown(text, path, first_line, diags):
                if stored.calls not in tried and _same_answers(resolver, stored.calls):
                    entry = self._markdown.setdefault(key, _Entry([], self.generation))
                    _add_variant(entry.value, stored)
                    self.stats.render_disk_hits += 1
                    return stored
        return None

    def published_photos(self) -> list[tuple[tuple[str, bytes], PublishedImage]]:
        """Every published photo in memory, by (path, digest) (what a worker process sends back)."""
        return [(key, entry.value) for key, entry in self._photos.items()]

    # --- photos ------------------------------------------------------------------------------

    def photo_digest(self, path: Path) -> bytes:
        """SHA-256 of a photo's bytes, read once per build, and only when its stat changed."""
        if path not in self._digests:
            self._digests[path] = self.files.digest(path)
        return self._digests[path]

    def knows_photo(self, path: Path) -> bool:
        """True when the published copies of this photo (as it is now) are remembered or stored."""
        try:
            digest = self.photo_digest(path)
        except OSError:
            return True  # nothing to publish ahead: the build reports the problem
        if (str(path), digest) in self._photos:
            return True
        return self.disk is not None and self.disk.has_photo(DiskCache.photo_key(path, digest))

    def remember_photo(self, path: Path, digest: bytes, image: PublishedImage) -> None:
        if (str(path), digest) not in self._photos:
            self._photos[(str(path), digest)] = _Entry(image, self.generation)

    def asset_store(self, content: Path) -> AssetStore:
        """A fresh asset store for one build, whose photos come from this cache when unchanged."""
        return CachedAssetStore(content, cache=self)

    # --- templates ---------------------------------------------------------------------------

    def environment(self, theme: Theme, watch: bool = False) -> jinja2.Environment:
        """The theme's Jinja environment, compiled templates included, reused while no template changes
        (``watch``: Jinja checks each template again when a page asks for it, see Theme.environment)."""
        digest = hashlib.sha256()
        for folder in theme.dirs:
            for path in _template_files(folder / "templates"):
                if path.is_file():
                    digest.update(f"{path.relative_to(folder).as_posix()}\0{path.stat().st_size}\0".encode())
                    digest.update(path.read_bytes())
        key = (theme.dirs, watch, digest.digest())
        if self._environment is None or self._environment[0] != key:
            self._environment = (key, theme.environment(watch))
            self.stats.templates_compiled = True
        return self._environment[1]


def _template_files(root: Path) -> list[Path]:
    """Every file under ``root`` that Jinja can load, through links to folders too (each real folder
    once, so a loop of links ends): serve's pages are reused while none of them changes."""
    found: list[Path] = []
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames.sort()
        found += [Path(dirpath, name) for name in sorted(filenames)]
    return found


class _RecordingResolver:
    """Passes every question to the real resolver and writes down question and answer."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.calls: list[tuple[str, Reference, Any]] = []

    def _ask(self, method: str, ref: Reference) -> Any:
        answer = getattr(self.resolver, method)(ref)
        self.calls.append((method, ref, answer))
        return answer

    def page_link(self, ref: Reference) -> str | None:
        return self._ask("page_link", ref)

    def page_if_any(self, ref: Reference) -> str | None:
        return self._ask("page_if_any", ref)

    def image(self, ref: Reference) -> dict[str, str] | None:
        return self._ask("image", ref)

    def file_link(self, ref: Reference) -> str | None:
        return self._ask("file_link", ref)


def _add_variant(variants: list[Rendered], rendered: Rendered) -> None:
    """Put ``rendered`` first among the renderings of one body (one per set of answers; at most MAX_VARIANTS)."""
    variants[:] = [rendered, *(r for r in variants if r.calls != rendered.calls)][:MAX_VARIANTS]


def _same_answers(resolver: Resolver, calls: tuple[tuple[str, Reference, Any], ...]) -> bool:
    """True when ``resolver`` answers every recorded question as recorded (asked in order, up to the first difference)."""
    return all(getattr(resolver, method)(ref) == answer for method, ref, answer in calls)


class CachedMarkdown:
    """MarkdownRenderer's interface, remembering rendered bodies (see the module docstring)."""

    def __init__(self, renderer: MarkdownRenderer, cache: ParseCache) -> None:
        self._renderer = renderer
        self._cache = cache

    def render(self, text: str, *, path: str | Path, first_line: int, resolver: Resolver,
               diags: Diagnostics) -> str:
        cache = self._cache
        found = cache.find_markdown(text, path, first_line, resolver, diags)
        if found is not None:
            diags.extend(found.problems)
            return found.html
        recorder = _RecordingResolver(resolver)
        problems = Diagnostics(root=diags.root)
        html = self._renderer.render(text, path=path, first_line=first_line, resolver=recorder, diags=problems)
        rendered = Rendered(html, tuple(recorder.calls), tuple(problems.items))
        entry = cache._markdown.setdefault((str(path), first_line, text), _Entry([], cache.generation))
        entry.used = cache.generation
        _add_variant(entry.value, rendered)
        cache.stats.rendered += 1
        if cache.markdown_disk is not None:
            cache.markdown_disk.put_markdown(cache.markdown_key(text, path, first_line), path, rendered, problems)
        diags.extend(rendered.problems)
        return html

    def render_inline(self, text: str) -> str:
        return self._renderer.render_inline(text)


@dataclass
class CachedAssetStore(AssetStore):
    """An AssetStore that takes published photos from the cache when the photo's bytes are unchanged."""

    cache: ParseCache | None = field(default=None, repr=False)

    def image(self, path: Path) -> PublishedImage:
        if self.cache is None or path in self.images:
            return super().image(path)
        try:
            key = (str(path), self.cache.photo_digest(path))
        except OSError:
            return super().image(path)  # reports the problem its own way
        table, disk = self.cache._photos, self.cache.disk
        entry = table.get(key)
        if entry is None and disk is not None:
            stored = disk.photo(DiskCache.photo_key(path, key[1]))
            if stored is not None:
                entry = table[key] = _Entry(stored, self.cache.generation)
                self.cache.stats.photo_disk_hits += 1
        elif entry is not None:
            self.cache.stats.photo_hits += 1
        if entry is not None:
            self.images[path] = entry.value
        published = super().image(path)
        if entry is None:
            self.cache.stats.photos += 1
            try:
                unchanged = _digest(path.read_bytes()) == key[1]
            except OSError:
                unchanged = False
            if unchanged:  # not edited while it was being published: safe to remember
                entry = table[key] = _Entry(published, self.cache.generation)
                if disk is not None:
                    disk.put_photo(DiskCache.photo_key(path, key[1]), published)
        if entry is not None:
            entry.used = self.cache.generation
        return published
