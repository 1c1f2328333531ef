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
``_2``, and so is an id the theme gives an element of its own: see ``THEME_IDS``), a paragraph
holding only a YouTube, Vimeo or PeerTube address turned into a "Watch the video" link out
(its text a marker the page fills in, in its own language: see :func:`ui_text`),
tables with their alignment, footnotes, smart quotes and dashes. Python-Markdown does these
with its own extensions; for cmark they are small passes over its HTML, which is regular:
``<h2>text</h2>``, ``<p>...</p>``, attributes always double-quoted and escaped.
"""
from __future__ import annotations

import functools
import html as htmllib
import re
import unicodedata
import os
from importlib.util import find_spec
from typing import Callable, Protocol
from urllib.parse import parse_qs, urlsplit

from cmarkgfm import cmark

from handbill.schema import PETITION_FIELDS, STORY_FIELDS

from handbill.timebox import TextTooDeep

ENGINES = ("commonmark", "python-markdown")  # the values of site.yaml's `markdown:`
DEFAULT_ENGINE = "commonmark"
DISK_CACHED_ENGINES = frozenset({"python-markdown"})  # slow enough that .handbill-cache keeps its bodies

# A UI text a body shows ("Download the video", "▶ Watch the video on YouTube") is in the language of the page that
# shows the body, but a body is rendered once for every page and language that shows it: the rendering holds a marker
# (the string's key and parameters between control characters, which no text holds: every text read is cleaned of
# them, and nh3 keeps them), and the page puts its text in its place (fill_ui_texts).
UI_TEXT_START, UI_TEXT_PARAM, UI_TEXT_END = "\x0e", "\x1f", "\x0f"
_UI_TEXT = re.compile("\x0e([a-z_]+)((?:\x1f[a-z_]+=[^\x0e\x0f\x1f]*)*)\x0f")
_UI_TEXT_CHARACTERS = re.compile("[\x0e\x0f\x1f]")

CMARK_EXTENSIONS = ("table", "strikethrough", "autolink")  # not tasklist (<input>) nor tagfilter (nh3's job)
CMARK_INLINE_EXTENSIONS = ("strikethrough",)  # a title is not made a link by a bare URL in it
_OPT = cmark.Options
CMARK_OPTIONS = (_OPT.CMARK_OPT_SMART | _OPT.CMARK_OPT_FOOTNOTES | _OPT.CMARK_OPT_UNSAFE
                 | _OPT.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES)  # unsafe: raw HTML reaches markup's checks
MAX_QUOTE_DEPTH = 100  # cmark nests > quotes without limit (lists stop at 100 by themselves), nh3 slows down with depth

EXTENSIONS = ("tables", "footnotes", "smarty", "toc", "fenced_code", "sane_lists")  # Python-Markdown's

# The ids the default theme's templates give elements of their own ({key}: a form field's key, {n}: a number); a test
# holds this list to the templates. A text's heading or HTML element never takes one: "## Thank you step" taking
# #thank-you-step would hide the petition's thank-you step, "## Sign" would take the newsletter's link to #sign.
THEME_IDS = (
    "main", "sign", "sign-heading", "count-text", "petition-form", "thank-you-step", "f-consent", "f-consent-error",
    "f-{key}", "f-{key}-error", "f-hp{n}", "thanks-heading-{n}", "share-heading", "share-heading-{n}",
    "cta-heading", "more-heading", "stories-heading", "events-heading", "more-ways-heading", "upcoming-heading",
    "past-heading", "sheet-title", "story-form", "story-thanks-step", "story-thanks-heading-{n}",
    "s-contact", "s-contact-error", "s-publish", "s-publish-error", "s-{key}", "s-{key}-error", "s-hp{n}",
)
_FIELD_KEY = "(?:" + "|".join(sorted({*PETITION_FIELDS, *STORY_FIELDS})) + ")"  # f-{key}: f-email, not f-droid
_THEME_ID = re.compile("|".join(re.escape(name).replace(r"\{key\}", _FIELD_KEY).replace(r"\{n\}", "[0-9]+")
                                for name in THEME_IDS))  # (a number added as _1 never makes another)


_DIST_INFO = re.compile(r"([^-]+)-([^-]+)\.dist-info")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def installed_version(distribution: str) -> str:
    """The installed version of a distribution whose package has its name, read from the name of its
    ``.dist-info`` folder as importlib.metadata does, without loading importlib.metadata (20 ms) or
    the package itself (Python-Markdown: 25 ms); importlib.metadata only when that folder is not there."""
    spec = find_spec(distribution)
    folder = os.path.dirname(os.path.dirname(spec.origin)) if spec is not None and spec.origin else None
    try:
        names = os.listdir(folder) if folder else []
    except OSError:
        names = []
    wanted = _normalized(distribution)
    for name in names:
        match = _DIST_INFO.fullmatch(name)  # "<name>-<version>.dist-info", neither with a "-" in it
        if match and _normalized(match.group(1)) == wanted:
            return match.group(2)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


ENGINE_SETTINGS: str = repr((
    ("commonmark", installed_version("cmarkgfm"), cmark.CMARK_VERSION, CMARK_EXTENSIONS, CMARK_INLINE_EXTENSIONS,
     int(CMARK_OPTIONS), MAX_QUOTE_DEPTH),
    ("python-markdown", installed_version("markdown"), EXTENSIONS, ("toc.slugify", "heading_slug", "content_id")),
    ("theme ids", THEME_IDS),
    ("ui text", UI_TEXT_START, UI_TEXT_PARAM, UI_TEXT_END),
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
        from handbill.markdown_python import PythonMarkdownEngine  # loads Python-Markdown (25 ms) only for sites that use it

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


def ui_text(key: str, **params: str) -> str:
    """The marker of the theme's UI string ``key`` with ``params`` (``host="YouTube"``), for the page to fill in."""
    return UI_TEXT_START + key + "".join(f"{UI_TEXT_PARAM}{name}={value}" for name, value in params.items()) + UI_TEXT_END


