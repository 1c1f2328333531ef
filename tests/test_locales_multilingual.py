"""A four-language site (tests/fixtures/multilingual: en, sv, ar, hi), built once and read back.

English holds the originals. Swedish translates the campaign, two stories and one UI
string; Arabic (right to left) translates the campaign's title, one story and the about
page; Hindi translates the campaign and one story. ``chen.md`` is translated nowhere.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import h1, lang_of, alternates, canonical, parse_html, run_build, snapshot, text_of, write_project

FIXTURE = Path(__file__).parent / "fixtures" / "multilingual"
BASE = "https://example.org/water/"
LOCALES = ("en", "sv", "ar", "hi")
NOTICES = {"sv": "Den här sidan är inte översatt ännu, så den visas på originalspråket.",
           "ar": "لم تُترجَم هذه الصفحة بعد، لذلك تُعرض بلغتها الأصلية.",
           "hi": "इस पेज का अभी अनुवाद नहीं हुआ है, इसलिए यह अपनी मूल भाषा में दिखाया जा रहा है।"}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def fixture_files(name: str = "multilingual") -> dict[str, bytes]:
    """A fixture folder as {relative path: bytes}, to build as is or with changes."""
    root = Path(__file__).parent / "fixtures" / name
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[dict[str, bytes], str]:
    project = write_project(tmp_path_factory.mktemp("multilingual"), fixture_files())
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    return snapshot(project / "site"), stderr


@pytest.fixture(scope="module")
def files(built) -> dict[str, bytes]:
    return built[0]


def page(files, rel: str):
    return parse_html(files[rel])


def notes(tree):
    return [p for p in tree.iter("p") if p.get("role") == "note"]


def prefix(locale: str) -> str:
    return "" if locale == "en" else f"{locale}/"


# --- <html lang dir> ---------------------------------------------------------------------------

@pytest.mark.parametrize("locale, direction", [("en", "ltr"), ("sv", "ltr"), ("ar", "rtl"), ("hi", "ltr")])
def test_every_page_has_the_locales_lang_and_dir(files, locale, direction):
    pages = [rel for rel in files if rel.endswith(".html") and rel.startswith(prefix(locale))
             and (locale != "en" or not rel.split("/")[0] in ("sv", "ar", "hi"))]
    assert len(pages) >= 6
    for rel in pages:
        tree = page(files, rel)
        assert (tree.get("lang"), tree.get("dir")) == (locale, direction), rel


# --- fallback pages ----------------------------------------------------------------------------

@pytest.mark.parametrize("locale", ["sv", "ar", "hi"])
def test_an_untranslated_story_falls_back_with_a_notice_and_the_originals_lang(files, locale):
    tree = page(files, f"{locale}/well/stories/chen/index.html")
    assert [text_of(p) for p in notes(tree)] == [NOTICES[locale]]
    assert lang_of(tree, notes(tree)[0]) == locale
    assert text_of(h1(tree)) == "Chen's school has a tap now"
    assert lang_of(tree, h1(tree)) == "en"
    text = next(div for div in tree.iter("div") if div.get("lang") == "en")
    assert text.get("dir") == "ltr"  # English text inside an Arabic page keeps its own direction
    assert canonical(tree) == f"{BASE}well/stories/chen/"
    assert alternates(tree) == {}


def test_a_fallback_page_links_stay_in_its_locale(files):
    tree = page(files, "ar/well/stories/chen/index.html")
    prose = next(div for div in tree.iter("div") if div.get("class") == "prose")
    assert [a.get("href") for a in prose.iter("a")] == ["/water/ar/well/stories/amina/"]


def test_a_translated_campaign_inherits_untranslated_text_in_the_originals_language(files):
    tree = page(files, "ar/well/index.html")
    assert text_of(h1(tree)) == "بئر لكل مدرسة"
    assert lang_of(tree, h1(tree)) == "ar"
    lede = next(p for p in tree.iter("p") if p.get("class") == "lede")
    assert (text_of(lede), lede.get("lang"), lede.get("dir")) == (
        "Safe drinking water within reach of every classroom.", "en", "ltr")
    prose = next(div for div in tree.iter("div") if div.get("class") == "prose")
    assert (prose.get("lang"), prose.get("dir")) == ("en", "ltr")
    assert notes(tree) == []  # a translation, not a fallback


def test_an_inherited_quote_is_marked_english_in_a_hindi_story(files):
    tree = page(files, "hi/well/stories/amina/index.html")
    quote = next(q for q in tree.iter("blockquote"))
    assert (quote.get("lang"), quote.get("dir")) == ("en", "ltr")
    assert lang_of(tree, h1(tree)) == "hi"


# --- hreflang ----------------------------------------------------------------------------------

def test_hreflang_sets_are_reciprocal_with_self_and_x_default(files):
    url_to_rel = {BASE + rel[: -len("index.html")]: rel for rel in files if rel.endswith("index.html")}
    checked = 0
    for rel in url_to_rel.values():
        links = alternates(page(files, rel))
        if not links:
            continue
        checked += 1
        own_url = BASE + rel[: -len("index.html")]
        assert own_url in [href for code, href in links.items() if code != "x-default"], rel  # a self link
        assert links["x-default"] == links["en"], rel
        for code, href in links.items():
            assert alternates(page(files, url_to_rel[href])) == links, (rel, code)  # the same set everywhere
    assert checked >= 12


def test_the_story_translated_into_every_language_lists_all_four(files):
    assert alternates(page(files, "ar/well/stories/amina/index.html")) == {
        "en": f"{BASE}well/stories/amina/", "sv": f"{BASE}sv/well/stories/amina/",
        "ar": f"{BASE}ar/well/stories/amina/", "hi": f"{BASE}hi/well/stories/amina/",
        "x-default": f"{BASE}well/stories/amina/"}


def test_a_story_translated_into_one_language_lists_only_the_two(files):
    assert alternates(page(files, "well/stories/bo/index.html")) == {
        "en": f"{BASE}well/stories/bo/", "sv": f"{BASE}sv/well/stories/bo/", "x-default": f"{BASE}well/stories/bo/"}


# --- the sitemap -------------------------------------------------------------------------------

def test_the_sitemap_has_translated_pages_with_their_alternates_and_no_fallbacks(files):
    root = ET.fromstring(files["sitemap.xml"])
    entries = {}
    for url in root.iter(f"{SITEMAP}url"):
        loc = url.find(f"{SITEMAP}loc").text
        entries[loc] = {link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")}
    assert f"{BASE}well/stories/chen/" in entries
    for locale in ("sv", "ar", "hi"):
        assert f"{BASE}{locale}/well/stories/chen/" not in entries  # fallbacks are not in the sitemap
    assert f"{BASE}ar/well/stories/bo/" not in entries
    assert entries[f"{BASE}hi/well/stories/amina/"]["ar"] == f"{BASE}ar/well/stories/amina/"
    for loc, links in entries.items():
        rel = loc[len(BASE):] + "index.html"
        assert links == alternates(page(files, rel)), loc  # the same alternates as the page's own links


# --- the language switcher ---------------------------------------------------------------------

def switcher(tree):
    nav = next(nav for nav in tree.iter("nav") if "languages" in (nav.get("class") or ""))
    return [(a.get("hreflang"), text_of(a), a.get("href"), a.get("dir"), a.get("aria-current")) for a in nav.iter("a")]


def test_the_switcher_names_languages_in_themselves_and_links_translations_or_home(files):
    assert switcher(page(files, "sv/well/stories/bo/index.html")) == [
        ("en", "English", "/water/well/stories/bo/", "ltr", None),
        ("ar", "العربية", "/water/ar/", "rtl", None),
        ("hi", "हिन्दी", "/water/hi/", "ltr", None),
        ("sv", "Svenska", "/water/sv/well/stories/bo/", "ltr", "true"),
    ]


# --- numbers, dates, UI strings -----------------------------------------------------------------

def count_text(files, rel):
    return text_of(next(p for p in page(files, rel).iter("p") if p.get("id") == "count-text"))


def test_numbers_follow_each_language(files):
    assert count_text(files, "well/index.html") == "231,000 of 250,000 signatures"
    assert re.fullmatch(r"231\s000 av 250\s000 underskrifter", count_text(files, "sv/well/index.html"))
    assert count_text(files, "hi/well/index.html") == "2,50,000 में से 2,31,000 हस्ताक्षर"  # Indian grouping
    assert count_text(files, "ar/well/index.html") == "231,000 من أصل 250,000 توقيع"  # CLDR: Latin digits by default


def test_dates_follow_each_language(files):
    def byline_date(rel):
        return text_of(next(t for t in page(files, rel).iter("time")))
    assert byline_date("well/stories/amina/index.html") == "May 1, 2026"
    assert byline_date("sv/well/stories/amina/index.html") == "1 maj 2026"
    assert byline_date("hi/well/stories/amina/index.html") == "1 मई 2026"
    assert byline_date("ar/well/stories/amina/index.html") == "1 مايو 2026"


def test_event_times_are_written_for_the_locale_and_translated_titles_merge_item_by_item(files):
    def event(rel):
        item = next(li for section in page(files, rel).iter("section") if "events" in (section.get("class") or "")
                    for li in section.iter("li"))
        time = next(item.iter("time"))
        return text_of(next(item.iter("bdi"))), time.get("datetime"), text_of(time)
    assert event("well/index.html") == ("Rally at the town hall", "2026-12-05T14:00", "December 5, 2026, 2:00 PM")
    assert event("sv/well/index.html") == ("Manifestation vid stadshuset", "2026-12-05T14:00", "5 december 2026 14:00")


def test_a_content_strings_override_wins_over_the_theme(files):
    (button,) = [b for b in page(files, "sv/well/index.html").iter("button")]
    assert text_of(button) == "Skriv under nu"
    (button,) = [b for b in page(files, "hi/well/index.html").iter("button")]
    assert text_of(button) == "याचिका पर हस्ताक्षर करें"


def test_arabic_plural_forms_are_used(files):
    link = next(a for a in page(files, "ar/well/index.html").iter("a") if a.get("href") == "/water/ar/well/stories/")
    assert text_of(link) == "اقرأ جميع القصص (3)"  # few: 3 to 10


def test_og_locale_and_its_alternates(files):
    def og(rel):
        metas = list(page(files, rel).iter("meta"))
        return ([m.get("content") for m in metas if m.get("property") == "og:locale"],
                sorted(m.get("content") for m in metas if m.get("property") == "og:locale:alternate"))
    if not og("well/index.html")[0]:
        pytest.skip("the theme does not write og:locale")
    assert og("ar/well/stories/amina/index.html") == (["ar_EG"], ["en_US", "hi_IN", "sv_SE"])
    assert og("hi/well/stories/chen/index.html") == (["en_US"], [])  # a fallback shows English text


def test_the_build_warns_about_nothing_in_the_fixture(built):
    assert "warning" not in built[1]


def test_the_stylesheet_mirrors_by_itself_with_logical_properties():
    css = (Path(__file__).resolve().parents[1] / "themes" / "default" / "static" / "style.css").read_text()
    physical = re.findall(r"(?<![\w-])(?:margin|padding|border|inset)-(?:left|right)\b|(?<![\w-])(?:left|right|float)\s*:"
                          r"|text-align\s*:\s*(?:left|right)", css)
    assert physical == []
    assert "/* rtl" in css


def test_every_page_of_the_four_languages_is_valid_html5(files, tmp_path):
    from external_tools import html_errors

    for rel, data in files.items():
        if rel.endswith(".html"):
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_bytes(data)
    assert html_errors(sorted(str(p) for p in tmp_path.rglob("*.html"))) == []


def test_text_in_another_language_than_its_page_says_so(make_project):
    """A screen reader picks its voice by lang: an inherited photo description, the page's own date inside a
    fallback's English text, and the campaign's title in the breadcrumb each carry their language."""
    from conftest import MINIMAL, SITE_YAML, jpeg_bytes, story
    project = make_project({
        **MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, ar]\n",
        "content/en/c/stories/maria.md": story("Maria's well", extra="image: maria.jpg\nimage_alt: Maria at the well\n"),
        "content/en/c/stories/maria.jpg": jpeg_bytes(80, 60),
        "content/en/c/stories/bob.md": story("Bob's pump", date="2026-01-20"),
        "content/ar/c/stories/maria.md": story("بئر ماريا"),
    })
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    files = snapshot(project / "site")
    translated = page(files, "ar/c/stories/maria/index.html")
    (photo,) = [img for img in translated.iter("img") if img.get("alt") == "Maria at the well"]
    assert lang_of(translated, photo) == "en"
    crumb = next(p for p in translated.iter("p") if p.get("class") == "crumb").find(".//bdi")
    assert (text_of(crumb), crumb.get("lang"), crumb.get("dir")) == ("Clean water", "en", "ltr")
    fallback = page(files, "ar/c/stories/bob/index.html")
    when = next(next(fallback.iter("article")).iter("time"))
    assert lang_of(fallback, when) == "ar" and when.get("dir") == "rtl"
    assert lang_of(fallback, h1(fallback)) == "en"
    english = page(files, "c/stories/bob/index.html")
    assert {t.get("lang") for t in english.iter("time")} == {None}  # the page's own language: nothing to say
    for tree, lang, way in ((translated, "en", "ltr"), (english, None, None)):  # untranslated titles in the menus
        menus = [a.find("bdi") for nav in tree.iter("nav") for a in nav.iter("a") if a.find("bdi") is not None]
        assert {(text_of(b), b.get("lang"), b.get("dir")) for b in menus} == {("Clean water", lang, way),
                                                                              ("About us", lang, way)}


def test_a_theme_that_reads_the_menus_as_pairs_and_triples_still_works(make_project):
    """Themes written before the menus carried their language unpack them as they always did."""
    from conftest import MINIMAL, SITE_YAML
    template = ("{% extends 'default:base.html' %}{% block main %}"
                "{% for title, href, slug in nav %}<p class=nav>{{ slug }}|{{ title }}|{{ href }}</p>{% endfor %}"
                "{% for title, href in footer_pages %}<p class=foot>{{ title }}|{{ href }}</p>{% endfor %}"
                "{% for link in nav %}<p class=nav>{{ link[2] }}:{{ link | length }}</p>{% endfor %}"
                "{% endblock %}")
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "theme: mine\n",
                            "themes/mine/templates/home.html": template})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    home = page(snapshot(project / "site"), "index.html")
    assert [text_of(p) for p in home.iter("p") if p.get("class") in ("nav", "foot")] == [
        "c|Clean water|/c/", "About us|/about/", "c:3"]


def test_two_spellings_of_one_language_give_one_og_locale(make_project):
    """`en` and `en-US` both say en_US: a page lists it once, and never as an alternate of itself."""
    from conftest import MINIMAL, SITE_YAML, story
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, en-US, sv]\n",
                            "content/en-US/c/stories/maria.md": story("Maria's well (US)"),
                            "content/sv/c/stories/maria.md": story("Marias brunn")})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    metas = list(page(snapshot(project / "site"), "c/stories/maria/index.html").iter("meta"))
    assert [m.get("content") for m in metas if m.get("property") == "og:locale"] == ["en_US"]
    assert [m.get("content") for m in metas if m.get("property") == "og:locale:alternate"] == ["sv_SE"]


def test_the_languages_of_an_entrys_fields_are_worked_out_alike_for_every_kind_of_entry(tmp_path):
    """An untranslated entry takes a short way (every field in its text's language); it gives what
    asking field by field gives, for originals, fallbacks and translations of the four languages."""
    from handbill import Diagnostics
    from handbill.locales import localize
    from handbill.project import load_project
    from handbill.views import TEXT_FIELDS, _field_langs
    project = write_project(tmp_path, fixture_files())
    sites = localize(load_project(project / "content", Diagnostics()), Diagnostics())
    kinds = set()
    for site in sites.values():
        for entry in site.all_entries():
            keys = TEXT_FIELDS if entry.kind == "campaign" else [k for k in TEXT_FIELDS if k != "body"]
            asked = {**{key: entry.text_locale_of(key) for key in keys}, "date": entry.locale}
            assert _field_langs(entry) == {k: lang for k, lang in asked.items() if lang != entry.text_locale}
            kinds.add((entry.source is entry.original, entry.is_fallback))
    assert kinds == {(True, False), (True, True), (False, False)}  # originals, fallbacks, translations
