"""Markdown bodies of stories, campaigns and pages, turned into safe HTML.

Stories come from members of the public, so raw HTML is allowed but every page goes
through one sanitising pass (nh3, an explicit allowlist) on the *final* HTML: nothing
that runs script survives, in whatever disguise it was written.

Order of work for a body: the site's Markdown engine renders it (CommonMark by cmark-gfm,
or Python-Markdown; see :mod:`handbill.markdown_engines`; raw HTML passes through), a
rewriter visits every ``<a href>``, ``<img src>`` and ``<video src>`` start tag,
Markdown-made or raw alike, and asks the resolver where ``.md`` links and local
files go; then nh3 cleans the result, resolver output included. All of this but the
first step is the same whichever engine a site uses.

Decisions:

- **No iframes, no third-party requests from our pages.** A paragraph holding only a
  YouTube, Vimeo or PeerTube link becomes a "Watch the video on ..." link out, never
  an embedded player; supporters are not tracked by a video host just by reading a
  story. A local ``.mp4``/``.webm`` written as an image becomes a ``<video>`` with a
  download link as fallback; its description names it, as the ``<figcaption>`` of a
  ``<figure>`` when it is a paragraph of its own, else as its ``aria-label``. Pasted
  ``<iframe>`` embeds are removed with a warning that says how to write the video instead.
- **UI texts in the page's language.** "Download the video" and "Watch the video on ..."
  are the theme's strings ``video_download`` and ``video_watch_on``; a body holds a marker
  for each (see ``markdown_engines.ui_text``), which the page fills in, as a rendered body
  is reused on every page and in every language that shows it.
- **rel:** external ``http(s)`` links get ``rel="noopener noreferrer"`` (the story a
  supporter read is not told to the site they go to); relative, fragment, ``mailto:``
  and ``tel:`` links get no ``rel``, so in-site navigation is untouched. A ``rel``
  written in raw HTML is replaced by this rule. nh3's own ``link_rel`` is off.
- Headings are left at the level written; the page template shows the title as
  ``<h1>``, so bodies should use ``##`` and below.
- **ids:** a heading's id, or an id written in HTML, never takes one the theme gives its
  own elements (``#sign``, ``#main``, ``#thank-you-step``; see ``THEME_IDS``): it is
  numbered ``_1`` as a repeated heading is. ``dir`` (``ltr``, ``rtl``, ``auto``), ``<bdi>``
  and ``<bdo>`` are kept, so a quotation in the other direction reads right.
- A note (``<!--``) never closed with ``-->`` is an error at its line: CommonMark would hide
  the rest of the text, Python-Markdown would publish the note.
"""
from __future__ import annotations

import bisect
import functools
import html as htmllib
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Protocol
from urllib.parse import SplitResult, unquote, urlsplit

import nh3

from handbill.diagnostics import Diagnostics
from handbill.markdown_engines import (DEFAULT_ENGINE, ENGINE_SETTINGS, UI_TEXT_END, UI_TEXT_PARAM, UI_TEXT_START,
                                       content_id, make_engine, ui_text)
from handbill.timebox import MAX_TABLE_COLUMNS, TextTooDeep, TextTooSlow, TextTooWide, explain

EXTERNAL_REL = "noopener noreferrer"
VIDEO_SUFFIXES = (".mp4", ".webm")

INLINE_TAGS = frozenset(
    "a abbr b bdi bdo br cite code del em i ins kbd mark q s small span strong sub sup u".split()
)
ALLOWED_TAGS = INLINE_TAGS | frozenset(
    "p hr h1 h2 h3 h4 h5 h6 blockquote pre ul ol li dl dt dd img video track figure figcaption"
    " table thead tbody tfoot tr th td caption div section".split()
)
_ID_CLASS = {"id", "class"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "id", "class", "rel", "aria-label"},  # aria-label: cmark's footnote back links
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "loading", "decoding", "class"},
    "video": {"src", "controls", "preload", "poster", "width", "height", "aria-label"},  # aria-label: its description
    "track": {"kind", "src", "srclang", "label", "default"},  # only the rewriter's: a pasted <track> is removed
    "th": {"align", "colspan", "rowspan", "style"},  # style: only text-align survives
    "td": {"align", "colspan", "rowspan", "style"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
    **{tag: _ID_CLASS for tag in ("li", "sup", "div", "section", "p")},
    "ol": {"start"},
    "abbr": {"title"},
    "*": {"lang", "title", "dir"},  # on every tag: nh3's own two, and dir for a quotation in the other direction
}
DIRECTIONS = frozenset({"ltr", "rtl", "auto"})  # dir's values (<bdo> takes only ltr and rtl)
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEMES_OR_NONE = URL_SCHEMES | {""}  # no scheme: a relative link
# Removed together with their content (the rest of the disallowed tags keep their text).
CONTENT_REMOVED_TAGS = frozenset({"script", "style", "iframe", "object", "noscript", "template", "svg", "math"})

