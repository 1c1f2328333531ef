"""The URL table of SPEC.md, under a root and a sub-path base_url: files, links, canonical URLs."""
from __future__ import annotations

import io
import json
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from PIL import Image

from conftest import (MINIMAL, SITE_YAML, canonical, html_pages, jpeg_bytes, page, parse_html, run_build,
                      snapshot, story, write_project)

BASES = ["https://example.org/", "https://org.github.io/repo/"]

WORLD: dict[str, str | bytes] = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
    "content/media/logo.jpg": jpeg_bytes(20, 20, "navy"),
    "content/en/c/campaign.yaml": "title: Clean water\nsummary: Water for every school.\nimage: hero.jpg\n"
                                  "image_alt: A tap\nbody: |\n  Read [Maria](stories/maria.md).\n",
    "content/en/c/hero.jpg": jpeg_bytes(80, 40, "blue"),
    "content/en/c/stories/maria.md": story(
        "Maria's well", "See [Bob](bob.md#end) and [Dee](../../d/stories/dee.md).\n\n"
        "![Logo](/media/logo.jpg)\n\n[external](https://other.example.net/x)",
        extra="image: maria.jpg\nimage_alt: Maria at the well\n"),
    "content/en/c/stories/maria.jpg": jpeg_bytes(60, 60, "green"),
    "content/en/c/stories/bob.md": story("Bob's pump", "Back to [Maria](maria.md).", date="2026-04-01"),
    "content/en/d/campaign.yaml": "title: Dry schools\nsummary: Second campaign.\n",
    "content/en/d/stories/dee.md": story("Dee's school", "Dee writes."),
    "content/en/pages/about.md": page("About us", "Our story is [here](../c/stories/maria.md)."),
    "content/en/pages/privacy.md": page("Privacy", "We keep little."),
    "content/sv/c/campaign.yaml": "title: Rent vatten\n",
    "content/sv/c/stories/maria.md": story("Marias brunn", "Se [Bob](bob.md) och [Dee](../../d/stories/dee.md)."),
    "content/sv/d/campaign.yaml": "title: Torra skolor\n",
    "content/sv/pages/about.md": page("Om oss"),
}

PAGES = [
    "index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt",
    "c/index.html", "c/thanks/index.html", "c/stories/index.html",
    "c/stories/maria/index.html", "c/stories/bob/index.html",
    "d/index.html", "d/thanks/index.html", "d/stories/index.html", "d/stories/dee/index.html",
    "about/index.html", "privacy/index.html",
    "sv/index.html", "sv/feed.xml",
    "sv/c/index.html", "sv/c/thanks/index.html", "sv/c/stories/index.html",
    "sv/c/stories/maria/index.html", "sv/c/stories/bob/index.html",
    "sv/d/index.html", "sv/d/stories/dee/index.html", "sv/about/index.html", "sv/privacy/index.html",
    "c/card.jpg", "c/stories/maria/card.jpg", "c/stories/bob/card.jpg", "d/card.jpg", "d/stories/dee/card.jpg",
    "sv/c/card.jpg", "sv/c/stories/maria/card.jpg",
]

# pages in sv that show the English text: their canonical URL is the English page's
FALLBACKS = {"sv/c/stories/bob/index.html", "sv/d/stories/dee/index.html", "sv/privacy/index.html"}


@pytest.fixture(scope="module", params=BASES, ids=["root", "subpath"])
def built(request, tmp_path_factory) -> tuple[str, dict[str, bytes]]:
    project = write_project(tmp_path_factory.mktemp("urls"), WORLD)
    code, _, stderr = run_build(project, "--base-url", request.param, cards=True)
    assert code == 0, stderr
    return request.param, snapshot(project / "site")


def page_url(base: str, rel: str) -> str:
    """The absolute URL of an output file: folders for index.html pages."""
    return base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def target_file(base_path: str, path: str) -> str:
    """The output file a site path points at: /repo/x/ -> x/index.html."""
    rel = unquote(path)[len(base_path):]
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


@pytest.mark.parametrize("rel", PAGES)
def test_every_page_of_the_url_table_exists(built, rel):
    _, files = built
    assert rel in files


