"""Missing translations (fallback, skip, error), the field-by-field merge, orphans, locale folder
names, native digits and bidi control characters, each in a tiny world built from dicts."""
from __future__ import annotations

import re

import pytest

from conftest import MINIMAL, SITE_YAML, alternates, errors_of, parse_html, run_build, story, text_of
from handbill.localecodes import canonical_code, check_code, native_name, og_locale
from handbill.locales import changed_settings, merge_values
from handbill.schema import CAMPAIGN

WORLD = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv, ar, hi]\n",
    "content/en/c/campaign.yaml": "title: Clean water\nsummary: Water for every school.\n"
                                  "petition:\n  goal: 250000\n  count: 231000\n",
    "content/en/c/stories/maria.md": story("Maria's well", "See [Bob](bob.md)."),
    "content/en/c/stories/bob.md": story("Bob's pump", "Bob writes.", date="2026-04-01"),
    "content/en/d/campaign.yaml": "title: Dry schools\n",
    "content/en/d/stories/dee.md": story("Dee's school"),
    "content/sv/c/campaign.yaml": "title: Rent vatten\n",
    "content/sv/c/stories/maria.md": story("Marias brunn", "Se [Bob](bob.md)."),
    "content/hi/c/campaign.yaml": "title: साफ़ पानी\n",
    "content/hi/c/stories/maria.md": story("मारिया का कुआँ", "[Bob](bob.md) देखें।"),
    "content/hi/d/stories/dee.md": story("डी का स्कूल"),
}


def build(make_project, files, *args):
    project = make_project(files)
    code, out, err = run_build(project, *args)
    return project, code, err


def html(project, rel):
    return parse_html((project / "site" / rel).read_bytes())


def problems(stderr: str) -> list[str]:
    return [e for e in errors_of(stderr) if not e.startswith("Build failed")]


# --- fallback policies --------------------------------------------------------------------------

def test_fallback_is_the_default_policy(make_project):
    project, code, err = build(make_project, WORLD)
    assert code == 0, err
    assert (project / "site/hi/c/stories/bob/index.html").is_file()
    assert (project / "site/hi/d/index.html").is_file()


def test_skip_leaves_untranslated_files_out_and_links_go_to_the_original(make_project):
    project, code, err = build(make_project, {**WORLD, "content/site.yaml": SITE_YAML + "locales: [en, sv, ar, hi]\n"
                                                                                       "fallback: {hi: skip}\n"})
    assert code == 0, err
    site = project / "site"
    assert not (site / "hi/c/stories/bob").exists()
    assert not (site / "hi/d").exists()  # an untranslated campaign goes with its stories
    assert (site / "hi/c/stories/maria/index.html").is_file()
    assert (site / "sv/c/stories/bob/index.html").is_file()  # other locales keep the default policy
    prose = next(d for d in html(project, "hi/c/stories/maria/index.html").iter("div") if d.get("class") == "prose")
    assert [a.get("href") for a in prose.iter("a")] == ["/c/stories/bob/"]
    nav_links = [a.get("href") for a in html(project, "hi/index.html").iter("a")]
    assert "/hi/c/" in nav_links and "/hi/d/" not in nav_links
    sitemap = (site / "sitemap.xml").read_text()
    assert "/hi/c/stories/bob/" not in sitemap
    # the translated story of the skipped campaign is not published, and says so
    assert any(p.startswith("content/hi/d/stories/dee.md: warning: this story is not published in Hindi")
               for p in problems(err)), err


def test_skip_for_every_locale_with_one_value(make_project):
    project, code, err = build(make_project, {**WORLD, "content/site.yaml": SITE_YAML + "locales: [en, sv, ar, hi]\n"
                                                                                       "fallback: skip\n"})
    assert code == 0, err
    assert not (project / "site/sv/c/stories/bob").exists()
    assert not (project / "site/ar/c").exists()
    assert (project / "site/ar/index.html").is_file()  # the home page is always there