MARKDOWN_SETTINGS: str = repr((
    ("engines", ENGINE_SETTINGS), ("nh3", nh3.__version__),
    ("tags", sorted(ALLOWED_TAGS)), ("inline_tags", sorted(INLINE_TAGS)),
    ("attributes", sorted((tag, sorted(names)) for tag, names in ALLOWED_ATTRIBUTES.items())),
    ("schemes", sorted(URL_SCHEMES)), ("rel", EXTERNAL_REL), ("dir", sorted(DIRECTIONS)),
    ("video", VIDEO_SUFFIXES, "figure"),
))  # a stable description of everything that shapes the output of both engines, for cache keys; the
# engine a site uses is a key of its own (parsecache), so switching engines never reuses a body


@dataclass(frozen=True)
class Reference:
    """A link or image target found in a body, for the resolver."""

    target: str  # the href/src as written, HTML- and percent-decoded: '../wic/stories/keisha.md#quote'
    line: int  # 1-based line in the original file (front matter included)


class Resolver(Protocol):
    """Turns content paths into URLs; reports its own errors and then returns None."""

    def page_link(self, ref: Reference) -> str | None: ...

    def page_if_any(self, ref: Reference) -> str | None: ...
        # the page a link without .md may mean (`maria` for maria.md); None without a word when there is none

    def image(self, ref: Reference) -> dict[str, str] | None: ...

    def file_link(self, ref: Reference) -> str | None: ...
        # called for every <a href> to a local file that is not a .md page (e.g. `flyer.pdf`,
        # `/media/report.pdf`); returns its published URL, or None after reporting an error.


class MarkdownRenderer:
    """One site's Markdown engine (``commonmark`` or ``python-markdown``), then the rewriting and
    sanitising every body gets. Reused for every body of a build."""

    def __init__(self, engine: str = DEFAULT_ENGINE) -> None:
        self.engine = engine
        self._engine = make_engine(engine)

    def render(self, text: str, *, path: str | Path, first_line: int, resolver: Resolver,
               diags: Diagnostics) -> str:
        """A Markdown body as safe HTML; links and images resolved, unsafe content reported."""
        if UI_TEXT_START in text or UI_TEXT_PARAM in text or UI_TEXT_END in text:  # (no text read has them: see ui_text)
            text = text.replace(UI_TEXT_START, "").replace(UI_TEXT_PARAM, "").replace(UI_TEXT_END, "")
        wide = _wide_table(text) if "|" in text else None
        if wide is not None:  # (checked first: the engines and nh3 would take hundreds of megabytes to make it)
            diags.error(path, first_line + text.count("\n", 0, wide), 0, *explain(TextTooWide()))
            return ""
        try:
            html = self._engine.convert(text)
        except (TextTooSlow, TextTooDeep) as problem:
            diags.error(path, first_line, 0, *explain(problem))
            return ""
        lines = _SourceLines(text, first_line)
        if "<!--" in text and (start := _unclosed_note(text, html)) is not None:
            diags.error(path, first_line + text.count("\n", 0, start), 0,
                        "this note `<!--` is never ended with `-->`, so the page would hide the text after it, "
                        "or show the note itself",
                        "write --> where the note ends (to show the characters <!-- themselves, write \\<!--)")
        html = sanitize_html(_Rewriter(html, lines, resolver, path, diags).rewrite(self._regular(text)))
        return _below_the_title(html, lines, path, diags) if "<h1" in html else html  # (comments are gone by now)

    def render_inline(self, text: str) -> str:
        """One line of Markdown (emphasis, links, code) for short fields; sanitised, no <p>."""
        html = self._engine.convert_inline(" ".join(text.split()))
        html = _Rewriter(html, _SourceLines(text, 1), None, "", None).rewrite(self._regular(text))
        return _clean(html, INLINE_TAGS)

    def _regular(self, text: str) -> bool:
        """True when every tag of the HTML was made by cmark (no HTML written in the text):
        then the tags are regular enough to find with a pattern, 5x faster than HTMLParser."""
        return self.engine == "commonmark" and "<" not in text


_NOTE_SHOWN = re.compile(r"&lt;!(?:--|–|&ndash;)")  # `<!--` as text, after either engine's smart dashes
_CODE_ELEMENT = re.compile(r"<code\b.*?</code>", re.DOTALL | re.IGNORECASE)