def fill_ui_texts(html: str, shown: Callable[[str, dict[str, str]], str]) -> str:
    """A rendered body with each UI text marker replaced by ``shown(key, params)``, the HTML of the text in the
    page's language (the parameters as they were given, HTML-decoded). A stray marker character is dropped."""
    if UI_TEXT_START not in html:
        return html

    def filled(match: re.Match[str]) -> str:
        pairs = (pair.split("=", 1) for pair in match.group(2).split(UI_TEXT_PARAM)[1:])
        return shown(match.group(1), {name: htmllib.unescape(value) for name, value in pairs})

    return _UI_TEXT_CHARACTERS.sub("", _UI_TEXT.sub(filled, html))


def _kept_in_slug(char: str) -> bool:
    return char in "-_" or char.isspace() or unicodedata.category(char)[0] in "LMN"


_DROPPED_ASCII = {code: None for code in range(128) if not _kept_in_slug(chr(code))}  # for str.translate


def heading_slug(text: str, separator: str) -> str:
    """A heading's id: Python-Markdown's ``slugify_unicode`` (lower case, punctuation dropped, spaces
    to ``separator``), except that combining marks are kept: without them Hindi, Bengali, Nepali and
    Sinhala ids lose their vowel signs (``नमस्ते`` would become ``नमसत``)."""
    if text.isascii():
        return _separator_runs(separator).sub(separator, text.translate(_DROPPED_ASCII).strip().lower())
    kept = "".join(filter(_kept_in_slug, text.replace("İ", "i")))  # Turkish İ: lower() adds a combining dot
    return _separator_runs(separator).sub(separator, kept.strip().lower())


def content_id(name: str) -> str:
    """The id an element of a text takes: ``name``, or when the theme uses that id, the first of ``name_1``,
    ``name_2`` ... it does not, as a repeated heading is numbered."""
    while _THEME_ID.fullmatch(name):
        name = _numbered_next(name)
    return name


def heading_id(text: str, separator: str) -> str:
    """Python-Markdown's toc slugify: ``heading_slug``, clear of the theme's ids."""
    return content_id(heading_slug(text, separator))


@functools.lru_cache(maxsize=8)
def _separator_runs(separator: str) -> re.Pattern[str]:
    return re.compile(rf"[{re.escape(separator)}\s]+")


# --- CommonMark (cmark-gfm) ----------------------------------------------------------------------

_SPACER = "\u3000"  # an ideographic space: no block starts with it, and quotes after it open
_HEADING = re.compile(r"<h([1-6])>([^<]*(?:<(?!/?h[1-6][\s/>])[^<]*)*)</h\1>")  # stops at any other <hN: linear
_ID = re.compile(r'\sid="([^"]*)"')
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>')
_TAG = re.compile(r"<!--.*?-->|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.DOTALL)
_URL = r"https?://[^\s<>\"]+"
_VIDEO_PARAGRAPH = re.compile(rf'<p>(?:<a href="([^"]*)">{_URL}</a>|({_URL}))</p>')
_QUOTE_TAG = re.compile(r"<(/?)blockquote>")
_NUMBERED = re.compile(r"^(.*)_([0-9]+)$")


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
    text = htmllib.escape(ui_text("video_watch_on", host=host))
    return f'<p class="video-link"><a href="{htmllib.escape(url)}">{text}</a></p>'


def unique(slug: str, used: set[str], resumed: dict[str, str] | None = None) -> str:
    """``slug``, or with ``_1``, ``_2``... added when it is taken: Python-Markdown's toc ``unique``, so both
    engines number repeated headings alike (a test holds them to it). ``resumed`` (one per document) goes
    on from the name last given for the same ``slug``: every name before it is taken, as names are only
    ever added, so 10,000 headings alike cost 10,000 steps instead of 50 million."""
    start = slug
    if resumed is not None and start in resumed:
        slug = resumed[start]
    while slug in used or not slug or _THEME_ID.fullmatch(slug):
        slug = _numbered_next(slug)
    used.add(slug)
    if resumed is not None:
        resumed[start] = slug
    return slug


def _numbered_next(slug: str) -> str:
    match = _NUMBERED.match(slug)
    return f"{match.group(1)}_{int(match.group(2)) + 1}" if match else f"{slug}_1"


def _add_heading_ids(html: str) -> str:
    """Python-Markdown's toc ids on cmark's headings: footnote marks and tags dropped, entities decoded,
    ``heading_slug``, repeats (and ids already in the text, the footnotes', and the theme's) numbered _1, _2."""
    if "<h" not in html:
        return html
    used = set(map(content_id, _ID.findall(html))) if 'id="' in html else set()  # (tried at every position: 27 µs)
    resumed: dict[str, str] = {}

    def with_id(match: re.Match[str]) -> str:
        level, inner = match.groups()
        name = " ".join((_TAG.sub("", _FOOTNOTE_REF.sub("", inner)) if "<" in inner else inner).split())
        slug = unique(heading_slug(htmllib.unescape(name), "-"), used, resumed)
        return f'<h{level} id="{htmllib.escape(slug)}">{inner}</h{level}>'

    return _HEADING.sub(with_id, html)
