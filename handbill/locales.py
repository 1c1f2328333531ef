"""What each locale publishes: translations merged over the default locale, with fallbacks.

A pure step: it takes the parsed sources of every locale folder and returns, per
locale, the campaigns, stories and pages to publish. A translation is merged field by
field over its original (a translator writes only the text keys). Where a locale has no
translation of a file, ``site.yaml``'s ``fallback`` policy for that locale decides:

- ``fallback`` (the default): the original is published at the locale's URL, with the
  locale's UI, and the entry says so (``is_fallback``) so templates mark its text with
  the original's language and show the "not yet translated" notice;
- ``skip``: the file is not published in that locale (links to it go to the original);
- ``error``: the build fails and names the missing translation.

Campaigns follow the same policy: a skipped campaign takes its stories and pages with it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .diagnostics import Diagnostics
from .localecodes import english_name
from .project import Project, Source
from .schema import CAMPAIGN, PAGE, STORY, Field

POLICIES = ("fallback", "skip", "error")
SPECS = {"campaign": CAMPAIGN, "story": STORY, "page": PAGE}
NOT_TRANSLATION_KEYS = {"draft", "source_hash"}  # keys that belong to one file, never inherited or compared
# Explicit embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). A name that
# carries an unclosed one could reverse the rest of a line; the theme isolates names itself.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


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

    def text_locale_of(self, key: str) -> str:
        """The language a (dotted) key's text is in: the translation's, or the original's when inherited."""
        values: Any = self.source.meta
        for part in key.split("."):
            if isinstance(values, list) and part.isdigit() and int(part) < len(values):
                values = values[int(part)]
            elif isinstance(values, dict) and part in values:
                values = values[part]
            else:
                return self.original.file.locale
        return self.text_locale


@dataclass
class LocaleSite:
    """Everything one locale publishes, in display order."""

    locale: str
    policy: str = "fallback"  # what happens to a file without a translation
    campaigns: list[Entry] = field(default_factory=list)
    stories: dict[str, list[Entry]] = field(default_factory=dict)  # campaign slug -> newest first
    pages: list[Entry] = field(default_factory=list)
    skipped: dict[str, Entry] = field(default_factory=dict)  # key -> the original, for files not published here

    def all_entries(self) -> list[Entry]:
        return [*self.campaigns, *(s for c in self.campaigns for s in self.stories.get(c.campaign, [])), *self.pages]


def per_locale(values: dict[str, Any] | None, locale: str, default: Any) -> Any:
    """A ``per_locale`` setting of site.yaml for one locale: its own value, else the one for all, else ``default``."""
    values = values or {}
    return values.get(locale, values.get("*", default))


def fallback_policy(project: Project, locale: str) -> str:
    return per_locale(project.site.data.values.get("fallback"), locale, "fallback")


def check_locale_settings(project: Project, diags: Diagnostics) -> None:
    """A per-locale setting in site.yaml that names a locale the site does not publish is a typo."""
    site = project.site
    for key in ("fallback", "native_digits"):
        for code in site.data.values.get(key) or {}:
            if code != "*" and code not in site.locales:
                line, col = site.data.where(f"{key}.{code}")
                listed = ", ".join(site.locales)
                diags.warning(site.path or project.content / "site.yaml", line, col,
                              f"{key}: `{code}` is not one of this site's languages, so it does nothing",
                              f"the languages are: {listed}")


