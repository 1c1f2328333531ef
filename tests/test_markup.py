"""Markdown to safe HTML: features storytellers use, link resolution, and the sanitiser.

Most tests run with both engines (the ``renderer`` fixture): links, images, video links,
heading ids, footnotes, warnings and the sanitiser behave the same whichever a site uses.
Where the two flavours of Markdown legitimately differ, each engine's own behaviour is asserted.
"""
from __future__ import annotations

import html as htmllib
import re

import html5lib
import pytest

import handbill.markup as markup
from handbill.diagnostics import Diagnostics
from handbill.markdown_engines import DEFAULT_ENGINE, ENGINES, ui_text
from handbill.markup import MARKDOWN_SETTINGS, MarkdownRenderer, Reference, sanitize_html

STORY = "content/en/paid-leave/stories/maria.md"
FORBIDDEN_TAGS = {"script", "iframe", "form", "meta", "base", "style", "object", "embed",
                  "input", "button", "link", "svg", "math", "textarea", "select"}
URL_ATTRIBUTES = {"href", "src", "poster", "action", "formaction", "data", "xlink:href", "background"}


class FakeResolver:
    """Records every call; '.md' pages and images named 'missing...' are unresolved."""

    def __init__(self) -> None:
        self.pages: list[Reference] = []
        self.images: list[Reference] = []

    def page_link(self, ref: Reference) -> str | None:
        self.pages.append(ref)
        if "missing" in ref.target:
            return None
        return "/" + ref.target.split("#")[0].removesuffix(".md").lstrip("./") + "/"

    def page_if_any(self, ref: Reference) -> str | None:
        return None if "missing" in ref.target or "nopage" in ref.target else self.page_link(ref)

    def image(self, ref: Reference) -> dict[str, str] | None:
        self.images.append(ref)
        if "missing" in ref.target:
            return None
        if ref.target.endswith((".mp4", ".webm")):
            return {"src": f"/media/{ref.target}"}
        return {"src": f"/img/{ref.target}", "width": "800", "height": "600",
                "srcset": f"/img/400-{ref.target} 400w, /img/{ref.target} 800w", "sizes": "100vw"}


@pytest.fixture(scope="module", params=ENGINES)
def renderer(request) -> MarkdownRenderer:
    return MarkdownRenderer(request.param)


@pytest.fixture(scope="module")
def commonmark() -> MarkdownRenderer:
    return MarkdownRenderer("commonmark")


@pytest.fixture(scope="module")
def python_markdown() -> MarkdownRenderer:
    return MarkdownRenderer("python-markdown")


def render(renderer: MarkdownRenderer, text: str, first_line: int = 1,
           resolver: FakeResolver | None = None, diags: Diagnostics | None = None) -> str:
    return renderer.render(text, path=STORY, first_line=first_line,
                           resolver=resolver or FakeResolver(), diags=diags or Diagnostics())


def parse(fragment: str):
    """The fragment as a browser would parse it (html5lib), as an ElementTree element."""
    return html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)


def elements(fragment: str, tag: str | None = None) -> list:
    return [el for el in parse(fragment).iter() if isinstance(el.tag, str) and (tag is None or el.tag == tag)]


def text_of(el) -> str:
    return "".join(el.itertext())


def scheme_of(url: str) -> str:
    squeezed = re.sub(r"[\x00-\x20\x7f]", "", htmllib.unescape(url)).lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", squeezed)
    return match.group(1) if match else ""


def assert_safe(fragment: str) -> None:
    for el in elements(fragment):
        tag = el.tag.split("}")[-1]
        assert tag not in FORBIDDEN_TAGS, fragment
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), fragment
            if name in URL_ATTRIBUTES:
                assert scheme_of(value) not in {"javascript", "vbscript", "data"}, fragment
            if name == "srcset":
                assert not re.search(r"(?i)(javascript|vbscript|data)\s*:", value), fragment
            assert name not in ("style", "align"), fragment  # (a strict CSP blocks inline styles; align is obsolete)


# --- what storytellers write ---------------------------------------------------------

def test_table_keeps_alignment_only(renderer):
    out = render(renderer, "| Name | Days |\n|:-----|-----:|\n| Maria | 14 |\n")
    assert [text_of(th) for th in elements(out, "th")] == ["Name", "Days"]
    cells = elements(out, "td")
    assert [text_of(td) for td in cells] == ["Maria", "14"]
    assert [td.get("class") for td in cells] == ["align-start", "align-end"]  # styled by the theme, mirrored in RTL
    assert_safe(out)


