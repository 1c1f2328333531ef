"""The plan of every HTML page of the site, and the context each template gets.

Pages are planned for all locales first and rendered after, because a page needs to
know its translations (hreflang, the language switcher) before it can be drawn.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import jinja2
from markupsafe import Markup, escape

from .campaign_extras import plan_campaign_extras, site_build_date
from .footnotes import name_back_links
from .formats import LocaleFormats
from .localecodes import locale_data, native_name, og_locale
from .markdown_engines import UI_TEXT_START, fill_ui_texts
from .locales import Entry, LocaleSite, per_locale
from .pagination import STORIES_PER_PAGE, Pager, pages_of
from .petition import build_form, petition_settings
from .foreign import ForeignText, InLanguage
from .project import Project, SiteConfig
from .routes import Routes, output_file
from .share import shown_share
from .sources import SLUG, Inventory
from .strings import Catalog
from .thankyou import thank_you_step
from .views import EntryView, ViewBuilder, text_direction

STORIES_ON_CAMPAIGN_PAGE = 3
MORE_STORIES = 3  # under a story: the stories after it, wrapping around


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
class MenuLink:
    """A campaign in the navigation or a page in the footer. It unpacks as themes have always read it,
    ``title, href, slug`` (a campaign) or ``title, href`` (a page), and carries the language of its title
    (``lang``, ``dir``): an untranslated campaign's title is in the original's language."""

    title: str
    href: str
    lang: str
    dir: str
    slug: str | None = None  # the campaign's; None for a page

    def _as_tuple(self) -> tuple[str, ...]:
        return (self.title, self.href) if self.slug is None else (self.title, self.href, self.slug)

    def __iter__(self):
        return iter(self._as_tuple())

    def __getitem__(self, index):  # (link[0], as a theme may have read the tuple)
        return self._as_tuple()[index]

    def __len__(self) -> int:
        return len(self._as_tuple())


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


SOFT_GROUND = "#f3f1ee"  # the default theme's --soft (style.css): links sit on it in the header, petition and footer


def readable_shade(color: str, ground: str, ratio: float) -> str:
    """The colour itself when it reaches ``ratio`` against ``ground``, else the first darker shade of it that does."""
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)] if len(color) == 7 else [int(c * 2, 16) for c in color[1:4]]
    for step in range(0, 21):
        shade = "#" + "".join(f"{round(c * (1 - step / 20)):02x}" for c in rgb)
        if contrast(shade, ground) >= ratio:
            return shade
    return "#000000"


def campaign_css(campaigns: list[Entry]) -> str:
    """Campaign colours as CSS custom properties: a stylesheet, so a strict CSP needs no inline style.
    Links get a shade readable (4.5:1) on the soft panels as on white, the progress bar's fill one
    that stands out from its white track (3:1, as WCAG asks of a graphic)."""
    rules = []
    for entry in campaigns:
        primary = entry.meta.get("colors", {}).get("primary")
        if not primary:
            continue
        on_primary = "#ffffff" if contrast(primary, "#ffffff") >= contrast(primary, "#000000") else "#000000"
        rules.append(f".campaign-{entry.campaign}{{--primary:{primary};--on-primary:{on_primary};"
                     f"--link:{readable_shade(primary, SOFT_GROUND, 4.5)};--bar:{readable_shade(primary, '#ffffff', 3)}}}")
    return "\n".join(rules) + "\n"


def likely_story_pages(inventory: Inventory, locales: tuple[str, ...], routes: Routes) -> list[str]:
    """The story pages a build will most likely write, from file names alone, before any is read: each
    story of the default locale and each translation, in every locale. A draft or a broken story is
    guessed too (for StagedOutput.make_ahead, which removes again what the build did not write)."""
    default_files = inventory.files.get(routes.default_locale, {})
    pages = []
    for locale in locales:
        for file in {**default_files, **inventory.files.get(locale, {})}.values():
            if file.kind == "story" and SLUG.fullmatch(file.campaign) and SLUG.fullmatch(file.slug):
                pages.append(output_file(routes.story(locale, file.campaign, file.slug)))
    return pages


class Planner:
    """Plans the pages of every locale from the localized entries."""

    def __init__(self, project: Project, sites: dict[str, LocaleSite], routes: Routes, catalog: Catalog,
                 views: ViewBuilder, stories_per_page: int = STORIES_PER_PAGE):
        self.project, self.sites, self.routes, self.catalog, self.views = project, sites, routes, catalog, views
        self.stories_per_page = stories_per_page  # 0: every story of a campaign on one page
        self.default = project.site.default_locale
        self.pages: list[PlannedPage] = []
        self.entry_views: dict[tuple[str, str], EntryView] = {}  # (locale, key) -> view
        self.formats = locale_formats(project)
        self.build_date = site_build_date(sites, views.diags)  # "now" for past and upcoming events

    def view(self, entry: Entry, keys: dict[str, Entry]) -> EntryView:
        cache_key = (entry.locale, entry.key)
        if cache_key not in self.entry_views:
            view = self.views.build(entry, keys, self.formats[entry.locale])
            if "footnote-backref" in view.body_html:  # named in the body's language (not in the cached rendering)
                body_lang = view.lang_of("body")
                formats = self.formats.get(body_lang) or LocaleFormats(body_lang)
                t = self.catalog.translator(body_lang, formats)
                view = replace(view, body_html=name_back_links(view.body_html, t, formats.number))
            if UI_TEXT_START in view.body_html:  # "Download the video": in the page's language (not in the cached body)
                shown = self._ui_text(entry.locale, view.lang_of("body"))
                view = replace(view, body_html=fill_ui_texts(view.body_html, shown))
            self.entry_views[cache_key] = view
        return self.entry_views[cache_key]

    def _ui_text(self, locale: str, around: str) -> Callable[[str, dict[str, str]], str]:
        """A body's UI text (see markdown_engines.ui_text) as HTML in the language of the page, ``locale``: marked
        with its language when that is not the language of the text around it, ``around`` (an untranslated story
        shown on the page, or a UI string the page's language has no translation of)."""
        t = self.catalog.translator(locale, self.formats[locale])

        def shown(key: str, params: dict[str, str]) -> str:
            text = t(key, **params)
            lang = text.lang if isinstance(text, ForeignText) else locale
            if lang.split("-")[0].lower() == around.split("-")[0].lower():
                return str(escape(str(text)))
            return str(Markup('<span lang="{}" dir="{}">{}</span>').format(lang, text_direction(lang), str(text)))

        return shown

    def plan(self) -> list[PlannedPage]:
        for locale, site in self.sites.items():
            self.plan_locale(locale, site)
        return self.pages

    def plan_locale(self, locale: str, site: LocaleSite) -> None:
        r = self.routes
        t = self.catalog.translator(locale, self.formats[locale])
        babel_locale = locale_data(locale)
        keys = {**site.skipped, **{entry.key: entry for entry in site.all_entries()}}  # skipped: link to the original
        campaigns = [self.view(c, keys) for c in site.campaigns]
        stories = {c.campaign: [self.view(s, keys) for s in site.stories.get(c.campaign, [])] for c in site.campaigns}
        pages = [self.view(p, keys) for p in site.pages]
        privacy = next((p for p in pages if p.slug == "privacy"), None)
        shown = site_in(self.project.site, locale)
        self.pages.append(PlannedPage(("home",), locale, r.home(locale), "home.html", shown.title, shown.description,
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
            self.plan_story_lists(locale, campaign, common, t)
            for index, story in enumerate(its_stories):
                more = its_stories[index + 1:index + 1 + MORE_STORIES]  # the next ones, then from the top
                more += its_stories[:min(index, MORE_STORIES - len(more))]
                self.pages.append(PlannedPage(("entry", story.key), locale, story.path, "story.html", story.title,
                                              story.summary, story.is_fallback, lastmod=story.date,
                                              context={"story": story, "campaign": campaign, "more": more}))
            self.pages.extend(extras.pages)
        for page in pages:
            self.pages.append(PlannedPage(("entry", page.key), locale, page.path, "page.html", page.title,
                                          page.summary, page.is_fallback, context={"entry": page}))
        if locale == self.default:
            self.pages.append(PlannedPage(("404",), locale, "404.html", "404.html", t("not_found_heading"), "",
                                          noindex=True))

    def plan_story_lists(self, locale: str, campaign: EntryView, common: dict[str, Any], t: Callable[..., str]) -> None:
        """A campaign's list of stories: the newest ``stories_per_page`` at ``stories/``, the next ones at
        ``stories/page/2/`` and on. Each page's ``stories`` are its own; ``pager`` says where it is."""
        its_stories = common["stories"]
        if not its_stories and locale != self.default:
            return  # none in this language (`fallback: skip`): no empty list for hreflang and the switcher to point at
        chunks = pages_of(its_stories, self.stories_per_page)

        def path(number: int) -> str:
            return self.routes.stories(locale, campaign.campaign, number)

        for number, listed in enumerate(chunks, 1):
            title = t("stories_of", campaign=campaign.title) if number == 1 else \
                t("stories_of_page", campaign=campaign.title, page=number, pages=len(chunks))
            self.pages.append(PlannedPage(("stories", campaign.campaign) + ((str(number),) if number > 1 else ()),
                                          locale, path(number), "stories.html", title, campaign.summary,
                                          campaign.is_fallback, noindex=not its_stories,  # (an empty list: not indexed)
                                          context={**common, "stories": listed,
                                                   "pager": Pager.at(number, len(chunks), lambda n: self.routes.href(path(n)))}))


class PageRenderer:
    """Renders planned pages with the theme, adding what every page shares.

    A page's template sees :meth:`shared_inputs` (the same for every page of a locale,
    :meth:`locale_inputs` among them) and :meth:`page_inputs` (its own), and nothing else:
    the page cache of `serve` (:mod:`handbill.pagememo`) reuses a page whose inputs have
    the same fingerprint.
    """

    def __init__(self, env: jinja2.Environment, project: Project, routes: Routes, catalog: Catalog,
                 pages: list[PlannedPage], sites: dict[str, LocaleSite], static_versions: Mapping[str, str]):
        self.env, self.project, self.routes, self.catalog = env, project, routes, catalog
        self.sites, self.static_versions = sites, static_versions
        self.translated: dict[tuple[str, ...], dict[str, PlannedPage]] = {}
        for page in pages:
            if not page.is_fallback:
                self.translated.setdefault(page.ident, {})[page.locale] = page
        self.names = {code: native_name(code) for code in project.site.locales}
        self.formats = locale_formats(project)
        self.menus = {code: self._menus(code, site) for code, site in sites.items()}
        self.home_and_feed = {code: (routes.href(routes.home(code)), routes.href(routes.feed(code))) for code in sites}
        self._switchers: dict[tuple[str, ...], list[tuple[str, str]]] = {}  # ident -> (code, href) of each language
        self._locale_inputs: dict[str, dict[str, Any]] = {}
        self._sites: dict[str, SiteInLocale] = {}
        self._translators: dict[str, Callable[..., str]] = {}

    def asset_href(self, name: str) -> str:
        """The link to a static file of the theme, with ``?v=`` and the hash of its bytes (a new file busts caches)."""
        path = f"static/{name}"
        version = self.static_versions.get(path)
        return f"{self.routes.href(path)}?v={version}" if version is not None else self.routes.href(path)

    def _menus(self, locale: str, site: LocaleSite) -> tuple[list[MenuLink], list[MenuLink]]:
        """The campaigns in the navigation and the pages in the footer of every page of a locale."""
        def link(entry: Entry, href: str, slug: str | None = None) -> MenuLink:
            lang = entry.text_locale_of("title")
            return MenuLink(entry.meta.get("title", ""), self.routes.href(href), lang, text_direction(lang), slug)

        nav = [link(c, self.routes.campaign(locale, c.campaign), c.campaign) for c in site.campaigns]
        footer = [link(p, self.routes.page(locale, p.slug)) for p in site.pages]
        return nav, footer

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
        """The page's one address for search engines; none for the not-found page, served at every wrong address."""
        if page.ident == ("404",):
            return ""
        if page.is_fallback:
            original = self.translated.get(page.ident, {}).get(self.project.site.default_locale)
            if original is not None:
                return self.routes.absolute(original.path)
        return self.routes.absolute(page.path)

    def languages(self, page: PlannedPage) -> list[Language]:
        """The language switcher: this page in every language, else (a list with fewer pages there) its
        first page, else that language's home page."""
        if page.ident not in self._switchers:  # the same links for every translation of the page
            tried = [self.translated.get(page.ident, {})]
            if page.ident[0] == "stories" and len(page.ident) > 2:
                tried.append(self.translated.get(page.ident[:2], {}))
            if page.ident[0] == "stories":  # a language with no list of this campaign's stories: its campaign page
                tried.append(self.translated.get(("campaign", page.ident[1]), {}))
            self._switchers[page.ident] = [
                (code, self.routes.href(next((found[code].path for found in tried if code in found),
                                             self.routes.home(code))))
                for code in self.project.site.locales]
        return [Language(code, self.names[code], href, code == page.locale, text_direction(code))
                for code, href in self._switchers[page.ident]]

    def og_locales(self, page: PlannedPage) -> tuple[str, list[str]]:
        """Open Graph locales: the page's text language, and the languages it is translated into."""
        entry = page.context.get("story") or page.context.get("entry") or page.context.get("campaign")
        text_locale = entry.lang if page.is_fallback and entry is not None else page.locale
        main = _og_locale(text_locale)
        others = [] if page.is_fallback or page.noindex else \
            [_og_locale(code) for code in sorted(self.translated.get(page.ident, {})) if code != page.locale]
        return main, [other for other in dict.fromkeys(others) if other != main]  # zh and zh-Hans: one zh_CN

    def page_inputs(self, page: PlannedPage) -> dict[str, Any]:
        """What the template of ``page`` sees that differs from page to page (plain data)."""
        og_main, og_alternates = self.og_locales(page)
        meta = PageMeta(page.title, page.description, self.canonical(page), self.alternates(page), page.noindex, page.path)
        inputs = {
            "og_locale": og_main, "og_locale_alternates": og_alternates,
            "languages": self.languages(page) if len(self.names) > 1 else [],
            "page": meta, "current_campaign": page.context.get("campaign").campaign if page.context.get("campaign") else "",
            **page.context,
        }
        if "share" in inputs:
            inputs["share"] = shown_share(inputs["share"])
        return inputs

    def locale_inputs(self, locale: str) -> dict[str, Any]:
        """What every template of ``locale`` sees beside :meth:`page_inputs` (plain data; a page's own inputs win)."""
        inputs = self._locale_inputs.get(locale)
        if inputs is None:
            nav, footer = self.menus[locale]
            home_href, feed_href = self.home_and_feed[locale]
            inputs = self._locale_inputs[locale] = {
                "locale": locale, "dir": text_direction(locale), "home_href": home_href, "feed_href": feed_href,
                "nav": nav, "footer_pages": footer}
        return inputs

    def site_in(self, locale: str) -> SiteInLocale:
        """``site`` for the templates of ``locale``: its settings, and its texts in that language (only that
        language's translation of them, so one language's new title leaves the others' pages as they were)."""
        site = self._sites.get(locale)
        if site is None:
            config = self.project.site
            own = replace(config, translations=tuple(t for t in config.translations if t.locale == locale))
            site = self._sites[locale] = site_in(own, locale)
        return site

    def shared_inputs(self, locale: str) -> tuple[Any, ...]:
        """Plain data that decides everything else a template of ``locale`` sees: :meth:`locale_inputs`,
        the site, ``t`` (the strings), ``formats``, ``url``, ``abs_url`` and ``asset`` (the routes and
        static files).

        Whatever :meth:`render` adds to the context beside :meth:`page_inputs` must be covered here.
        """
        catalog = self.catalog
        return (self.locale_inputs(locale), self.site_in(locale), locale, self.formats[locale], self.routes,
                dict(self.static_versions), catalog.default_locale, catalog.content, catalog.theme_tables,
                catalog.overrides)

    def render(self, page: PlannedPage, strings_used: set[str] | None = None) -> str:
        """The page's HTML; ``strings_used``: a set that gets the key of every UI string the template asked for."""
        t = self._translators.get(page.locale)
        if t is None:  # one per locale: it remembers the texts it was asked for
            t = self._translators[page.locale] = self.catalog.translator(page.locale, self.formats[page.locale])
        if strings_used is not None:
            t = _noting(t, strings_used)
        context = {
            "site": self.site_in(page.locale), "t": t, "formats": self.formats[page.locale],
            "url": self.routes.href, "abs_url": self.routes.absolute, "asset": self.asset_href,
            **self.locale_inputs(page.locale), **self.page_inputs(page),
        }
        template = self.env.get_template(page.template)
        return template.render(context)


@dataclass(frozen=True)
class SiteInLocale:
    """site.yaml as the pages of one language show it: its title and description, when they are in
    another language than the page's, say theirs (a ForeignText: marked where a template writes it)."""

    config: SiteConfig
    title: str
    description: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.config, name)


def site_in(config: SiteConfig, locale: str) -> SiteInLocale:
    """The site as ``locale``'s pages show it: the title and description translated for it (content/<locale>/
    site.yaml), else the original's, marked with their language when it is not the page's."""
    return SiteInLocale(config, _site_text(config, "title", locale), _site_text(config, "description", locale))


def _site_text(config: SiteConfig, key: str, locale: str) -> str:
    shown = config.text_in(key, locale)
    if not shown.text:
        return shown.text
    if shown.lang.split("-")[0].lower() == locale.split("-")[0].lower():  # (known for a UI string in another)
        return InLanguage(shown.text, shown.lang, text_direction(shown.lang))
    return ForeignText(shown.text, shown.lang, text_direction(shown.lang))


@functools.lru_cache(maxsize=256)
def _og_locale(code: str) -> str:
    """``og_locale``, remembered: every page asks, and Babel is slow to answer (as views.text_direction)."""
    return og_locale(code)


def _noting(t: Callable[..., str], used: set[str]) -> Callable[..., str]:
    """``t``, noting the keys asked for (their warnings are given again when the page is reused)."""

    def noted(key: str, n: int | None = None, **params: object) -> str:
        used.add(key)
        return t(key, n, **params)

    return noted


def locale_formats(project: Project) -> dict[str, LocaleFormats]:
    """Number and date formatting per locale, with site.yaml's ``native_digits``."""
    native = project.site.data.values.get("native_digits")
    return {code: LocaleFormats(code, bool(per_locale(native, code, False))) for code in project.site.locales}
