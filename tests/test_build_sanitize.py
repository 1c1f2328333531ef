"""Raw HTML and script links in content never run script anywhere in the output: pages, feeds, sitemap."""
from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import (MINIMAL, SITE_YAML, errors_of, jpeg_bytes, parse_html, run_build, snapshot, story, text_of,
                      write_project)

ATOM = "{http://www.w3.org/2005/Atom}"
TITLE = "<script>alert('t')</script> Tom & Jerry <b>bold</b>"

BODY = """\
Intro paragraph.

<script>alert(1)</script>

<img src=pic.jpg onerror=alert(1)>

<img src="https://img.example.net/x.png" onerror="alert(1)" onload=alert(1)>

[x](javascript:alert(1)) and [y](JaVaScRiPt:alert(1)) and [z]( javascript:alert(1) )

<a href="JaVaScRiPt:alert(1)">raw</a> <a href="  java&#x09;script:alert(1)">tabbed</a>
<a href="&#106;avascript:alert(1)">entity</a> <a href="vbscript:msgbox(1)">vb</a>

[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

<iframe src="https://evil.example/embed"></iframe>

<div onclick="alert(1)" onmouseover=alert(1)>div</div>

<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)">s</a></svg>

<math><mi xlink:href="javascript:alert(1)">m</mi></math>

<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">

<form action="https://evil.example/"><input name=x onfocus=alert(1) autofocus></form>

<meta http-equiv="refresh" content="0;url=javascript:alert(1)">

<base href="javascript:alert(1)//">

<style>body{background:url(javascript:alert(1))}</style>

<details open ontoggle=alert(1)>d</details>

<a href="https://ok.example.org/" onclick="alert(1)" target="_blank">fine link</a>

![alt" onerror="alert(1)](pic.jpg)

Outro paragraph.
"""

WORLD = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
    "content/en/c/campaign.yaml": (
        "title: \"Water <script>alert('c')</script>\"\n"
        "summary: \"<img src=x onerror=alert('s')>\"\n"
        "body: |\n"
        "  <script>alert(1)</script> [c](javascript:alert(1))\n"
    ),
    "content/en/c/stories/evil.md": story(
        '"' + TITLE.replace('"', '\\"') + '"', BODY,
        extra="summary: \"<img src=x onerror=alert('summary')>\"\n"
              "quote: \"<svg onload=alert('quote')>\"\n"
              "author: \"<a href='javascript:alert(4)'>me</a>\"\n"
              "image: pic.jpg\n"
              "image_alt: \"\\\" onerror=\\\"alert('alt')\"\n"),
    "content/en/c/stories/pic.jpg": jpeg_bytes(30, 20),
    "content/en/pages/about.md": "---\ntitle: \"About <iframe src=javascript:alert(1)>\"\n---\n"
                                 "<a href=\"javascript:alert(1)\">about</a>\n",
}

BAD_SCHEMES = ("javascript", "vbscript", "data", "livescript", "mocha")
URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "xlink:href", "background", "srcset",
             "cite", "ping", "codebase", "lowsrc", "dynsrc", "manifest"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = write_project(tmp_path_factory.mktemp("evil"), WORLD)
    code, _, stderr = run_build(project)
    assert "Traceback" not in stderr
    assert code == 0, stderr
    return snapshot(project / "site"), stderr


def scheme(url: str) -> str:
    squeezed = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url)).lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", squeezed)
    return match.group(1) if match else ""


def unsafe_json(text: str, where: str) -> list[str]:
    """JSON-LD is inert only while it is valid JSON that cannot close its <script> element."""
    try:
        json.loads(text)
    except ValueError:
        return [f"{where}: <script type=application/ld+json> is not JSON: {text[:80]!r}"]
    return [f"{where}: <script type=application/ld+json> holds '<'"] if "<" in text else []


def unsafe_bits(tree: ET.Element, where: str) -> list[str]:
    """Everything in a parsed HTML tree that could run script."""
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "script" and element.get("type") == "application/ld+json" and not element.get("src"):
            found += unsafe_json(element.text or "", where)  # data for search engines, never run
        elif tag == "script" and not (element.get("src") or "").startswith("/static/"):
            found.append(f"{where}: <script> {text_of(element)!r}")
        if tag in ("iframe", "object", "embed", "base", "frame", "frameset", "applet"):
            found.append(f"{where}: <{tag}>")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append(f"{where}: <meta http-equiv=refresh>")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                found.append(f"{where}: <{tag} {name}={value!r}>")
            if (local in URL_ATTRS or name.lower() in URL_ATTRS) and any(
                    scheme(part.strip().split(" ")[0]) in BAD_SCHEMES for part in value.split(",")):
                found.append(f"{where}: <{tag} {name}={value!r}>")
            if local == "style" and "javascript" in value.lower():
                found.append(f"{where}: <{tag} style={value!r}>")
    return found