@pytest.mark.parametrize("cell, aligned", [
    ('<td align="right">x</td>', "align-end"), ('<td style="text-align: center">x</td>', "align-center"),
    ('<td align="left" style="text-align:justify; color: red" colspan="2">x</td>', "align-justify"),
    ('<td align="middle">x</td>', None), ('<td style="text-align: inherit">x</td>', None), ("<td>x</td>", None),
    ('<th STYLE="TEXT-ALIGN: RIGHT">x</th>', None), ('<th style="text-align:Right">x</th>', "align-end"),
])
def test_a_cells_alignment_written_in_html_becomes_a_class(renderer, cell, aligned):
    out = render(renderer, f"<table><tr>{cell}</tr></table>\n")
    (element,) = [el for el in elements(out) if el.tag.split("}")[-1] in ("td", "th")]
    assert element.get("class") == aligned and "style" not in element.attrib and "align" not in element.attrib


@pytest.mark.parametrize("href, warned", [
    ("http://127.0.0.1:8000/c/stories/maria/", True), ("http://localhost:8000/", True), ("HTTP://LOCALHOST", True),
    ("http://0.0.0.0:8000/x", True), ("https://localhost.example.org/", False),
    ("https://example.org/127.0.0.1/", False), ("maria.md", False),
])
def test_a_link_copied_from_the_preview_is_a_warning_at_its_line(renderer, href, warned):
    diags = Diagnostics()
    render(renderer, f"Intro.\n\nRead [Maria]({href}).\n", first_line=4, resolver=FakeResolver(), diags=diags)
    preview = [d for d in diags.items if "preview" in d.message]
    assert [(d.line, d.severity) for d in preview] == ([(6, "warning")] if warned else [])


@pytest.mark.parametrize("href, linked, warned", [
    ("maria", "/maria/", True), ("../stories/keisha#quote", "/stories/keisha/#quote", True),
    ("nopage", "nopage", False), ("stories/", "stories/", False), ("#top", "#top", False),
])
def test_a_link_to_a_page_without_md_is_linked_to_it_with_a_warning(renderer, href, linked, warned):
    diags = Diagnostics()
    out = render(renderer, f"Read [it]({href}).\n", first_line=3, resolver=FakeResolver(), diags=diags)
    (a,) = elements(out, "a")
    if linked is not None:
        assert a.get("href") == linked
    assert [(d.line, d.hint) for d in diags.items if "without .md" in d.message] == \
        ([(3, f"write it as {href.split('#')[0]}.md, as handbill links to a story or page")] if warned else [])


def test_footnotes_link_to_their_note_and_back(renderer):
    out = render(renderer, "I went back to work.[^1]\n\n[^1]: Two weeks after the birth.\n")
    tree = [el for el in parse(out).iter() if isinstance(el.tag, str)]
    by_id = {el.get("id"): el for el in tree if el.get("id")}
    sup = next(el for el in tree if el.tag == "sup")
    ref = sup.find("a")
    assert "footnote-ref" in (ref.get("class"), sup.get("class"))
    note = by_id[ref.get("href").removeprefix("#")]  # the mark links to the note ...
    assert note.tag == "li" and "Two weeks" in text_of(note)
    back = [a for a in note.iter("a") if a.get("class") == "footnote-backref"][0]
    assert by_id[back.get("href").removeprefix("#")] in (ref, sup)  # ... and the note back to the mark
    notes = [el for el in tree if el.get("class") in ("footnote", "footnotes")]
    assert len(notes) == 1 and note in notes[0].iter()


def test_footnote_markup_of_each_engine(commonmark, python_markdown):
    """The theme styles both: `.footnote` (Python-Markdown's <div>) and `.footnotes` (cmark's <section>)."""
    text = "Text.[^1]\n\n[^1]: The note.\n"
    cm, pm = render(commonmark, text), render(python_markdown, text)
    assert [s.get("class") for s in elements(cm, "section")] == ["footnotes"]
    assert [(a.get("href"), a.get("id")) for a in elements(cm, "sup")[0].iter("a")] == [("#fn-1", "fnref-1")]
    assert elements(cm, "li")[0].get("id") == "fn-1"
    assert "data-footnotes" not in cm and "data-footnote-ref" not in cm  # nh3 keeps only allowlisted attributes
    assert [d.get("class") for d in elements(pm, "div")] == ["footnote"]
    assert elements(pm, "sup")[0].get("id") == "fnref:1" and elements(pm, "li")[0].get("id") == "fn:1"


def test_smart_punctuation(renderer):
    out = render(renderer, 'She said "I had no choice" -- and left... It\'s true.')
    text = text_of(elements(out, "p")[0])
    assert "\u201cI had no choice\u201d" in text
    assert "\u2013" in text and "\u2026" in text and "It\u2019s" in text
    assert "\u201cI had no choice\u201d" in out  # characters, not entities, after sanitising (both engines)


