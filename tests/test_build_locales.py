"""Locales: fallback pages, hreflang, deep-merged campaign.yaml, and Markdown links in the same locale."""
from __future__ import annotations

import re

import pytest

from conftest import (MINIMAL, h1, lang_of, SITE_YAML, alternates, canonical, errors_of, parse_html, run_build, snapshot,
                      story, text_of, write_project)

BASE = "https://example.org/"
SV_NOTICE = "Den här sidan är inte översatt ännu, så den visas på originalspråket."

WORLD = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
    "content/en/c/campaign.yaml": (
        "title: Clean water\n"
        "summary: Water for every school.\n"
        "body: English campaign body.\n"
        "petition:\n"
        "  endpoint: https://crm.example.org/c-sign\n"
        "  goal: 5000\n"
        "  count: 1234\n"
        "  hidden: {list: water-2026}\n"
    ),
    "content/en/c/stories/maria.md": story("Maria's well", "English Maria text. See [Bob](bob.md#end) and "
                                                           "[Dee](../../d/stories/dee.md)."),
    "content/en/c/stories/bob.md": story("Bob's pump", "English Bob text. Back to [Maria](maria.md) and "
                                                       "[Dee](../../d/stories/dee.md).", date="2026-04-01"),
    "content/en/d/campaign.yaml": "title: Dry schools\n",
    "content/en/d/stories/dee.md": story("Dee's school", "Dee writes."),
    "content/sv/c/campaign.yaml": "title: Rent vatten\n",
    "content/sv/c/stories/maria.md": story("Marias brunn", "Svensk text om Maria. Se [Bob](bob.md) och "
                                                           "[Dee](../../d/stories/dee.md)."),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    project = write_project(tmp_path_factory.mktemp("locales"), WORLD)
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    return snapshot(project / "site")


def prose(tree):
    return next(div for div in tree.iter("div") if div.get("class") == "prose")


# --- a story without a translation --------------------------------------------------

def test_untranslated_story_is_published_under_the_locale(files):
    tree = parse_html(files["sv/c/stories/bob/index.html"])
    assert tree.get("lang") == "sv"


def test_untranslated_story_text_is_marked_as_english(files):
    tree = parse_html(files["sv/c/stories/bob/index.html"])
    assert text_of(h1(tree)) == "Bob's pump"
    assert lang_of(tree, h1(tree)) == "en"
    assert "English Bob text." in text_of(prose(tree))
    assert lang_of(tree, prose(tree)) == "en"


def test_untranslated_story_shows_the_notice_in_the_locale(files):
    tree = parse_html(files["sv/c/stories/bob/index.html"])
    notices = [p for p in tree.iter("p") if p.get("role") == "note"]
    assert [text_of(p) for p in notices] == [SV_NOTICE]
    assert lang_of(tree, notices[0]) == "sv"


def test_untranslated_story_is_canonical_to_the_original_and_has_no_hreflang(files):
    tree = parse_html(files["sv/c/stories/bob/index.html"])
    assert canonical(tree) == f"{BASE}c/stories/bob/"
    assert alternates(tree) == {}


def test_the_original_of_an_untranslated_story_lists_no_translation(files):
    tree = parse_html(files["c/stories/bob/index.html"])
    assert canonical(tree) == f"{BASE}c/stories/bob/"
    assert alternates(tree) == {}
    assert tree.get("lang") == "en"
    assert [p for p in tree.iter("p") if p.get("role") == "note"] == []


# --- a translated story -----------------------------------------------------------------

def test_translated_story_shows_the_translation(files):
    tree = parse_html(files["sv/c/stories/maria/index.html"])
    assert tree.get("lang") == "sv"
    assert text_of(h1(tree)) == "Marias brunn"
    assert lang_of(tree, h1(tree)) == "sv"
    assert "Svensk text om Maria." in text_of(prose(tree))
    assert [p for p in tree.iter("p") if p.get("role") == "note"] == []
    assert canonical(tree) == f"{BASE}sv/c/stories/maria/"


@pytest.mark.parametrize("rel", ["c/stories/maria/index.html", "sv/c/stories/maria/index.html"])
def test_translated_story_pages_list_each_other_with_hreflang(files, rel):
    assert alternates(parse_html(files[rel])) == {
        "en": f"{BASE}c/stories/maria/",
        "sv": f"{BASE}sv/c/stories/maria/",
        "x-default": f"{BASE}c/stories/maria/",
    }