def _unclosed_note(text: str, html: str) -> int | None:
    """Where a note (an HTML comment) starts that no ``-->`` ends, None if there is none: CommonMark hides all the
    text after it, Python-Markdown shows the private note as text. ``html``, the engine's, tells a note from
    ``<!--`` shown as code: one outside code is a raw ``<!--`` there, or the characters ``<!--`` as text."""
    start = _open_note(text)
    if start is None:
        return None
    shown = _CODE_ELEMENT.sub("", html)
    return start if _open_note(shown) is not None or _NOTE_SHOWN.search(shown) else None


def _open_note(text: str) -> int | None:
    """The first ``<!--`` after the last ``-->`` (or ``--!>``), leaving out one escaped as ``\\<!--`` or written
    in code (in a fenced block, or after an odd number of backticks on its line)."""
    closed = max((found + len(end) for end in ("-->", "--!>") if (found := text.rfind(end)) != -1), default=0)
    start = text.find("<!--", closed)
    fences, counted_to = 0, 0  # the fences before `start`, counted once however many candidates there are
    while start != -1:
        line = text[text.rfind("\n", 0, start) + 1:start]
        fences += sum(1 for _ in _FENCE.finditer(text, counted_to, start))
        counted_to = start
        if not line.endswith("\\") and line.count("`") % 2 == 0 and fences % 2 == 0:
            return start
        start = text.find("<!--", start + 4)
    return None


_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>/])", re.IGNORECASE)


def _below_the_title(html: str, lines: _SourceLines, path: str | Path, diags: Diagnostics) -> str:
    """A text's headings one level down when it has a top-level one: the page's title is its only <h1>
    (two would confuse screen readers and search engines), so ``# Part one`` is shown as ``## Part one``."""
    if not re.search(r"<h1(?=[\s>/])", html, re.IGNORECASE):
        return html
    diags.warning(path, lines.of_pattern(r"(?m)^ {0,3}#(?:[ \t]|$)|<h1\b|^ {0,3}=+[ \t]*$"), 0,
                  "a top-level heading (#) in the text would be a second title on the page: it is shown as ##",
                  "start the headings of a text with ## (the title is the page's # heading)")
    return _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", html)


# a table's delimiter row (|---|:--:|) with more than MAX_TABLE_COLUMNS cells, outer pipes or not
_CELL = r"[ \t]*:?-+:?[ \t]*"
_WIDE_DELIMITER_ROW = re.compile(rf"^[ \t]{{0,3}}\|?{_CELL}(?:\|{_CELL}){{{MAX_TABLE_COLUMNS},}}\|?[ \t]*$", re.MULTILINE)
_FENCE = re.compile(r"^[ \t]{0,3}(?:```|~~~)", re.MULTILINE)


def _wide_table(text: str) -> int | None:
    """Where a table wider than MAX_TABLE_COLUMNS starts its delimiter row; rows shown in a fenced code
    block (an odd number of fences above them) are not tables."""
    fences: list[int] | None = None
    for match in _WIDE_DELIMITER_ROW.finditer(text):
        if fences is None:
            fences = [fence.start() for fence in _FENCE.finditer(text)]
        if bisect.bisect_left(fences, match.start()) % 2 == 0:
            return match.start()
    return None


def sanitize_html(html: str) -> str:
    """The security pass: keep only allowlisted tags, attributes and URL schemes."""
    return _align_classes(_clean(html, ALLOWED_TAGS))


_CELL_TAG = re.compile(r"<(t[hd])(\s[^>]*)>")
_CELL_STYLE = re.compile(r'\s(style|align)="([^"]*)"')
_TEXT_ALIGN = re.compile(r"text-align:\s*([a-z]+)", re.IGNORECASE)
ALIGNMENTS = {"left": "start", "right": "end", "center": "center", "justify": "justify", "start": "start", "end": "end"}
# (left and right as the start and end of the line: the theme mirrors for right-to-left languages, tables too)


def _align_classes(html: str) -> str:
    """A table cell's alignment as a class (``align-end``, styled by the theme): cmark and Python-Markdown
    write it as an inline style, which the site's Content-Security-Policy blocks, or as ``align``, which
    HTML5 no longer has. Runs on nh3's output, whose tags are regular and whose styles hold only text-align."""
    if "<t" not in html or ("style=" not in html and "align=" not in html):
        return html

    def cell(match: re.Match[str]) -> str:
        tag, attrs = match.groups()
        found = _CELL_STYLE.findall(attrs)
        if not found:
            return match.group(0)
        said = [m.group(1).lower() for kind, value in found if kind == "style" for m in [_TEXT_ALIGN.search(value)] if m]
        said += [value.lower() for kind, value in found if kind == "align"]  # (a style wins over the old attribute)
        wanted = next((ALIGNMENTS[value] for value in said if value in ALIGNMENTS), None)
        aligned = f' class="align-{wanted}"' if wanted else ""
        return f"<{tag}{_CELL_STYLE.sub('', attrs)}{aligned}>"

    return _CELL_TAG.sub(cell, html)