def test_heading_ids_keep_unicode_letters_and_are_unique(renderer):
    out = render(renderer, "## Åsa berättar\n\n## مرحبا بالعالم\n\n## Åsa berättar\n")
    ids = [h.get("id") for h in elements(out, "h2")]
    assert ids[0] == "åsa-berättar"
    assert ids[1] == "مرحبا-بالعالم"
    assert len(set(ids)) == 3


def test_repeated_headings_are_numbered_like_python_markdowns_toc(renderer):
    out = render(renderer, "## Why\n\n## Why\n\n## Why_1\n\n## Why\n\n## !!!\n\n## ???\n")
    assert [h.get("id") for h in elements(out, "h2")] == ["why", "why_1", "why_2", "why_3", "_1", "_2"]


@pytest.mark.parametrize("heading, expected", [
    ("مرحبا بالعالم", "مرحبا-بالعالم"),  # Arabic
    ("नमस्ते दुनिया", "नमस्ते-दुनिया"),  # Devanagari: the vowel signs are kept
    ("আমাদের গল্প", "আমাদের-গল্প"),  # Bengali
    ("ශ්‍රී ලංකාව", "ශ්රී-ලංකාව"),  # Sinhala: the zero-width joiner (a format character) goes
    ("你好，世界", "你好世界"),  # CJK, full-width comma dropped
    ("Ελλάδα και Κύπρος", "ελλάδα-και-κύπρος"),
])
def test_non_latin_headings_get_ids(renderer, heading, expected):
    out = render(renderer, f"## {heading}\n")
    assert elements(out, "h2")[0].get("id") == expected


def test_heading_id_comes_from_the_text_without_tags_entities_or_footnote_marks(renderer):
    out = render(renderer, "## Why[^1] it *matters* &amp; `x<y` to [us](https://example.org)\n\n[^1]: Note.\n")
    assert elements(out, "h2")[0].get("id") == "why-it-matters-xy-to-us"


def test_heading_ids_never_repeat_the_footnotes_ids(renderer):
    out = render(renderer, "## FN 1\n\n## fn:1\n\nText.[^1]\n\n[^1]: Note.\n")
    ids = [el.get("id") for el in elements(out) if el.get("id")]
    assert len(ids) == len(set(ids)) == 4  # two headings, the mark and the note


def test_ids_start_fresh_for_each_document(renderer):
    first = render(renderer, "## Why\n\nText[^1]\n\n[^1]: One.\n")
    second = render(renderer, "## Why\n\nText[^1]\n\n[^1]: Two.\n")
    assert elements(first, "h2")[0].get("id") == elements(second, "h2")[0].get("id") == "why"
    assert "Two." in text_of(elements(second, "li")[0])


def test_headings_are_left_at_the_level_written_below_the_title(renderer):
    diags = Diagnostics()
    out = render(renderer, "## Section\n\n### Part\n\n###### Six\n", diags=diags)
    assert [el.tag for el in elements(out) if el.tag.startswith("h")] == ["h2", "h3", "h6"] and not diags.items


@pytest.mark.parametrize("text, line", [("Intro.\n\n# Top\n\n## Section\n\n###### Six\n", 6),
                                        ("Top\n===\n\n## Section\n\n###### Six\n", 5),
                                        ("Intro.\n\n<h1>Top</h1>\n\n## Section\n\n###### Six\n", 6)])
def test_a_top_level_heading_in_a_text_goes_one_level_down_with_a_warning(renderer, text, line):
    """The page's title is its one <h1>: a `#` heading in the text would be a second one."""
    diags = Diagnostics()
    out = render(renderer, text, first_line=4, diags=diags)
    assert [el.tag for el in elements(out) if el.tag.startswith("h")] == ["h2", "h3", "h6"]
    assert [(d.line, d.severity, d.hint) for d in diags.items] == [
        (line, "warning", "start the headings of a text with ## (the title is the page's # heading)")]


def test_fenced_code_is_text(renderer):
    out = render(renderer, "```html\n<script>alert(1)</script>\n[x](keisha.md)\n```\n")
    code = elements(out, "pre")[0].find("code")
    assert code is not None
    assert "<script>alert(1)</script>" in text_of(code)
    assert_safe(out)


# --- links, images and video ------------------------------------------------------------

def test_md_link_resolved_with_fragment_and_line(renderer):
    resolver = FakeResolver()
    body = "Intro.\n\nRead [Keisha](../wic/stories/keisha.md#quote \"Keisha's story\").\n"
    out = render(renderer, body, first_line=7, resolver=resolver)
    assert resolver.pages == [Reference("../wic/stories/keisha.md#quote", 9)]
    link = elements(out, "a")[0]
    assert link.get("href") == "/wic/stories/keisha/#quote"
    assert link.get("title") == "Keisha's story"
    assert link.get("rel") is None  # in-site links are left as they are


