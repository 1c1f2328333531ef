"""What templates see: plain, frozen views of campaigns, stories and pages in one locale.

Building a view is where Markdown is rendered (links resolved in the same locale,
images published through the asset store) and where dates and numbers are formatted
for the locale with Babel. Templates only lay these values out.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .assets import AssetProblem, AssetStore
from .diagnostics import Diagnostics
from .images import IMAGE_SUFFIXES, ImageProblem
from .locales import Entry
from .markup import MarkdownRenderer, Reference
from .routes import Routes
from .text import strip_controls
from .formats import LocaleFormats
from .localecodes import text_direction as _direction

VIDEO_SUFFIXES = (".mp4", ".webm")
BODY_IMAGE_SIZES = "(min-width: 48rem) 46rem, 100vw"  # photos in a story's text: the text column's width


@dataclass(frozen=True)
class Photo:
    src: str
    width: int
    height: int
    alt: str
    srcset: str = ""  # narrower copies for <img srcset>, empty for a small photo
    source: Path | None = None  # the original file (share cards draw its published copy)


@dataclass(frozen=True)
class EntryView:
    """A story, page or campaign, ready to show."""

    kind: str
    key: str
    slug: str
    campaign: str
    title: str
    summary: str
    href: str  # root-relative link
    url: str  # absolute URL
    path: str  # output path
    lang: str  # language of the text (differs from the page's on a fallback)
    dir: str
    is_fallback: bool
    body_html: str = ""
    author: str = ""
    date: dt.date | None = None
    date_text: str = ""
    quote: str = ""
    photo: Photo | None = None
    tags: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    langs: dict[str, str] = field(default_factory=dict)  # dotted key -> language, where it is not ``lang``

    def lang_of(self, key: str) -> str:
        """The language of one field: a translation inherits untranslated fields in the original's language."""
        return self.langs.get(key, self.lang)

    def dir_of(self, key: str) -> str:
        return text_direction(self.lang_of(key))


@functools.lru_cache(maxsize=256)
def text_direction(locale: str) -> str:
    """``rtl`` or ``ltr`` (remembered: templates ask for every field of every page, and Babel is slow to answer)."""
    return _direction(locale)


class EntryResolver:
    """Resolves the links and images of one entry's Markdown for one locale."""

    def __init__(self, entry: Entry, source_path: Path, keys: dict[str, Entry], routes: Routes,
                 assets: AssetStore, locale_dirs: dict[str, Path], default_locale: str, diags: Diagnostics):
        self.entry, self.source_path, self.keys = entry, source_path, keys
        self.routes, self.assets, self.diags = routes, assets, diags
        self.locale_dir = locale_dirs[entry.text_locale]
        self.default_dir = locale_dirs.get(default_locale, self.locale_dir)

    def base_dirs(self) -> list[Path]:
        """This file's folder, then the same folder in the default locale."""
        here = self.source_path.parent
        dirs = [here]
        try:
            twin = self.default_dir / here.relative_to(self.locale_dir)
        except ValueError:
            twin = None
        if twin is not None and twin != here:
            dirs.append(twin)
        return dirs

    def page_link(self, ref: Reference) -> str | None:
        target = ref.target.split("#", 1)[0]
        resolved = (self.source_path.parent / target).resolve()
        for folder in (self.locale_dir, self.default_dir):
            try:
                key = resolved.relative_to(folder.resolve()).as_posix()
            except ValueError:
                continue
            linked = self.keys.get(key)
            if linked is not None:
                # linked.locale: the default locale when this locale skips the linked file (fallback: skip)
                return self.routes.href(self.routes.entry(linked.locale, linked.kind, linked.campaign, linked.slug))
        self.diags.error(self.source_path, ref.line, 0, f"the link to `{ref.target}` goes to a page that does not exist",
                         "check the file name; links to other stories look like ../stories/maria.md or maria.md "
                         "(a draft story is only published with --drafts)")
        return None

    def file_link(self, ref: Reference) -> str | None:
        try:
            path = self.assets.find(ref.target, self.base_dirs())
            if path.suffix.lower() in IMAGE_SUFFIXES:
                return self.routes.href(self.assets.image(path).path)
            return self.routes.href(self.assets.file(path).path)
        except (AssetProblem, ImageProblem) as problem:
            self.diags.error(self.source_path, ref.line, 0, problem.message, problem.hint)
            return None

    def image(self, ref: Reference) -> dict[str, str] | None:
        try:
            path = self.assets.find(ref.target, self.base_dirs())
            if path.suffix.lower() in VIDEO_SUFFIXES:
                return {"src": self.routes.href(self.assets.file(path).path)}
            published = self.assets.image(path)
        except (AssetProblem, ImageProblem) as problem:
            self.diags.error(self.source_path, ref.line, 0, problem.message, problem.hint)
            return None
        srcset = published.srcset(self.routes.href)
        return {"src": self.routes.href(published.path), "width": str(published.width),
                "height": str(published.height), "loading": "lazy", "decoding": "async",
                **({"srcset": srcset, "sizes": BODY_IMAGE_SIZES} if srcset else {})}


