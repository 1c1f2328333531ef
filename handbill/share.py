"""What a story or campaign page tells link previews, and the links that share it.

A page's :class:`PageShare` feeds ``meta.html`` (Open Graph and Twitter meta pointing
at the page's share card with absolute URLs, and JSON-LD) and ``share.html`` (plain
share links, each carrying ``source=share-<network>`` so signatures can be counted by
where they came from, plus native-share and copy-link buttons for ``share.js``). The
links are made by :func:`handbill.thankyou.share_link`, the same ones the thank-you
step shows.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from markupsafe import Markup

from .thankyou import NETWORK_NAMES, NETWORKS, ShareLink, share_link, with_source

if TYPE_CHECKING:
    from .cards import CardJob
    from .pages import PlannedPage
    from .project import Project
    from .routes import Routes

JSON_IN_HTML = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                0x2028: "\\u2028", 0x2029: "\\u2029"}


@dataclass(frozen=True)
class ShareImage:
    url: str  # absolute, with ?v= so a changed card is fetched again by link previews
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class PageShare:
    """Everything a story or campaign page says about itself when shared."""

    type: str  # og:type: article for a story, website for a campaign
    url: str  # the absolute URL being shared
    title: str
    description: str
    image: ShareImage | None  # the share card; None with --no-cards
    published: str  # a story's date, ISO 8601, or ""
    text: str  # what the share links say
    links: tuple[ShareLink, ...]
    native_url: str  # for the Web Share API button
    copy_url: str  # for the copy-link button
    json_ld: Markup  # safe to put inside <script type="application/ld+json">


def json_for_script(data: Any) -> Markup:
    """JSON that cannot end its <script> element: <, > and & are written as \\u escapes.

    ``json.loads`` reads it back exactly; an HTML parser never sees ``</script>`` or ``<!--``."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.translate(JSON_IN_HTML))


def add_share(pages: list[PlannedPage], cards: dict[str, CardJob], project: Project, routes: Routes,
              translators: Callable[[str], Callable[..., str]]) -> None:
    """Put ``share`` into the context of every story and campaign page."""
    site_share = project.site.share
    translator_of: dict[str, Callable[..., str]] = {}
    for page in pages:
        story, campaign = page.context.get("story"), page.context.get("campaign")
        if campaign is None or page.ident[0] not in ("entry", "campaign") or (page.ident[0] == "entry" and story is None):
            continue
        t = translator_of.get(page.locale) or translator_of.setdefault(page.locale, translators(page.locale))
        settings = {**site_share, **campaign.meta.get("share", {})}
        networks = settings.get("networks") or NETWORKS
        hashtags = list(settings.get("hashtags", []))
        home = routes.absolute(routes.home(project.site.default_locale))
        publisher = {"@type": "Organization", "name": project.site.title, "url": home}
        card = cards.get(page.path)
        image = ShareImage(f"{routes.absolute(card.path)}?v={card.spec.key()[:10]}", card.width, card.height, card.alt) \
            if card is not None else None
        if story is not None:
            url, text = story.url, story.title
            data: dict[str, Any] = {
                "@context": "https://schema.org", "@type": "Article", "headline": story.title, "url": url,
                "inLanguage": story.lang, "publisher": publisher,
                "isPartOf": {"@type": "WebPage", "name": campaign.title, "url": campaign.url},
            }
            if story.summary:
                data["description"] = story.summary
            if story.date:
                data["datePublished"] = story.date.isoformat()
            if story.author:
                data["author"] = {"@type": "Person", "name": story.author}
            kind, title, description, published = "article", story.title, story.summary, \
                story.date.isoformat() if story.date else ""
        else:
            url, text = campaign.url, settings.get("text") or campaign.title
            data = {"@context": "https://schema.org", "@type": "WebPage", "name": campaign.title, "url": url,
                    "inLanguage": campaign.lang,
                    "isPartOf": {"@type": "WebSite", "name": project.site.title, "url": home}}
            if campaign.summary:
                data["description"] = campaign.summary
            kind, title, description, published = "website", campaign.title, campaign.summary, ""
        if image is not None:
            data["image"] = {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height}
        links = tuple(share_link(network, url, text, hashtags,
                                 t("share_email") if network == "email" else t("share_on", network=NETWORK_NAMES[network]))
                      for network in networks)
        page.context["share"] = PageShare(kind, url, title, description, image, published, text, links,
                                          with_source(url, "share-native"), with_source(url, "share-link"),
                                          json_for_script(data))