def test_the_checker_finds_script_in_every_disguise():
    page = parse_html('<script>x</script><script src="https://cdn.example/x.js"></script><a href=" JaVa\tScript:x">a</a>'
                      '<img src=x onerror=y><iframe></iframe><a href="data:text/html,x">d</a>'
                      '<script src="/static/ok.js"></script><script type="application/ld+json">{"a": 1}</script>'
                      '<script type="application/ld+json">{"a":"</script><script>alert(1)</script>"}</script>')
    found = unsafe_bits(page, "page")
    assert len(found) == 8, found


def test_no_built_file_can_run_script(built):
    files, _ = built
    found = []
    checked = 0
    for rel, data in sorted(files.items()):
        if rel.endswith(".html"):
            checked += 1
            found += unsafe_bits(parse_html(data), rel)
        elif rel.endswith(".xml"):
            checked += 1
            root = ET.fromstring(data)  # well-formed
            found += unsafe_bits(root, rel)
            for tag in ("title", "summary", "content", "subtitle", "rights"):
                for element in root.iter(f"{ATOM}{tag}"):  # type="html": markup a feed reader will render
                    if element.get("type") in ("html", "xhtml"):
                        found += unsafe_bits(parse_html(element.text or ""), f"{rel} <{tag}>")
    assert checked >= 10
    assert found == []


def test_structured_data_keeps_the_title_as_data(built):
    files, _ = built
    tree = parse_html(files["c/stories/evil/index.html"])
    blocks = [json.loads(s.text) for s in tree.iter("script") if s.get("type") == "application/ld+json"]
    headlines = [block.get("headline") or block.get("name") for block in blocks]
    assert TITLE in headlines


def test_the_story_page_still_has_its_safe_content(built):
    files, _ = built
    tree = parse_html(files["c/stories/evil/index.html"])
    prose = next(div for div in tree.iter("div") if div.get("class") == "prose")
    text = text_of(prose)
    assert "Intro paragraph." in text and "Outro paragraph." in text
    assert "alert(" not in "".join(prose.itertext()).replace("alert(1)</script>", "")  # script text is gone
    links = {text_of(a): a.get("href") for a in prose.iter("a")}
    assert links["fine link"] == "https://ok.example.org/"
    images = [img for img in prose.iter("img")]
    assert images and all(img.get("src").startswith(("/img/", "https://img.example.net/")) for img in images)


def test_javascript_links_keep_their_text_but_lose_the_target(built):
    files, _ = built
    prose = next(div for div in parse_html(files["c/stories/evil/index.html"]).iter("div")
                 if div.get("class") == "prose")
    text = text_of(prose)
    for word in ("raw", "tabbed", "entity", "vb", "data"):
        assert word in text
    for a in prose.iter("a"):
        assert scheme(a.get("href") or "") in ("", "http", "https", "mailto", "tel")


def test_the_title_is_text_in_h1_title_and_feed(built):
    files, _ = built
    tree = parse_html(files["c/stories/evil/index.html"])
    (h1,) = tree.iter("h1")
    assert "".join(h1.itertext()) == TITLE
    assert list(h1) == []  # no elements were made from the title
    (title,) = tree.iter("title")
    assert title.text.startswith(TITLE + " · ")
    feed = ET.fromstring(files["feed.xml"])
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert TITLE in titles


def test_the_title_is_text_in_lists_and_links(built):
    files, _ = built
    tree = parse_html(files["c/stories/index.html"])
    texts = [text_of(a) for a in tree.iter("a")]
    assert " ".join(TITLE.split()) in texts


def test_text_fields_are_shown_as_text(built):
    files, _ = built
    tree = parse_html(files["c/stories/evil/index.html"])
    byline = next(p for p in tree.iter("p") if p.get("class") == "byline")
    assert byline.find("bdi").text == "<a href='javascript:alert(4)'>me</a>"
    quote = next(b for b in tree.iter("blockquote"))
    assert text_of(quote) == "<svg onload=alert('quote')>"
    description = next(m for m in tree.iter("meta") if m.get("name") == "description")
    assert description.get("content") == "<img src=x onerror=alert('summary')>"
    photo = next(f for f in tree.iter("figure")).find("img")
    assert photo.get("alt") == "\" onerror=\"alert('alt')"


def test_removed_content_is_reported_as_warnings_with_lines(built):
    _, stderr = built
    blocks = [b for b in errors_of(stderr) if b.startswith("content/en/c/stories/evil.md:")]
    assert any("<script> was removed" in b for b in blocks)
    assert any("<iframe> was removed" in b for b in blocks)
    assert any("`onerror` attribute was removed" in b for b in blocks)
    assert any("`javascript:` address was removed" in b for b in blocks)
    assert all(re.match(r"content/en/c/stories/evil\.md:\d+: warning: ", b) for b in blocks)


