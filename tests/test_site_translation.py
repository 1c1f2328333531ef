"""The site's title and description translated: content/<locale>/site.yaml, shown on that language's pages,
feed, share metadata and share cards; settings written there are warned about, never applied."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from conftest import MINIMAL, SITE_YAML, build_files, parse_html, run_build, snapshot, story, text_of
from test_locales_commands import cli

ATOM = "{http://www.w3.org/2005/Atom}"

WORLD = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "description: Parents campaigning for clean water.\nlocales: [en, sv, ar, fr]\n",
    "content/en/c/stories/maria.md": story("Maria's well", "Maria tells her story.", extra="author: Maria\n"),
    "content/sv/site.yaml": "title: Testsajten\ndescription: Föräldrar som kämpar för rent vatten.\n",
    "content/ar/site.yaml": "title: موقع الاختبار\n",  # the description stays English
    "content/sv/c/stories/maria.md": story("Marias brunn", extra="author: Maria\n"),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    from conftest import write_project
    return build_files(write_project(tmp_path_factory.mktemp("site-texts"), WORLD))


def site_name_link(tree: ET.Element) -> ET.Element:
    return next(a for a in tree.iter("a") if a.get("class") == "site-title")


def meta(tree: ET.Element, prop: str) -> str:
    return next(m.get("content") for m in tree.iter("meta") if m.get("property") == prop or m.get("name") == prop)


def json_ld(tree: ET.Element) -> dict:
    return json.loads(text_of(next(s for s in tree.iter("script") if s.get("type") == "application/ld+json")))


def test_a_translated_title_is_the_title_of_its_languages_pages(files):
    home = parse_html(files["sv/index.html"])
    heading = next(home.iter("h1"))
    assert text_of(heading) == "Testsajten" and not list(heading.iter("span"))  # in the page's language: no marking
    assert text_of(next(home.iter("title"))) == "Testsajten"
    lede = next(p for p in home.iter("p") if p.get("class") == "lede")
    assert text_of(lede) == "Föräldrar som kämpar för rent vatten." and not list(lede.iter("span"))
    assert meta(home, "description") == "Föräldrar som kämpar för rent vatten."
    story_page = parse_html(files["sv/c/stories/maria/index.html"])
    assert text_of(site_name_link(story_page)) == "Testsajten"
    assert text_of(next(story_page.iter("title"))) == "Marias brunn · Testsajten"
    assert meta(story_page, "og:site_name") == "Testsajten"
    publisher = json_ld(story_page)["publisher"]
    assert (publisher["name"], publisher["url"]) == ("Testsajten", "https://example.org/sv/")
    website = json_ld(parse_html(files["sv/c/index.html"]))["isPartOf"]
    assert (website["@type"], website["name"], website["url"]) == ("WebSite", "Testsajten", "https://example.org/sv/")
    feed = ET.fromstring(files["sv/feed.xml"])
    assert "Testsajten" in feed.find(f"{ATOM}title").text


def test_the_original_title_stays_on_the_default_languages_pages(files):
    home = parse_html(files["index.html"])
    assert text_of(next(home.iter("h1"))) == "Test Site"
    assert meta(parse_html(files["c/stories/maria/index.html"]), "og:site_name") == "Test Site"
    assert "Test Site" in ET.fromstring(files["feed.xml"]).find(f"{ATOM}title").text


def test_a_text_left_untranslated_is_the_original_marked_with_its_language(files):
    arabic = parse_html(files["ar/index.html"])
    heading = next(arabic.iter("h1"))
    assert text_of(heading) == "موقع الاختبار" and not list(heading.iter("span"))
    lede = next(p for p in arabic.iter("p") if p.get("class") == "lede")
    (span,) = lede.iter("span")
    assert (span.get("lang"), span.get("dir"), text_of(span)) == ("en", "ltr", "Parents campaigning for clean water.")
    french = parse_html(files["fr/index.html"])  # no site.yaml in fr/: both are the originals
    (span,) = next(french.iter("h1")).iter("span")
    assert (span.get("lang"), text_of(span)) == ("en", "Test Site")


def test_the_share_card_shows_the_title_of_its_language(make_project):
    """Cards are drawn for each language; the Swedish ones show the Swedish title, so they differ from the
    same build's cards without it, and the English cards do not."""
    def cards(files: dict) -> dict[str, bytes]:
        project = make_project(files)
        built = build_files(project, cards=True)
        return {path: data for path, data in built.items() if path.endswith("card.jpg")}

    with_title = cards(WORLD)
    without = cards({key: value for key, value in WORLD.items() if key != "content/sv/site.yaml"})
    assert with_title["sv/c/stories/maria/card.jpg"] != without["sv/c/stories/maria/card.jpg"]
    assert with_title["sv/c/card.jpg"] != without["sv/c/card.jpg"]
    assert with_title["c/stories/maria/card.jpg"] == without["c/stories/maria/card.jpg"]