def _clean(html: str, tags: frozenset[str]) -> str:
    return _cleaner(tags).clean(html)


@functools.lru_cache(maxsize=4)
def _cleaner(tags: frozenset[str]) -> nh3.Cleaner:
    """nh3's sanitiser for these tags, configured once (configured on every call, it cost 25 µs a text)."""
    return nh3.Cleaner(
        tags=set(tags),
        clean_content_tags=set(CONTENT_REMOVED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items() if tag in tags or tag == "*"},
        attribute_filter=_filter_attribute,
        link_rel=None,
        url_schemes=set(URL_SCHEMES),
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    """A second, stricter URL check after nh3's own: scheme read with all whitespace removed
    ('jav  ascript:' is dropped too), and every candidate of a srcset checked. And nothing a page
    loads by itself (a picture, a video, a poster) may come from another site: the rewriter made
    those links, but a tag it could not see (inside what it took for a comment) ends here."""
    if attribute in ("href", "src", "poster") and _scheme(value) not in _SCHEMES_OR_NONE:
        return None
    if attribute in ("src", "poster") and element != "a" and _is_remote(value):
        return None
    if attribute == "dir":
        value = value.strip().lower()
        return value if value in DIRECTIONS and not (element == "bdo" and value == "auto") else None
    if attribute == "id":
        return content_id(value)
    if attribute == "srcset":
        urls = [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]
        if any(_scheme(url) not in ("", "http", "https") or _is_remote(url) for url in urls):
            return None
    return value


def _scheme(url: str) -> str:
    """The scheme a browser would see: control chars and whitespace removed, lower case."""
    if _has_web_prefix(url):  # most links; nothing before their ':' can change
        return "https" if url[4] in "sS" else "http"
    return _scheme_the_long_way(url)


def _has_web_prefix(url: str) -> bool:
    return url[:8].lower().startswith(("http://", "https://"))


def _scheme_the_long_way(url: str) -> str:
    squeezed = _INVISIBLE.sub("", htmllib.unescape(url)).lower()
    match = _SCHEME.match(squeezed)
    return match.group(1) if match else ""


_INVISIBLE = re.compile(r"[\x00-\x20\x7f]")
_PREVIEW_ADDRESS = re.compile(r"https?://(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\])(?::\d*)?(?:[/?#]|$)",
                              re.IGNORECASE)
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def _split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url.strip())
    except ValueError:  # e.g. a broken IPv6 host; treated as nothing we can resolve
        return None


def _web_address(href: str) -> bool:
    """An http(s) address ``urlsplit`` takes apart without fail (ASCII, no IPv6 brackets), so its scheme is
    known: a quarter of a story's rewriting was ``urlsplit`` telling just that."""
    return _has_web_prefix(href) and href.isascii() and "[" not in href and "]" not in href


def _is_remote(url: str) -> bool:
    """An address on another site, as a browser reads it: http(s)://..., or //host/... however many
    slashes and backslashes start it (``/\\host``), whatever spaces or control characters are in it."""
    squeezed = _INVISIBLE.sub("", htmllib.unescape(url)).replace("\\", "/")
    return squeezed.startswith("//") or _scheme(squeezed) in ("http", "https")


def _is_local(url: str) -> bool:
    """A path in the content folder: relative, or from the content root ('/media/x.jpg')."""
    parts = _split(url)
    return bool(parts and not parts.scheme and not parts.netloc and parts.path)


_LINK_TARGET = r"\]\(\s*(?:<([^>\n]*)>|([^\s)]+))"  # [text](target "title") and ![alt](target)
_DEFINITION_TARGET = r"^ {0,3}\[[^\]\n]+\]:[ \t]*(?:<([^>\n]*)>|(\S+))"  # [id]: target
_HTML_TARGET = r"<(?:a|img|video)\b[^<>]*?\s(?:href|src)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))"  # raw HTML


@functools.lru_cache(maxsize=4)
def _target_pattern(definitions: bool = True, html: bool = True) -> re.Pattern[str]:
    """Where link and image targets are written. An alternative that cannot match (a definition needs
    "]:", raw HTML a "<") is left out: each is tried at every position, and the one starting with ^
    costs 35 µs a story. The other alternatives match exactly as in the whole pattern."""
    parts = [_LINK_TARGET, *[_DEFINITION_TARGET] * definitions, *[_HTML_TARGET] * html]
    return re.compile("|".join(parts), re.IGNORECASE | re.MULTILINE)


def _target_key(target: str) -> str:
    return unquote(htmllib.unescape(target.strip()))