def neutral_text(value: Any) -> Any:
    """``value`` with bidi embedding, override and isolate controls removed from every text."""
    if isinstance(value, str):
        return BIDI_CONTROLS.sub("", value)
    if isinstance(value, dict):
        return {k: neutral_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [neutral_text(v) for v in value]
    return value


def merge_values(original: Any, translation: Any) -> Any:
    """A translation over its original: maps merge key by key, and lists of maps item by item
    (``events``: a translator writes only each event's title); the items a translation does not
    write are the original's, the ones it adds its own, and an empty list means none in this
    language. Anything else is replaced."""
    if isinstance(original, dict) and isinstance(translation, dict):
        merged = dict(original)
        for key, value in translation.items():
            merged[key] = merge_values(original[key], value) if key in original else value
        return merged
    if _list_of_maps(original) and _list_of_maps(translation) and translation:  # `events: []`: none here
        return [merge_values(o, t) for o, t in zip(original, translation)] + \
            original[len(translation):] + translation[len(original):]
    return translation


def _list_of_maps(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def merge(original: Source, translation: Source | None) -> tuple[Source, dict[str, Any]]:
    """The values to publish: the translation's keys over the original's, field by field."""
    if translation is None:
        return original, neutral_text(original.meta)
    own = {k: v for k, v in translation.meta.items() if k not in NOT_TRANSLATION_KEYS}
    inherited = {k: v for k, v in original.meta.items() if k not in NOT_TRANSLATION_KEYS}
    merged = merge_values(inherited, own)
    if "draft" in translation.meta:
        merged["draft"] = translation.meta["draft"]
    return translation, neutral_text(merged)


def changed_settings(original: Any, translation: Any, spec: Field, key: str = "") -> list[str]:
    """Dotted keys a translation gives a different value although they are not text (the goal, the endpoint ...)."""
    if spec.kind == "map" and isinstance(translation, dict) and isinstance(original, dict) and spec.keys:
        changed = []
        for name, value in translation.items():
            child = spec.keys.get(name)
            if child is None or (not key and name in NOT_TRANSLATION_KEYS):
                continue
            changed += changed_settings(original.get(name), value, child, f"{key}.{name}" if key else name)
        return changed
    if spec.kind == "list" and spec.item is not None and spec.item.kind == "map" \
            and isinstance(translation, list) and isinstance(original, list):
        return [k for index, (o, t) in enumerate(zip(original, translation))  # an item it adds is its own
                for k in changed_settings(o, t, spec.item, f"{key}.{index}")]
    if spec.translatable or original is None and translation is None:
        return []
    return [key] if translation != original else []


def _shown(value: Any) -> str:
    text = str(value) if not isinstance(value, (list, dict)) else "a different list"
    return text if len(text) <= 60 else text[:57] + "..."


def _warn_changed_settings(original: Source, translation: Source, diags: Diagnostics) -> None:
    spec = SPECS.get(original.file.kind)
    if spec is None:
        return
    incomplete = _check_added_items(original, translation, spec, diags)
    for key in changed_settings(original.meta, translation.meta, spec):
        if key in incomplete:
            continue
        line, col = translation.data.where(key)
        before: Any = original.meta
        for part in key.split("."):
            before = before.get(part) if isinstance(before, dict) else (
                before[int(part)] if isinstance(before, list) and part.isdigit() and int(part) < len(before) else None)
        if before is None and key in original.data.positions:
            continue  # the original wrote it, and wrongly: reported there, and this copy is no change
        was = f" (the original has {_shown(before)})" if before is not None and not isinstance(before, (list, dict)) else ""
        diags.warning(translation.file.path, line, col,
                      f"this translation changes `{key}`{was}, which is a setting, not text",
                      f"a translation only needs the text keys: remove `{key}` here so this language follows the "
                      f"original, or keep it if {english_name(translation.file.locale)} pages really need their own value")


def _check_added_items(original: Source, translation: Source, spec: Field, diags: Diagnostics) -> set[str]:
    """An item a translation adds to a list (an event for this language only) has no original to take
    its settings from: one without a required key (an event's date) would be left out without a word.
    Returns the dotted keys of the items reported."""
    reported: set[str] = set()
    for key, list_spec in (spec.keys or {}).items():
        items, before = translation.meta.get(key), original.meta.get(key)
        if list_spec.kind != "list" or list_spec.item is None or list_spec.item.kind != "map" \
                or not _list_of_maps(items) or not _list_of_maps(before):
            continue
        for index in range(len(before), len(items)):
            missing = next((name for name, child in (list_spec.item.keys or {}).items()
                            if child.required and name not in items[index]), None)
            if missing is None:
                continue
            reported.add(f"{key}.{index}")
            line, col = translation.data.where(f"{key}.{index}")
            diags.error(translation.file.path, line, col,
                        f"`{key}` has {len(items)} items here but {len(before)} in the original, and the "
                        f"item this translation adds (number {index + 1}) has no `{missing}`",
                        f"to translate the original's items, write them in the same order; an item only "
                        f"this language has needs its own `{missing}`")
    return reported


def _missing_translation(project: Project, locale: str, original: Source, diags: Diagnostics, draft: bool) -> None:
    rel = original.file.rel
    written = project.inventory.files.get(locale, {}).get(rel)
    if written is not None and diags.has_error_in(written.path):
        return  # the translation is there but could not be read: its own error is the one to fix
    target = project.content / locale / rel
    folder = diags.display_path(project.content)
    where_it_is = f"{english_name(locale)} ({locale})"
    or_show = f", or set `fallback: fallback` for {locale} in site.yaml to show the original meanwhile"
    if draft:
        translation = project.sources[locale][rel]
        diags.error(translation.file.path, *translation.data.where("draft"),
                    f"the translation is still marked draft: true, and site.yaml says `fallback: error` for {where_it_is}",
                    f"remove draft: true from {folder}/{locale}/{rel} when it is ready{or_show}")
        return
    diags.error(target, 0, 0, f"there is no translation of this file, and site.yaml says `fallback: error` for {where_it_is}",
                f"translate {folder}/{project.site.default_locale}/{rel} into {folder}/{locale}/{rel}{or_show}")


def localize(project: Project, diags: Diagnostics, *, drafts: bool = False) -> dict[str, LocaleSite]:
    """Per locale, the entries to publish. Drafts are left out unless ``drafts``."""
    default = project.site.default_locale
    check_locale_settings(project, diags)
    all_originals = project.sources.get(default, {})
    originals = {rel: src for rel, src in all_originals.items() if drafts or not src.is_draft}
    sites: dict[str, LocaleSite] = {}
    for locale in project.site.locales:
        translations = project.sources.get(locale, {}) if locale != default else {}
        policy = fallback_policy(project, locale) if locale != default else "fallback"
        if locale != default:
            _warn_orphans(translations, all_originals, project.inventory.files.get(default, {}),
                          diags.display_path(project.content / default), diags)
        site = LocaleSite(locale, policy)
        skipped_campaigns: set[str] = set()
        for rel, original in sorted(originals.items(), key=lambda item: item[1].file.kind != "campaign"):
            translation = translations.get(rel)
            if translation is not None:
                _warn_changed_settings(original, translation, diags)
            draft_translation = translation is not None and translation.is_draft and not drafts
            if draft_translation:
                translation = None  # a translation still in progress: the original is shown meanwhile
            file = original.file
            if file.kind == "story" and file.campaign in skipped_campaigns:
                site.skipped[rel] = _entry(rel, default, original, None)
                if translation is not None:
                    diags.warning(translation.file.path, 0, 0,
                                  f"this story is not published in {english_name(locale)} because its campaign "
                                  f"{file.campaign}/campaign.yaml is not translated (fallback: skip)",
                                  f"translate {diags.display_path(project.content / default / file.campaign)}/campaign.yaml "
                                  f"into {diags.display_path(project.content / locale / file.campaign)}/campaign.yaml")
                continue
            if translation is None and locale != default and policy != "fallback":
                if policy == "error":
                    _missing_translation(project, locale, original, diags, draft_translation)
                site.skipped[rel] = _entry(rel, default, original, None)
                if file.kind == "campaign":
                    skipped_campaigns.add(file.campaign)
                continue
            entry = _entry(rel, locale, original, translation)
            if file.kind == "campaign":
                site.campaigns.append(entry)
            elif file.kind == "story":
                site.stories.setdefault(file.campaign, []).append(entry)
            elif file.kind == "page":
                site.pages.append(entry)
        campaigns = {c.campaign for c in site.campaigns}
        for slug, stories in list(site.stories.items()):
            if slug not in campaigns:
                if f"{slug}/campaign.yaml" in project.inventory.files.get(default, {}):
                    del site.stories[slug]  # the campaign.yaml is there but broken: that error says it all
                    continue
                for story in stories:
                    diags.error(story.original.file.path, 0, 0, f"this story belongs to `{slug}/`, which has no campaign.yaml",
                                f"add {diags.display_path(project.content / default / slug)}/campaign.yaml with at least a title")
                del site.stories[slug]
            else:
                stories.sort(key=lambda e: (-e.meta["date"].toordinal() if e.meta.get("date") else 0, e.slug))
        site.campaigns.sort(key=_order)
        site.pages.sort(key=_order)
        sites[locale] = site
    return sites


def _entry(rel: str, locale: str, original: Source, translation: Source | None) -> Entry:
    source, meta = merge(original, translation)
    file = original.file
    return Entry(file.kind, rel, locale, file.campaign, file.slug, source, original, meta)


def _order(entry: Entry) -> tuple:
    return (entry.meta.get("order", 1_000_000), entry.meta.get("title", "").casefold(), entry.slug or entry.campaign)


def _warn_orphans(translations: dict[str, Source], all_originals: dict[str, Source], default_files: Mapping[str, Any],
                  default_folder: str, diags: Diagnostics) -> None:
    """A translation whose original does not exist is not published; say so (an original that exists but could
    not be read has its own error, which is the one to fix)."""
    for rel, translation in translations.items():
        if rel in all_originals or rel in default_files:
            continue
        diags.warning(translation.file.path, 0, 0, "this translation has no original, so it is not published",
                      f"a translation needs an original with the same folder and file name, {default_folder}/{rel}: "
                      "rename this file to match its original, or add the original first")