def test_reference_definition_line_and_percent_decoding(renderer):
    resolver = FakeResolver()
    body = "See [the café][cafe] and <a href=\"other.md\">this</a>.\n\n\n[cafe]: caf%C3%A9.md\n"
    out = render(renderer, body, first_line=5, resolver=resolver)
    assert Reference("café.md", 8) in resolver.pages
    assert Reference("other.md", 5) in resolver.pages  # raw HTML links are resolved too
    assert [a.get("href") for a in elements(out, "a")] == ["/café/", "/other/"]


def test_links_with_a_scheme_are_not_resolved(renderer):
    resolver = FakeResolver()
    out = render(renderer, "[a](https://example.org/x.md) [b](mailto:x@example.org) [c](#top)", resolver=resolver)
    assert resolver.pages == []
    rels = {a.get("href"): a.get("rel") for a in elements(out, "a")}
    assert rels == {"https://example.org/x.md": "noopener noreferrer", "mailto:x@example.org": None, "#top": None}


def test_unresolved_link_and_image(renderer):
    resolver, diags = FakeResolver(), Diagnostics()
    out = render(renderer, "[Gone](missing.md#x)\n\n![Gone](missing.jpg)\n", resolver=resolver, diags=diags)
    assert [a.get("href") for a in elements(out, "a")] == ["#"]
    assert elements(out, "img") == []
    assert resolver.images == [Reference("missing.jpg", 3)]
    assert diags.items == []  # the resolver reports these, not markup


def test_image_gets_the_resolvers_attributes(renderer):
    resolver = FakeResolver()
    out = render(renderer, "Text.\n\n![Maria holding her son](maria.jpg \"Maria\")\n", first_line=10, resolver=resolver)
    assert resolver.images == [Reference("maria.jpg", 12)]
    img = elements(out, "img")[0]
    assert img.get("src") == "/img/maria.jpg" and img.get("alt") == "Maria holding her son"
    assert (img.get("width"), img.get("height"), img.get("sizes")) == ("800", "600", "100vw")
    assert img.get("srcset") == "/img/400-maria.jpg 400w, /img/maria.jpg 800w"


def test_raw_and_root_images_are_resolved_remote_ones_become_links(renderer):
    resolver = FakeResolver()
    out = render(renderer, '<img src="/media/logo.png" alt="Logo">\n\n![x](https://example.org/a.jpg)\n',
                 resolver=resolver)
    assert [ref.target for ref in resolver.images] == ["/media/logo.png"]
    assert [img.get("src") for img in elements(out, "img")] == ["/img//media/logo.png"]
    assert [(a.get("href"), text_of(a)) for a in elements(out, "a")] == [("https://example.org/a.jpg", "x")]


def test_local_video_file_becomes_a_video_element(renderer):
    resolver = FakeResolver()
    out = render(renderer, "![Maria speaks](maria.mp4)\n", resolver=resolver)
    assert resolver.images == [Reference("maria.mp4", 1)]
    assert elements(out, "img") == []
    video = elements(out, "video")[0]
    assert video.get("src") == "/media/maria.mp4"
    assert "controls" in video.attrib and video.get("preload") == "metadata"
    fallback = video.find("a")
    assert fallback.get("href") == "/media/maria.mp4"
    assert text_of(fallback) == ui_text("video_download")  # the page puts its own language's text there


def test_a_described_video_alone_in_its_paragraph_is_a_figure_with_its_description_as_caption(renderer):
    out = render(renderer, "Before.\n\n![Maria speaks about <her> first week](maria.mp4)\n\nAfter.\n")
    figure = elements(out, "figure")[0]
    assert [child.tag for child in figure] == ["video", "figcaption"]
    assert text_of(figure.find("figcaption")) == "Maria speaks about <her> first week"
    assert figure.find("video").get("aria-label") is None  # (named once: the caption)
    assert [text_of(p) for p in elements(out, "p")] == ["Before.", "After."]  # no empty paragraph left around it


def test_a_described_video_in_a_line_of_text_is_named_by_aria_label(renderer):
    out = render(renderer, "Watch ![Maria speaks](maria.mp4) now.\n\n- ![In a list](maria.mp4)\n")
    assert elements(out, "figure") == []  # a figure cannot stand in a paragraph
    assert [video.get("aria-label") for video in elements(out, "video")] == ["Maria speaks", "In a list"]


def test_a_video_with_no_description_is_not_given_one(renderer):
    for body in ("![](maria.mp4)\n", '<img src="maria.mp4">\n', '<img src="maria.mp4" alt=" ">\n'):
        out = render(renderer, body)
        assert elements(out, "figure") == [] and elements(out, "figcaption") == []
        assert [video.attrib.get("aria-label") for video in elements(out, "video")] == [None], body


