"""The one place that decides where a thing is published: its path in site/ and its URL.

Paths are relative to the output root (``sv/paid-leave/stories/maria/``); a path that
ends in ``/`` is a page written to ``index.html``. The default locale lives at the
root, every other locale under ``<locale>/``, and all links carry the path of
``base_url`` so a site served from ``https://org.github.io/repo/`` works.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit


@dataclass(frozen=True)
class Routes:
    base_url: str  # absolute, ends with '/'
    default_locale: str

    @property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def prefix(self, locale: str) -> str:
        return "" if locale == self.default_locale else f"{locale}/"

    # --- paths, relative to the output root -------------------------------------
    def home(self, locale: str) -> str:
        return self.prefix(locale)

    def campaign(self, locale: str, campaign: str) -> str:
        return f"{self.prefix(locale)}{campaign}/"

    def thanks(self, locale: str, campaign: str) -> str:
        return f"{self.campaign(locale, campaign)}thanks/"

    def stories(self, locale: str, campaign: str, page: int = 1) -> str:
        """A campaign's list of stories; its page 2 and on (``stories_per_page``) at ``stories/page/N/``."""
        first = f"{self.campaign(locale, campaign)}stories/"
        return first if page == 1 else f"{first}page/{page}/"

    def story(self, locale: str, campaign: str, story: str) -> str:
        return f"{self.stories(locale, campaign)}{story}/"

    def story_card(self, locale: str, campaign: str, story: str) -> str:
        return f"{self.story(locale, campaign, story)}card.jpg"

    def campaign_card(self, locale: str, campaign: str) -> str:
        return f"{self.campaign(locale, campaign)}card.jpg"

    def page(self, locale: str, page: str) -> str:
        return f"{self.prefix(locale)}{page}/"

    def feed(self, locale: str) -> str:
        return f"{self.prefix(locale)}feed.xml"

    def not_found(self, locale: str) -> str:
        return f"{self.prefix(locale)}404.html"

    # --- events, story submissions and the offline kit of a campaign ------------------
    def events(self, locale: str, campaign: str) -> str:
        return f"{self.campaign(locale, campaign)}events/"

    def event_calendar(self, locale: str, campaign: str, event: str) -> str:
        """One event's .ics file, beside the events page (``event`` starts with its date)."""
        return f"{self.events(locale, campaign)}{event}.ics"

    def campaign_calendar(self, locale: str, campaign: str) -> str:
        """Every event of a campaign in one .ics file, named after the campaign."""
        return f"{self.events(locale, campaign)}{campaign}.ics"

    def story_form(self, locale: str, campaign: str) -> str:
        return f"{self.campaign(locale, campaign)}share-your-story/"

    def story_thanks(self, locale: str, campaign: str) -> str:
        return f"{self.story_form(locale, campaign)}thanks/"

    def print_sheet(self, locale: str, campaign: str) -> str:
        return f"{self.campaign(locale, campaign)}print/"

    def campaign_qr(self, locale: str, campaign: str, kind: str) -> str:
        """The campaign's QR code (``kind``: svg or png), beside the printable sheet."""
        return f"{self.print_sheet(locale, campaign)}{campaign}-qr.{kind}"

    def entry(self, locale: str, kind: str, campaign: str, slug: str) -> str:
        """The path of a story, page or campaign by kind."""
        if kind == "story":
            return self.story(locale, campaign, slug)
        if kind == "page":
            return self.page(locale, slug)
        return self.campaign(locale, campaign)

    # --- URLs ----------------------------------------------------------------------
    def href(self, path: str) -> str:
        """A link from any page of the site: root-relative, honouring the base path."""
        return self.base_path + quote(path, safe="/-._~")

    def absolute(self, path: str) -> str:
        """A full URL, for canonical links, feeds, sitemaps and share cards."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}{self.href(path)}"


def output_file(path: str) -> str:
    """The file a path is written to: pages become their folder's index.html."""
    return path + "index.html" if path == "" or path.endswith("/") else path
