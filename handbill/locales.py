"""What each locale publishes: translations merged over the default locale, with fallbacks.

A pure step: it takes the parsed sources of every locale folder and returns, per
locale, the campaigns, stories and pages to publish. Where a locale has no
translation of a file, the default locale's file is published in its place and the
entry says so (``is_fallback``), so templates can mark the text with its own language.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Diagnostics
from .project import Project, Source
from .schema import deep_merge


@dataclass(frozen=True)
class Entry:
    """A campaign, story or page as published in one locale."""

    kind: str  # campaign | story | page
    key: str  # the translation key: path inside the locale folder
    locale: str  # where it is published
    campaign: str  # campaign slug ('' for pages)
    slug: str  # story or page slug ('' for campaigns)
    source: Source  # the file whose text is shown (a translation, or the original)
    original: Source  # the default locale's file
    meta: dict[str, Any]  # the values: the translation merged over the original

    @property
    def is_fallback(self) -> bool:
        """True when the locale has no translation and shows the original's text."""
        return self.source.file.locale != self.locale

    @property
    def text_locale(self) -> str:
        return self.source.file.locale


@dataclass
class LocaleSite:
    """Everything one locale publishes, in display order."""

    locale: str
    campaigns: list[Entry] = field(default_factory=list)
    stories: dict[str, list[Entry]] = field(default_factory=dict)  # campaign slug -> newest first
    pages: list[Entry] = field(default_factory=list)

    def all_entries(self) -> list[Entry]:
        return [*self.campaigns, *(s for c in self.campaigns for s in self.stories.get(c.campaign, [])), *self.pages]


def _merge(original: Source, translation: Source | None) -> tuple[Source, dict[str, Any]]:
    if translation is None:
        return original, original.meta
    return translation, deep_merge(original.meta, translation.meta)


def _order(entry: Entry) -> tuple:
    return (entry.meta.get("order", 1_000_000), entry.meta.get("title", "").casefold(), entry.slug or entry.campaign)


def localize(project: Project, diags: Diagnostics, *, drafts: bool = False) -> dict[str, LocaleSite]:
    """Per locale, the entries to publish. Drafts are left out unless ``drafts``."""
    default = project.site.default_locale
    originals = {rel: src for rel, src in project.sources.get(default, {}).items() if drafts or not src.is_draft}
    sites: dict[str, LocaleSite] = {}
    for locale in project.site.locales:
        translations = project.sources.get(locale, {}) if locale != default else {}
        if locale != default:
            _warn_orphans(translations, originals, project.sources.get(default, {}), diags)
        site = LocaleSite(locale)
        for rel, original in originals.items():
            translation = translations.get(rel)
            if translation is not None and translation.is_draft and not drafts:
                translation = None  # a translation still in progress: show the original meanwhile
            source, meta = _merge(original, translation)
            file = original.file
            entry = Entry(file.kind, rel, locale, file.campaign, file.slug, source, original, meta)
            if file.kind == "campaign":
                site.campaigns.append(entry)
            elif file.kind == "story":
                site.stories.setdefault(file.campaign, []).append(entry)
            elif file.kind == "page":
                site.pages.append(entry)
        campaigns = {c.campaign for c in site.campaigns}
        for slug, stories in list(site.stories.items()):
            if slug not in campaigns:
                for story in stories:
                    diags.error(story.original.file.path, 0, 0, f"this story belongs to `{slug}/`, which has no campaign.yaml",
                                f"add content/{default}/{slug}/campaign.yaml with at least a title")
                del site.stories[slug]
            else:
                stories.sort(key=lambda e: (-e.meta["date"].toordinal() if e.meta.get("date") else 0, e.slug))
        site.campaigns.sort(key=_order)
        site.pages.sort(key=_order)
        sites[locale] = site
    return sites


def _warn_orphans(translations: dict[str, Source], originals: dict[str, Source], all_originals: dict[str, Source],
                  diags: Diagnostics) -> None:
    """A translation whose original does not exist is not published; say so."""
    for rel, translation in translations.items():
        if rel in originals or (rel in all_originals and all_originals[rel].is_draft):
            continue
        diags.warning(translation.file.path, 0, 0, "this translation has no original, so it is not published",
                      "a translation must have the same folder and file name as the original in the default language folder")