def test_error_fails_the_build_naming_each_missing_translation(make_project):
    project, code, err = build(make_project, {**WORLD, "content/site.yaml": SITE_YAML + "locales: [en, sv, ar, hi]\n"
                                                                                       "fallback: {sv: error}\n"})
    assert code == 1
    found = problems(err)
    missing = sorted(p.split(":")[0] for p in found if "fallback: error" in p)
    # an untranslated campaign is one error: its stories are not published in that language either
    assert missing == ["content/sv/c/stories/bob.md", "content/sv/d/campaign.yaml", "content/sv/pages/about.md"]
    first = next(p for p in found if p.startswith("content/sv/c/stories/bob.md"))
    assert "there is no translation of this file" in first
    assert "hint: translate content/en/c/stories/bob.md into content/sv/c/stories/bob.md" in first
    assert not (project / "site").exists()


def test_a_draft_translation_counts_as_missing_under_error(make_project):
    files = {**WORLD, "content/site.yaml": SITE_YAML + "locales: [en, sv]\nfallback: error\n",
             "content/sv/c/stories/bob.md": story("Bobs pump", extra="draft: true\n"),
             "content/sv/c/stories/maria.md": story("Marias brunn"),
             "content/sv/d/campaign.yaml": "title: Torra skolor\n", "content/sv/d/stories/dee.md": story("Dees skola"),
             "content/sv/pages/about.md": "---\ntitle: Om oss\n---\nText.\n"}
    project, code, err = build(make_project, files)
    assert code == 1
    (only,) = [p for p in problems(err) if "fallback: error" in p]
    assert only.startswith("content/sv/c/stories/bob.md:4:8: the translation is still marked draft: true")
    assert "hint: remove draft: true from content/sv/c/stories/bob.md when it is ready" in only  # not the original


def test_a_policy_for_a_locale_the_site_does_not_have_is_a_warning_with_its_line(make_project):
    project, code, err = build(make_project, {**WORLD, "content/site.yaml": SITE_YAML + "locales: [en, sv, ar, hi]\n"
                                                                                       "fallback:\n  fr: skip\n"})
    assert code == 0
    assert problems(err) == ["content/site.yaml:8:7: warning: fallback: `fr` is not one of this site's languages, "
                             "so it does nothing\n  hint: the languages are: en, ar, hi, sv"]


def test_an_unknown_policy_is_an_error_with_the_choices(make_project):
    project, code, err = build(make_project, {**WORLD, "content/site.yaml": SITE_YAML + "fallback: hide\n"})
    assert code == 1
    (only,) = problems(err)
    assert only.startswith("content/site.yaml:6:11: fallback cannot be 'hide'")
    assert "fallback, skip, error" in only


# --- merge ---------------------------------------------------------------------------------------

def test_a_translation_that_changes_a_setting_gets_a_warning_at_its_line(make_project):
    files = {**WORLD, "content/sv/c/campaign.yaml": "title: Rent vatten\npetition:\n  goal: 1000\n"
                                                   "  consent: Ja tack\n  endpoint: https://crm.example.se/sign\n"}
    project, code, err = build(make_project, files)
    assert code == 0, err
    found = problems(err)
    assert any(p.startswith("content/sv/c/campaign.yaml:3:9: warning: this translation changes `petition.goal` "
                            "(the original has 250000), which is a setting, not text") for p in found), found
    assert any(p.startswith("content/sv/c/campaign.yaml:5:13: warning: this translation changes `petition.endpoint`")
               for p in found), found
    assert not any("petition.consent" in p for p in found)
    form = next(html(project, "sv/c/index.html").iter("form"))
    assert form.get("action") == "https://crm.example.se/sign"  # kept, as the warning says


def test_a_copied_setting_with_the_same_value_is_no_warning(make_project):
    files = {**WORLD, "content/sv/c/campaign.yaml": "title: Rent vatten\npetition:\n  goal: 250000\n",
             "content/sv/c/stories/maria.md": story("Marias brunn", date="2026-05-01")}
    project, code, err = build(make_project, files)
    assert code == 0
    assert problems(err) == []