def test_a_pasted_track_is_removed_with_a_warning(renderer):
    diags = Diagnostics()
    out = render(renderer, 'Hi.\n\n<video src="maria.mp4" controls><track kind="captions" src="maria.vtt"></video>\n',
                 diags=diags)
    assert elements(out, "track") == []
    assert [(d.line, d.message) for d in diags.items] == [
        (3, "the <track> was removed: a video's captions are found by their file name")]


def test_marker_characters_written_in_a_text_are_dropped():
    out = render(MarkdownRenderer(), f"A {ui_text('video_download')} B\n")
    assert text_of(parse(out)).strip() == "A video_download B"


@pytest.mark.parametrize("line, host", [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "YouTube"),
    ("<https://youtu.be/dQw4w9WgXcQ>", "YouTube"),
    ("https://vimeo.com/76979871", "Vimeo"),
    ("https://tilvids.com/w/9c9de5e8-0a1e-484a-b099-e80766180a6d", "tilvids.com"),
])
def test_video_page_link_alone_becomes_a_link_out(renderer, line, host):
    out = render(renderer, f"Watch this:\n\n{line}\n")
    paragraph = elements(out, "p")[1]
    assert paragraph.get("class") == "video-link"
    link = paragraph.find("a")
    assert link.get("href") == line.strip("<>")
    assert text_of(link) == ui_text("video_watch_on", host=host)
    assert "noopener" in link.get("rel")
    assert elements(out, "iframe") == [] and elements(out, "video") == []


def test_video_link_inside_text_or_to_other_pages_is_left_alone(renderer):
    out = render(renderer, "See <https://youtu.be/abc> here.\n\nhttps://example.org/about\n")
    assert all(p.get("class") is None for p in elements(out, "p"))
    links = [text_of(a) for a in elements(out, "a")]
    if renderer.engine == "commonmark":  # GitHub makes a bare address a link; Python-Markdown leaves it text
        assert links == ["https://youtu.be/abc", "https://example.org/about"]
    else:
        assert links == ["https://youtu.be/abc"]


def test_a_video_link_written_as_a_link_to_itself_or_with_a_query(commonmark):
    for line in ("[https://youtu.be/abc](https://youtu.be/abc)", "https://www.youtube.com/watch?v=abc&t=42"):
        out = render(commonmark, f"{line}\n")
        paragraph = elements(out, "p")[0]
        assert paragraph.get("class") == "video-link", out
        assert paragraph.find("a").get("href") == line.split("](")[-1].rstrip(")")


# --- the sanitiser ------------------------------------------------------------------------

DISGUISES = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<style>body{display:none}</style>",
    "<img src=x onerror=alert(1)>",
    '<p onclick="alert(1)">hi</p>',
    '<a href="#" OnMouseOver="alert(1)">x</a>',
    '<p style="position:fixed;top:0">overlay</p>',
    "| a |\n|---|\n| b |\n\n<table><tr><td style=\"text-align:right;background:url(javascript:alert(1))\">x</td></tr></table>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example"><input name=x><button formaction="javascript:alert(1)">go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="&#0000106&#0000097vascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java&#x0A;script:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href=" \n\t javascript:alert(1)">x</a>',
    '<a href="&#x20;javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<img src="x.jpg" srcset="data:image/svg+xml,x 1x">',
    '<video poster="javascript:alert(1)" src="javascript:alert(1)"></video>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](&#106;avascript:alert(1))",
    "[x](data:text/html,hello)",
    "![x](javascript:alert(1))",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    "[x][evil]\n\n[evil]: <vbscript:msgbox(1)>",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="keisha.md" title=\'"><script>alert(1)</script>\'>x</a>',
]


@pytest.mark.parametrize("payload", DISGUISES)
def test_nothing_runs_script(renderer, payload):
    out = render(renderer, payload)
    assert_safe(out)
    assert "alert(1)" not in "".join(text_of(el) for el in elements(out, "script"))


def test_script_and_style_content_is_removed(renderer):
    out = render(renderer, "<script>alert('x')</script>\n\n<style>p{}</style>\n\nAfter.\n")
    assert "alert" not in text_of(parse(out)) and "p{}" not in text_of(parse(out))
    assert "After." in text_of(parse(out))


def test_javascript_link_keeps_its_text(renderer):
    out = render(renderer, "[read more](javascript:alert(1))")
    link = elements(out, "a")[0]
    assert text_of(link) == "read more" and link.get("href") is None


def test_removed_content_is_reported_with_its_line(renderer):
    diags = Diagnostics()
    body = "Hi.\n\n<iframe src=\"https://www.youtube.com/embed/x\"></iframe>\n\n<p onclick=\"x()\">a</p>\n\n[x](javascript:alert(1))\n"
    render(renderer, body, first_line=4, diags=diags)
    found = {(d.line, d.message.split(":")[0]) for d in diags.warnings}
    assert (6, "the <iframe> was removed") in found
    assert (8, "the `onclick` attribute was removed") in found
    assert any(d.line == 10 and "javascript:" in d.message for d in diags.warnings)
    assert all(d.path == STORY and d.hint for d in diags.warnings)