def test_the_default_locale_has_no_folder_of_its_own(built):
    _, files = built
    assert not any(rel.startswith("en/") for rel in files)


def test_share_cards_are_1200_by_630_jpegs(built):
    _, files = built
    cards = [rel for rel in files if rel.endswith("/card.jpg")]
    assert len(cards) >= 7
    for rel in cards:
        image = Image.open(io.BytesIO(files[rel]))
        assert (image.format, image.size) == ("JPEG", (1200, 630)), rel


def absolute_urls_in_meta(tree) -> list[tuple[str, str]]:
    """(where, url) of the absolute URLs a page gives crawlers and share previews."""
    found = []
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or ""
        if key in ("og:url", "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:url"):
            found.append((f"<meta {key}>", meta.get("content")))
    for script in tree.iter("script"):
        if script.get("type") == "application/ld+json":
            stack = [json.loads(script.text)]
            while stack:
                value = stack.pop()
                if isinstance(value, dict):
                    found += [(f"ld+json {k}", v) for k, v in value.items() if k in ("url", "@id") and isinstance(v, str)]
                    stack += list(value.values())
                elif isinstance(value, list):
                    stack += value
    return found


def test_share_meta_and_structured_data_point_at_files_of_the_site(built):
    base, files = built
    base_parts = urlsplit(base)
    checked, problems = 0, []
    for rel, tree in html_pages(files):
        for where, url in absolute_urls_in_meta(tree):
            parts = urlsplit(url)
            if parts.netloc != base_parts.netloc:
                continue
            checked += 1
            if parts.scheme != "https" or not parts.path.startswith(base_parts.path) \
                    or target_file(base_parts.path, parts.path) not in files:
                problems.append(f"{rel}: {where} {url}")
    assert checked > 50
    assert problems == []


def test_a_story_page_shares_its_own_card(built):
    base, files = built
    tree = parse_html(files["c/stories/maria/index.html"])
    images = {m.get("property") or m.get("name"): m.get("content") for m in tree.iter("meta")}
    assert images["og:image"].split("?")[0] == f"{base}c/stories/maria/card.jpg"
    assert images["twitter:image"].split("?")[0] == f"{base}c/stories/maria/card.jpg"
    assert images["og:url"] == f"{base}c/stories/maria/"


def test_every_internal_link_starts_with_the_base_path_and_exists(built):
    base, files = built
    base_parts = urlsplit(base)
    checked, problems = 0, []
    for rel, tree in html_pages(files):
        for element in tree.iter():
            if element.tag not in ("a", "link", "img", "script"):
                continue
            for attr in ("href", "src"):
                value = element.get(attr)
                if value is None or value.startswith("#"):
                    continue
                parts = urlsplit(urljoin(page_url(base, rel), value))
                if parts.scheme not in ("http", "https") or parts.netloc != base_parts.netloc:
                    continue  # another site, mailto:, ...
                checked += 1
                if parts.netloc == urlsplit(value).netloc:  # written absolute: canonical, alternates
                    path = parts.path
                else:
                    path = value.split("#")[0].split("?")[0]
                    if not path.startswith(base_parts.path):
                        problems.append(f"{rel}: <{element.tag} {attr}={value!r}> does not start with {base_parts.path}")
                        continue
                if not path.startswith(base_parts.path) or target_file(base_parts.path, path) not in files:
                    problems.append(f"{rel}: <{element.tag} {attr}={value!r}> points at no file")
    assert checked > 100
    assert problems == []


def test_markdown_links_and_images_point_into_the_site(built):
    base, files = built
    prefix = urlsplit(base).path
    tree = parse_html(files["c/stories/maria/index.html"])
    prose = next(div for div in tree.iter("div") if div.get("class") == "prose")
    hrefs = [a.get("href") for a in prose.iter("a")]
    assert hrefs == [f"{prefix}c/stories/bob/#end", f"{prefix}d/stories/dee/", "https://other.example.net/x"]
    (img,) = prose.iter("img")
    assert img.get("src").startswith(f"{prefix}media/") or img.get("src").startswith(f"{prefix}img/")