def test_merge_is_field_by_field_and_lists_of_maps_item_by_item():
    original = {"title": "T", "petition": {"goal": 5, "consent": "Yes"},
                "events": [{"title": "Rally", "date": 1}, {"title": "Vigil", "date": 2}], "tags": ["a", "b"]}
    merged = merge_values(original, {"petition": {"consent": "Ja"}, "events": [{"title": "Möte"}, {}], "tags": ["c"]})
    assert merged == {"title": "T", "petition": {"goal": 5, "consent": "Ja"},
                      "events": [{"title": "Möte", "date": 1}, {"title": "Vigil", "date": 2}], "tags": ["c"]}


def test_a_copied_setting_is_no_warning_when_the_originals_value_is_broken(make_project):
    """The original's bad date is the error to fix; the translation that copied the right one changes nothing."""
    files = {**WORLD, "content/en/c/stories/maria.md": story("Maria's well", date="2026-13-45"),
             "content/sv/c/stories/maria.md": story("Marias brunn", date="2026-05-01")}
    project, code, err = build(make_project, files)
    assert code == 1
    assert [p.splitlines()[0] for p in problems(err)] == [
        "content/en/c/stories/maria.md:3:7: date is not a real date: '2026-13-45'"]


def test_lists_of_maps_of_other_lengths_keep_the_originals_items():
    """A translator who writes only the first event's title must not lose the second event."""
    original = {"events": [{"title": "Rally", "date": 1}, {"title": "Vigil", "date": 2}]}
    assert merge_values(original, {"events": [{"title": "Möte"}]}) == \
        {"events": [{"title": "Möte", "date": 1}, {"title": "Vigil", "date": 2}]}
    assert merge_values(original, {"events": [{}, {}, {"title": "Bara här", "date": 3}]}) == \
        {"events": [{"title": "Rally", "date": 1}, {"title": "Vigil", "date": 2}, {"title": "Bara här", "date": 3}]}


EVENTS = ("title: Clean water\nevents:\n  - {title: Rally, date: 2026-12-05T14:00, city: Oslo, country: 'NO'}\n"
          "  - {title: Vigil, date: 2026-12-06T18:00, city: Bergen, country: 'NO'}\n")


def test_a_translation_of_some_events_keeps_the_others(make_project):
    files = {**WORLD, "content/en/c/campaign.yaml": EVENTS,
             "content/sv/c/campaign.yaml": "title: Rent vatten\nevents:\n  - title: Möte\n"}
    project, code, err = build(make_project, files)
    assert code == 0 and problems(err) == [], err
    listed = text_of(next(html(project, "sv/c/events/index.html").iter("main")))
    assert "Möte" in listed and "Vigil" in listed and "Rally" not in listed


def test_an_event_only_a_translation_has_is_shown_there_without_a_warning_and_an_empty_list_means_none(make_project):
    files = {**WORLD, "content/en/c/campaign.yaml": EVENTS,
             "content/sv/c/campaign.yaml": "title: Rent vatten\nevents:\n  - title: Möte\n  - {}\n"
                                           "  - {title: Bara i Sverige, date: 2026-12-07T10:00, city: Malmö, country: SE}\n"}
    project, code, err = build(make_project, files, "--strict")
    assert code == 0 and problems(err) == [], err
    listed = text_of(next(html(project, "sv/c/events/index.html").iter("main")))
    assert "Möte" in listed and "Vigil" in listed and "Bara i Sverige" in listed
    files["content/sv/c/campaign.yaml"] = "title: Rent vatten\nevents: []\n"
    project, code, err = build(make_project, files)
    assert code == 0
    assert not (project / "site/sv/c/events").exists() and (project / "site/c/events/index.html").exists()


def test_an_event_a_translation_adds_without_a_date_is_an_error_not_lost(make_project):
    files = {**WORLD, "content/en/c/campaign.yaml": EVENTS,
             "content/sv/c/campaign.yaml": "title: Rent vatten\nevents:\n  - title: Möte\n  - title: Vaka\n"
                                           "  - title: Bara i Sverige\n"}
    project, code, err = build(make_project, files)
    assert code == 1
    assert problems(err) == [
        "content/sv/c/campaign.yaml:5:5: `events` has 3 items here but 2 in the original, and the item this "
        "translation adds (number 3) has no `date`\n  hint: to translate the original's items, write them in the "
        "same order; an item only this language has needs its own `date`"]


