"""What templates see: plain, frozen views of campaigns, stories and pages in one locale.

Building a view is where Markdown is rendered (links resolved in the same locale,
images published through the asset store) and where dates and numbers are formatted
for the locale with Babel. Templates only lay these values out.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .assets import AssetProblem, AssetStore, similar_name
from .captions import find_captions
from .diagnostics import Diagnostics
from .photos import IMAGE_SUFFIXES, ImageProblem
from .locales import Entry
from .markup import MarkdownRenderer, Reference
from .recent import Recent
from .routes import Routes
from .text import strip_controls
from .foreign import TextInLanguage
from .formats import LocaleFormats
from .localecodes import native_name
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

    def in_own_language(self, key: str) -> TextInLanguage:
        """A field as a text that knows its language, to put into a UI string (``t('next_story',
        title=story.in_own_language('title'))``): marked there when its language is not the string's."""
        return TextInLanguage(getattr(self, key), self.lang_of(key), self.dir_of(key))


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
        self.page_dir = locale_dirs.get(entry.locale)  # a fallback page's language: its own folder, if it has one
        self.default_locale = default_locale

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
        resolved = self._resolved(target)
        href, broken = self._page(resolved) if resolved is not None else (None, False)
        if href is None and not broken:
            unpublished = resolved is not None and os.path.isfile(resolved)  # a draft, say: no other name is meant
            self.diags.error(self.source_path, ref.line, 0, f"the link to `{ref.target}` goes to a page that does not exist",
                             (similar_name(target, [resolved], ".md", besides=self.source_path.resolve())
                              if resolved is not None and not unpublished else "") or
                             "check the file name; links to other stories look like ../stories/maria.md or maria.md "
                             "(a draft story is only published with --drafts)")
        return href

    def page_if_any(self, ref: Reference) -> str | None:
        """The address of the page ``ref`` names, or None, without a word: for a link that may name one."""
        resolved = self._resolved(ref.target.split("#", 1)[0])
        return self._page(resolved)[0] if resolved is not None else None

    def _resolved(self, target: str) -> Path | None:
        """Where ``target`` leads from this file; None when no file could be there (a NUL byte, a loop)."""
        try:
            return (self.source_path.parent / target).resolve()
        except (OSError, RuntimeError, ValueError):
            return None

    def _page(self, resolved: Path) -> tuple[str | None, bool]:
        """(the address of the page of the file ``resolved``, or None; whether that file has an error of its own)."""
        for folder in (self.locale_dir, self.default_dir):
            try:
                key = resolved.relative_to(folder.resolve()).as_posix()
            except ValueError:
                continue
            linked = self.keys.get(key)
            if linked is not None:
                # linked.locale: the default locale when this locale skips the linked file (fallback: skip)
                return self.routes.href(self.routes.entry(linked.locale, linked.kind, linked.campaign, linked.slug)), False
            if self._has_own_error(key):
                return None, True  # the linked file exists but could not be read: its own error is the one to fix
        return None, False

    def _has_own_error(self, key: str) -> bool:
        """The file ``key`` names, or the campaign.yaml of the campaign it belongs to, had an error of its own
        (a story whose front matter does not parse is not published, and neither are a broken campaign's stories,
        those that exist)."""
        parts = key.split("/")
        campaign = "/".join(parts[:-2] + ["campaign.yaml"]) if len(parts) >= 3 and parts[-2] == "stories" else None
        for folder in (self.locale_dir, self.default_dir):
            if self.diags.has_error_in(folder / key) or (campaign is not None and self.diags.has_error_in(folder / campaign)
                                                          and os.path.isfile(folder / key)):
                return True
        return False

    def file_link(self, ref: Reference) -> str | None:
        try:
            path = self.assets.find(ref.target, self.base_dirs(), percent_encoded=False)
            if path.suffix.lower() in IMAGE_SUFFIXES:
                return self.routes.href(self.assets.image(path).path)
            return self.routes.href(self.assets.file(path).path)
        except (AssetProblem, ImageProblem) as problem:
            self.diags.error(self.source_path, ref.line, 0, problem.message, problem.hint)
            return None

    def image(self, ref: Reference) -> dict[str, str] | None:
        try:
            path = self.assets.find(ref.target, self.base_dirs(), percent_encoded=False)
            if path.suffix.lower() in VIDEO_SUFFIXES:
                return {"src": self.routes.href(self.assets.file(path).path), **self._captions(path)}
            published = self.assets.image(path)
        except (AssetProblem, ImageProblem) as problem:
            self.diags.error(self.source_path, ref.line, 0, problem.message, problem.hint)
            return None
        srcset = published.srcset(self.routes.href)
        return {"src": self.routes.href(published.path), "width": str(published.width),
                "height": str(published.height), "loading": "lazy", "decoding": "async",
                **({"srcset": srcset, "sizes": BODY_IMAGE_SIZES} if srcset else {})}


    def _captions(self, video: Path) -> dict[str, str]:
        """``{"tracks": ...}``: the video's captions files (see captions.py), published, as JSON
        ``[[href, language, label, on by default], ...]``; {} when it has none."""
        language_dirs: dict[str, Path] = {}  # looked in in this order: the page's language first
        for locale, folder in ((self.entry.locale, self.page_dir), (self.entry.text_locale, self.locale_dir),
                               (self.default_locale, self.default_dir)):
            if folder is not None:  # (a language listed in site.yaml may have no folder yet)
                language_dirs.setdefault(locale, folder)
        folders = [(video.parent, self.default_locale)]  # (a video in media/: beside it only, in no language's folder)
        for folder in language_dirs.values():
            try:
                inside = video.parent.relative_to(folder.resolve())
            except ValueError:
                continue
            folders = [(each / inside, locale) for locale, each in language_dirs.items()]
            break
        found, problems = find_captions(video, folders, VIDEO_SUFFIXES)
        for problem in problems:
            self.diags.warning(problem.path, 0, 0, problem.message, problem.hint)
        if not found:
            return {}
        tracks = []
        for captions in found:
            try:  # (find checks it as any file a story names: a link out of the content folder is refused)
                checked = self.assets.find(captions.path.name, [captions.path.parent], percent_encoded=False)
                href = self.routes.href(self.assets.file(checked).path)
            except AssetProblem as problem:
                if not captions.path.is_symlink():  # (a link out of the content folder is an error of the scan's)
                    self.diags.warning(captions.path, 0, 0, problem.message, problem.hint)
                continue
            tracks.append([href, captions.lang, native_name(captions.lang) or captions.lang, False])
        on = _closest_language([track[1] for track in tracks], self.entry.locale)
        if on is not None:
            tracks[on][3] = True
        return {"tracks": json.dumps(tracks, ensure_ascii=False)} if tracks else {}


