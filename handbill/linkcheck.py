"""The internal-link check of ``check``: every link from a rendered page to the site lands on a file.

It runs over the pages in memory (``render_site``'s files), so ``check`` never touches
``site/``. Checked are the links written as paths (``/c/stories/maria/``,
``../about/``: what the theme and resolved content links produce, photos, scripts and
styles) and the absolute URLs of ``<link>`` tags (canonical, hreflang alternates) and
of the sitemap, when they fall under ``base_url``. A full address written in content or
config (``donate_url: https://example.org/donate``) may well be served by another part
of the organisation's website, so it counts as external, like every other one: external
links are never fetched. A path is always a link into the site: under a ``base_url``
with a folder (``https://org.github.io/repo/``), ``/paid-leave/`` leaves that folder
and is broken once published, so it is an error, which names the page's real address
when the site has it.

A link to a missing file is an error. A link to a part of a page (``#section``) whose
page exists but has no such ``id`` is a warning. A broken link written in a story, page
or campaign is reported at its file and line (found in the texts the page shows), once
however many languages show that text; any other (a theme template's) at the first
output file that carries it, with how many pages do. A ``#part`` written in the
original's text, shown on a language's page, is checked against the original of the page
it points at: a translated page has headings (and ids) of its own.
"""
from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .diagnostics import Diagnostics
from .locales import localize
from .project import load_project
from .routes import Routes, output_file

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


@dataclass(frozen=True)
class PageSource:
    """The content files whose text a published page shows (see :func:`page_sources`)."""

    files: tuple[Path, ...]  # the file shown (a translation, or the original), then the original when different
    original: Path  # the default locale's file
    original_page: str  # the output file of the same story, page or campaign in the default locale


def page_sources(content: Path, *, drafts: bool = False) -> dict[str, PageSource]:
    """Output file -> the content files it shows: each story, page and campaign in every locale (a campaign
    also for the pages under its folder: events, the story form). Read quietly: the build reported the problems."""
    quiet = Diagnostics()
    project = load_project(content, quiet)
    default = project.site.default_locale
    routes = Routes(project.site.base_url or "https://example.org/", default)
    sources: dict[str, PageSource] = {}
    for locale, site in localize(project, quiet, drafts=drafts).items():
        for entry in site.all_entries():
            files = tuple(dict.fromkeys((entry.source.file.path, entry.original.file.path)))
            sources[output_file(routes.entry(locale, entry.kind, entry.campaign, entry.slug))] = PageSource(
                files, entry.original.file.path, output_file(routes.entry(default, entry.kind, entry.campaign, entry.slug)))
    return sources


def _source_of(page: str, sources: Mapping[str, PageSource]) -> PageSource | None:
    """The source of ``page``, or of the nearest folder above it that has one (a campaign's events page)."""
    folder = page.rpartition("/")[0]
    while True:
        found = sources.get(f"{folder}/index.html" if folder else "index.html")
        if found is not None or not folder:
            return found
        folder = folder.rpartition("/")[0]


@dataclass
class _Problem:
    """A broken link met on a page: a missing file, an address outside the site's folder, or a missing #part."""

    kind: str  # missing | outside | anchor
    page: str  # the output file it is on
    link: Link
    address: str  # where it goes: a path from the host's root, with #part for anchors
    target: str = ""  # the output file it points at (anchor problems)
    fragment: str = ""
    inside: str = ""  # outside: the same path inside the site's folder, when the site has it


@dataclass
class _Broken:
    path: str | Path  # the content file where the link is written, or the first output file carrying it
    line: int
    written: str  # the link as written in that content file ('' for a link of the theme's)
    problem: _Problem
    pages: set[str] = field(default_factory=set)


def check_links(files: dict[str, bytes], base_url: str, diags: Diagnostics, *, content: Path | None = None,
                drafts: bool = False) -> int:
    """Report internal links to missing files (errors) and missing #anchors (warnings). Returns links checked.

    With ``content`` (the content folder the pages were built from), a link written in a story, page or
    campaign is reported at that file and line, once, however many locales show it; and a #part written
    in the original's text is checked against the original of the page it points at (its translation
    has headings of its own)."""
    pages = {path: parse_page(data) for path, data in sorted(files.items()) if path.endswith(".html")}
    base_path = urlsplit(base_url).path.rstrip("/") + "/"
    problems: list[_Problem] = []
    checked = 0
    for path, page in pages.items():
        here = page_url(base_url, path)
        for link in page.links:
            try:
                written = urlsplit(link.url)
                if not link.url or ((written.scheme or written.netloc) and link.tag != "link"):
                    continue  # a full address: external (see the module docstring), or mailto:, tel:, data:
                target = target_of(link.url, here, base_url)
                absolute = urlsplit(urljoin(here, link.url))
            except ValueError:  # not a URL at all (a broken IPv6 host): nothing in the site to check
                continue
            if target is None:
                if written.scheme or written.netloc or absolute.scheme not in ("http", "https"):
                    continue  # an address of its own, in a <link> tag: left alone, as in content
                inside = unquote(absolute.path.lstrip("/")) or "index.html"  # a path that leaves the site's folder
                inside = inside + "index.html" if inside.endswith("/") else inside
                checked += 1
                problems.append(_Problem("outside", path, link, absolute.path, inside=(
                    base_path + absolute.path.lstrip("/") if inside in files or f"{inside}/index.html" in files else "")))
                continue
            checked += 1
            rel, fragment = target
            if rel not in files and f"{rel}/index.html" not in files:
                problems.append(_Problem("missing", path, link, absolute.path))
            elif fragment and rel in pages and fragment not in pages[rel].anchors:
                problems.append(_Problem("anchor", path, link, f"{absolute.path}#{fragment}", rel, fragment))
    sources = page_sources(content, drafts=drafts) if content is not None and problems else {}
    found = _Finder()
    table: dict[tuple, _Broken] = {}
    for problem in problems:
        source = _source_of(problem.page, sources)
        at = found.where(problem, source)
        if problem.kind == "anchor" and at is not None and source is not None and at[0] == source.original:
            target = sources.get(problem.target)  # the original's text: its #part names the original's heading
            original = pages.get(target.original_page) if target is not None else None
            if original is not None and problem.fragment in original.anchors:
                continue
        if at is None:  # the theme's: once for all the pages that carry it
            table.setdefault((problem.kind, problem.address), _Broken(problem.page, problem.link.line, "", problem)) \
                .pages.add(problem.page)
            continue
        broken = table.setdefault((problem.kind == "anchor", *at), _Broken(*at, problem))  # once, whichever locales show it
        if source is not None and problem.page == source.original_page:
            broken.problem = problem  # told as it is on the original's page
    if "sitemap.xml" in files:
        for match in _SITEMAP_URL.finditer(files["sitemap.xml"].decode("utf-8", errors="replace")):
            url = html.unescape(match.group(1) or match.group(2))
            try:
                target = target_of(url, base_url, base_url)
            except ValueError:
                target = None
            checked += 1
            if target is None or (target[0] not in files and f"{target[0]}/index.html" not in files):
                line = files["sitemap.xml"].count(b"\n", 0, match.start()) + 1
                table.setdefault(("missing", url), _Broken("sitemap.xml", line, "", _Problem("missing", "sitemap.xml",
                                                                                           Link(url, line, "loc"), url)))
    for broken in table.values():
        _report(broken, base_url, diags)
    return checked