def test_changed_settings_are_the_non_text_keys_with_other_values():
    original = {"title": "T", "colors": {"primary": "#111111"}, "events": [{"title": "A", "date": 1}]}
    assert changed_settings(original, {"title": "X", "colors": {"primary": "#222222"},
                                       "events": [{"title": "B", "date": 3}]}, CAMPAIGN) == \
        ["colors.primary", "events.0.date"]
    assert changed_settings(original, {"events": [{"title": "B"}, {"title": "C", "date": 9}]}, CAMPAIGN) == []
    assert changed_settings({"events": [{"title": "A", "date": 1}, {"title": "B", "date": 2}]},
                            {"events": [{"title": "X"}]}, CAMPAIGN) == []
    assert changed_settings(original, {"draft": True, "source_hash": "x"}, CAMPAIGN) == []


def test_a_translation_without_an_original_is_a_warning_and_not_published(make_project):
    project, code, err = build(make_project, {**WORLD, "content/sv/c/stories/zed.md": story("Zed")})
    assert code == 0
    assert problems(err) == ["content/sv/c/stories/zed.md: warning: this translation has no original, so it is not "
                             "published\n  hint: a translation needs an original with the same folder and file name, "
                             "content/en/c/stories/zed.md: rename this file to match its original, or add the original first"]
    assert not (project / "site/sv/c/stories/zed").exists()


def test_a_draft_translation_shows_the_original_meanwhile(make_project):
    project, code, err = build(make_project, {**WORLD, "content/sv/c/stories/bob.md": story("Bobs", extra="draft: true\n")})
    assert code == 0
    tree = html(project, "sv/c/stories/bob/index.html")
    assert text_of(next(tree.iter("h1"))) == "Bob's pump"
    assert alternates(tree) == {}


# --- locale folder names ---------------------------------------------------------------------------

@pytest.mark.parametrize("folder, start", [
    ("en_US", "content/en_US: the folder name `en_US` should be written `en-US`"),
    ("pt-br", "content/pt-br: the folder name `pt-br` should be written `pt-BR`"),
    ("jp", "content/jp: the folder name `jp` is not a language code (JP is the country code of Japan)"),
    ("swedish", "content/swedish: the folder name `swedish` is a language's name, not its code"),
    ("iw", "content/iw: the folder name `iw` is an old code for Hebrew"),
])
def test_a_misspelt_locale_folder_is_an_error_with_the_fix(make_project, folder, start):
    project, code, err = build(make_project, {**MINIMAL, f"content/{folder}/c/campaign.yaml": "title: X\n"})
    assert code == 1
    (only,) = problems(err)
    assert only.startswith(start), only
    assert "hint: rename the folder" in only


def test_a_misspelt_folder_of_a_listed_locale_says_what_to_rename_it_to(make_project):
    project, code, err = build(make_project, {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, pt-BR]\n",
                                              "content/pt_br/c/campaign.yaml": "title: X\n"})
    assert code == 1
    assert problems(err)[0].startswith("content/pt_br: the language folder `pt_br` should be called `pt-BR`\n"
                                       "  hint: rename the folder to `pt-BR`")


def test_se_is_northern_sami_did_you_mean_swedish(make_project):
    project, code, err = build(make_project, {**MINIMAL, "content/se/c/campaign.yaml": "title: Rent vatten\n"})
    assert code == 0  # a real language: published, with a warning
    only = next(p for p in problems(err) if p.startswith("content/se:"))
    assert only.startswith("content/se: warning: the folder name `se` is the code for Northern Sami "
                           "(Davvisámegiella); did you mean `sv` (Swedish)?")
    assert (project / "site/se/c/index.html").is_file()


def test_se_listed_in_site_yaml_is_taken_as_meant(make_project):
    project, code, err = build(make_project, {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, se]\n",
                                              "content/se/c/campaign.yaml": "title: Čáhci\n"})
    assert code == 0
    assert [p.splitlines()[0] for p in problems(err)] == [  # no "did you mean", only what is left to translate
        "content/se: warning: the theme has no Northern Sami (se) UI strings, so buttons and menus "
        "are shown in English"]


