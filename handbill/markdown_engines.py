"""Markdown text to raw HTML, by the engine a site chooses with ``markdown:`` in site.yaml.

- ``commonmark`` (the default): CommonMark with GitHub's extensions (tables, ~~strikethrough~~,
  bare URLs made links, footnotes), by cmark-gfm in C through ``cmarkgfm``. It is the Markdown
  volunteers see in GitHub's preview of a file (a list straight after a paragraph line is a
  list; a nested list is indented to its parent's text, two spaces under ``- ``), and it is
  linear in the length of the text (about 0.1 ms a story), so it runs in the build process
  without a time box. Task-list checkboxes are not enabled (they are ``<input>`` elements).
- ``python-markdown``: Python-Markdown with tables, footnotes, smarty, toc, fenced_code and
  sane_lists, for sites moved from Pelican or MkDocs. Several of its patterns are superlinear
  on hostile text, so long texts go through a time-boxed helper process (:mod:`handbill.timebox`).

Both hand :mod:`handbill.markup` raw HTML (HTML written in the text passes through, so the
rewriter can warn about it and nh3 can remove it) with the same features: ids on headings by
Python-Markdown's toc rule (``heading_slug`` of the heading's text, a repeat numbered ``_1``,
``_2``), a paragraph holding only a YouTube, Vimeo or PeerTube address turned into a "Watch the
video" link out, tables with their alignment, footnotes, smart quotes and dashes. Python-Markdown
does these with its own extensions; for cmark they are small passes over its HTML, which is
regular: ``<h2>text</h2>``, ``<p>...</p>``, attributes always double-quoted and escaped.
"""
from __future__ import annotations

import html as htmllib
import re
import unicodedata
from importlib.metadata import PackageNotFoundError, version
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

import markdown
from cmarkgfm import cmark
from markdown.extensions.toc import unique
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from handbill.timebox import TextTooDeep, Timebox

ENGINES = ("commonmark", "python-markdown")  # the values of site.yaml's `markdown:`
DEFAULT_ENGINE = "commonmark"
DISK_CACHED_ENGINES = frozenset({"python-markdown"})  # slow enough that .handbill-cache keeps its bodies
WATCH_VIDEO_TEXT = "▶ Watch the video on {host}"  # English for now; to be localised

CMARK_EXTENSIONS = ("table", "strikethrough", "autolink")  # not tasklist (<input>) nor tagfilter (nh3's job)
CMARK_INLINE_EXTENSIONS = ("strikethrough",)  # a title is not made a link by a bare URL in it
_OPT = cmark.Options
CMARK_OPTIONS = (_OPT.CMARK_OPT_SMART | _OPT.CMARK_OPT_FOOTNOTES | _OPT.CMARK_OPT_UNSAFE
                 | _OPT.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES)  # unsafe: raw HTML reaches markup's checks
MAX_QUOTE_DEPTH = 100  # cmark nests > quotes without limit (lists stop at 100 by themselves), nh3 slows down with depth

EXTENSIONS = ("tables", "footnotes", "smarty", "toc", "fenced_code", "sane_lists")  # Python-Markdown's
_BLOCK_PROCESSORS = ("empty", "indent", "code", "hashheader", "setextheader", "hr", "olist", "ulist",
                     "quote", "reference")  # all of Python-Markdown's but "paragraph"