MAX_SEARCHES = 200  # different patterns a text's problems are looked up by (see _SourceLines.of_pattern)


class _SourceLines:
    """Where things are written in the original file; the engines' HTML keeps no line numbers.

    Worked out when first asked: only a link the resolver answers (a local page or file) or a
    warning needs a line, and most stories have neither (27 µs a story)."""

    def __init__(self, text: str, first_line: int) -> None:
        self._text = text
        self._first_line = first_line
        self._found: dict[str, list[int]] = {}  # pattern -> lines: thousands of the same pasted tag are one search
        self._asked: dict[str, int] = {}  # target or pattern -> how often its line was asked for

    @functools.cached_property
    def _newlines(self) -> list[int]:
        return [match.start() for match in re.finditer("\n", self._text)]  # so a line is found in log time

    @functools.cached_property
    def _targets(self) -> dict[str, list[int]]:
        targets: dict[str, list[int]] = {}
        for match in _target_pattern("]:" in self._text, "<" in self._text).finditer(self._text):
            group = next(i for i, value in enumerate(match.groups(), 1) if value is not None)
            targets.setdefault(_target_key(match.group(group)), []).append(self._line_at(match.start(group)))
        return targets

    def _line_at(self, offset: int) -> int:
        return self._first_line + bisect.bisect_left(self._newlines, offset)

    def of_target(self, target: str) -> int:
        """The line where a link/image target is written: where it is written first, the next place the
        next time it is asked for (the rewriter asks in the order of the text, so the same broken link
        on two lines is reported on both), the body's first line if unsure."""
        key = _target_key(target)
        if key in self._targets:
            return self._next(f"target:{key}", self._targets[key])
        return self.of_pattern(re.escape(target))

    def of_pattern(self, pattern: str) -> int:
        """The line of the next place ``pattern`` matches, as :meth:`of_target`. Each new pattern is a search
        of the whole text: past MAX_SEARCHES different ones (thousands of different pasted attributes, or
        targets with a ")" in them), the rest are said to be on the body's first line, so a hostile text
        costs a bounded number of searches instead of one per problem."""
        if pattern not in self._found:
            if len(self._found) >= MAX_SEARCHES:
                return self._first_line
            self._found[pattern] = [self._line_at(match.start())
                                    for match in re.finditer(pattern, self._text, re.IGNORECASE)] or [self._first_line]
        return self._next(pattern, self._found[pattern])

    def line(self, number: int) -> str:
        """The text of the file's line ``number`` (one of the body's), or "" when it is not one."""
        index = number - self._first_line
        if not 0 <= index <= len(self._newlines):
            return ""
        start = self._newlines[index - 1] + 1 if index else 0
        end = self._newlines[index] if index < len(self._newlines) else len(self._text)
        return self._text[start:end]

    def _next(self, key: str, lines: list[int]) -> int:
        asked = self._asked.get(key, 0)
        self._asked[key] = asked + 1
        return lines[min(asked, len(lines) - 1)]


_WARNED_TAGS = {  # tags a volunteer may paste in, what we say about their removal, and the fix
    "iframe embed object": ("pages never embed other sites' players or widgets",
                            "for a video, put its YouTube, Vimeo or PeerTube link alone on a line"),
    "script style svg math": ("pasted scripts and styles never reach the page",
                              "delete it; the theme styles every page"),
    "form input button select textarea": ("pasted forms never reach the page",
                                          "delete it; the campaign page has the petition form"),
    "meta base link": ("it has no place in the text", "delete it; page settings come from the front matter"),
    "track": ("a video's captions are found by their file name",
              "save the captions beside the video, named after it: maria.vtt, or maria.sv.vtt for each language"),
}
_TAG_WARNINGS = {tag: texts for tags, texts in _WARNED_TAGS.items() for tag in tags.split()}


_UNDESCRIBED_IMAGE = re.compile(r"!\[\s*\]")  # ![](photo.jpg) and ![ ][photo]
_GENERATED_TAG = re.compile(r"<(a|img)(\s[^>]*)?>|</a>")  # in cmark's HTML: the tags the rewriter acts on
_GENERATED_ATTRIBUTE = re.compile(r'([a-z][a-z0-9-]*)(?:="([^"]*)")?')  # name="escaped value", or a bare name


