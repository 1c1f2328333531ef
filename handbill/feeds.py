"""The machine-read files: Atom feeds, the sitemap with hreflang alternates, robots.txt.

Written by hand rather than with an XML library so the bytes are stable, and every
text goes through :func:`xml_text`, which drops what XML 1.0 cannot hold (control
characters, lone surrogates) before escaping.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .text import CONTROL_CHARACTERS

_NOT_XML = CONTROL_CHARACTERS


def xml_text(text: str) -> str:
    """Escaped text that is always well-formed XML (what ``xml.sax.saxutils.escape`` gives, without the
    12 ms of ``urllib.request`` that module loads)."""
    return html.escape(_NOT_XML.sub("", text), quote=False)


def xml_attr(text: str) -> str:
    """A quoted attribute value, exactly as ``xml.sax.saxutils.quoteattr`` writes it."""
    value = xml_text(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace('"', "&quot;") + '"'


_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src|poster)=")([/#][^"]*)"')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')
_START_TAG = re.compile(r"<[a-zA-Z][^<>]*>")


def absolute_urls(html: str, page_url: str) -> str:
    """A body's root-relative and in-page addresses made absolute: a feed reader, an email digest or an
    aggregator shows an entry away from its page, where ``/img/maria.jpg`` and ``#fn-1`` lead nowhere."""
    if '="/' not in html and '="#' not in html:  # (every such address starts an attribute: most bodies have none)
        return html
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page_url))

    def absolute(url: str) -> str:
        if url.startswith("#"):
            return page_url.split("#", 1)[0] + url
        return origin + url if url.startswith("/") and not url.startswith("//") else url

    def in_tag(tag: re.Match[str]) -> str:  # (only in tags: a text's quotes are not escaped, its < and > are)
        done = _URL_ATTRIBUTE.sub(lambda m: f'{m.group(1)}{absolute(m.group(2))}"', tag.group(0))
        return _SRCSET.sub(lambda m: m.group(1) + ", ".join(
            " ".join([absolute(parts[0]), *parts[1:]]) for candidate in m.group(2).split(",")
            for parts in [candidate.split()] if parts) + '"', done)

    return _START_TAG.sub(in_tag, html)


def _stamp(date: dt.date | None) -> str:
    return f"{(date or dt.date(2000, 1, 1)).isoformat()}T00:00:00Z"


@dataclass(frozen=True)
class FeedItem:
    title: str
    url: str
    date: dt.date | None
    summary: str
    author: str
    content_html: str
    lang: str


def atom_feed(*, title: str, feed_url: str, home_url: str, lang: str, items: list[FeedItem]) -> str:
    updated = max((item.date for item in items if item.date), default=None)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={xml_attr(lang)}>',
        f"  <title>{xml_text(title)}</title>",
        f"  <id>{xml_text(feed_url)}</id>",
        f'  <link rel="self" href={xml_attr(feed_url)}/>',
        f'  <link rel="alternate" type="text/html" href={xml_attr(home_url)}/>',
        f"  <updated>{_stamp(updated)}</updated>",
    ]
    for item in items:
        lines += [
            f"  <entry xml:lang={xml_attr(item.lang)}>",
            f"    <title>{xml_text(item.title)}</title>",
            f'    <link rel="alternate" type="text/html" href={xml_attr(item.url)}/>',
            f"    <id>{xml_text(item.url)}</id>",
            f"    <updated>{_stamp(item.date)}</updated>",
            f"    <author><name>{xml_text(item.author or title)}</name></author>",
        ]
        if item.summary:
            lines.append(f"    <summary>{xml_text(item.summary)}</summary>")
        lines.append(f'    <content type="html">{xml_text(absolute_urls(item.content_html, item.url))}</content>')
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class SitemapUrl:
    loc: str
    lastmod: dt.date | None
    alternates: tuple[tuple[str, str], ...]  # (hreflang, url), x-default included


def sitemap(urls: list[SitemapUrl]) -> str:
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for url in urls:
        lines.append(f"  <url><loc>{xml_text(url.loc)}</loc>")
        if url.lastmod:
            lines.append(f"    <lastmod>{url.lastmod.isoformat()}</lastmod>")
        for hreflang, href in url.alternates:
            lines.append(f'    <xhtml:link rel="alternate" hreflang={xml_attr(hreflang)} href={xml_attr(href)}/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots(sitemap_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"
