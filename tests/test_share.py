"""Link previews and share links: Open Graph, Twitter and JSON-LD that parse back exactly, plain share links."""
from __future__ import annotations

import json
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import pytest

from conftest import MINIMAL, SITE_YAML, build_files, parse_html, story, write_project
from handbill.share import json_for_script
from handbill.thankyou import NETWORKS, share_link, with_source

HOSTILE = 'He said "no" & <b>\'yes\'</b> </script><script>alert(1)</script><!-- back\\slash'
CAMPAIGN_HOSTILE = "Water </script> & <i>\"more\"</i> \\ 'x'"
SHARE_TEXT = "Sign & share: 100% #clean für alle 🌊 a+b=c? d=e&f"


def yaml_single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


WORLD: dict[str, str | bytes] = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
    "content/en/c/campaign.yaml": (
        f"title: {yaml_single_quoted(CAMPAIGN_HOSTILE)}\n"
        f"summary: {yaml_single_quoted(HOSTILE)}\n"
        "share:\n"
        f"  text: {yaml_single_quoted(SHARE_TEXT)}\n"
        "  hashtags: [CleanWater, Schools]\n"
    ),
    "content/en/c/stories/maria.md": story(yaml_single_quoted(HOSTILE),
                                           extra=f"summary: {yaml_single_quoted(HOSTILE)}\nauthor: Maria & Co\n"
                                                 "quote: The well is a day away.\n"),
    "content/sv/c/stories/maria.md": story("Marias brunn"),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    project = write_project(tmp_path_factory.mktemp("share"), WORLD)
    return build_files(project, cards=True, card_workers=1)


def meta(tree) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name")
        if key:
            found.setdefault(key, []).append(element.get("content"))
    return found


def json_ld(tree) -> dict:
    (script,) = [s for s in tree.iter("script") if s.get("type") == "application/ld+json"]
    return json.loads(script.text)


def test_story_meta_parses_back_exactly_for_a_hostile_title(files):
    tree = parse_html(files["c/stories/maria/index.html"])
    tags = meta(tree)
    assert tags["og:title"] == [HOSTILE] and tags["twitter:title"] == [HOSTILE]
    assert tags["og:description"] == [HOSTILE] and tags["twitter:description"] == [HOSTILE]
    data = json_ld(tree)
    assert data["@type"] == "Article" and data["headline"] == HOSTILE and data["description"] == HOSTILE
    assert data["author"] == {"@type": "Person", "name": "Maria & Co"}
    assert data["isPartOf"]["name"] == CAMPAIGN_HOSTILE
    # the title opened no script of its own: the data block and the theme's files are all there is
    assert all(s.get("src") or s.get("type") == "application/ld+json" for s in tree.iter("script"))


def test_campaign_meta_and_json_ld(files):
    tree = parse_html(files["c/index.html"])
    tags = meta(tree)
    assert tags["og:type"] == ["website"] and tags["og:title"] == [CAMPAIGN_HOSTILE]
    data = json_ld(tree)
    assert (data["@type"], data["name"], data["description"]) == ("WebPage", CAMPAIGN_HOSTILE, HOSTILE)
    assert data["url"] == "https://example.org/c/" and data["inLanguage"] == "en"


def test_og_points_at_the_card_with_absolute_urls(files):
    tags = meta(parse_html(files["c/stories/maria/index.html"]))
    assert tags["og:type"] == ["article"] and tags["article:published_time"] == ["2026-05-01"]
    assert tags["og:url"] == ["https://example.org/c/stories/maria/"]
    (image,) = tags["og:image"]
    assert image.startswith("https://example.org/c/stories/maria/card.jpg?v=")
    assert "c/stories/maria/card.jpg" in files
    assert (tags["og:image:width"], tags["og:image:height"]) == (["1200"], ["630"])
    assert tags["og:image:alt"] == ["The well is a day away. \u2014 Maria & Co"]
    assert tags["twitter:card"] == ["summary_large_image"] and tags["twitter:image"] == [image]
    assert tags["og:site_name"] == ["Test Site"]
    assert tags["og:locale"] == ["en_US"] and tags["og:locale:alternate"] == ["sv_SE"]
    assert json_ld(parse_html(files["c/stories/maria/index.html"]))["image"]["url"] == image


def test_a_page_without_a_card_still_describes_itself(files):
    tree = parse_html(files["about/index.html"])
    tags = meta(tree)
    assert tags["og:title"] == ["About us"] and tags["og:url"] == ["https://example.org/about/"]
    assert tags["twitter:card"] == ["summary"] and "og:image" not in tags
    assert not [s for s in tree.iter("script") if s.get("type") == "application/ld+json"]


def share_links(files, rel) -> dict[str, str]:
    tree = parse_html(files[rel])
    (section,) = [s for s in tree.iter("section") if s.get("class") == "share"]
    return {a.get("class").split()[-1].removeprefix("share-"): a.get("href") for a in section.iter("a")}