def test_an_image_that_does_not_exist_is_an_error_even_with_onerror(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/maria.md": story("M", "x\n\n<img src=x onerror=alert(1)>")})
    code, _, stderr = run_build(project)
    assert code == 1
    assert "Traceback" not in stderr
    assert any(b.startswith("content/en/c/stories/maria.md:7:") and "`x` was not found" in b for b in errors_of(stderr))


REMOTE = """\
Intro.

![A chart of the air](https://upload.wikimedia.org/chart.png)

<video controls src="https://cdn.example.com/v.mp4" poster="https://cdn.example.com/p.jpg">Old browsers.</video>

After ![](//tracker.example.net/pixel.gif?id=1) the end.
"""


def test_pictures_and_videos_from_other_sites_become_links(make_project):
    """A page loads nothing from another site: that site would learn who reads the story (a tracking
    pixel is one line of Markdown), and the site's security policy (img-src 'self') blocks it anyway."""
    project = make_project({**MINIMAL, "content/en/c/stories/maria.md": story("Maria", REMOTE)})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    page = parse_html(snapshot(project / "site")["c/stories/maria/index.html"])
    article = next(page.iter("article"))
    assert [e.tag for e in article.iter() if e.tag in ("img", "video", "source", "picture")] == []
    links = {a.get("href"): (text_of(a), a.get("rel")) for a in article.iter("a")}
    assert links["https://upload.wikimedia.org/chart.png"] == ("A chart of the air", "noopener noreferrer")
    assert links["https://cdn.example.com/v.mp4"] == ("cdn.example.com", "noopener noreferrer")
    assert links["//tracker.example.net/pixel.gif?id=1"] == ("tracker.example.net", "noopener noreferrer")
    assert "Old browsers." in text_of(article) and "the end." in text_of(article)
    warnings = [b.splitlines()[0] for b in errors_of(stderr)]
    assert warnings == [
        "content/en/c/stories/maria.md:7: warning: the picture from another site became a link to it: "
        "pages load nothing from other sites",
        "content/en/c/stories/maria.md:9: warning: the video from another site became a link to it: "
        "pages load nothing from other sites",
        "content/en/c/stories/maria.md:11: warning: the picture from another site became a link to it: "
        "pages load nothing from other sites",
    ]


REMOTE_TRICKS = """\
Intro.

[![Donate now](https://cdn.example.com/donate.png)](https://donate.example.org/)

<img srcset="https://tracker.example.net/p.gif 1x" alt="pixel">

<video controls src="https://cdn.example.com/v.mp4"/>

After the video.

<video controls src="clip.mp4" poster="https://tracker.example.net/poster.jpg"></video>
"""


def test_no_picture_link_or_poster_loads_from_another_site_and_links_never_nest(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/clip.mp4": b"\x00\x00\x00\x18ftypmp42",
                            "content/en/c/stories/maria.md": story("Maria", REMOTE_TRICKS)})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    article = next(parse_html(snapshot(project / "site")["c/stories/maria/index.html"]).iter("article"))
    for element in article.iter():
        for name in ("src", "srcset", "poster"):
            assert "example.net" not in (element.get(name) or "") and "cdn.example" not in (element.get(name) or "")
    assert all(a.find(".//a") is None for a in article.iter("a"))  # no link inside a link
    links = {a.get("href"): text_of(a) for a in article.iter("a")}
    assert links["https://donate.example.org/"] == "Donate now"
    assert links["https://cdn.example.com/v.mp4"] == "cdn.example.com"
    assert "After the video." in [text_of(p) for p in article.iter("p")]  # not swallowed by the video's <div>
    assert [v.get("src") for v in article.iter("video")][0].endswith(".mp4")
    warnings = [b.splitlines()[0].split(": warning: ")[1] for b in errors_of(stderr)]
    assert warnings == [
        "the picture from another site was left out for its description: pages load nothing from other sites",
        "the picture from another site was left out: pages load nothing from other sites",
        "the video from another site became a link to it: pages load nothing from other sites",
        "the video's poster from another site was left out: pages load nothing from other sites"]


BYPASSES = """\
Intro.

<!--> <img src="https://evil.example/a.gif"> -->

<!---> <img src="https://evil.example/b.gif"> -->

<img srcset="/\\\\evil.example/p.gif 1x" alt="p">

<a href="https://donate.example.org/"/>![D](https://cdn.example.com/d.png)

<video src="clip.mp4" poster="/\\\\evil.example/poster.jpg"></video>
"""


def test_nothing_loads_from_another_site_whatever_the_rewriter_could_not_see(make_project):
    """The rewriter and the sanitiser may read a comment differently (`<!-->`); a backslash is a slash
    to a browser; an `<a .../>` stays open. The sanitiser's own pass drops any address elsewhere."""
    project = make_project({**MINIMAL, "content/en/c/stories/clip.mp4": b"\\x00\\x00\\x00\\x18ftypmp42",
                            "content/en/c/stories/maria.md": story("Maria", BYPASSES)})
    code, _, stderr = run_build(project)
    assert code == 0 and "Traceback" not in stderr, stderr
    html = snapshot(project / "site")["c/stories/maria/index.html"].decode()
    article = next(parse_html(html).iter("article"))
    for element in article.iter():
        for name in ("src", "srcset", "poster"):
            assert "evil" not in (element.get(name) or "") and "cdn.example" not in (element.get(name) or "")
    assert all(a.find(".//a") is None for a in article.iter("a"))