def test_sanitize_html_on_its_own():
    out = sanitize_html('<h2 id="a" onclick="x">T</h2><a href="/x/" rel="nofollow" class="c">y</a><blink>z</blink>')
    h2, link = elements(out, "h2")[0], elements(out, "a")[0]
    assert h2.get("id") == "a" and "onclick" not in h2.attrib
    assert link.get("href") == "/x/" and link.get("class") == "c"
    assert "z" in text_of(parse(out)) and elements(out, "blink") == []


# --- short fields ---------------------------------------------------------------------

def test_render_inline_has_no_paragraph(renderer):
    out = renderer.render_inline('I had to "choose" between my *baby* and my `job`.')
    assert not out.startswith("<p") and elements(out, "p") == []
    assert [el.tag for el in elements(out)[1:]] == ["em", "code"]
    assert "\u201cchoose\u201d" in text_of(parse(out))


def test_render_inline_stays_inline_and_safe(renderer):
    out = renderer.render_inline("# 1986. Not a heading <script>alert(1)</script> [x](javascript:alert(1))\n\n- nor a list")
    assert {el.tag for el in elements(out)[1:]} <= {"a"}
    assert "1986. Not a heading" in text_of(parse(out)) and "nor a list" in text_of(parse(out))
    assert_safe(out)
    link = renderer.render_inline("[site](https://example.org)")
    assert elements(link, "a")[0].get("rel") == "noopener noreferrer"


@pytest.mark.parametrize("line", ["# 1986 was the year", "- a list?", "1. first", "> a quote", "+ plus",
                                  "--- dashes", "```code", "[x]: https://example.org", "    indented",
                                  "## Heading", "1) first", "<div>block</div> *em*"])
def test_render_inline_never_makes_a_block(renderer, line):
    out = renderer.render_inline(line)
    assert {el.tag for el in elements(out)[1:]} <= {"em"}
    assert not re.search(r"<(p|h\d|ul|ol|li|blockquote|pre|hr)\b", out), out
    visible = text_of(parse(out))
    assert visible.strip(), out
    assert line.split()[-1].strip("*") in visible


def test_render_inline_of_empty_text(renderer):
    assert renderer.render_inline("") == renderer.render_inline("   \n ") == ""


def test_settings_describe_the_configuration():
    assert isinstance(MARKDOWN_SETTINGS, str)
    assert "toc" in MARKDOWN_SETTINGS and "heading_slug" in MARKDOWN_SETTINGS
    assert "nh3" in MARKDOWN_SETTINGS and "markdown" in MARKDOWN_SETTINGS
    assert "commonmark" in MARKDOWN_SETTINGS and "autolink" in MARKDOWN_SETTINGS


def test_the_default_engine_is_commonmark_and_an_unknown_one_is_refused():
    assert DEFAULT_ENGINE == "commonmark" and MarkdownRenderer().engine == "commonmark"
    with pytest.raises(ValueError, match="commonmark, python-markdown"):
        MarkdownRenderer("markdown-it")


# --- where the two flavours differ ---------------------------------------------------------

def test_a_list_right_after_a_paragraph_line(commonmark, python_markdown):
    text = "What we ask:\n- paid leave\n- clean air\n"
    assert [text_of(li) for li in elements(render(commonmark, text), "li")] == ["paid leave", "clean air"]
    assert elements(render(python_markdown, text), "li") == []  # Python-Markdown wants a blank line first


def test_nested_lists_by_indentation(commonmark, python_markdown):
    two = "- Ohio\n  - Columbus\n"  # GitHub: indented to the parent's text
    four = "- Ohio\n    - Columbus\n"  # Python-Markdown: four spaces
    for renderer, text in ((commonmark, two), (commonmark, four), (python_markdown, four)):
        outer = elements(render(renderer, text), "ul")[0]
        assert outer.find("li/ul/li") is not None, text
    assert len(elements(render(python_markdown, two), "ul")) == 1


def test_hashtag_at_the_start_of_a_line_is_not_a_heading_in_commonmark(commonmark):
    out = render(commonmark, "#PaidLeave now\n\n~~struck~~\n")
    assert elements(out, "h1") == [] and "#PaidLeave now" in text_of(parse(out))
    assert [text_of(el) for el in elements(out, "del")] == ["struck"]


def test_task_list_boxes_are_text_not_form_inputs(commonmark):
    diags = Diagnostics()
    out = render(commonmark, "- [ ] call the mayor\n- [x] sign\n", diags=diags)
    assert elements(out, "input") == [] and diags.items == []
    assert "[ ] call the mayor" in text_of(parse(out))


