"""The text of a story or page left unpublished by a mistake, checked all the same.

A file whose front matter has a mistake is not published, and neither is its translation, nor
a story whose campaign.yaml has one; their texts went unchecked until the mistake was fixed:
a volunteer who wrote a colon in a title and mistyped a link heard of the link only on the next
build. The texts are rendered here against the site as it is, so their broken links, missing
photos and unsafe HTML are reported in the same build. Nothing of them is published: the build
has an error already. A draft (its own, or its campaign's) stays unchecked, as a draft
published does.
"""
from __future__ import annotations

import re
from typing import Mapping

from .diagnostics import Diagnostics
from .locales import Entry, LocaleSite
from .project import MAX_SOURCE_BYTES, Project, Source
from .schema import Parsed
from .sources import ContentFile
from .views import ViewBuilder
from .yamlfile import markdown_body, read_text

MAX_UNREAD_TEXTS = 100  # a failing build checks this many; after a bulk import gone wrong, the rest can wait
_DRAFT_LINE = re.compile(r"^draft[ \t]*:[ \t]*['\"]?(?:true|yes|on)['\"]?[ \t]*(?:#.*)?$", re.IGNORECASE | re.MULTILINE)


def check_unread_texts(project: Project, sites: Mapping[str, LocaleSite], views: ViewBuilder, diags: Diagnostics,
                       *, drafts: bool = False) -> None:
    """Report the problems of the Markdown of every story or page not published for an error: its own,
    its original's, or its campaign's."""
    default = project.site.default_locale
    checked = 0
    for locale, site in sites.items():
        shown = {entry.source.file.path for entry in site.all_entries()}  # (a broken translation: the original is)
        keys: dict[str, Entry] | None = None
        for rel, file in project.inventory.files.get(locale, {}).items():
            if file.kind not in ("story", "page") or file.path in shown \
                    or not _kept_back_by_an_error(project, file, default, diags) \
                    or (not drafts and _in_a_draft_campaign(project, file, default)):
                continue
            source = project.sources.get(locale, {}).get(rel) or _unread_source(file, drafts)
            if source is None or (not drafts and source.is_draft):
                continue
            if checked == MAX_UNREAD_TEXTS:
                return
            checked += 1
            if keys is None:  # the links of the locale, as its published texts resolve them
                keys = {**site.skipped, **{entry.key: entry for entry in site.all_entries()}}
            views.body_and_photo(Entry(file.kind, rel, locale, file.campaign, file.slug, source, source, {}), keys)


def _kept_back_by_an_error(project: Project, file: ContentFile, default: str, diags: Diagnostics) -> bool:
    """The file, its original, or its campaign's campaign.yaml (here or in the default language) has an error."""
    suspects = [file.path, project.content / default / file.rel]
    if file.kind == "story":
        suspects += [project.content / locale / file.campaign / "campaign.yaml" for locale in (file.locale, default)]
    return any(diags.has_error_in(path) for path in suspects)


def _in_a_draft_campaign(project: Project, file: ContentFile, default: str) -> bool:
    campaign = project.sources.get(default, {}).get(f"{file.campaign}/campaign.yaml") if file.kind == "story" else None
    return campaign is not None and campaign.is_draft


def _unread_source(file: ContentFile, drafts: bool) -> Source | None:
    """The text behind the front matter of a file that was not read; None when there is no telling where
    that ends, when the file is one not to read (too large: its error says so), or (unless ``drafts``)
    when its front matter says ``draft: true``."""
    try:
        if file.path.stat().st_size > MAX_SOURCE_BYTES:
            return None
    except OSError:
        return None
    text = read_text(file.path, Diagnostics())  # (a file that cannot be read or decoded was reported already)
    found = markdown_body(text) if text is not None else None
    if found is None or (not drafts and _DRAFT_LINE.search(text, 0, len(text) - len(found[0]))):
        return None
    return Source(file, Parsed(), *found)
