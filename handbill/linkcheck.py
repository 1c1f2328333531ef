"""The internal-link check of ``check``: every link from a rendered page to the site lands on a file.

It runs over the pages in memory (``render_site``'s files), so ``check`` never touches
``site/``. Checked are the links written as paths (``/c/stories/maria/``,
``../about/``: what the theme and resolved content links produce, photos, scripts and
styles) and the absolute URLs of ``<link>`` tags (canonical, hreflang alternates) and
of the sitemap, when they fall under ``base_url``. A full address written in content or
config (``donate_url: https://example.org/donate``) may well be served by another part
of the organisation's website, so it counts as external, like every other one: external
links are never fetched.

A link to a missing file is an error. A link to a part of a page (``#section``) whose
page exists but has no such ``id`` is a warning. The same broken link on many pages
(a theme template's) is reported once, with how many pages carry it.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from .diagnostics import Diagnostics

# (tag, attribute) pairs whose value is a URL; srcset holds several.
URL_ATTRIBUTES = {("a", "href"), ("area", "href"), ("link", "href"), ("img", "src"), ("img", "srcset"),
                  ("source", "src"), ("source", "srcset"), ("video", "src"), ("video", "poster"),
                  ("audio", "src"), ("track", "src"), ("script", "src"), ("iframe", "src"), ("form", "action")}
SKIPPED_REL = {"preconnect", "dns-prefetch"}
_SITEMAP_URL = re.compile(r"<loc>([^<]+)</loc>|<xhtml:link\b[^>]*\bhref=\"([^\"]+)\"")


@dataclass(frozen=True)
class Link:
    url: str  # as written, entities decoded
    line: int  # in the rendered file
    tag: str


@dataclass
class _Page:
    links: list[Link] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)  # id and <a name> values


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id",) + (("name",) if tag == "a" else ()):
            if values.get(name):
                self.page.anchors.add(values[name] or "")
        if tag == "link" and SKIPPED_REL & set((values.get("rel") or "").lower().split()):
            return
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None or (tag, name) not in URL_ATTRIBUTES:
                continue
            urls = [c.split()[0] for c in value.split(",") if c.strip()] if name == "srcset" else [value]
            self.page.links.extend(Link(url.strip(), line, tag) for url in urls)

    handle_startendtag = handle_starttag


def parse_page(data: bytes) -> _Page:
    parser = _LinkParser()
    parser.feed(data.decode("utf-8", errors="replace"))
    parser.close()
    return parser.page


def page_url(base_url: str, path: str) -> str:
    """The absolute URL an output file is served at (``x/index.html`` -> ``base/x/``)."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return base_url + path


def target_of(url: str, page: str, base_url: str) -> tuple[str, str] | None:
    """(output path, fragment) that ``url`` on ``page`` points at inside the site, or None when it leaves the site."""
    absolute = urljoin(page, url.strip())
    parts, base = urlsplit(absolute), urlsplit(base_url)
    if parts.scheme not in ("http", "https") or (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    base_path = base.path if base.path.endswith("/") else base.path + "/"
    path = parts.path or "/"
    if path.startswith(base_path):
        rel = unquote(path[len(base_path):])
    elif path + "/" == base_path:
        rel = ""
    else:
        return None  # the same host, but outside the site's folder
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return rel, unquote(parts.fragment)


@dataclass
class _Broken:
    first_page: str
    line: int
    pages: set[str] = field(default_factory=set)


def check_links(files: dict[str, bytes], base_url: str, diags: Diagnostics) -> int:
    """Report internal links to missing files (errors) and missing #anchors (warnings). Returns links checked."""
    pages = {path: parse_page(data) for path, data in sorted(files.items()) if path.endswith(".html")}
    missing: dict[str, _Broken] = {}
    no_anchor: dict[str, _Broken] = {}
    checked = 0
    for path, page in pages.items():
        here = page_url(base_url, path)
        for link in page.links:
            try:
                written = urlsplit(link.url)
                if not link.url or ((written.scheme or written.netloc) and link.tag != "link"):
                    continue  # a full address: external (see the module docstring), or mailto:, tel:, data:
                target = target_of(link.url, here, base_url)
            except ValueError:  # not a URL at all (a broken IPv6 host): nothing in the site to check
                continue
            if target is None:
                continue
            checked += 1
            rel, fragment = target
            if rel not in files and f"{rel}/index.html" not in files:
                shown = urlsplit(urljoin(here, link.url)).path
                _note(missing, shown, path, link.line)
            elif fragment and rel in pages and fragment not in pages[rel].anchors:
                _note(no_anchor, f"{urlsplit(urljoin(here, link.url)).path}#{fragment}", path, link.line)
    if "sitemap.xml" in files:
        for match in _SITEMAP_URL.finditer(files["sitemap.xml"].decode("utf-8", errors="replace")):
            url = html.unescape(match.group(1) or match.group(2))
            try:
                target = target_of(url, base_url, base_url)
            except ValueError:
                target = None
            checked += 1
            if target is None or (target[0] not in files and f"{target[0]}/index.html" not in files):
                _note(missing, url, "sitemap.xml", files["sitemap.xml"].count(b"\n", 0, match.start()) + 1)
    for url, where in sorted(missing.items()):
        diags.error(where.first_page, where.line, 0, f"the link to {url} goes to a page or file that is not part of the site"
                    + _on_pages(where),
                    "if the link is written in a story or page, link to the file instead (like ../stories/maria.md); "
                    "if it comes from the theme, fix the template")
    for url, where in sorted(no_anchor.items()):
        diags.warning(where.first_page, where.line, 0, f"the link to {url} points at a part of the page that does not exist"
                      + _on_pages(where), "check the part after # against the headings of that page")
    return checked


def _note(table: dict[str, _Broken], url: str, page: str, line: int) -> None:
    table.setdefault(url, _Broken(page, line)).pages.add(page)


def _on_pages(broken: _Broken) -> str:
    return f" (on {len(broken.pages)} pages; the first is shown)" if len(broken.pages) > 1 else ""