def _closest_language(codes: list[str], locale: str) -> int | None:
    """The index of the code that best fits a page in ``locale``: the same code (pt-BR), else the language
    alone (pt), else the same language elsewhere (pt-PT); None when none is in its language."""
    language = locale.split("-")[0].lower()
    ranked = [(0 if code == locale else 1 if code.lower() == language else 2, index)
              for index, code in enumerate(codes) if code.split("-")[0].lower() == language]
    return min(ranked)[1] if ranked else None


@dataclass
class ViewBuilder:
    """Makes views for every entry of a locale. One per build; holds the Markdown renderer."""

    routes: Routes
    assets: AssetStore
    locale_dirs: dict[str, Path]
    default_locale: str
    diags: Diagnostics
    markdown: MarkdownRenderer = field(default_factory=MarkdownRenderer)
    memo: ViewMemo | None = None  # `serve`: the views of the build before, handed out again when unchanged

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
        text = self.memo.without_controls(entry.source.body) if self.memo is not None else entry.source.clean_body
        return text, entry.source.file.path, entry.source.body_line

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

    def body_and_photo(self, entry: Entry, keys: dict[str, Entry]) -> tuple[str, Photo | None]:
        """The entry's rendered body and published photo: the costly part of a view (what workers do ahead)."""
        body, body_path, line = self.markdown_body(entry)
        resolver = EntryResolver(entry, body_path, keys, self.routes, self.assets,
                                 self.locale_dirs, self.default_locale, self.diags)
        body_html = self.markdown.render(body, path=body_path, first_line=line,
                                         resolver=resolver, diags=self.diags) if body.strip() else ""
        return body_html, self.photo(entry, resolver)

    def build(self, entry: Entry, keys: dict[str, Entry], formats: LocaleFormats | None = None) -> EntryView:
        # What this reads of ``entry`` beside the body and photo must be in _made_of (the view memo's check).
        meta = entry.meta
        # The body and the photo are asked for on every build, remembered view or not: that
        # publishes the photos and reports broken links and missing descriptions.
        body_html, photo = self.body_and_photo(entry, keys)
        formats = formats or LocaleFormats(entry.locale)
        if self.memo is not None:
            remembered = self.memo.find(entry, formats, self.routes, body_html, photo)
            if remembered is not None:
                return remembered
        path = self.routes.entry(entry.locale, entry.kind, entry.campaign, entry.slug)
        date = meta.get("date") if isinstance(meta.get("date"), dt.date) else None
        view = EntryView(
            kind=entry.kind, key=entry.key, slug=entry.slug, campaign=entry.campaign,
            title=meta.get("title", ""), summary=meta.get("summary", ""),
            href=self.routes.href(path), url=self.routes.absolute(path), path=path,
            lang=entry.text_locale, dir=text_direction(entry.text_locale), is_fallback=entry.is_fallback,
            body_html=body_html, author=meta.get("author", ""), date=date,
            date_text=formats.date(date) if date else "",
            quote=meta.get("quote", ""), photo=photo, tags=tuple(meta.get("tags", ())),
            meta=meta, langs=_field_langs(entry),
        )
        if self.memo is not None:
            self.memo.keep(entry, formats, self.routes, view)
        return view


