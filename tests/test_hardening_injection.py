"""Injection: hostile text lands in every place a value goes (title, headings, meta description, Open Graph,
JSON-LD, feed, sitemap, alt text, share links, form fields, calendar files, UI strings) escaped for that place,
and reads back exactly; no script from content runs; colours must be colours; URLs in config must be https."""
from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import MINIMAL, build_files, jpeg_bytes, page, parse_html, run_build, story, text_of, write_project
from hardening_helpers import problems

# Quotes of both kinds, markup, a script end, a comment, template and format syntax, a backslash, a CDATA
# end and U+2028 (a line end for old JavaScript parsers): each must reach the reader as these characters.
H = 'Tom & "Jerry" <b>x</b> </script><!-- \' {{ 7*7 }} {count} %s \\ ]]> \u2028 end'
SITE_H = "Site " + H
U = 'Sign & "now" <b>x</b> </script><!-- \' \\ ]]> \u2028 end'  # UI strings check {placeholders}: none here
BASE = "https://example.org/a&b/"  # an & in base_url must survive into every link


def y(text: str) -> str:
    """``text`` as a YAML double-quoted value (JSON is valid YAML there)."""
    return json.dumps(text)


WORLD = {
    **MINIMAL,
    "content/site.yaml": f"title: {y(SITE_H)}\nbase_url: {BASE}\ndefault_locale: en\n"
                         "petition:\n  endpoint: https://forms.example.org/sign\n",
    "content/en/strings.yaml": f"sign_button: {y(U)}\nshare_heading: {y(U)}\n",
    "content/en/c/campaign.yaml": (
        f"title: {y(H)}\nsummary: {y(H)}\nbody: Sign it.\nimage: hero.jpg\nimage_alt: {y(H)}\n"
        "colors: {primary: \"#B3123B\"}\n"
        f"share:\n  text: {y(H)}\n"
        f"petition:\n  consent: {y(H)}\n  thank_you: {y(H)}\n  hidden: {{list: {y(H)}}}\n  goal: 100\n  count: 5\n"
        f"events:\n  - title: {y(H)}\n    date: 2027-01-02T10:00\n    city: {y(H)}\n"
    ),
    "content/en/c/hero.jpg": jpeg_bytes(),
    "content/en/c/stories/maria.md": story(
        y(H), "## Tom & Jerry <3 {{ 7*7 }} {count} %s 100%\n\nThe story.",
        extra=f"summary: {y(H)}\nauthor: {y(H)}\nquote: {y(H)}\ntags: [{y(H)}]\nimage: ../hero.jpg\nimage_alt: {y(H)}\n"),
    "content/en/pages/about.md": page(y(H)),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    project = write_project(tmp_path_factory.mktemp("injection"), WORLD)
    return build_files(project, workers=1)


def metas(tree) -> dict[str, str]:
    return {(m.get("property") or m.get("name")): m.get("content") for m in tree.iter("meta")
            if m.get("property") or m.get("name")}


def json_ld(tree) -> dict:
    (script,) = [s for s in tree.iter("script") if s.get("type") == "application/ld+json"]
    return json.loads(script.text)


@pytest.mark.parametrize("rel, kind", [("c/index.html", "campaign"), ("c/stories/maria/index.html", "story"),
                                       ("about/index.html", "page")])
def test_title_heading_description_and_open_graph_read_back_exactly(files, rel, kind):
    tree = parse_html(files[rel])
    (h1,) = tree.iter("h1")
    assert "".join(h1.itertext()) == H and list(h1) == []  # text, no elements made from it
    (title,) = tree.iter("title")
    assert title.text == f"{H} · {SITE_H}"
    meta = metas(tree)
    assert meta["og:title"] == H and meta["og:site_name"] == SITE_H
    if kind != "page":
        assert meta["description"] == meta["og:description"] == meta["twitter:description"] == H
        assert meta["twitter:title"] == H
    assert [link.get("href") for link in tree.iter("link") if link.get("rel") == "canonical"] == \
        [BASE + {"campaign": "c/", "story": "c/stories/maria/", "page": "about/"}[kind]]
    site_title = next(a for a in tree.iter("a") if a.get("class") == "site-title")
    assert site_title.text == SITE_H and site_title.get("href") == "/a&b/"


@pytest.mark.parametrize("rel", ["c/index.html", "c/stories/maria/index.html"])
def test_json_ld_reads_back_exactly_and_cannot_end_its_script(files, rel):
    page_html = files[rel].decode()
    (raw,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page_html, re.S)
    assert not set("<>&\u2028") & set(raw)
    data = json.loads(raw)
    assert (data.get("headline") or data.get("name")) == H and data["description"] == H
    if "stories" in rel:
        assert data["author"]["name"] == H and data["publisher"]["name"] == SITE_H
        assert data["isPartOf"] == {"@type": "WebPage", "name": H, "url": BASE + "c/"}
    else:
        assert data["isPartOf"]["name"] == SITE_H and data["isPartOf"]["url"] == BASE


def test_alt_text_byline_quote_and_lists_read_back_exactly(files):
    story_page = parse_html(files["c/stories/maria/index.html"])
    alts = [img.get("alt") for img in story_page.iter("img")]
    assert alts and set(alts) == {H}
    assert next(p for p in story_page.iter("p") if p.get("class") == "byline").find("bdi").text == H
    assert text_of(next(story_page.iter("blockquote"))) == " ".join(H.split())
    campaign = parse_html(files["c/index.html"])
    assert {img.get("alt") for img in campaign.iter("img")} == {H}
    stories = parse_html(files["c/stories/index.html"])
    assert H in ["".join(a.itertext()) for a in stories.iter("a")]
    home = parse_html(files["index.html"])
    nav = [bdi.text for bdi in home.iter("bdi")]
    assert nav.count(H) >= 2  # the campaign in the menu, the page in the footer


def test_a_heading_in_the_body_keeps_its_text_and_gets_a_plain_id(files):
    prose = next(div for div in parse_html(files["c/stories/maria/index.html"]).iter("div")
                 if div.get("class") == "prose")
    (h2,) = prose.iter("h2")
    assert "".join(h2.itertext()) == "Tom & Jerry <3 {{ 7*7 }} {count} %s 100%"
    assert re.fullmatch(r"[\w-]+", h2.get("id"))


def test_form_fields_and_ui_strings_read_back_exactly(files):
    tree = parse_html(files["c/index.html"])
    form = next(f for f in tree.iter("form") if f.get("action"))
    assert form.get("action") == "https://forms.example.org/sign"
    hidden = {i.get("name"): i.get("value") for i in form.iter("input") if i.get("type") == "hidden"}
    assert hidden["list"] == H and hidden["campaign"] == "c"
    consent = next(label for label in form.iter("label") if label.get("for") == "f-consent")
    assert consent.find("span").text == H
    (button,) = [b for b in form.iter("button") if b.get("type") in (None, "submit")]
    assert "".join(button.itertext()).strip() == U
    thanks = next(p for p in tree.iter("p") if p.get("class") == "thanks-text")
    assert thanks.text == H
    assert "".join(next(h for h in tree.iter("h2") if h.get("id") == "share-heading").itertext()) == U


def test_share_links_decode_to_the_exact_text_and_page(files):
    tree = parse_html(files["c/index.html"])
    section = next(s for s in tree.iter("section") if s.get("class") == "share")
    assert section.get("data-title") == H and section.get("data-text") == H
    assert section.get("data-copy-url") == BASE + "c/?source=share-link"
    links = {a.get("class").split()[-1]: a.get("href") for a in section.iter("a")}
    url = BASE + "c/?source=share-"

    def query(href):
        return {k: v[0] for k, v in parse_qs(urlsplit(href).query, keep_blank_values=True).items()}

    assert query(links["share-whatsapp"])["text"] == f"{H} {url}whatsapp"
    assert query(links["share-x"]) == {"text": H, "url": url + "x"}
    assert query(links["share-telegram"]) == {"text": H, "url": url + "telegram"}
    assert query(links["share-facebook"]) == {"u": url + "facebook"}
    assert query(links["share-email"]) == {"subject": H, "body": url + "email"}


def test_feed_and_sitemap_read_back_exactly(files):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(files["feed.xml"])
    assert SITE_H in feed.findtext(f"{atom}title")
    (entry,) = feed.iter(f"{atom}entry")
    assert entry.findtext(f"{atom}title") == H and entry.findtext(f"{atom}summary") == H
    assert entry.find(f"{atom}author").findtext(f"{atom}name") == H
    assert entry.find(f"{atom}link").get("href") == entry.findtext(f"{atom}id") == BASE + "c/stories/maria/"
    body = parse_html(entry.findtext(f"{atom}content"))
    assert "".join(next(body.iter("h2")).itertext()) == "Tom & Jerry <3 {{ 7*7 }} {count} %s 100%"
    sitemap = ET.fromstring(files["sitemap.xml"])
    locs = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert BASE + "c/stories/maria/" in locs and all(loc.startswith(BASE) for loc in locs)
    assert files["robots.txt"].decode().endswith(f"Sitemap: {BASE}sitemap.xml\n")


def test_calendar_files_read_back_exactly(files):
    icalendar = pytest.importorskip("icalendar")
    calendars = [rel for rel in files if rel.endswith(".ics")]
    assert calendars
    for rel in calendars:
        calendar = icalendar.Calendar.from_ical(files[rel])
        (event,) = calendar.walk("VEVENT")
        assert str(event["SUMMARY"]) == H
        assert str(event["LOCATION"]).startswith(H)


def test_every_calendar_text_is_escaped_as_rfc_5545_says(files):
    for rel in (rel for rel in files if rel.endswith(".ics")):
        unfolded = files[rel].decode().replace("\r\n ", "").replace("\r\n\t", "")
        for line in unfolded.split("\r\n"):
            name, _, value = line.partition(":")
            if name.split(";")[0] in ("SUMMARY", "LOCATION", "DESCRIPTION", "X-WR-CALNAME"):
                assert not re.search(r"\\(?![\\;,nN])", value.replace("\\\\", "")), (rel, line)


def test_campaign_colours_go_to_the_stylesheet_as_colours_only(files):
    assert files["static/campaigns.css"].decode() == \
        ".campaign-c{--primary:#b3123b;--on-primary:#ffffff;--link:#b3123b;--bar:#b3123b}\n"


# --- no script from content runs ---------------------------------------------------------------

DISGUISES = """\
{: onclick="alert(1)" }

A paragraph.
{: onmouseover="alert(2)" }

## Heading {#top onclick=alert(3)}

[attr](https://example.org/){: onclick="alert(4)"}

[colon](javascript&colon;alert(5)) [tab](java\tscript:alert(6)) [upper](JAVASCRIPT:alert(7))
[entity](&#x6A;avascript:alert(8)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:x)

<javascript:alert(9)> [ref][r] ![img](javascript:alert(10))

[r]: javascript:alert(11)

<a href="jav&#x09;ascript:alert(12)">t</a> <a href="java
script:alert(13)">n</a> <A HREF=JaVaScRiPt:alert(14)>u</A>
<img src="https://example.org/x.png" srcset="javascript:alert(15) 1x, https://example.org/y.png 2x">
<video poster="javascript:alert(16)" src="https://example.org/v.mp4"></video>
<svg><a xlink:href="javascript:alert(17)">s</a></svg><math href="javascript:alert(18)">m</math>
<img src="https://example.org/x.png" onerror=alert(19)><body onload=alert(20)><style>@import 'javascript:alert(21)';</style>
<noscript><p title="</noscript><img src=x onerror=alert(22)>"></noscript>
<!--<img src=x onerror=alert(23)>--> <![CDATA[<img src=x onerror=alert(24)>]]>
"""
BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|livescript):", re.I)