class _Finder:
    """Where a link is written in the content files a page shows (the engines' HTML keeps no line numbers).

    The same link written twice in a text is two links on its page: the first is found at the first place,
    the second at the next, page by page."""

    def __init__(self) -> None:
        self._texts: dict[Path, str] = {}
        self._found_at: dict[tuple[Path, str], list[tuple[int, str]]] = {}
        self._asked: dict[tuple[str, Path, str], int] = {}

    def where(self, problem: _Problem, source: PageSource | None) -> tuple[Path, int, str] | None:
        """(file, line, the link as written there), or None when the page's texts do not hold it (the theme's)."""
        if source is None:
            return None
        for path in source.files:
            for pattern in _patterns(problem.link.url, problem.fragment):
                found = self._found(path, pattern)
                if found:
                    asked = self._asked.get((problem.page, path, pattern), 0)
                    self._asked[(problem.page, path, pattern)] = asked + 1
                    return (path, *found[min(asked, len(found) - 1)])
        return None

    def _found(self, path: Path, pattern: str) -> list[tuple[int, str]]:
        """(line, text) of each place ``pattern`` matches in the file."""
        if path not in self._texts:
            try:
                self._texts[path] = path.read_text(encoding="utf-8-sig", errors="replace")
            except OSError:  # gone since the build read it: the link is reported on its page instead
                self._texts[path] = ""
        if (path, pattern) not in self._found_at:
            text = self._texts[path]
            self._found_at[path, pattern] = [(text.count("\n", 0, match.start()) + 1, match.group())
                                             for match in re.finditer(pattern, text)]
        return self._found_at[path, pattern]


_BEFORE_LINK = r"(?<![^\s(<\"'=\[])"  # a link target starts a line or follows ( " ' = [ < or a space
_AFTER_LINK = r"(?=[\s)\"'>]|$)"


def _patterns(url: str, fragment: str) -> list[str]:
    """How a link may be written in a text: as it is in the page (or unescaped), else (a link to a story's
    file, ``maria.md#part``, whose address handbill wrote) as anything ending in its #part."""
    forms = dict.fromkeys((url, html.unescape(url), unquote(url)))
    patterns = [_BEFORE_LINK + re.escape(form) + _AFTER_LINK for form in forms]
    if fragment:
        patterns.append(_BEFORE_LINK + r"[^\s()<>\"'\[\]]*#" + re.escape(fragment) + _AFTER_LINK)
    return patterns


def _report(broken: _Broken, base_url: str, diags: Diagnostics) -> None:
    problem = broken.problem
    shown = broken.written or problem.address
    theme = "" if broken.written else _on_pages(broken)
    file_hint = "link to the file instead (like ../stories/maria.md): handbill checks it and writes its address"
    if problem.kind == "anchor":
        diags.warning(broken.path, broken.line, 0, f"the link to {shown} points at a part of the page that does not "
                      f"exist{theme}", "check the part after # against the headings of that page")
        return
    hint = (f"{file_hint}" if broken.written else
            f"if the link is written in a story or page, {file_hint}; if it comes from the theme, fix the template")
    if problem.kind == "missing":
        diags.error(broken.path, broken.line, 0, f"the link to {shown} goes to a page or file that is not part of "
                    f"the site{theme}", hint)
        return
    folder = urlsplit(base_url).path
    host = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
    if problem.inside:
        diags.error(broken.path, broken.line, 0, f"the link to {shown} leaves the site's folder {folder}: the site "
                    f"is published at {base_url}, so the page is at {problem.inside}{theme}",
                    f"{file_hint}, or write the address as {problem.inside}"
                    if broken.written else f"write the address as {problem.inside}; {hint}")
    else:
        diags.error(broken.path, broken.line, 0, f"the link to {shown} goes to a page or file that is not part of "
                    f"the site (the site is published at {base_url}){theme}",
                    f"{hint}; a page of another site on {host} needs its full address, like {host}{problem.address}")


def _on_pages(broken: _Broken) -> str:
    return f" (on {len(broken.pages)} pages; the first is shown)" if len(broken.pages) > 1 else ""
