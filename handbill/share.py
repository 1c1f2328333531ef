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

from .recent import Recent
from .thankyou import NETWORK_NAMES, NETWORKS, ShareLink, share_link, with_source

if TYPE_CHECKING:
    from .cards import CardJob
    from .pages import PlannedPage
    from .project import Project
    from .routes import Routes
    from .views import EntryView

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


class ShareMemo:
    """The PageShares of the last build by everything they are made of, for `serve`'s rebuilds.

    Making the share links of a page costs about 0.2 ms (a dozen ``urlencode``); a
    rebuild after one edit would make a thousand again for nothing. A remembered
    PageShare is also the same object as before, which keeps its fingerprint valid.
    """

    def __init__(self) -> None:
        self._shares: Recent[tuple[Any, ...], PageShare] = Recent()

    def get(self, key: tuple[Any, ...], make: Callable[[], PageShare]) -> PageShare:
        share = self._shares.get(key)
        if share is None:
            share = make()
            self._shares.put(key, share)
        return share

    def next_build(self, last_complete: bool = True) -> None:
        """Forget the shares the last build did not use."""
        self._shares.next_build(last_complete)


def add_share(pages: list[PlannedPage], cards: dict[str, CardJob], project: Project, routes: Routes,
              translators: Callable[[str], Callable[..., str]], *, memo: ShareMemo | None = None,
              card_key: Callable[[CardJob], str] | None = None) -> None:
    """Put ``share`` into the context of every story and campaign page.

    ``memo``: PageShares of the build before, reused when made of the same values.
    ``card_key``: the cache key of a card (default ``card.spec.key()``; the card memo knows it already).
    """
    site_share = project.site.share
    labels: dict[tuple[str, str], str] = {}  # (locale, network) -> the link's label, asked once per build

    def label(locale: str, network: str) -> str:
        if (locale, network) not in labels:
            t = translators(locale)
            labels[locale, network] = t("share_email") if network == "email" else \
                t("share_on", network=NETWORK_NAMES[network])
        return labels[locale, network]

    for page in pages:
        story, campaign = page.context.get("story"), page.context.get("campaign")
        if campaign is None or page.ident[0] not in ("entry", "campaign") or (page.ident[0] == "entry" and story is None):
            continue
        settings = {**site_share, **campaign.meta.get("share", {})}
        networks = tuple(settings.get("networks") or NETWORKS)
        card = cards.get(page.path)
        image = ShareImage(f"{routes.absolute(card.path)}?v={(card_key or _spec_key)(card)[:10]}", card.width,
                           card.height, card.alt) if card is not None else None
        home = routes.absolute(routes.home(page.locale))  # the site in the page's language, by its name there
        made_of = (story, campaign, project.site.text_in("title", page.locale).text, home, networks, tuple(settings.get("hashtags", [])),
                   settings.get("text"), image, tuple(label(page.locale, network) for network in networks))
        if memo is None:
            page.context["share"] = LaterShare(made_of)  # worked out by the process that renders the page
        else:
            page.context["share"] = memo.get(_share_key(*made_of), lambda: _page_share(*made_of))


class LaterShare:
    """A page's share links and metadata, made when the page is rendered (:func:`shown_share`): in a
    worker process, on every core, instead of for every page in the build process before they start."""

    __slots__ = ("made_of",)

    def __init__(self, made_of: tuple[Any, ...]) -> None:
        self.made_of = made_of

    def __call__(self) -> PageShare:
        return _page_share(*self.made_of)


def shown_share(share: Any) -> Any:
    """What a template sees of a page's ``share``: made now when it was left for later."""
    return share() if isinstance(share, LaterShare) else share


def _spec_key(card: CardJob) -> str:
    return card.spec.key()


def _share_key(story: EntryView | None, campaign: EntryView, site_title: str, home: str, networks: tuple[str, ...],
               hashtags: tuple[str, ...], text: Any, image: ShareImage | None, labels: tuple[str, ...]) -> tuple[Any, ...]:
    """Every value :func:`_page_share` reads, as a hashable tuple (dates as text: == takes time zones as equal)."""
    if story is not None:
        told: tuple[Any, ...] = ("story", story.title, story.url, story.lang, story.summary,
                                 story.date.isoformat() if story.date else "", story.author)
    else:
        told = ("campaign", isinstance(text, str), text if isinstance(text, str) else repr(text))
    return (*told, campaign.title, campaign.url, campaign.lang, campaign.summary, site_title, home, networks,
            hashtags, image, labels)


def _page_share(story: EntryView | None, campaign: EntryView, site_title: str, home: str, networks: tuple[str, ...],
                hashtags: tuple[str, ...], text: Any, image: ShareImage | None, labels: tuple[str, ...]) -> PageShare:
    publisher = {"@type": "Organization", "name": site_title, "url": home}
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
        url, text = campaign.url, text or campaign.title
        data = {"@context": "https://schema.org", "@type": "WebPage", "name": campaign.title, "url": url,
                "inLanguage": campaign.lang,
                "isPartOf": {"@type": "WebSite", "name": site_title, "url": home}}
        if campaign.summary:
            data["description"] = campaign.summary
        kind, title, description, published = "website", campaign.title, campaign.summary, ""
    if image is not None:
        data["image"] = {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height}
    links = tuple(share_link(network, url, text, list(hashtags), label) for network, label in zip(networks, labels))
    return PageShare(kind, url, title, description, image, published, text, links,
                     with_source(url, "share-native"), with_source(url, "share-link"), json_for_script(data))