def test_settings_in_a_languages_site_yaml_are_warned_about_and_not_applied(make_project):
    project = make_project({**WORLD, "content/sv/site.yaml": "title: Testsajten\nbase_url: https://example.se/\n"
                                                             "fallback: skip\n",
                            "content/en/site.yaml": "title: Test\n"})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    assert ("content/sv/site.yaml:2:1: warning: `base_url` is a setting of the whole site, so it is not read here\n"
            "  hint: set it in content/site.yaml; a language folder's site.yaml only translates the title and the "
            "description") in stderr
    assert "content/sv/site.yaml:3:1: warning: `fallback` is a setting of the whole site" in stderr
    assert "hint: set it for this language in content/site.yaml, like fallback: {sv: skip};" in stderr
    assert ("content/en/site.yaml: warning: this file is not read: the site's own title and description, in its "
            "default language, are the ones in content/site.yaml") in stderr
    built = snapshot(project / "site")
    assert "sv/c/stories/maria/index.html" in built  # fallback: skip was not applied to Swedish
    assert b"https://example.se/" not in b"".join(built.values())
    assert text_of(next(parse_html(built["index.html"]).iter("h1"))) == "Test Site"


@pytest.mark.parametrize("rel, hint", [
    ("content/sv/site.yml", "rename it to site.yaml"),
    ("content/sv/c/site.yaml", "a translation of the site's title goes in content/<language code>/site.yaml"),
    ("content/en/pages/site.yaml", "a translation of the site's title goes in content/<language code>/site.yaml"),
])
def test_a_site_yaml_where_none_is_read_says_where_it_goes(make_project, rel, hint):
    project = make_project({**WORLD, rel: "title: Fel plats\n"})
    code, _, stderr = run_build(project)
    assert code == 0 and f"{rel}: warning: this settings file is not read\n  hint: " in stderr
    assert hint in stderr


def test_a_setting_that_is_not_read_is_not_checked_and_an_unknown_key_names_the_two_that_work(make_project):
    project = make_project({**WORLD, "content/sv/site.yaml": "title: K\nbase_url: http://x\nmarkdown: foo\n"
                                                             "beskrivning: x\n"})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    assert stderr.count("is a setting of the whole site, so it is not read here") == 2
    assert ("content/sv/site.yaml:4:1: warning: unknown key `beskrivning` is ignored\n"
            "  hint: the keys that work here are: description, title") in stderr


def test_a_bad_value_in_a_languages_site_yaml_is_an_error_at_its_line(make_project):
    project = make_project({**WORLD, "content/sv/site.yaml": "title:\n  - Testsajten\n"})
    code, _, stderr = run_build(project)
    assert code == 1 and "content/sv/site.yaml:2:" in stderr


