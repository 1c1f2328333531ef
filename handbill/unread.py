"""The text of a story or page whose front matter could not be read, checked all the same.

A file whose front matter has a mistake is not published, and its text went unchecked until
the mistake was fixed: a volunteer who wrote a colon in a title and mistyped a link heard of
the link only on the next build. The text is rendered here against the site as it is, so
its broken links, missing photos and unsafe HTML are reported in the same build. Nothing of
it is published: the build has an error already.
"""
from __future__ import annotations

from typing import Mapping

from .diagnostics import Diagnostics
from .locales import Entry, LocaleSite
from .project import MAX_SOURCE_BYTES, Project, Source
from .schema import Parsed
from .sources import ContentFile
from .views import ViewBuilder
from .yamlfile import markdown_body, read_text


def check_unread_texts(project: Project, sites: Mapping[str, LocaleSite], views: ViewBuilder,
                       diags: Diagnostics) -> None:
    """Report the problems of the Markdown of every story or page that was not read for an error of its own."""
    for locale, files in project.inventory.files.items():
        site, loaded = sites.get(locale), project.sources.get(locale, {})
        if site is None:
            continue
        keys: dict[str, Entry] | None = None
        for rel, file in files.items():
            if file.kind not in ("story", "page") or rel in loaded or not diags.has_error_in(file.path):
                continue
            source = _unread_source(file)
            if source is None:
                continue
            if keys is None:  # the links of the locale, as its published texts resolve them
                keys = {**site.skipped, **{entry.key: entry for entry in site.all_entries()}}
            views.body_and_photo(Entry(file.kind, rel, locale, file.campaign, file.slug, source, source, {}), keys)


def _unread_source(file: ContentFile) -> Source | None:
    """The file's text behind its front matter; None when there is no telling where that ends, or the file
    is one not to read (too large: its error says so)."""
    try:
        if file.path.stat().st_size > MAX_SOURCE_BYTES:
            return None
    except OSError:
        return None
    text = read_text(file.path, Diagnostics())  # (a file that cannot be read or decoded was reported already)
    found = markdown_body(text) if text is not None else None
    return Source(file, Parsed(), *found) if found is not None else None