@dataclass
class ViewBuilder:
    """Makes views for every entry of a locale. One per build; holds the Markdown renderer."""

    routes: Routes
    assets: AssetStore
    locale_dirs: dict[str, Path]
    default_locale: str
    diags: Diagnostics
    markdown: MarkdownRenderer = field(default_factory=MarkdownRenderer)

    def _field_source(self, entry: Entry, key: str):
        """The file that wrote ``key``: the translation when it has it, else the original."""
        return entry.source if key in entry.source.meta else entry.original

    def photo(self, entry: Entry, resolver: EntryResolver) -> Photo | None:
        image = entry.meta.get("image")
        if not image:
            return None
        source = self._field_source(entry, "image")
        line, col = source.data.where("image")
        alt = entry.meta.get("image_alt")
        if alt is None:
            self.diags.error(source.file.path, line, col, "this photo has no description (image_alt)",
                             "add a line image_alt: ... describing the photo for people who cannot see it")
            alt = ""
        resolver_for_source = EntryResolver(entry, source.file.path, resolver.keys, self.routes, self.assets,
                                            self.locale_dirs, self.default_locale, self.diags) \
            if source is not entry.source else resolver
        try:
            path = self.assets.find(image, resolver_for_source.base_dirs())
            published = self.assets.image(path)
        except (AssetProblem, ImageProblem) as problem:
            self.diags.error(source.file.path, line, col, f"image: {problem.message}", problem.hint)
            return None
        return Photo(self.routes.href(published.path), published.width, published.height, alt,
                     published.srcset(self.routes.href), path)

    def markdown_body(self, entry: Entry) -> tuple[str, Path, int]:
        """The Markdown an entry's view renders: (text, the file that wrote it, the line it starts on)."""
        if entry.kind == "campaign":
            body_source = self._field_source(entry, "body")
            line = body_source.data.where("body")[0] + ("body" in body_source.data.blocks)
            return entry.meta.get("body", ""), body_source.file.path, line
        return strip_controls(entry.source.body), entry.source.file.path, entry.source.body_line

    def photo_file(self, entry: Entry) -> Path | None:
        """The photo file an entry's view publishes, when it names one that exists (for work done ahead)."""
        image = entry.meta.get("image")
        if not image or not isinstance(image, str):
            return None
        source = self._field_source(entry, "image")
        resolver = EntryResolver(entry, source.file.path, {}, self.routes, self.assets, self.locale_dirs,
                                 self.default_locale, self.diags)
        try:
            return self.assets.find(image, resolver.base_dirs())
        except AssetProblem:
            return None

    def build(self, entry: Entry, keys: dict[str, Entry], formats: LocaleFormats | None = None) -> EntryView:
        meta = entry.meta
        path = self.routes.entry(entry.locale, entry.kind, entry.campaign, entry.slug)
        body, body_path, line = self.markdown_body(entry)
        resolver = EntryResolver(entry, body_path, keys, self.routes, self.assets,
                                 self.locale_dirs, self.default_locale, self.diags)
        body_html = self.markdown.render(body, path=body_path, first_line=line,
                                         resolver=resolver, diags=self.diags) if body.strip() else ""
        date = meta.get("date") if isinstance(meta.get("date"), dt.date) else None
        formats = formats or LocaleFormats(entry.locale)
        return EntryView(
            kind=entry.kind, key=entry.key, slug=entry.slug, campaign=entry.campaign,
            title=meta.get("title", ""), summary=meta.get("summary", ""),
            href=self.routes.href(path), url=self.routes.absolute(path), path=path,
            lang=entry.text_locale, dir=text_direction(entry.text_locale), is_fallback=entry.is_fallback,
            body_html=body_html, author=meta.get("author", ""), date=date,
            date_text=formats.date(date) if date else "",
            quote=meta.get("quote", ""), photo=self.photo(entry, resolver), tags=tuple(meta.get("tags", ())),
            meta=meta, langs=_field_langs(entry),
        )


TEXT_FIELDS = ("title", "summary", "body", "quote", "author", "image_alt", "petition.consent",
               "petition.thank_you", "share.text")


def _field_langs(entry: Entry) -> dict[str, str]:
    """The text fields a translation inherits from its original, with the original's language."""
    keys = TEXT_FIELDS if entry.kind == "campaign" else [k for k in TEXT_FIELDS if k != "body"]  # a story's body is its own
    langs = {key: entry.text_locale_of(key) for key in keys}
    return {key: lang for key, lang in langs.items() if lang != entry.text_locale}