def test_new_locale_writes_the_texts_to_translate_commented_out(make_project):
    project = make_project(WORLD)
    code, out, err = cli(project, "new", "locale", "de")
    assert code == 0, err
    written = (project / "content/de/site.yaml").read_text(encoding="utf-8")
    assert "# title: Test Site\n# description: Parents campaigning for clean water.\n" in written
    assert "Translate the site's title and description in content/de/site.yaml" in out
    edit = (project / "content/site.yaml")
    edit.write_text(edit.read_text(encoding="utf-8").replace("fr]", "fr, de]"), encoding="utf-8")
    code, _, stderr = run_build(project)
    assert code == 0 and "site.yaml" not in stderr  # only comments: nothing to say, the originals are shown
    (span,) = next(parse_html((project / "site/de/index.html").read_bytes()).iter("h1")).iter("span")
    assert (span.get("lang"), text_of(span)) == ("en", "Test Site")
    (project / "content/de/site.yaml").write_text(written.replace("# title: Test Site", "title: Testseite"),
                                                  encoding="utf-8")
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    assert text_of(next(parse_html((project / "site/de/index.html").read_bytes()).iter("h1"))) == "Testseite"


def test_new_translation_of_site_yaml_makes_the_languages_file_and_never_overwrites(make_project):
    project = make_project({key: value for key, value in WORLD.items() if key != "content/sv/site.yaml"})
    code, out, err = cli(project, "new", "translation", "sv", "site.yaml")
    assert code == 0, err
    assert "# title: Test Site" in (project / "content/sv/site.yaml").read_text(encoding="utf-8")
    code, _, err = cli(project, "new", "translation", "sv", "content/site.yaml")
    assert code == 1 and "content/sv/site.yaml exists already; it was left as it is" in err


def test_check_lists_the_site_texts_a_language_has_not_translated(make_project):
    code, out, err = run_build(make_project(WORLD), command="check")
    assert code == 0, err
    sections = out.split("\n\n")
    arabic = next(s for s in sections if "(ar):" in s)
    assert "the site's description not translated: write it in content/ar/site.yaml" in arabic
    french = next(s for s in sections if "(fr):" in s)
    assert "the site's title and description not translated: write them in content/fr/site.yaml" in french
    swedish = next(s for s in sections if "(sv):" in s)
    assert "the site's" not in swedish


@pytest.mark.parametrize("command", [("new", "locale", "de"), ("new", "translation", "fr", "site.yaml")])
def test_a_broken_site_yaml_stops_the_commands_that_copy_from_it(make_project, command):
    broken = SITE_YAML + 'description: "Parents" campaigning\nlocales: [en, sv, ar, fr]\n'
    project = make_project({**WORLD, "content/site.yaml": broken})
    code, out, err = cli(project, *command)
    assert code == 1 and "content/site.yaml:6:" in err + out and "fix site.yaml first" in err + out
    assert not (project / "content/de").exists() and not (project / "content/fr").exists()


def test_a_translated_title_in_an_untranslated_sentence_says_its_own_language(make_project):
    """Khmer has no theme strings: the privacy note of the story form is the English sentence, marked English,
    and the Khmer site title inside it is marked Khmer; on Swedish pages the Swedish sentence needs neither."""
    files = {**WORLD, "content/site.yaml": SITE_YAML + "locales: [en, sv, km]\n",
             "content/km/site.yaml": "title: សម្ព័ន្ធគ្រួសារ\n",
             "content/en/c/campaign.yaml": MINIMAL["content/en/c/campaign.yaml"]
             + "stories:\n  submit: {endpoint: https://example.org/stories}\n"}
    built = build_files(make_project(files))
    khmer = parse_html(built["km/c/share-your-story/index.html"])
    (title,) = [span for span in khmer.iter("span") if text_of(span) == "សម្ព័ន្ធគ្រួសារ"]
    (note,) = [span for span in khmer.iter("span") if span.get("lang") == "en" and title in list(span)]
    assert (title.get("lang"), note.get("lang")) == ("km", "en") and text_of(note).startswith("Your story goes to")
    swedish = parse_html(built["sv/c/share-your-story/index.html"])
    assert not [span for span in swedish.iter("span") if text_of(span) == "Testsajten"]