@pytest.mark.parametrize("rel", [p for p in PAGES if p.endswith(".html")])
def test_canonical_is_the_absolute_url_of_the_page_or_of_its_original(built, rel):
    base, files = built
    tree = parse_html(files[rel])
    if rel.endswith("404.html"):  # served at every wrong address: it names none as its own
        assert not [link for link in tree.iter("link") if link.get("rel") == "canonical"]
        assert not [m for m in tree.iter("meta") if m.get("property") == "og:url"]
        return
    expected = page_url(base, rel.removeprefix("sv/") if rel in FALLBACKS else rel)
    assert canonical(tree) == expected


def test_feed_sitemap_and_robots_use_absolute_urls_under_the_base(built):
    base, files = built
    robots = files["robots.txt"].decode()
    assert f"Sitemap: {base}sitemap.xml" in robots.splitlines()
    import xml.etree.ElementTree as ET
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    locs = [loc.text for loc in ET.fromstring(files["sitemap.xml"]).iterfind("s:url/s:loc", ns)]
    assert locs and all(loc.startswith(base) for loc in locs)
    assert all(target_file(urlsplit(base).path, urlsplit(loc).path) in files for loc in locs)
    feed = ET.fromstring(files["feed.xml"])
    links = [link.get("href") for link in feed.iter("{http://www.w3.org/2005/Atom}link")]
    assert links and all(link.startswith(base) for link in links)
    assert all(target_file(urlsplit(base).path, urlsplit(link).path) in files for link in links)


# --- URLs that cannot be made ----------------------------------------------------------------------

def test_a_page_and_a_campaign_with_the_same_name_is_an_error_naming_both(tmp_path):
    project = write_project(tmp_path, {**MINIMAL, "content/en/about/campaign.yaml": "title: About campaign\n"})
    code, _, stderr = run_build(project)
    assert "Traceback" not in stderr
    assert code == 1
    assert "content/en/about" in stderr and "content/en/pages/about.md" in stderr


@pytest.mark.parametrize("base", ["org.github.io/repo/", "ftp://example.org/"])
def test_a_base_url_option_that_is_not_a_web_address_is_an_error(tmp_path, base):
    project = write_project(tmp_path, MINIMAL)
    code, _, stderr = run_build(project, "--base-url", base)
    assert "Traceback" not in stderr
    assert code == 1
    assert "base" in stderr and "https://" in stderr


def test_a_base_url_with_a_query_or_fragment_is_a_warning_and_left_out(make_project):
    from conftest import MINIMAL, SITE_YAML, errors_of, parse_html, run_build, snapshot
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML.replace(
        "https://example.org/", "https://example.org/camp/?utm=1#top")})
    code, _, stderr = run_build(project)
    assert code == 0
    assert errors_of(stderr) == [
        "content/site.yaml:2:11: warning: base_url has a `?` or `#` part, which is left out: the site is at "
        "https://example.org/camp/\n  hint: write the address of the folder the site is served from, without ? or #"]
    page = parse_html(snapshot(project / "site")["c/index.html"])
    assert next(link for link in page.iter("link") if link.get("rel") == "canonical").get("href") == \
        "https://example.org/camp/c/"


def test_a_site_without_base_url_is_warned_that_shares_point_elsewhere(make_project):
    from conftest import MINIMAL, SITE_YAML, run_build
    bare = SITE_YAML.replace("base_url: https://example.org/\n", "")
    project = make_project({**MINIMAL, "content/site.yaml": bare})
    code, _, stderr = run_build(project)
    assert code == 0 and ("content/site.yaml: warning: base_url is not set, so share links, share cards and the "
                          "sitemap point to https://example.org/") in stderr
    assert "base_url" not in run_build(project, "--base-url", "https://ours.example.net/")[2]
    assert "base_url" not in run_build(make_project(MINIMAL))[2]
    empty = make_project({**MINIMAL, "content/site.yaml": SITE_YAML.replace("base_url: https://example.org/", "base_url:")})
    assert "warning: base_url is not set" in run_build(empty)[2]  # written, but left empty