TEXT_FIELDS = ("title", "summary", "body", "quote", "author", "image_alt", "petition.consent",
               "petition.thank_you", "share.text")


def _field_langs(entry: Entry) -> dict[str, str]:
    """The text fields a translation inherits from its original, with the original's language."""
    if entry.source is entry.original:  # no translation: every field is in the text's language
        return {"date": entry.locale} if entry.locale != entry.text_locale else {}
    keys = TEXT_FIELDS if entry.kind == "campaign" else [k for k in TEXT_FIELDS if k != "body"]  # a story's body is its own
    langs = {key: entry.text_locale_of(key) for key in keys}
    langs["date"] = entry.locale  # written out in the page's language, also on a fallback in another's
    return {key: lang for key, lang in langs.items() if lang != entry.text_locale}


@dataclass(frozen=True)
class _Shown:
    """A view of the last build and what it was made of."""

    made_of: tuple[Any, ...]  # what ViewBuilder.build reads of the entry (see _made_of)
    view: EntryView


def _made_of(entry: Entry, formats: LocaleFormats, routes: Routes) -> tuple[Any, ...]:
    """Everything :meth:`ViewBuilder.build` reads besides the body and the photo: the entry's place,
    the languages of its two files, which keys the translation has (the languages of fields), the
    merged values, the formats and the routes. The values by ``repr``: == takes True for 1, and two
    datetimes in different time zones for equal."""
    return (entry.kind, entry.key, entry.locale, entry.campaign, entry.slug, entry.source.file.locale,
            entry.original.file.locale, entry.source.meta, repr(entry.meta), formats, routes)


class ViewMemo:
    """The views one build made, handed out again by the next build when nothing they show changed.

    A view is made of its entry (its values and both source files), the routes, the
    locale's formats, its rendered body and its published photo. The body and photo are
    worked out again by every build (:meth:`ViewBuilder.build`); the rest is compared by
    value. An unchanged view is the very same object as before, so what was derived from
    it (its fingerprint, see :mod:`handbill.fingerprint`) is still right. Kept by `serve`
    for its whole run, like the parse cache.
    """

    def __init__(self) -> None:
        self._views: Recent[tuple[str, str, str], _Shown] = Recent()
        self._texts: Recent[str, str] = Recent()  # a story's Markdown -> without control characters
        self.reused = 0  # views handed out again in this build (for tests)

    def find(self, entry: Entry, formats: LocaleFormats, routes: Routes, body_html: str,
             photo: Photo | None) -> EntryView | None:
        """The remembered view of ``entry`` when it shows exactly what a new one would, else None."""
        shown = self._views.get((entry.locale, entry.kind, entry.key))
        if shown is None or shown.view.body_html != body_html or shown.view.photo != photo \
                or shown.made_of != _made_of(entry, formats, routes):
            return None
        self.reused += 1
        return shown.view

    def keep(self, entry: Entry, formats: LocaleFormats, routes: Routes, view: EntryView) -> None:
        self._views.put((entry.locale, entry.kind, entry.key), _Shown(_made_of(entry, formats, routes), view))

    def without_controls(self, text: str) -> str:
        """``strip_controls(text)``, remembered (a rebuild asks again for every story's text)."""
        clean = self._texts.get(text)
        if clean is None:
            clean = strip_controls(text)
            self._texts.put(text, clean)
        return clean

    def next_build(self, last_complete: bool = True) -> None:
        """Forget the views and texts the last build did not use (edited, renamed, deleted entries)."""
        self._views.next_build(last_complete)
        self._texts.next_build(last_complete)
        self.reused = 0