def test_language_switcher_links_the_translation(files):
    tree = parse_html(files["c/stories/maria/index.html"])
    switcher = next(nav for nav in tree.iter("nav") if "languages" in (nav.get("class") or ""))
    assert {a.get("hreflang"): a.get("href") for a in switcher.iter("a")} == {
        "en": "/c/stories/maria/", "sv": "/sv/c/stories/maria/"}


# --- campaign.yaml: deep merge ------------------------------------------------------------

def test_translated_campaign_keeps_the_originals_petition_settings(files):
    tree = parse_html(files["sv/c/index.html"])
    assert text_of(h1(tree)) == "Rent vatten"
    (form,) = tree.iter("form")
    assert form.get("action") == "https://crm.example.org/c-sign"
    hidden = {i.get("name"): i.get("value") for i in form.iter("input") if i.get("type") == "hidden"}
    assert hidden["list"] == "water-2026"
    assert hidden["locale"] == "sv"
    assert hidden["campaign"] == "c"
    assert hidden["thank_you_url"] == f"{BASE}sv/c/thanks/"
    bar = next(div for div in tree.iter("div") if div.get("role") == "progressbar")
    assert bar.get("aria-valuemax") == "5000"
    assert bar.get("aria-valuenow") == "1234"
    count = next(p for p in tree.iter("p") if p.get("id") == "count-text")
    text = "".join(count.itertext()).strip()
    assert re.fullmatch(r"1\s234 av 5\s000 underskrifter", text), text  # Swedish groups digits with a space


def test_translated_campaign_inherits_the_summary(files):
    tree = parse_html(files["sv/c/index.html"])
    lede = next(p for p in tree.iter("p") if p.get("class") == "lede")
    assert text_of(lede) == "Water for every school."


def test_inherited_campaign_text_is_marked_with_the_originals_language(files):
    tree = parse_html(files["sv/c/index.html"])
    lede = next(p for p in tree.iter("p") if p.get("class") == "lede")
    assert lang_of(tree, lede) == "en"
    assert lang_of(tree, prose(tree)) == "en"
    assert lang_of(tree, h1(tree)) == "sv"  # the title is translated


def test_translated_campaign_is_a_translation_not_a_fallback(files):
    tree = parse_html(files["sv/c/index.html"])
    assert canonical(tree) == f"{BASE}sv/c/"
    assert alternates(tree) == {"en": f"{BASE}c/", "sv": f"{BASE}sv/c/", "x-default": f"{BASE}c/"}


# --- Markdown links between content files ---------------------------------------------------

def links(files, rel):
    return [a.get("href") for a in prose(parse_html(files[rel])).iter("a")]


def test_links_in_the_default_locale(files):
    assert links(files, "c/stories/maria/index.html") == ["/c/stories/bob/#end", "/d/stories/dee/"]


def test_links_in_a_translation_stay_in_its_locale(files):
    assert links(files, "sv/c/stories/maria/index.html") == ["/sv/c/stories/bob/", "/sv/d/stories/dee/"]


def test_links_in_a_fallback_page_stay_in_its_locale(files):
    assert links(files, "sv/c/stories/bob/index.html") == ["/sv/c/stories/maria/", "/sv/d/stories/dee/"]


def test_link_to_a_missing_story_fails_the_build_with_its_line(make_project):
    project = make_project({
        **MINIMAL,
        "content/en/c/stories/maria.md": "---\ntitle: Maria\ndate: 2026-05-01\n---\nFirst line.\n\n"
                                         "See [Zed](zed.md) for more.\n",
    })
    code, _, stderr = run_build(project)
    assert code == 1
    assert "Traceback" not in stderr
    problems = [e for e in errors_of(stderr) if not e.startswith("Build failed")]
    assert len(problems) == 1
    assert problems[0].startswith("content/en/c/stories/maria.md:7:")
    assert "zed.md" in problems[0].splitlines()[0]
    assert not (project / "site").exists()