def _version(package: str, fallback: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return fallback


ENGINE_SETTINGS: str = repr((
    ("commonmark", _version("cmarkgfm", cmark.CMARK_VERSION), CMARK_EXTENSIONS, CMARK_INLINE_EXTENSIONS,
     int(CMARK_OPTIONS), MAX_QUOTE_DEPTH),
    ("python-markdown", markdown.__version__, EXTENSIONS, ("toc.slugify", "heading_slug")),
    ("video", WATCH_VIDEO_TEXT),
))  # what shapes either engine's output, for cache keys (the engine a site uses is keyed apart)


class Engine(Protocol):
    name: str

    def convert(self, text: str) -> str:
        """A body as raw HTML; raises TextTooSlow or TextTooDeep for text that cannot be published."""

    def convert_inline(self, text: str) -> str:
        """One line as raw inline HTML: no block (heading, list, quote), no <p>."""


def make_engine(name: str) -> Engine:
    if name == "commonmark":
        return CommonMarkEngine()
    if name == "python-markdown":
        return PythonMarkdownEngine()
    raise ValueError(f"unknown Markdown engine {name!r}; one of {', '.join(ENGINES)}")


def video_host(url: str) -> str | None:
    """'YouTube', 'Vimeo' or the PeerTube host when url is a video page there, else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.removeprefix("www.").removeprefix("m.")
    if host == "youtube.com" and parts.path == "/watch" and parse_qs(parts.query).get("v"):
        return "YouTube"
    if host == "youtu.be" and len(parts.path) > 1:
        return "YouTube"
    if host == "vimeo.com" and re.fullmatch(r"/\d+/?", parts.path):
        return "Vimeo"
    if re.fullmatch(r"/w/[0-9A-Za-z-]{8,}/?", parts.path):  # PeerTube's short video URL
        return parts.hostname
    return None


def heading_slug(text: str, separator: str) -> str:
    """A heading's id: Python-Markdown's ``slugify_unicode`` (lower case, punctuation dropped, spaces
    to ``separator``), except that combining marks are kept: without them Hindi, Bengali, Nepali and
    Sinhala ids lose their vowel signs (``नमस्ते`` would become ``नमसत``)."""
    kept = "".join(c for c in text if c in "-_" or c.isspace() or unicodedata.category(c)[0] in "LMN")
    return re.sub(rf"[{re.escape(separator)}\s]+", separator, kept.strip().lower())


# --- CommonMark (cmark-gfm) ----------------------------------------------------------------------

_SPACER = "\u3000"  # an ideographic space: no block starts with it, and quotes after it open
_HEADING = re.compile(r"<h([1-6])>([^<]*(?:<(?!/?h[1-6][\s/>])[^<]*)*)</h\1>")  # stops at any other <hN: linear
_ID = re.compile(r'\sid="([^"]*)"')
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>')
_TAG = re.compile(r"<!--.*?-->|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.DOTALL)
_URL = r"https?://[^\s<>\"]+"
_VIDEO_PARAGRAPH = re.compile(rf'<p>(?:<a href="([^"]*)">{_URL}</a>|({_URL}))</p>')
_QUOTE_TAG = re.compile(r"<(/?)blockquote>")


class CommonMarkEngine:
    """cmark-gfm, plus the passes that give its HTML heading ids and video links."""

    name = "commonmark"

    def convert(self, text: str) -> str:
        html = _cmark(text, CMARK_EXTENSIONS)
        if html.count("<blockquote>") > MAX_QUOTE_DEPTH and _quote_depth(html) > MAX_QUOTE_DEPTH:
            raise TextTooDeep()
        return _add_heading_ids(_VIDEO_PARAGRAPH.sub(_video_paragraph, html))

    def convert_inline(self, text: str) -> str:
        if not text.strip():
            return ""
        html = _cmark(_SPACER + text, CMARK_INLINE_EXTENSIONS)  # always one paragraph: "# 1986" stays text
        return html.strip().removeprefix("<p>" + _SPACER).removesuffix("</p>")


def _cmark(text: str, extensions: tuple[str, ...]) -> str:
    try:
        return cmark.markdown_to_html_with_extensions(text, CMARK_OPTIONS, list(extensions))
    except UnicodeEncodeError:  # a lone surrogate (from a YAML "\ud800" escape): not UTF-8
        return _cmark(text.encode("utf-8", "replace").decode("utf-8"), extensions)
    except UnicodeDecodeError:  # cmark-gfm's footnotes can cut a character in two ('[^\r\u2028'): without them
        return cmark.markdown_to_html_with_extensions(text, CMARK_OPTIONS & ~_OPT.CMARK_OPT_FOOTNOTES, list(extensions))


def _quote_depth(html: str) -> int:
    depth = deepest = 0
    for match in _QUOTE_TAG.finditer(html):
        depth = max(0, depth - 1) if match.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _video_paragraph(match: re.Match[str]) -> str:
    """<p>URL</p> or <p><a href="URL">URL</a></p> of a video page: a "Watch the video" link out."""
    url = htmllib.unescape(match.group(1) or match.group(2))
    host = video_host(url)
    if host is None:
        return match.group(0)
    text = htmllib.escape(WATCH_VIDEO_TEXT.format(host=host))
    return f'<p class="video-link"><a href="{htmllib.escape(url)}">{text}</a></p>'


def _add_heading_ids(html: str) -> str:
    """Python-Markdown's toc ids on cmark's headings: footnote marks and tags dropped, entities decoded,
    ``heading_slug``, repeats (and ids already in the text, the footnotes') numbered _1, _2."""
    if "<h" not in html:
        return html
    used = set(_ID.findall(html))

    def with_id(match: re.Match[str]) -> str:
        level, inner = match.groups()
        name = " ".join(_TAG.sub("", _FOOTNOTE_REF.sub("", inner)).split())
        slug = unique(heading_slug(htmllib.unescape(name), "-"), used)
        return f'<h{level} id="{htmllib.escape(slug)}">{inner}</h{level}>'

    return _HEADING.sub(with_id, html)


# --- Python-Markdown -------------------------------------------------------------------------

class PythonMarkdownEngine:
    """Holds configured markdown.Markdown instances, reused (reset between documents) for speed."""

    name = "python-markdown"

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=list(EXTENSIONS),
            extension_configs={"toc": {"slugify": heading_slug}},
            output_format="html",
        )
        self._md.treeprocessors.register(_VideoLinkProcessor(self._md), "handbill_video_link", 25)
        self._timebox = Timebox(self._convert, _new_python_markdown)  # pathological text is stopped, not hung on
        self._inline = markdown.Markdown(extensions=["smarty"], output_format="html")
        for name in _BLOCK_PROCESSORS:  # one line is never a heading, list or code block
            self._inline.parser.blockprocessors.deregister(name, strict=False)
        self._inline.preprocessors.deregister("html_block", strict=False)

    def convert(self, text: str) -> str:
        return self._timebox.convert(text)

    def _convert(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)

    def convert_inline(self, text: str) -> str:
        self._inline.reset()
        return self._inline.convert(text).removeprefix("<p>").removesuffix("</p>")


def _new_python_markdown():
    """The Markdown conversion, made afresh in timebox's helper process."""
    return PythonMarkdownEngine()._convert


class _VideoLinkProcessor(Treeprocessor):
    """A paragraph holding only a video page's URL becomes a "Watch the video" link out."""

    def run(self, root) -> None:
        for p in root.iter("p"):  # runs before inline parsing: p.text is the raw Markdown
            match = re.fullmatch(r"<?(https?://\S+?)>?", (p.text or "").strip())
            host = video_host(htmllib.unescape(match.group(1))) if match and not len(p) else None
            if host:
                p.text = None
                p.set("class", "video-link")
                link = p.makeelement("a", {"href": htmllib.unescape(match.group(1))})
                link.text = AtomicString(WATCH_VIDEO_TEXT.format(host=host))
                p.append(link)
