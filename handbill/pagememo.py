"""Pages drawn by earlier builds of one `serve`, reused while everything their template sees is unchanged.

A page is keyed by the fingerprint (:mod:`handbill.fingerprint`) of its template's
name and all its inputs: :meth:`~handbill.pages.PageRenderer.page_inputs` and the
locale's :meth:`~handbill.pages.PageRenderer.shared_inputs`. The same key means the
same context, so the same bytes; a page whose inputs cannot be fingerprinted is
drawn every time. A change of templates (a new Jinja environment) forgets every page.

Warnings: the only thing a template can report through is ``t``, the UI strings,
and the catalog warns once per key and locale (an untranslated string), so the page
that first asked may not be the one drawn next time. A drawn page therefore keeps
the keys of the strings it asked for, and every build asks the catalog for the keys
of the pages it reused: the catalog warns exactly as if they had been drawn.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import jinja2

from .fingerprint import Fingerprints, NotPlainData
from .pages import PageRenderer, PlannedPage
from .recent import Recent
from .strings import Catalog


@dataclass(frozen=True)
class DrawnPage:
    """A page's HTML and the UI strings its template asked for."""

    html: bytes
    strings: frozenset[str]


def draw_page(renderer: PageRenderer, page: PlannedPage) -> DrawnPage:
    """Render ``page``, noting the strings it asks for (raises jinja2.TemplateError like ``render``)."""
    strings: set[str] = set()
    html = renderer.render(page, strings)
    return DrawnPage(html.encode("utf-8"), frozenset(strings))


class PageMemo:
    """The drawn pages of the last build, by key (see the module docstring). Kept by `serve` for its whole run."""

    def __init__(self) -> None:
        self._pages: Recent[bytes, DrawnPage] = Recent()
        self._env: jinja2.Environment | None = None
        self.drawn = 0  # pages drawn (not reused) by the current build, for tests and `serve -v`
        self.reused = 0

    def next_build(self, last_complete: bool = True) -> None:
        self._pages.next_build(last_complete)
        self.drawn = self.reused = 0

    def keys(self, pages: list[PlannedPage], renderer: PageRenderer, fingerprints: Fingerprints) -> list[bytes | None]:
        """The key of every page (None: it cannot be keyed and is drawn every time)."""
        if renderer.env is not self._env:  # templates changed: nothing drawn before counts
            self._pages.clear()
            self._env = renderer.env
        shared: dict[str, bytes | None] = {}
        for locale in {page.locale for page in pages}:
            try:
                shared[locale] = fingerprints.of(renderer.shared_inputs(locale))
            except NotPlainData:
                shared[locale] = None
        return [self._key(page, renderer, fingerprints, shared[page.locale]) for page in pages]

    @staticmethod
    def _key(page: PlannedPage, renderer: PageRenderer, fingerprints: Fingerprints, shared: bytes | None) -> bytes | None:
        if shared is None:
            return None
        try:
            own = fingerprints.of(renderer.page_inputs(page))
        except NotPlainData:
            return None
        return hashlib.blake2b(b"%s\0%s\0%s" % (shared, page.template.encode(), own), digest_size=20).digest()

    def find(self, key: bytes | None) -> DrawnPage | None:
        drawn = self._pages.get(key) if key is not None else None
        self.reused += drawn is not None
        return drawn

    def keep(self, key: bytes | None, drawn: DrawnPage) -> None:
        self.drawn += 1
        if key is not None:
            self._pages.put(key, drawn)


def ask_again(catalog: Catalog, reused: dict[str, set[str]], formats: dict[str, Any]) -> None:
    """Ask the catalog for the strings the reused pages asked for, per locale, so it warns as a full build would."""
    for locale, keys in sorted(reused.items()):
        t = catalog.translator(locale, formats.get(locale))
        for key in sorted(keys):
            t(key)