# --- hostile text to cmark: linear time, finished in the build process, and safe ---------------

HOSTILE = {
    "deep quotes": ">" * 10_000 + " x",
    "deep quotes, spaced": "> " * 50_000 + "x",
    "brackets": "[" * 50_000,
    "image brackets": "![" * 40_000,
    "numbered lists in lists": "1. " * 20_000 + "x",
    "bullets in bullets": "- " * 40_000 + "x",
    "nul bytes": "a\x00b<scr\x00ipt>" * 5_000,
    "wide table": "|" + "a|" * 3_000 + "\n|" + "-|" * 3_000 + "\n" + ("|" + "<b onclick=x>x</b>|" * 3_000 + "\n") * 5,
    "long table": "| a | b |\n|---|---|\n" + "| [x](javascript:alert(1)) | <img src=x onerror=alert(1)> |\n" * 4_000,
    "emphasis": "**_" * 50_000,
    "unclosed tags": "<a <a <a " * 20_000,
    "headings": "<h2>" * 30_000 + "\n\n" + "## x\n" * 3_000,
    "surrogate": "a\ud800b [x](y.md)",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_finishes_and_is_safe(commonmark, name):
    diags = Diagnostics()
    out = render(commonmark, HOSTILE[name], diags=diags)  # no timebox: cmark is linear; this must just return
    assert_safe(out)
    assert "\x00" not in out
    if name.startswith("deep quotes"):  # cmark nests quotes without limit: refused like Python-Markdown's recursion
        assert out == "" and [d.message for d in diags.errors] == [
            "the lists or quotes in this text are nested too deeply to publish"]
    elif name == "wide table":  # refused before cmark pads every row to 3000 cells
        assert out == "" and [d.message for d in diags.errors] == [
            "a table in this text has more than 64 columns, more than a page can show"]
    else:
        assert diags.errors == []


def test_quotes_a_few_levels_deep_are_fine(commonmark):
    out = render(commonmark, "> > > three levels\n")
    assert len(elements(out, "blockquote")) == 3


def test_commonmark_renders_a_story_without_a_helper_process(commonmark, monkeypatch):
    from handbill import timebox
    monkeypatch.setattr(timebox.Timebox, "convert", lambda *a: pytest.fail("cmark is not time-boxed"))
    monkeypatch.setattr(timebox, "INLINE_CHARS", 0)
    out = render(commonmark, "## Title\n\n" + "Words and more words. " * 2_000)
    assert elements(out, "h2")[0].get("id") == "title"


# --- the pattern path for cmark's own tags --------------------------------------------------------------

REGULAR_TEXTS = [  # no "<" in them: every tag in cmark's HTML is cmark's own
    '[a](x.md#frag "t\\"q&amp;") ![alt "q" & x](p%20q.jpg "ti&tle") [f](files/flyer.pdf) [j](javascript:alert(1))',
    "x[^1] and [ref][r] mail@example.org www.example.com/a?b=1&c=2 [e]() ![v](clip.mp4) ![m](missing.jpg)\n\n"
    "[r]: ../c/stories/missing.md\n[^1]: a note with [a link](https://example.org/a_(b))",
    '## Heading & "quotes"\n\n[ü](ü.md) [sp](a%20b.md) ![](/media/x.png) [t](tel:+4612345) [m](mailto:a@b.org)',
    "https://youtu.be/abc123\n\nhttps://vimeo.com/12345\n\n| a | b |\n|---|--:|\n| [x](y.md) | ![i](i.jpg) |",
    "> quoted [link](https://exa.mple/?q=\"x\"&r='y')\n\n1. one ![a](b.jpg 'single')\n2. [two](../two.md#top)",
    "    code [not](a.md)\n\n```\n[fenced](b.md)\n```\n\nVBScript:[v](vbscript:x) [d](data:text/html,x)",
]


class FileResolver(FakeResolver):
    def file_link(self, ref: Reference) -> str | None:
        return None if "missing" in ref.target else f"/files/{ref.target}"


@pytest.mark.parametrize("text", REGULAR_TEXTS)
def test_cmark_tags_found_by_pattern_are_rewritten_as_by_htmlparser(commonmark, text):
    """The fast path for text without HTML gives the same HTML and the same warnings as the parser."""
    html = commonmark._engine.convert(text)
    results = []
    for regular in (False, True):
        diags, resolver = Diagnostics(), FileResolver()
        rewritten = markup._Rewriter(html, markup._SourceLines(text, 3), resolver, STORY, diags).rewrite(regular)
        results.append((rewritten, diags.report(), resolver.pages, resolver.images))
    assert results[0] == results[1]
    assert commonmark._regular(text) and not commonmark._regular(text + " <b>x</b>")


@pytest.mark.parametrize("text", ["[^\r\u20281]", "Before\n\n[^\r\u20281]"])
def test_text_that_breaks_cmarks_footnotes_still_renders(commonmark, text):
    """cmark-gfm's footnote parser can cut a character in two; the text is rendered without footnotes."""
    out = render(commonmark, text)
    assert "\u2028" in htmllib.unescape(out) and "<script" not in out


WEB_ADDRESSES = ["https://example.org/a?b=c#d", "HTTP://EXAMPLE.ORG/", "http://", "https://", "https://x.org/ä",
                 "https://[::1]/", "http://[::1", "https://a b", "http:\t//x.org", "https://x.org/\tpath",
                 "https://user:pw@x.org:8080/p", "http://x.org/page.md", "https://example.org/flyer.pdf",
                 "https://exam\u0130ple.org/", "https://ex\uff03ample.org/", "https://x.org/%20", "httpS://x.org", "https:x.org", "http:/x.org",
                 "mailto:a@b.org", "../x.md", "/media/a.pdf", "#top", "javascript:alert(1)", ""]


@pytest.mark.parametrize("href", WEB_ADDRESSES)
def test_a_web_address_is_rewritten_as_urlsplit_would_have_it(monkeypatch, href):
    """Links to http(s) addresses skip urlsplit: the same attributes, the same order, the same questions."""
    results = []
    for shortcut in (True, False):
        if not shortcut:
            monkeypatch.setattr(markup, "_web_address", lambda href: False)
        resolver = FileResolver()
        rewriter = markup._Rewriter("", markup._SourceLines(f"[a]({href})", 1), resolver, STORY, Diagnostics())
        attrs = rewriter._link({"title": "t", "href": f" {href} ", "rel": "me"})
        results.append((list(attrs.items()), resolver.pages))
    assert results[0] == results[1]


@pytest.mark.parametrize("url", [*WEB_ADDRESSES, "HtTpS://x", "http://&#58;x", "http&#58;//x", " http://x", "\x00http://x",
                                 "ht\ttp://x", "http:", "https:/", "httpx://x", "http://\x01", "jav\tascript:x",
                                 "&#106;avascript:x", "tel:+1", "data:,x", "x:y", "://x"])
def test_the_scheme_of_a_web_address_is_read_as_the_long_way_reads_it(url):
    assert markup._scheme(url) == markup._scheme_the_long_way(url)


def test_the_same_problem_on_two_lines_is_reported_on_both(renderer):
    """Each removed link, tag or missing image is told at its own line, not all at the first one."""
    resolver = FakeResolver()
    diags = Diagnostics()
    text = ("Intro\n\n[one](javascript:alert(1))\n\nmore\n\n[two](javascript:alert(1))\n\n<script>a()</script>\n\n"
            "<script>b()</script>\n\n![x](missing.jpg)\n\nand\n\n![y](missing.jpg)\n")
    render(renderer, text, first_line=5, resolver=resolver, diags=diags)
    assert [(d.line, d.message.split(":")[0]) for d in diags.items] == [
        (7, "the link to a `javascript"), (11, "the link to a `javascript"),
        (13, "the <script> was removed"), (15, "the <script> was removed")]
    assert [ref.line for ref in resolver.images] == [17, 21]


def test_an_h1_in_a_comment_moves_no_heading_and_a_hashtag_is_not_a_heading(renderer):
    diags = Diagnostics()
    out = render(renderer, "<!-- old: <h1>Draft</h1> -->\n\n## Part one\n\ntext\n", diags=diags)
    assert [el.tag for el in elements(out) if el.tag.startswith("h")] == ["h2"] and not diags.items
    diags = Diagnostics()
    render(renderer, "#PaidLeave is trending.\n\nSome text.\n\n# Part one\n\nMore.\n", first_line=6, diags=diags)
    assert [d.line for d in diags.items] == [10]


@pytest.mark.parametrize("text, refused", [
    ("|" + "|".join(["c"] * 64) + "|\n|" + "|".join(["---"] * 64) + "|\n|x|\n", False),  # 64, outer pipes
    ("|".join(["c"] * 64) + "\n" + "|".join(["---"] * 64) + "\n", False),  # 64, none
    ("|".join(["c"] * 65) + "\n" + "|".join(["---"] * 65) + "\n", True),
    ("Our data:\n\n```\n" + "|".join(["---"] * 70) + "\n```\n", False),  # shown in a code block: not a table
])
def test_the_table_limit_counts_columns_whatever_the_pipes_and_skips_code(renderer, text, refused):
    diags = Diagnostics()
    out = render(renderer, text, diags=diags)
    assert (out == "" and bool(diags.errors)) if refused else not diags.errors