class _Rewriter(HTMLParser):
    """Resolves links and media in rendered HTML by editing start tags in place."""

    def __init__(self, html: str, lines: _SourceLines, resolver: Resolver | None,
                 path: str | Path, diags: Diagnostics | None) -> None:
        super().__init__(convert_charrefs=True)
        self._html, self._lines, self._resolver = html, lines, resolver
        self._path, self._diags = path, diags
        self._line_starts: list[int] = []  # where each line of html starts, for HTMLParser's positions
        self._edits: list[tuple[int, int, str]] = []
        self._videos_replaced = 0  # <video> start tags made into a <div> whose </video> is still to come
        self._links_open = 0  # inside an <a>: a picture made into a link would nest links
        self._self_closing = False  # the tag being visited ends itself (<video/>)
        self._tag_end = 0  # where the start tag being visited ends in the HTML

    def rewrite(self, regular: bool = False) -> str:
        """The HTML with links and media resolved. ``regular``: every tag was made by cmark,
        which double-quotes and escapes every attribute, so a pattern finds the <a> and <img>
        tags exactly, with the same attributes HTMLParser would give."""
        if regular:
            for match in _GENERATED_TAG.finditer(self._html):
                if match.group(1) is None:  # </a>
                    self._links_open = max(0, self._links_open - 1)
                    continue
                attrs = [(name, None if value is None else htmllib.unescape(value))
                         for name, value in map(re.Match.groups, _GENERATED_ATTRIBUTE.finditer(match.group(2) or ""))]
                self._visit(match.group(1), attrs, match.start(), match.end())
        else:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self._html)]
            self.feed(self._html)
            self.close()
        out, last = [], 0
        for start, end, new in self._edits:
            out += [self._html[last:start], new]
            last = end
        return "".join(out) + self._html[last:]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, col = self.getpos()
        start = self._line_starts[line - 1] + col
        self._visit(tag, attrs, start, start + len(self.get_starttag_text() or ""))

    def _visit(self, tag: str, attrs: list[tuple[str, str | None]], start: int, end: int) -> None:
        """One start tag, at html[start:end]: warn about what is unsafe, rewrite what must be."""
        first: dict[str, str | None] = {}
        for name, value in attrs:
            first.setdefault(name, value)  # browsers keep the first of duplicate attributes
        if self._diags is not None:
            self._warn_unsafe(tag, first)
        alone = tag == "img" and self._html.endswith("<p>", 0, start) and self._html.startswith("</p>", end)
        self._tag_end = end
        new = self._rewrite_tag(tag, first, alone)
        if new is not None:
            if new.startswith("<figure>"):  # (made only for a tag alone in its paragraph, whose place it takes)
                start, end = start - len("<p>"), end + len("</p>")
            self._edits.append((start, end, new))
        if tag == "a":  # (an <a .../> too: a browser leaves it open)
            self._links_open += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._self_closing = True
        try:
            self.handle_starttag(tag, attrs)
        finally:
            self._self_closing = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._links_open = max(0, self._links_open - 1)
        if tag == "video" and self._videos_replaced:
            self._videos_replaced -= 1
            line, col = self.getpos()
            start = self._line_starts[line - 1] + col
            self._edits.append((start, self._html.index(">", start) + 1, "</div>"))

    def _rewrite_tag(self, tag: str, attrs: dict[str, str | None], alone: bool = False) -> str | None:
        """The tag's new HTML, None to keep it. ``alone``: an <img> that is all of its paragraph."""
        if tag == "a" and attrs.get("href") is not None:
            return _start_tag("a", self._link(attrs))
        if tag == "track":
            return ""  # (told in _warn_unsafe) its file would not be published; captions files are found by name
        if tag not in ("img", "video") or self._resolver is None:
            return None
        src = attrs.get("src") or ""
        if _is_remote(src):
            return self._link_instead(tag, src, attrs)
        given, attrs = attrs, self._without_other_sites(tag, attrs)
        if _is_local(src):
            reference = self._reference(src)
            resolved = self._resolver.image(reference)
            if resolved is None:
                return ""  # the resolver reported it; a broken image is dropped
            if tag == "video":
                return _start_tag("video", {**attrs, "src": resolved["src"]}) + _track_tags(resolved.get("tracks")) \
                    + self._close_video()
            if _split(src).path.lower().endswith(VIDEO_SUFFIXES):
                return _video_tag(resolved["src"], " ".join((attrs.get("alt") or "").split()), alone,
                                  resolved.get("tracks"))
            kept = {k: v for k, v in attrs.items() if k not in ("src", "srcset", "sizes")}
            if not (kept.get("alt") or "").strip():
                self._undescribed(kept.get("alt"), reference.line)
                kept["alt"] = ""  # (an <img> without alt is read out by its file name)
            return _start_tag("img", {**kept, **resolved})
        return _start_tag(tag, attrs) if attrs != given else None

    def _close_video(self) -> str:
        """``</video>`` when the <video> just read is never closed (``<video src=x.mp4>`` or ``<video .../>``,
        which a browser leaves open too): everything after it would be its fallback, never shown."""
        later = self._html.lower()
        closed, opened = later.find("</video", self._tag_end), later.find("<video", self._tag_end)
        if closed >= 0 and (opened < 0 or closed < opened):
            return ""
        if self._diags is not None and not self._self_closing:
            self._diags.warning(self._path, self._lines.of_pattern(r"<\s*video\b"), 0,
                                "this <video> is never closed, so the rest of the story would be hidden inside it; "
                                "it was closed right after the video", "write </video> after it")
        return "</video>"

    def _undescribed(self, alt: str | None, line: int) -> None:
        """Warn about a photo with no description: ``![](photo.jpg)``, or an <img> without alt. An ``alt=""``
        written in HTML is left alone: it marks a picture that only decorates, on purpose."""
        if self._diags is None:
            return
        written = self._lines.line(line)
        if alt is None:
            hint = 'add alt="what the photo shows" to the <img>, for people who cannot see it'
        elif _UNDESCRIBED_IMAGE.search(written):
            hint = "write what it shows between the brackets, like ![Maria at the march](photo.jpg)"
        else:
            return
        self._diags.warning(self._path, line, 0, "this photo has no description, so people who cannot see it "
                            "are told nothing about it", hint)

    def _without_other_sites(self, tag: str, attrs: dict[str, str | None]) -> dict[str, str | None]:
        """The attributes without a srcset or poster that would load something from another site."""
        dropped = [name for name in ("srcset", "poster") if name in attrs and any(
            _is_remote(candidate.split()[0]) for candidate in (attrs[name] or "").split(",") if candidate.strip())]
        if not dropped:
            return attrs
        if self._diags is not None:
            what = "picture" if tag == "img" else "video's poster"
            self._diags.warning(self._path, self._lines.of_pattern(rf"\b{dropped[0]}\s*="), 0,
                                f"the {what} from another site was left out: pages load nothing from other sites",
                                "save the file beside the story and write its file name instead of its address")
        return {name: value for name, value in attrs.items() if name not in dropped and not (
            name == "sizes" and "srcset" in dropped)}

    def _link_instead(self, tag: str, src: str, attrs: dict[str, str | None]) -> str:
        """A picture or video from another site, as a link to it: loading it would tell that site who
        reads the story (and the site's security policy blocks it anyway)."""
        what = "picture" if tag == "img" else "video"
        nested = self._links_open > 0  # a picture that is a link already: its description, no second link
        if self._diags is not None:
            became = "was left out for its description" if nested else "became a link to it"
            self._diags.warning(self._path, self._lines.of_target(src), 0,
                                f"the {what} from another site {became}: pages load nothing from other sites",
                                f"save the {what} beside the story and write its file name instead of its address")
        address = src.strip()
        site = _split(address).netloc or address  # _is_remote: it splits
        text = htmllib.escape((attrs.get("alt") or "").strip() or site if tag == "img" else site)
        shown = text if nested else f'{_start_tag("a", {"href": address, "rel": EXTERNAL_REL})}{text}</a>'
        if tag == "video" and self._self_closing:
            return f"<div>{shown}</div>"
        if tag == "video":  # what it holds (a line for old browsers) stays, in a <div> (see handle_endtag)
            self._videos_replaced += 1
            return f"<div>{shown} "
        return shown

    def _link(self, attrs: dict[str, str | None]) -> dict[str, str | None]:
        href = (attrs["href"] or "").strip()
        if self._diags is not None and _PREVIEW_ADDRESS.match(href):
            self._diags.warning(self._path, self._lines.of_target(attrs["href"] or ""), 0,
                                f"the link to {href} points at this computer (the preview's address), "
                                "which nobody else can open",
                                "link to the file instead, like maria.md or ../stories/maria.md")
        if _web_address(href):  # most links: nothing to resolve, no need to take the address apart
            return {k: v for k, v in attrs.items() if k != "rel"} | {"href": href, "rel": EXTERNAL_REL}
        parts = _split(href)
        is_page = parts and not parts.scheme and not parts.netloc and parts.path.lower().endswith(".md")
        if is_page and self._resolver is not None:
            url = self._resolver.page_link(self._reference(href))
            href = "#" if url is None else url + (f"#{parts.fragment}" if parts.fragment else "")
        elif parts and _is_file_link(parts) and self._resolver is not None:
            url = self._resolver.file_link(self._reference(href))
            href = "#" if url is None else url
        elif parts and _bare_name(parts) and self._resolver is not None:  # `maria`: a browser would go nowhere
            reference = self._reference(href)
            url = self._resolver.page_if_any(Reference(reference.target.split("#", 1)[0] + ".md", reference.line))
            if url is not None:
                if self._diags is not None:
                    self._diags.warning(self._path, reference.line, 0,
                                        f"the link to `{href}` names a page without .md; it was linked to that page",
                                        f"write it as {parts.path}.md, as handbill links to a story or page")
                href = url + (f"#{parts.fragment}" if parts.fragment else "")
        attrs = {k: v for k, v in attrs.items() if k != "rel"} | {"href": href}
        if parts and parts.scheme in ("http", "https"):
            attrs["rel"] = EXTERNAL_REL
        return attrs

    def _reference(self, target: str) -> Reference:
        return Reference(unquote(target), self._lines.of_target(target))

    def _warn_unsafe(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag in _TAG_WARNINGS:
            why, hint = _TAG_WARNINGS[tag]
            line = self._lines.of_pattern(rf"<\s*{re.escape(tag)}\b")
            self._diags.warning(self._path, line, 0, f"the <{tag}> was removed: {why}", hint)
        if tag == "bdo" and (attrs.get("dir") or "").strip().lower() not in ("ltr", "rtl"):
            line = self._lines.of_pattern(r"<\s*bdo\b(?![^>]*\bdir\s*=\s*[\"']?\s*(?:ltr|rtl)\b)")
            self._diags.warning(self._path, line, 0,
                                '<bdo> needs dir="ltr" or dir="rtl": without it, browsers guess which way the text runs',
                                'write <bdo dir="ltr"> or <bdo dir="rtl">; to keep a name apart from the text '
                                'around it, use <bdi> instead')
        elif "dir" in attrs and (attrs["dir"] or "").strip().lower() not in DIRECTIONS:
            line = self._lines.of_pattern(rf"\bdir\s*=\s*[\"']?{re.escape(attrs['dir'] or '')}")
            self._diags.warning(self._path, line, 0,
                                f"dir=\"{attrs['dir'] or ''}\" was removed: a direction is ltr, rtl or auto",
                                'write dir="ltr" (left to right), dir="rtl" (right to left) or dir="auto"')
        for name, value in attrs.items():
            if name.startswith("on"):
                line = self._lines.of_pattern(rf"\b{re.escape(name)}\s*=")
                self._diags.warning(self._path, line, 0, f"the `{name}` attribute was removed: "
                                    "pasted scripts never run", f"delete `{name}=...`")
            elif name in ("href", "src", "poster") and _scheme(value or "") not in _SCHEMES_OR_NONE:
                self._diags.warning(
                    self._path, self._lines.of_target(value or ""), 0,
                    f"the link to a `{_scheme(value or '')}:` address was removed",
                    "links may point to web pages (https://...), email (mailto:) or phone numbers (tel:)",
                )


def _bare_name(parts: SplitResult) -> bool:
    """A relative link to a name without a suffix (`maria`, `../keisha`): a story or page's file name written
    without its .md, most likely, which a browser would look for beside the page's own address."""
    return (not parts.scheme and not parts.netloc and bool(parts.path) and not parts.path.startswith("/")
            and not parts.path.endswith("/") and "." not in parts.path.rsplit("/", 1)[-1])


def _is_file_link(parts: SplitResult) -> bool:
    """A link to a local file such as `flyer.pdf` or `/media/report.pdf` (not a page, not a folder)."""
    if parts.scheme or parts.netloc or not parts.path or parts.path.endswith("/"):
        return False
    if parts.path.startswith("/") and not parts.path.startswith("/media/"):
        return False
    return "." in parts.path.rsplit("/", 1)[-1]


def _start_tag(tag: str, attrs: dict[str, str | None]) -> str:
    parts = [tag] + [name if value is None else f'{name}="{htmllib.escape(value)}"'
                     for name, value in attrs.items()]
    return f"<{' '.join(parts)}>"


def _video_tag(src: str, description: str, alone: bool, tracks: str | None = None) -> str:
    """A video file written as a picture: a player, with a download link for a browser without one (its text
    a marker: see markdown_engines.ui_text). Its description names it: the caption of a figure when the
    picture was a paragraph of its own (``alone``), else (a figure cannot stand in a line of text) its aria-label.
    ``tracks``: its captions files, as the resolver gives them."""
    figure = bool(description) and alone
    video = _start_tag("video", {"controls": None, "preload": "metadata", "src": src,
                                 **({"aria-label": description} if description and not figure else {})})
    video += _track_tags(tracks)
    video += f'{_start_tag("a", {"href": src})}{ui_text("video_download")}</a></video>'
    return f"<figure>{video}<figcaption>{htmllib.escape(description)}</figcaption></figure>" if figure else video


def _track_tags(tracks: str | None) -> str:
    """The <track> of each captions file: ``tracks`` is the resolver's JSON ``[[href, language, label, on], ...]``."""
    return "".join(_start_tag("track", {"kind": "captions", "src": href, "srclang": lang, "label": label,
                                        **({"default": None} if on else {})})
                   for href, lang, label, on in json.loads(tracks or "[]"))
