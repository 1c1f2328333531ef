"""The step after signing: thanks, share links that carry their own source, a donate ask, a story.

The same step is drawn on ``/<campaign>/thanks/`` (where the plain form lands) and,
hidden, on the campaign page, where the script shows it in place after a signature.
Share links are plain links (no third-party scripts); each shares the campaign page
with ``?source=share-<network>``, so signatures can be counted by where they came from.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote, urlencode

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
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'source': source})}"


def share_link(network: str, page_url: str, text: str, hashtags: list[str], label: str) -> ShareLink:
    """A link that shares ``page_url`` (tagged with this network as its source) with ``text``."""
    url = with_source(page_url, f"share-{network}")
    both = f"{text} {url}" if text else url
    x_params = {"text": text, "url": url, **({"hashtags": ",".join(hashtags)} if hashtags else {})}
    base, params = {
        "whatsapp": ("https://wa.me/", {"text": both}),
        "facebook": ("https://www.facebook.com/sharer/sharer.php", {"u": url}),
        "x": ("https://x.com/intent/post", x_params),
        "telegram": ("https://t.me/share/url", {"url": url, "text": text}),
        "bluesky": ("https://bsky.app/intent/compose", {"text": both}),
        "linkedin": ("https://www.linkedin.com/sharing/share-offsite/", {"url": url}),
        "email": ("mailto:", {"subject": text, "body": url}),
    }[network]
    return ShareLink(network, label, f"{base}?{urlencode(params, quote_via=quote)}")  # spaces as %20, for every app


def thank_you_step(campaign_meta: dict[str, Any], site_share: dict[str, Any], *, page_url: str, title: str,
                   thank_you: str, next_story: Any, t: Callable[..., str]) -> ThankYouStep:
    share = {**site_share, **campaign_meta.get("share", {})}
    text = share.get("text") or title
    links = tuple(share_link(network, page_url, text, list(share.get("hashtags", [])),
                             t("share_email") if network == "email" else t("share_on", network=NETWORK_NAMES[network]))
                  for network in share.get("networks") or NETWORKS)
    return ThankYouStep(thank_you or t("thanks_default"), links, campaign_meta.get("donate_url", ""), next_story)
