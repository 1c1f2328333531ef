"""Atom feeds and the sitemap: well-formed whatever the titles hold, hreflang alternates, no fallbacks."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from conftest import MINIMAL, build_files, html_pages, parse_html, story, text_of, write_project


def html5lib_fragment(text):
    import html5lib
    return html5lib.parseFragment(text, treebuilder="etree", namespaceHTMLElements=False)

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE = "https://example.org/"

# YAML double quotes: \v is U+000B, \f U+000C, \e U+001B, \x7f DEL
UGLY_YAML = r'"Tom & Jerry <3 </title> \v tab\f feed\e esc\x7f del ]]> end"'
UGLY_SHOWN = "Tom & Jerry <3 </title>  tab feed esc del ]]> end"  # what XML can hold of it
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

WORLD = {
    **MINIMAL,
    "content/site.yaml": 'title: "Parents & Carers <United>"\nbase_url: https://example.org/\n'
                         "locales: [en, sv]\npetition:\n  endpoint: https://forms.example.org/sign\n",
    "content/en/c/stories/ugly.md": story(UGLY_YAML, "Body with & and < and a \x0b vertical tab.",
                                          date="2026-06-01",
                                          extra=f"summary: {UGLY_YAML}\nauthor: \"A & B \\v C\"\n"),
    "content/en/c/stories/bob.md": story("Bob's pump", "Bob.", date="2026-04-01"),
    "content/sv/c/campaign.yaml": "title: Rent vatten\n",
    "content/sv/c/stories/maria.md": story("Marias brunn", "Svenska."),
    "content/sv/pages/about.md": "---\ntitle: Om oss\n---\nText.\n",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return build_files(write_project(tmp_path_factory.mktemp("feeds"), WORLD))


@pytest.mark.parametrize("rel", ["feed.xml", "sv/feed.xml", "sitemap.xml"])
def test_xml_files_are_well_formed(files, rel):
    ET.fromstring(files[rel])
    assert not CONTROL.search(files[rel].decode("utf-8"))


def entries(files, rel) -> dict[str, ET.Element]:
    feed = ET.fromstring(files[rel])
    return {entry.findtext(f"{ATOM}title"): entry for entry in feed.iter(f"{ATOM}entry")}


def test_feed_title_is_the_site_title_as_text(files):
    feed = ET.fromstring(files["feed.xml"])
    assert feed.findtext(f"{ATOM}title") == "Parents & Carers <United>: stories"


def test_feed_entry_title_summary_and_author_are_text(files):
    entry = entries(files, "feed.xml")[UGLY_SHOWN]
    assert entry.findtext(f"{ATOM}summary") == UGLY_SHOWN
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "A & B  C"
    assert entry.find(f"{ATOM}link").get("href") == f"{BASE}c/stories/ugly/"


def test_feed_entry_content_is_the_rendered_body(files):
    content = entries(files, "feed.xml")[UGLY_SHOWN].find(f"{ATOM}content")
    assert content.get("type") == "html"
    body = parse_html(content.text)
    assert text_of(body.find("body")) == "Body with & and < and a vertical tab."


def test_feed_lists_stories_newest_first_with_unique_ids(files):
    feed = ET.fromstring(files["feed.xml"])
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles == [UGLY_SHOWN, "Maria's well", "Bob's pump"]
    ids = [e.findtext(f"{ATOM}id") for e in feed.iter(f"{ATOM}entry")]
    assert len(set(ids)) == len(ids)


def test_locale_feed_has_only_translated_stories(files):
    assert list(entries(files, "sv/feed.xml")) == ["Marias brunn"]
    feed = ET.fromstring(files["sv/feed.xml"])
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "sv"


def test_pages_link_their_locales_feed(files):
    for rel, expected in (("c/index.html", "/feed.xml"), ("sv/c/index.html", "/sv/feed.xml")):
        tree = parse_html(files[rel])
        (link,) = [l for l in tree.iter("link") if l.get("type") == "application/atom+xml"]
        assert link.get("href") == expected


def test_the_title_shows_as_text_on_its_page(files):
    tree = parse_html(files["c/stories/ugly/index.html"])
    (h1,) = tree.iter("h1")
    assert CONTROL.sub("", "".join(h1.itertext())).replace("  ", " ") == UGLY_SHOWN.replace("  ", " ")
    assert list(h1) == []


def test_html_pages_hold_no_control_characters(files):
    assert [rel for rel, data in files.items() if rel.endswith(".html") and CONTROL.search(data.decode())] == []


# --- sitemap --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sitemap(files) -> dict[str, dict[str, str]]:
    """loc -> {hreflang: href} of its xhtml:link alternates."""
    root = ET.fromstring(files["sitemap.xml"])
    return {url.findtext(f"{SM}loc"): {link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
                                       if link.get("rel") == "alternate"}
            for url in root.iter(f"{SM}url")}


def test_sitemap_lists_translated_pages_with_alternates(sitemap):
    expected = {"en": f"{BASE}c/stories/maria/", "sv": f"{BASE}sv/c/stories/maria/", "x-default": f"{BASE}c/stories/maria/"}
    assert sitemap[f"{BASE}c/stories/maria/"] == expected
    assert sitemap[f"{BASE}sv/c/stories/maria/"] == expected
    assert sitemap[f"{BASE}sv/c/"] == {"en": f"{BASE}c/", "sv": f"{BASE}sv/c/", "x-default": f"{BASE}c/"}
    assert sitemap[f"{BASE}sv/"] == {"en": BASE, "sv": f"{BASE}sv/", "x-default": BASE}


def test_sitemap_leaves_out_fallback_and_noindex_pages(sitemap):
    locs = set(sitemap)
    assert f"{BASE}sv/c/stories/bob/" not in locs  # a fallback
    assert f"{BASE}sv/c/stories/ugly/" not in locs
    assert not any("/thanks/" in loc for loc in locs)
    assert f"{BASE}404.html" not in locs
    assert {f"{BASE}c/stories/bob/", f"{BASE}c/stories/ugly/", f"{BASE}about/", f"{BASE}sv/about/"} <= locs


def test_untranslated_pages_have_no_alternates(sitemap):
    assert sitemap[f"{BASE}c/stories/bob/"] == {}


def test_sitemap_alternates_are_reciprocal_and_listed(sitemap):
    for loc, links in sitemap.items():
        if links:
            assert links[[code for code, href in links.items() if href == loc and code != "x-default"][0]] == loc
            for code, href in links.items():
                assert href in sitemap, href
                assert sitemap[href] == links


def test_sitemap_agrees_with_the_pages_hreflang(files, sitemap):
    for rel, tree in html_pages(files):
        on_page = {l.get("hreflang"): l.get("href") for l in tree.iter("link")
                   if l.get("rel") == "alternate" and l.get("hreflang")}
        url = BASE + rel.removesuffix("index.html")
        if url in sitemap:
            assert on_page == sitemap[url], rel


def test_noindex_pages_say_so(files):
    for rel in ("c/thanks/index.html", "sv/c/thanks/index.html", "404.html"):
        robots = [m.get("content") for m in parse_html(files[rel]).iter("meta") if m.get("name") == "robots"]
        assert robots == ["noindex"], rel


def test_lastmod_is_the_story_date(files):
    root = ET.fromstring(files["sitemap.xml"])
    lastmod = {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.iter(f"{SM}url")}
    assert lastmod[f"{BASE}c/stories/ugly/"] == "2026-06-01"


def test_feed_entries_link_and_show_pictures_by_absolute_addresses(make_project):
    """An entry is read away from its page (a feed reader, an email digest): its links, pictures and
    footnote marks must not depend on the page's address."""
    from conftest import jpeg_bytes
    project = make_project({
        **MINIMAL, "content/site.yaml": "title: T\nbase_url: https://example.org/campaigns/\n",
        "content/en/c/stories/p.jpg": jpeg_bytes(900, 600),
        "content/en/c/stories/bob.md": story("Bob", "See [Maria](maria.md), ![a pump](p.jpg) and a note.[^1]\n\n[^1]: Yes.",
                                             date="2026-06-01"),
    })
    feed = ET.fromstring(build_files(project)["feed.xml"])
    (bob,) = [e for e in feed.iter(f"{ATOM}entry") if e.find(f"{ATOM}title").text == "Bob"]
    content = html5lib_fragment(bob.find(f"{ATOM}content").text)
    urls = [el.get(name) for el in content.iter() for name in ("href", "src") if el.get(name)]
    urls += [c.split()[0] for el in content.iter() if el.get("srcset") for c in el.get("srcset").split(",")]
    assert urls and all(url.startswith("https://example.org/campaigns/") for url in urls), urls
    assert "https://example.org/campaigns/c/stories/bob/#fn-1" in urls


def test_an_empty_stories_list_is_kept_out_of_the_sitemap(make_project):
    files = build_files(make_project({**MINIMAL, "content/en/d/campaign.yaml": "title: No stories yet\n"}))
    sitemap = files["sitemap.xml"].decode()
    assert "/d/stories/" not in sitemap and "/c/stories/" in sitemap and "/d/" in sitemap
    robots = [m.get("content") for m in parse_html(files["d/stories/index.html"]).iter("meta") if m.get("name") == "robots"]
    assert robots == ["noindex"]


def test_a_code_sample_in_a_feed_entry_keeps_its_text(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/bob.md": story(
        "Bob", 'Write `<a href="/donate">` in your page.', date="2026-06-01")})
    feed = ET.fromstring(build_files(project)["feed.xml"])
    (bob,) = [e for e in feed.iter(f"{ATOM}entry") if e.find(f"{ATOM}title").text == "Bob"]
    assert '&lt;a href="/donate"&gt;' in bob.find(f"{ATOM}content").text
