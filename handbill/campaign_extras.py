"""The pages a campaign has beyond its petition: events, "Share your story" and the printable sheet.

:class:`handbill.pages.Planner` calls :func:`plan_campaign_extras` once per campaign and
locale. It returns what the campaign page shows of them (the next events, links) and the
pages to publish; files that are not pages (``.ics`` calendars, QR codes) travel in a
page's ``outputs`` and :func:`extra_files` hands them to the pipeline.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

from .calendar_files import calendar_bytes
from .events import ON_CAMPAIGN_PAGE, build_instant, campaign_events, check_events, event_view, group_events
from .localecodes import text_direction
from .printkit import consent_text, print_sheet, sheet_files
from .submissions import LocalText, build_story_form, check_submission, submit_settings

if TYPE_CHECKING:
    from .locales import Entry, LocaleSite
    from .pages import PlannedPage, Planner
    from .views import EntryView


@dataclass(frozen=True)
class CampaignLinks:
    """What the campaign page links to, '' for what the campaign does not have."""

    events_href: str
    events_total: int
    upcoming_total: int
    calendar_href: str
    story_href: str
    print_href: str
    donate_url: str


@dataclass
class CampaignExtras:
    campaign_context: dict[str, Any]  # merged into the campaign page's context
    pages: list[PlannedPage] = field(default_factory=list)


def site_build_date(sites: Mapping[str, LocaleSite], diags, environ: Mapping[str, str] | None = None) -> dt.datetime | None:
    """The build date (see :func:`handbill.events.build_instant`): SOURCE_DATE_EPOCH, else the newest story date."""
    dates = [story.meta.get("date") for site in sites.values() for stories in site.stories.values() for story in stories]
    return build_instant(os.environ if environ is None else environ, [d for d in dates if d], diags)


def _where(entry: Entry) -> Callable[[str], tuple[Any, int, int]]:
    """(file, line, column) of a dotted key: the translation's when it wrote it, else the original's."""
    def where(key: str) -> tuple[Any, int, int]:
        for source in (entry.source, entry.original):
            if key in source.data.positions:
                return (source.file.path, *source.data.positions[key])
        return (entry.original.file.path, *entry.original.data.where(key))
    return where


def plan_campaign_extras(planner: Planner, entry: Entry, campaign: EntryView, locale: str, t: Callable[..., str],
                         common: dict[str, Any]) -> CampaignExtras:
    from .pages import PlannedPage  # pages imports this module

    r, diags, formats = planner.routes, planner.views.diags, planner.formats[locale]
    slug, now, where = campaign.campaign, planner.build_date, _where(entry)

    def local_text(key: str) -> LocalText | None:
        value = _lookup(entry.meta, key)
        if not value:
            return None
        lang = entry.text_locale_of(key)
        return LocalText(value, lang, text_direction(lang))

    pages: list[PlannedPage] = []
    # --- events -----------------------------------------------------------------------------
    check_events(entry.meta, where, diags)
    events = campaign_events(entry.meta, entry.original.meta)
    events_path = r.events(locale, slug)
    events_url = r.absolute(events_path)
    views = [event_view(e, lang=entry.text_locale_of(f"events.{e.index}.title"), formats=formats,
                        ics_href=r.href(r.event_calendar(locale, slug, e.slug)), page_url=events_url, now=now, t=t)
             for e in events]
    upcoming = [v for v in views if not v.past]
    calendar_href = ""
    if events:
        names = {v.event.country: v.country_name for v in views if v.event.country}
        ics = {"name": f"{campaign.title}: {t('events_heading')}", "campaign": slug, "base_url": r.base_url,
               "page_url": events_url, "country_names": names, "build_date": now,
               "description": f"{campaign.title}\n{campaign.url}"}
        outputs = {r.event_calendar(locale, slug, e.slug): calendar_bytes([e], **ics) for e in events}
        outputs[r.campaign_calendar(locale, slug)] = calendar_bytes(events, **ics)
        calendar_href = r.href(r.campaign_calendar(locale, slug))
        pages.append(PlannedPage(("events", slug), locale, events_path, "events.html",
                                 t("events_page_title", campaign=campaign.title), campaign.summary, campaign.is_fallback,
                                 context={**common, "upcoming_groups": group_events(upcoming),
                                          "past_events": sorted((v for v in views if v.past),
                                                                key=lambda v: v.event.starts_at, reverse=True),
                                          "calendar_href": calendar_href, "outputs": outputs}))
    # --- share your story -----------------------------------------------------------------------
    story_href = ""
    settings = submit_settings(entry.meta)
    if settings is not None:
        check_submission(settings, where, diags)
        thanks = r.story_thanks(locale, slug)
        form = build_story_form(settings, campaign=slug, locale_code=locale, thanks_url=r.absolute(thanks),
                                thanks_href=r.href(thanks), t=t,
                                text=lambda key: local_text(f"stories.submit.{key}"))
        if form is not None:
            story_href = r.href(r.story_form(locale, slug))
            story = {**common, "story_form": form}
            pages.append(PlannedPage(("share-your-story", slug), locale, r.story_form(locale, slug),
                                     "share-your-story.html", t("story_submit_heading"), campaign.summary,
                                     campaign.is_fallback, context=story))
            pages.append(PlannedPage(("story-thanks", slug), locale, thanks, "story-thanks.html",
                                     t("story_thanks_heading"), campaign.summary, campaign.is_fallback, noindex=True,
                                     context=story))
    # --- the printable petition sheet ----------------------------------------------------------
    consent = _lookup(entry.meta, "petition.consent") or _lookup(planner.project.site.petition, "consent")
    sheet = print_sheet(r, locale=locale, campaign=slug, campaign_url=campaign.url, formats=formats,
                        consent=consent_text(consent, entry.text_locale_of("petition.consent"), text_direction))
    pages.append(PlannedPage(("print", slug), locale, r.print_sheet(locale, slug), "print.html",
                             t("print_title", campaign=campaign.title), campaign.summary, campaign.is_fallback,
                             noindex=True, context={**common, "sheet": sheet, "outputs": sheet_files(sheet)}))
    links = CampaignLinks(r.href(events_path) if events else "", len(events), len(upcoming), calendar_href,
                          story_href, r.href(r.print_sheet(locale, slug)), entry.meta.get("donate_url", ""))
    return CampaignExtras({"events": upcoming[:ON_CAMPAIGN_PAGE], "extras": links}, pages)


def _lookup(values: Mapping[str, Any], key: str) -> Any:
    for part in key.split("."):
        if not isinstance(values, Mapping) or part not in values:
            return None
        values = values[part]
    return values


def extra_files(pages: list[PlannedPage]) -> list[tuple[str, bytes]]:
    """The files pages brought along (calendars, QR codes), sorted by path."""
    return sorted((path, data) for page in pages for path, data in page.context.get("outputs", {}).items())
