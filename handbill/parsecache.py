"""What a rebuild may reuse from the builds before it, each piece keyed by content.

``serve`` keeps one :class:`ParseCache` for its whole run and passes it to every
rebuild; a plain ``build`` gets a fresh, empty one. The rebuild still runs the whole
pipeline (STYLE.md habit 10): only the expensive, pure steps are remembered, and only
under a key that changes whenever their input does, so the output always equals a
clean build.

- **Parsed files** (site.yaml, campaign.yaml, a story's front matter and body):
  keyed by path and the SHA-256 of the file's bytes. The problems found while parsing
  are stored with the result and reported again on every build that uses it.
- **Rendered Markdown**: keyed by the file, the line where the body starts and the
  text. Rendering asks the resolver where links and images go; those questions and
  answers are recorded, and a remembered result is used only when the resolver gives
  the same answers today (a renamed story or a changed photo re-renders the bodies
  that point at it).
- **Published photos**: keyed by path and the SHA-256 of the photo's bytes.
- **Compiled templates**: one Jinja environment per set of template files, keyed by
  a hash of every template.

Nothing here is global: the cache is an argument, and it lives in memory only.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

import jinja2

from .assets import AssetStore
from .diagnostics import Diagnostic, Diagnostics
from .images import PublishedImage
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
        self._markdown: dict[tuple[str, int, str], _Entry] = {}
        self._photos: dict[tuple[str, bytes], _Entry] = {}
        self._environment: tuple[tuple, jinja2.Environment] | None = None
        self._renderer: MarkdownRenderer | None = None

    # --- the life of one build --------------------------------------------------------------

    def start_build(self) -> None:
        """Begin a build: reset the counters and mark what the build uses."""
        self.generation += 1
        self.stats = CacheStats()

    def forget_unused(self) -> None:
        """Drop what the last build did not use (old versions of edited files), so memory stays flat.

        Call it only after a build that got all the way through: a build that stopped at
        an error did not render Markdown, and those results are still wanted.
        """
        for table in (self._parses, self._markdown, self._photos):
            for key in [k for k, entry in table.items() if entry.used != self.generation]:
                del table[key]

    # --- parsed files ------------------------------------------------------------------------

    def parse_file(self, path: Path, diags: Diagnostics, what: str, parse: Callable[[str, Diagnostics], T]) -> T | None:
        """Read ``path`` as UTF-8 text and ``parse`` it, or reuse the result for the same bytes.

        ``what`` names the kind of parse (``yaml``, ``markdown``), so one file read two
        ways is cached twice. Problems are reported to ``diags`` each time, cached or not.
        """
        try:
            data = Path(path).read_bytes()
        except OSError:
            text = read_text(path, diags)  # reports why the file cannot be read
            return None if text is None else parse(text, diags)
        key = (what, str(path), _digest(data))
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
            self._renderer = MarkdownRenderer()
        return CachedMarkdown(self._renderer, self)

    # --- photos ------------------------------------------------------------------------------

    def asset_store(self, content: Path) -> AssetStore:
        """A fresh asset store for one build, whose photos come from this cache when unchanged."""
        return CachedAssetStore(content, cache=self)

    # --- templates ---------------------------------------------------------------------------

    def environment(self, theme: Theme) -> jinja2.Environment:
        """The theme's Jinja environment, compiled templates included, reused while no template changes."""
        digest = hashlib.sha256()
        for folder in theme.dirs:
            templates = folder / "templates"
            for path in sorted(templates.rglob("*")) if templates.is_dir() else []:
                if path.is_file():
                    digest.update(f"{path.relative_to(folder).as_posix()}\0{path.stat().st_size}\0".encode())
                    digest.update(path.read_bytes())
        key = (theme.dirs, digest.digest())
        if self._environment is None or self._environment[0] != key:
            self._environment = (key, theme.environment())
            self.stats.templates_compiled = True
        return self._environment[1]


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

    def image(self, ref: Reference) -> dict[str, str] | None:
        return self._ask("image", ref)

    def file_link(self, ref: Reference) -> str | None:
        return self._ask("file_link", ref)


class CachedMarkdown:
    """MarkdownRenderer's interface, remembering rendered bodies (see the module docstring)."""

    def __init__(self, renderer: MarkdownRenderer, cache: ParseCache) -> None:
        self._renderer = renderer
        self._cache = cache

    def render(self, text: str, *, path: str | Path, first_line: int, resolver: Resolver,
               diags: Diagnostics) -> str:
        key = (str(path), first_line, text)
        table, stats = self._cache._markdown, self._cache.stats
        entry = table.get(key)
        if entry is not None:
            html, calls, problems = entry.value
            # Ask the resolver again (it also publishes the photos and reports its own errors).
            if all(getattr(resolver, method)(ref) == answer for method, ref, answer in calls):
                entry.used = self._cache.generation
                stats.render_hits += 1
                diags.extend(problems)
                return html
        recorder = _RecordingResolver(resolver)
        found = Diagnostics(root=diags.root)
        html = self._renderer.render(text, path=path, first_line=first_line, resolver=recorder, diags=found)
        problems: tuple[Diagnostic, ...] = tuple(found.items)
        table[key] = _Entry((html, tuple(recorder.calls), problems), self._cache.generation)
        stats.rendered += 1
        diags.extend(problems)
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
            key = (str(path), _digest(path.read_bytes()))
        except OSError:
            return super().image(path)  # reports the problem its own way
        table = self.cache._photos
        entry = table.get(key)
        if entry is not None:
            self.images[path] = entry.value
            self.cache.stats.photo_hits += 1
        published = super().image(path)
        if entry is None:
            self.cache.stats.photos += 1
            try:
                unchanged = _digest(path.read_bytes()) == key[1]
            except OSError:
                unchanged = False
            if unchanged:  # not edited while it was being published: safe to remember
                entry = table[key] = _Entry(published, self.cache.generation)
        if entry is not None:
            entry.used = self.cache.generation
        return published
