"""The plan of every HTML page of the site, and the context each template gets.

Pages are planned for all locales first and rendered after, because a page needs to
know its translations (hreflang, the language switcher) before it can be drawn.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import jinja2
from babel import Locale

from .campaign_extras import plan_campaign_extras, site_build_date
from .formats import LocaleFormats
from .localecodes import native_name, og_locale
from .locales import Entry, LocaleSite, per_locale
from .petition import build_form, petition_settings
from .project import Project
from .routes import Routes
from .strings import Catalog, parse_locale
from .thankyou import thank_you_step
from .views import EntryView, ViewBuilder, text_direction

STORIES_ON_CAMPAIGN_PAGE = 3


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in its own language
    href: str
    current: bool
    dir: str = "ltr"  # of the name, so an Arabic name reads right in an English page


@dataclass
class PlannedPage:
    """One HTML page: where it goes, what draws it, and how it relates to its translations."""

    ident: tuple[str, ...]  # the same page in every locale shares this
    locale: str
    path: str
    template: str
    title: str
    description: str
    is_fallback: bool = False
    noindex: bool = False
    lastmod: Any = None
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PageMeta:
    title: str
    description: str
    canonical: str
    alternates: tuple[tuple[str, str], ...]
    noindex: bool
    path: str


def relative_luminance(hex_color: str) -> float:
    channels = [int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)] if len(hex_color) == 7 else \
        [int(c * 2, 16) / 255 for c in hex_color[1:4]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on_white(color: str) -> str:
    """The colour itself when text in it is readable on white (4.5:1), else a darker shade of it."""
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)] if len(color) == 7 else [int(c * 2, 16) for c in color[1:4]]
    for step in range(0, 21):
        shade = "#" + "".join(f"{round(c * (1 - step / 20)):02x}" for c in rgb)
        if contrast(shade, "#ffffff") >= 4.5:
            return shade
    return "#000000"


def campaign_css(campaigns: list[Entry]) -> str:
    """Campaign colours as CSS custom properties: a stylesheet, so a strict CSP needs no inline style."""
    rules = []
    for entry in campaigns:
        primary = entry.meta.get("colors", {}).get("primary")
        if not primary:
            continue
        on_primary = "#ffffff" if contrast(primary, "#ffffff") >= contrast(primary, "#000000") else "#000000"
        rules.append(f".campaign-{entry.campaign}{{--primary:{primary};--on-primary:{on_primary};"
                     f"--link:{readable_on_white(primary)}}}")
    return "\n".join(rules) + "\n"


class Planner:
    """Plans the pages of every locale from the localized entries."""

    def __init__(self, project: Project, sites: dict[str, LocaleSite], routes: Routes, catalog: Catalog,
                 views: ViewBuilder):
        self.project, self.sites, self.routes, self.catalog, self.views = project, sites, routes, catalog, views
        self.default = project.site.default_locale
        self.pages: list[PlannedPage] = []
        self.entry_views: dict[tuple[str, str], EntryView] = {}  # (locale, key) -> view
        self.formats = locale_formats(project)
        self.build_date = site_build_date(sites, views.diags)  # "now" for past and upcoming events

    def view(self, entry: Entry, keys: dict[str, Entry]) -> EntryView:
        cache_key = (entry.locale, entry.key)
        if cache_key not in self.entry_views:
            self.entry_views[cache_key] = self.views.build(entry, keys, self.formats[entry.locale])
        return self.entry_views[cache_key]

    def plan(self) -> list[PlannedPage]:
        for locale, site in self.sites.items():
            self.plan_locale(locale, site)
        return self.pages

    def plan_locale(self, locale: str, site: LocaleSite) -> None:
        r = self.routes
        t = self.catalog.translator(locale, self.formats[locale])
        babel_locale = parse_locale(locale) or Locale("en")
        keys = {**site.skipped, **{entry.key: entry for entry in site.all_entries()}}  # skipped: link to the original
        campaigns = [self.view(c, keys) for c in site.campaigns]
        stories = {c.campaign: [self.view(s, keys) for s in site.stories.get(c.campaign, [])] for c in site.campaigns}
        pages = [self.view(p, keys) for p in site.pages]
        privacy = next((p for p in pages if p.slug == "privacy"), None)
        site_title = self.project.site.title
        self.pages.append(PlannedPage(("home",), locale, r.home(locale), "home.html", site_title,
                                      self.project.site.description,
                                      context={"campaigns": campaigns, "stories": stories}))
        for entry, campaign in zip(site.campaigns, campaigns):
            its_stories = stories[campaign.campaign]
            settings = petition_settings(self.project.site, entry)
            thanks = r.thanks(locale, campaign.campaign)
            form = build_form(settings, campaign=campaign.campaign, locale_code=locale, locale=babel_locale,
                              thanks_url=r.absolute(thanks), thanks_href=r.href(thanks), t=t,
                              numbering=self.formats[locale].numbering, diags=self.views.diags)
            petition = {"form": form, "thank_you": thank_you_step(
                entry.meta, self.project.site.share, page_url=campaign.url, title=campaign.title,
                thank_you=settings.get("thank_you", ""), next_story=its_stories[0] if its_stories else None, t=t)}
            common = {"campaign": campaign, "stories": its_stories, "privacy": privacy}
            extras = plan_campaign_extras(self, entry, campaign, locale, t, common)
            self.pages.append(PlannedPage(("campaign", campaign.campaign), locale, campaign.path, "campaign.html",
                                          campaign.title, campaign.summary, campaign.is_fallback,
                                          context={**common, **petition, **extras.campaign_context,
                                                   "latest": its_stories[:STORIES_ON_CAMPAIGN_PAGE]}))
            self.pages.append(PlannedPage(("thanks", campaign.campaign), locale, r.thanks(locale, campaign.campaign),
                                          "thanks.html", t("thanks_heading"), campaign.summary, campaign.is_fallback,
                                          noindex=True, context={**common, **petition}))
            self.pages.append(PlannedPage(("stories", campaign.campaign), locale, r.stories(locale, campaign.campaign),
                                          "stories.html", t("stories_of", campaign=campaign.title), campaign.summary,
                                          campaign.is_fallback, context=common))
            for index, story in enumerate(its_stories):
                others = its_stories[index + 1:] + its_stories[:index]
                self.pages.append(PlannedPage(("entry", story.key), locale, story.path, "story.html", story.title,
                                              story.summary, story.is_fallback, lastmod=story.date,
                                              context={"story": story, "campaign": campaign, "more": others[:3]}))
            self.pages.extend(extras.pages)
        for page in pages:
            self.pages.append(PlannedPage(("entry", page.key), locale, page.path, "page.html", page.title,
                                          page.summary, page.is_fallback, context={"entry": page}))
        if locale == self.default:
            self.pages.append(PlannedPage(("404",), locale, "404.html", "404.html", t("not_found_heading"), "",
                                          noindex=True))


class PageRenderer:
    """Renders planned pages with the theme, adding what every page shares."""

    def __init__(self, env: jinja2.Environment, project: Project, routes: Routes, catalog: Catalog,
                 pages: list[PlannedPage], sites: dict[str, LocaleSite], asset_href: Callable[[str], str]):
        self.env, self.project, self.routes, self.catalog = env, project, routes, catalog
        self.sites, self.asset_href = sites, asset_href
        self.translated: dict[tuple[str, ...], dict[str, PlannedPage]] = {}
        for page in pages:
            if not page.is_fallback:
                self.translated.setdefault(page.ident, {})[page.locale] = page
        self.names = {code: native_name(code) for code in project.site.locales}
        self.formats = locale_formats(project)

    def alternates(self, page: PlannedPage) -> tuple[tuple[str, str], ...]:
        """hreflang links: every translation including this page, and x-default."""
        if page.is_fallback or page.noindex:
            return ()
        translations = self.translated.get(page.ident, {})
        if len(translations) < 2:
            return ()
        links = [(code, self.routes.absolute(other.path)) for code, other in sorted(translations.items())]
        if self.project.site.default_locale in translations:
            links.append(("x-default", self.routes.absolute(translations[self.project.site.default_locale].path)))
        return tuple(links)

    def canonical(self, page: PlannedPage) -> str:
        if page.is_fallback:
            original = self.translated.get(page.ident, {}).get(self.project.site.default_locale)
            if original is not None:
                return self.routes.absolute(original.path)
        return self.routes.absolute(page.path)

    def languages(self, page: PlannedPage) -> list[Language]:
        translations = self.translated.get(page.ident, {})
        result = []
        for code in self.project.site.locales:
            target = translations.get(code)
            path = target.path if target is not None else self.routes.home(code)
            result.append(Language(code, self.names[code], self.routes.href(path), code == page.locale,
                                   text_direction(code)))
        return result

    def og_locales(self, page: PlannedPage) -> tuple[str, list[str]]:
        """Open Graph locales: the page's text language, and the languages it is translated into."""
        entry = page.context.get("story") or page.context.get("entry") or page.context.get("campaign")
        text_locale = entry.lang if page.is_fallback and entry is not None else page.locale
        others = [] if page.is_fallback or page.noindex else \
            [og_locale(code) for code in sorted(self.translated.get(page.ident, {})) if code != page.locale]
        return og_locale(text_locale), others

    def render(self, page: PlannedPage) -> str:
        site = self.sites[page.locale]
        t = self.catalog.translator(page.locale, self.formats[page.locale])
        og_main, og_alternates = self.og_locales(page)
        nav = [(c.meta.get("title", ""), self.routes.href(self.routes.campaign(page.locale, c.campaign)), c.campaign)
               for c in site.campaigns]
        footer = [(p.meta.get("title", ""), self.routes.href(self.routes.page(page.locale, p.slug))) for p in site.pages]
        meta = PageMeta(page.title, page.description, self.canonical(page), self.alternates(page), page.noindex, page.path)
        context = {
            "site": self.project.site, "locale": page.locale, "dir": text_direction(page.locale), "t": t,
            "og_locale": og_main, "og_locale_alternates": og_alternates, "formats": self.formats[page.locale],
            "url": self.routes.href, "abs_url": self.routes.absolute, "asset": self.asset_href,
            "home_href": self.routes.href(self.routes.home(page.locale)),
            "feed_href": self.routes.href(self.routes.feed(page.locale)),
            "nav": nav, "footer_pages": footer, "languages": self.languages(page) if len(self.names) > 1 else [],
            "page": meta, "current_campaign": page.context.get("campaign").campaign if page.context.get("campaign") else "",
            **page.context,
        }
        template = self.env.get_template(page.template)
        return template.render(context)


def locale_formats(project: Project) -> dict[str, LocaleFormats]:
    """Number and date formatting per locale, with site.yaml's ``native_digits``."""
    native = project.site.data.values.get("native_digits")
    return {code: LocaleFormats(code, bool(per_locale(native, code, False))) for code in project.site.locales}