def test_share_links_decode_to_the_exact_text_and_carry_their_source(files):
    links = share_links(files, "c/index.html")
    assert set(links) == {"whatsapp", "facebook", "x", "telegram", "bluesky", "linkedin", "email"}
    page = "https://example.org/c/"

    def query(network: str) -> dict[str, str]:
        params = parse_qs(urlsplit(links[network]).query, keep_blank_values=True, strict_parsing=True)
        return {key: value for key, (value,) in params.items()}

    for network in ("facebook", "linkedin"):
        assert list(query(network).values()) == [f"{page}?source=share-{network}"]
    assert query("x") == {"text": SHARE_TEXT, "url": f"{page}?source=share-x", "hashtags": "CleanWater,Schools"}
    assert query("telegram") == {"url": f"{page}?source=share-telegram", "text": SHARE_TEXT}
    assert query("whatsapp") == {"text": f"{SHARE_TEXT} {page}?source=share-whatsapp"}
    assert query("bluesky") == {"text": f"{SHARE_TEXT} {page}?source=share-bluesky"}
    email = urlsplit(links["email"])
    assert email.scheme == "mailto" and "+" not in email.query  # mail programs read + literally: spaces are %20
    assert {k: unquote(v) for k, v in (p.split("=", 1) for p in email.query.split("&"))} == \
        {"subject": SHARE_TEXT, "body": f"{page}?source=share-email"}


def test_a_story_shares_its_own_page_with_its_title(files):
    links = share_links(files, "sv/c/stories/maria/index.html")
    text = parse_qs(urlsplit(links["telegram"]).query)
    assert text == {"url": ["https://example.org/sv/c/stories/maria/?source=share-telegram"], "text": ["Marias brunn"]}


def test_the_share_buttons_script_is_a_separate_deferred_file(files):
    tree = parse_html(files["c/stories/maria/index.html"])
    scripts = [s for s in tree.iter("script") if s.get("type") != "application/ld+json"]
    share_js = [s for s in scripts if "share.js" in (s.get("src") or "")]
    assert len(share_js) == 1 and share_js[0].get("defer") is not None
    assert all(s.get("src") and not (s.text or "").strip() for s in scripts)  # no inline JavaScript
    assert b"navigator.share" in files["static/share.js"] and b"clipboard" in files["static/share.js"]
    (section,) = [s for s in tree.iter("section") if s.get("class") == "share"]
    assert section.get("data-copy-url") == "https://example.org/c/stories/maria/?source=share-link"
    assert section.get("data-native-url") == "https://example.org/c/stories/maria/?source=share-native"
    assert list(section.iter("button")) == []  # the script adds buttons only where the browser can share


@pytest.mark.parametrize("value", [HOSTILE, "</SCRIPT >", "<!--<script>", "\u2028\u2029", {"a": ["&", "<", ">"]}])
def test_json_for_a_script_element_round_trips_and_cannot_close_it(value):
    text = str(json_for_script(value))
    assert json.loads(text) == value
    assert not any(ch in text for ch in "<>&\u2028\u2029")
    tree = parse_html(f'<script type="application/ld+json">{text}</script><p id="after">x</p>')
    (script,) = tree.iter("script")
    assert json.loads(script.text) == value


@pytest.mark.parametrize("text", ["Maria's well", "", "a & b = c?#/%20 ä 😀 \u200f", "plus+sign space"])
@pytest.mark.parametrize("page_url", ["https://example.org/c/stories/maria/", "https://example.org/c/?ref=a&b=ä c"])
def test_share_links_are_urlencoded_exactly(text, page_url):
    """The links are built from parts quoted once; each equals urlencode of its parameters."""
    for network in NETWORKS:
        url = with_source(page_url, f"share-{network}")
        both = f"{text} {url}" if text else url
        expected = {
            "whatsapp": ("https://wa.me/", {"text": both}),
            "facebook": ("https://www.facebook.com/sharer/sharer.php", {"u": url}),
            "x": ("https://x.com/intent/post", {"text": text, "url": url, "hashtags": "Paid Leave,ä"}),
            "telegram": ("https://t.me/share/url", {"url": url, "text": text}),
            "bluesky": ("https://bsky.app/intent/compose", {"text": both}),
            "linkedin": ("https://www.linkedin.com/sharing/share-offsite/", {"url": url}),
            "email": ("mailto:", {"subject": text, "body": url}),
        }[network]
        link = share_link(network, page_url, text, ["Paid Leave", "ä"], "label")
        assert link.href == f"{expected[0]}?{urlencode(expected[1], quote_via=quote)}"
        assert url.endswith(f"source=share-{network}") and " " not in link.href


def test_hashtags_are_one_word_each_in_any_script(make_project):
    """X's hashtags= takes words without # separated by commas: a leading # is dropped, a space or a
    comma (two tags read as one, or one cut in two) is an error that shows the tag joined up."""
    from conftest import run_build
    from hardening_helpers import problems
    campaign = ("title: Water\nshare:\n  hashtags: ['#CleanWater', العائلة_أولا, स्वास्थ्य, 母亲节, 'paid leave',"
                " 'a,b']\n")
    project = make_project({**MINIMAL, "content/en/c/campaign.yaml": campaign})
    code, _, stderr = run_build(project)
    assert code == 1
    assert problems(stderr) == [  # columns count characters, not bytes
        "content/en/c/campaign.yaml:3:59: share.hashtags.4 is not one hashtag: 'paid leave'\n"
        "  hint: write it as one word of letters, digits and _, without #, like PaidLeave",
        "content/en/c/campaign.yaml:3:73: share.hashtags.5 is not one hashtag: 'a,b'\n"
        "  hint: write it as one word of letters, digits and _, without #, like AB",
    ]
    (project / "content/en/c/campaign.yaml").write_text(campaign.replace(", 'paid leave', 'a,b'", ""))
    files = build_files(project)
    x = next(a.get("href") for a in parse_html(files["c/index.html"]).iter("a")
             if (a.get("href") or "").startswith("https://x.com/"))
    assert parse_qs(urlsplit(x).query)["hashtags"] == ["CleanWater,العائلة_أولا,स्वास्थ्य,母亲节"]