def test_link_to_a_missing_story_in_a_translation_names_the_translation(make_project):
    project = make_project({
        **MINIMAL,
        "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
        "content/sv/c/stories/maria.md": "---\ntitle: Maria\ndate: 2026-05-01\n---\n[Zed](../../c/stories/zed.md)\n",
    })
    code, _, stderr = run_build(project)
    assert code == 1
    assert errors_of(stderr)[0].startswith("content/sv/c/stories/maria.md:5:")


def test_link_in_a_campaign_body_block_names_its_line(make_project):
    project = make_project({**MINIMAL, "content/en/c/campaign.yaml": "title: W\nbody: |\n  One.\n\n  See [x](nope.md).\n"})
    code, _, stderr = run_build(project)
    assert code == 1
    assert errors_of(stderr)[0].startswith("content/en/c/campaign.yaml:5:")


def test_link_in_a_one_line_campaign_body_names_its_line(make_project):
    project = make_project({**MINIMAL, "content/en/c/campaign.yaml": "title: W\nbody: See [x](nope.md).\n"})
    code, _, stderr = run_build(project)
    assert code == 1
    assert errors_of(stderr)[0].startswith("content/en/c/campaign.yaml:2:")


# --- UI strings ---------------------------------------------------------------------------------------

def test_a_strings_override_changes_the_button_and_an_unknown_key_is_a_warning(make_project):
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
                            "content/sv/strings.yaml": "sign_button: Skriv på nu\nsign_buton: x\n"})
    code, _, stderr = run_build(project)
    assert code == 0
    assert errors_of(stderr) == ["content/sv/strings.yaml:2:1: warning: unknown string `sign_buton` is ignored\n"
                                 "  hint: did you mean `sign_button`?"]
    for rel, text in (("sv/c/index.html", "Skriv på nu"), ("c/index.html", "Sign the petition")):
        (button,) = [b for b in parse_html((project / "site" / rel).read_bytes()).iter("button")]
        assert text_of(button) == text


def test_a_misspelled_placeholder_in_a_strings_override_is_reported(make_project):
    project = make_project({
        **MINIMAL,
        "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
        "content/en/c/campaign.yaml": "title: W\npetition:\n  goal: 100\n  count: 5\n",
        "content/sv/strings.yaml": 'signed_count:\n  one: "{cuont} av {goal} underskrift"\n'
                                   '  other: "{cuont} av {goal} underskrifter"\n',
    })
    code, _, stderr = run_build(project)
    assert any(block.startswith("content/sv/strings.yaml:2:") and "cuont" in block for block in errors_of(stderr))


@pytest.mark.parametrize("setting, error, hint", [
    ("default_locale: English\n", "content/site.yaml:5:17: `English` is a language's name, not its code", "English is `en`"),
    ("locales: en, sv\n", "content/site.yaml:5:10: `en, sv` is not a language code handbill knows",
     "write the languages as a list in brackets: locales: [en, sv]"),
])
def test_a_slip_in_the_languages_of_site_yaml_is_the_one_problem_reported(make_project, setting, error, hint):
    """The rest of the build goes on with what was meant, instead of warning about every folder and file."""
    from conftest import MINIMAL, SITE_YAML, run_build, story
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML.replace("default_locale: en\n", "") + setting,
                            "content/sv/c/stories/maria.md": story("Marias brunn")})
    code, _, stderr = run_build(project)
    assert code == 1 and stderr.splitlines()[:2] == [error, f"  hint: {hint}"]
    assert "warning:" not in stderr and stderr.count("\n  hint:") == 1 and "1 error, 0 warnings" in stderr


def test_the_site_title_says_its_language_on_another_languages_pages(files):
    """site.yaml's title is written in the default language: on Swedish pages it is marked as English."""
    swedish = parse_html(files["sv/index.html"])
    (heading,) = swedish.iter("h1")
    (span,) = heading.iter("span")
    assert (span.get("lang"), span.get("dir"), text_of(span)) == ("en", "ltr", "Test Site")
    header_link = next(a for a in swedish.iter("a") if a.get("class") == "site-title")
    assert [(s.get("lang"), text_of(s)) for s in header_link.iter("span")] == [("en", "Test Site")]
    assert text_of(next(swedish.iter("title"))) == "Test Site"  # an attribute-like place: as it is
    english = parse_html(files["index.html"])
    assert not list(next(english.iter("h1")).iter("span"))
