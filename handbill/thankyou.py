"""The step after signing: thanks, share links that carry their own source, a donate ask, a story.

The same step is drawn on ``/<campaign>/thanks/`` (where the plain form lands) and,
hidden, on the campaign page, where the script shows it in place after a signature.
Share links are plain links (no third-party scripts); each shares the campaign page
with ``?source=share-<network>``, so signatures can be counted by where they came from.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import quote, quote_plus

NETWORKS = ("whatsapp", "facebook", "x", "telegram", "bluesky", "linkedin", "email")
NETWORK_NAMES = {"whatsapp": "WhatsApp", "facebook": "Facebook", "x": "X", "telegram": "Telegram",
                 "bluesky": "Bluesky", "linkedin": "LinkedIn"}


@dataclass(frozen=True)
class ShareLink:
    network: str
    label: str
    href: str


@dataclass(frozen=True)
class ThankYouStep:
    text: str  # the campaign's thank_you, or the theme's default
    share: tuple[ShareLink, ...]
    donate_url: str
    next_story: Any  # an EntryView to read next, or None


def with_source(url: str, source: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}source={_source_value(source)}"  # as urlencode({'source': source})


@lru_cache(maxsize=64)
def _source_value(source: str) -> str:
    """A source as urlencode writes it; remembered: the same nine are asked for by every page."""
    return quote_plus(source)


def share_link(network: str, page_url: str, text: str, hashtags: list[str], label: str) -> ShareLink:
    """A link that shares ``page_url`` (tagged with this network as its source) with ``text``.

    The query is written as ``urlencode(..., quote_via=quote)`` would (spaces as %20, for every
    app), from quoted parts: quoting works character by character, so a page's URL and text
    are quoted once for all seven links (remembered by :func:`_quoted`).
    """
    tagged = with_source(page_url, f"share-{network}")
    url = _quoted(page_url) + _quoted(tagged[len(page_url):])
    words = _quoted(text)
    both = f"{words}%20{url}" if text else url
    if network == "whatsapp":
        base, query = "https://wa.me/", f"text={both}"
    elif network == "facebook":
        base, query = "https://www.facebook.com/sharer/sharer.php", f"u={url}"
    elif network == "x":
        tags = f"&hashtags={_quoted(','.join(hashtags))}" if hashtags else ""
        base, query = "https://x.com/intent/post", f"text={words}&url={url}{tags}"
    elif network == "telegram":
        base, query = "https://t.me/share/url", f"url={url}&text={words}"
    elif network == "bluesky":
        base, query = "https://bsky.app/intent/compose", f"text={both}"
    elif network == "linkedin":
        base, query = "https://www.linkedin.com/sharing/share-offsite/", f"url={url}"
    elif network == "email":
        base, query = "mailto:", f"subject={words}&body={url}"
    else:
        raise KeyError(network)
    return ShareLink(network, label, f"{base}?{query}")


@lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    """A query value as ``urlencode(..., quote_via=quote)`` writes it: every reserved character escaped."""
    return quote(value, safe="")


def thank_you_step(campaign_meta: dict[str, Any], site_share: dict[str, Any], *, page_url: str, title: str,
                   thank_you: str, next_story: Any, t: Callable[..., str]) -> ThankYouStep:
    share = {**site_share, **campaign_meta.get("share", {})}
    text = share.get("text") or title
    links = tuple(share_link(network, page_url, text, list(share.get("hashtags", [])),
                             t("share_email") if network == "email" else t("share_on", network=NETWORK_NAMES[network]))
                  for network in share.get("networks") or NETWORKS)
    return ThankYouStep(thank_you or t("thanks_default"), links, campaign_meta.get("donate_url", ""), next_story)