def test_no_script_from_content_runs_in_any_disguise(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/evil.md": story("Evil", DISGUISES)})
    built = build_files(project, workers=1)
    checked = 0
    for rel, data in built.items():
        if not rel.endswith(".html"):
            continue
        checked += 1
        for element in parse_html(data).iter():
            tag = element.tag if isinstance(element.tag, str) else ""
            if tag.endswith("script"):
                assert element.get("src", "").startswith("/static/") or element.get("type") == "application/ld+json", rel
            for name, value in element.attrib.items():
                assert not name.lower().rsplit("}", 1)[-1].startswith("on"), (rel, tag, name, value)
                unescaped = re.sub(r"[\x00-\x20]", "", html.unescape(value))
                for candidate in unescaped.split(","):
                    assert not BAD_SCHEME.match(candidate.strip()), (rel, tag, name, value)
    assert checked >= 5
    prose = next(div for div in parse_html(built["c/stories/evil/index.html"]).iter("div")
                 if div.get("class") == "prose")
    assert "{: onclick=" in text_of(prose)  # attribute lists are not a Markdown feature here: plain text


# --- colours must be colours, addresses must be https ---------------------------------------------------

BAD_VALUES = {
    **MINIMAL,
    "content/site.yaml": "title: T\nbase_url: http://example.org/\npetition:\n  endpoint: https://forms.example.org/s\n",
    "content/en/c/campaign.yaml": (
        "title: C\n"
        "colors:\n"
        "  primary: \"red;} body{background:url(javascript:alert(1))}\"\n"
        "  accent: \"#ggg\"\n"
        "donate_url: javascript:alert(1)\n"
        "petition:\n"
        "  endpoint: \"http://forms.example.org/sign\"\n"
        "  count_url: \"data:application/json,{}\"\n"
        "events:\n"
        "  - {title: Rally, date: 2027-01-02, url: \"//evil.example.org/\"}\n"
    ),
    "content/en/d/campaign.yaml": "title: D\ncolors: {primary: \"rgb(1,2,3)\"}\n",
    "content/en/e/campaign.yaml": "title: E\ncolors: {primary: \"#12345\"}\n",
}


def test_colours_must_be_colours_and_config_addresses_https(make_project):
    code, _, stderr = run_build(make_project(BAD_VALUES))
    assert code == 1
    firsts = [block.splitlines()[0] for block in problems(stderr)]
    assert firsts == [
        "content/en/c/campaign.yaml:3:12: colors.primary must be a colour like \"#b3123b\", "
        "got 'red;} body{background:url(javascript:alert(1))}'",
        "content/en/c/campaign.yaml:4:11: colors.accent must be a colour like \"#ffd166\", got '#ggg'",
        "content/en/c/campaign.yaml:5:13: donate_url must be a full https:// address, got 'javascript:alert(1)'",
        "content/en/c/campaign.yaml:7:13: petition.endpoint must be a full https:// address, "
        "got 'http://forms.example.org/sign'",
        "content/en/c/campaign.yaml:8:14: petition.count_url must be a full https:// address, "
        "got 'data:application/json,{}'",
        "content/en/c/campaign.yaml:10:43: events.0.url must be a full https:// address, got '//evil.example.org/'",
        "content/en/d/campaign.yaml:2:19: colors.primary must be a colour like \"#b3123b\", got 'rgb(1,2,3)'",
        "content/en/e/campaign.yaml:2:19: colors.primary must be a colour like \"#b3123b\", got '#12345'",
        "content/site.yaml:2:11: base_url must be a full https:// address, got 'http://example.org/'",
    ]