def test_a_bad_code_in_site_yaml_is_reported_at_its_line(make_project):
    project, code, err = build(make_project, {**MINIMAL, "content/site.yaml": SITE_YAML + "locales:\n  - en\n  - pt_BR\n"})
    assert code == 1
    assert any(p.startswith("content/site.yaml:8:5: `pt_BR` should be written `pt-BR`") for p in problems(err)), err


def test_a_language_folder_not_listed_is_a_warning(make_project):
    project, code, err = build(make_project, {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en]\n",
                                              "content/fr/c/campaign.yaml": "title: Eau\n"})
    assert code == 0
    assert problems(err) == ["content/fr: warning: the folder `fr` is French, a language not listed in site.yaml, "
                             "so it is not published\n  hint: add fr to `locales:` in site.yaml to publish it"]


def test_a_campaign_may_not_be_named_like_a_language(make_project):
    project, code, err = build(make_project, {**MINIMAL, "content/en/ar/campaign.yaml": "title: X\n"})
    assert code == 1
    assert "the campaign name `ar` cannot be used: it is a language code" in problems(err)[0]


@pytest.mark.parametrize("written, fixed", [("pt_br", "pt-BR"), ("EN", "en"), ("zh-hant-tw", "zh-Hant-TW"),
                                            ("iw", "he"), ("es-419", "es-419"), ("xx", None), ("paid-leave", None)])
def test_canonical_codes(written, fixed):
    assert canonical_code(written) == fixed


def test_code_checks_and_names():
    assert check_code("sv") is None and check_code("pt-BR") is None
    assert check_code("se").severity == "warning" and check_code("se", confirmed=True) is None
    assert check_code("dk").suggestion == "da"
    assert [native_name(c) for c in ("sv", "pt-BR", "ar", "hi", "fa")] == \
        ["Svenska", "Português (Brasil)", "العربية", "हिन्दी", "فارسی"]
    assert [og_locale(c) for c in ("en", "sv", "pt-BR", "ar", "hi", "sw")] == \
        ["en_US", "sv_SE", "pt_BR", "ar_EG", "hi_IN", "sw_TZ"]


# --- numbers and bidi -------------------------------------------------------------------------------

def count_text(project, rel):
    return text_of(next(p for p in html(project, rel).iter("p") if p.get("id") == "count-text"))


def test_native_digits_for_arabic_and_hindi(make_project):
    project, code, err = build(make_project, {**WORLD, "content/site.yaml": SITE_YAML + "locales: [en, ar, hi]\n"
                                                                                       "native_digits: {ar: true, hi: true}\n"})
    assert code == 0, err
    assert count_text(project, "ar/c/index.html") == "٢٣١٬٠٠٠ من أصل ٢٥٠٬٠٠٠ توقيع"
    assert count_text(project, "hi/c/index.html") == "२,५०,००० में से २,३१,००० हस्ताक्षर"
    assert text_of(next(html(project, "ar/c/stories/maria/index.html").iter("time"))) == "١ مايو ٢٠٢٦"
    assert count_text(project, "c/index.html") == "231,000 of 250,000 signatures"


def test_bidi_controls_in_names_cannot_reverse_the_page(make_project):
    evil = "Maria\u202e olleH\u2066"
    files = {**WORLD, "content/site.yaml": SITE_YAML + "locales: [en, ar]\n",
             "content/en/c/stories/maria.md": story(f'"{evil}"', extra=f'author: "{evil}"\nquote: "x\u202by"\n')}
    project, code, err = build(make_project, files)
    assert code == 0, err
    for rel in ("c/stories/maria/index.html", "ar/c/stories/maria/index.html", "c/index.html", "feed.xml"):
        data = (project / "site" / rel).read_text(encoding="utf-8")
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", data), rel
    byline = next(p for p in html(project, "ar/c/stories/maria/index.html").iter("p") if p.get("class") == "byline")
    assert text_of(next(byline.iter("bdi"))) == "Maria olleH"  # the name is isolated from the Arabic around it
