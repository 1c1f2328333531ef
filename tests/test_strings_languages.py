"""Languages Babel has no data for are still languages, codes are spelled as BCP 47 spells them, and the
warnings about a language's UI strings say what is shown, where to write, and say it once."""
from __future__ import annotations

import time

import pytest

from conftest import MINIMAL, SITE_YAML, errors_of, parse_html, run_build, story, text_of
from handbill.localecodes import (canonical_code, check_code, english_name, has_data, native_name, og_locale,
                                  text_direction)
from handbill.translation import new_locale


def problems(stderr: str) -> list[str]:
    return [e for e in errors_of(stderr) if not e.startswith("Build failed")]


# --- languages without Babel data ------------------------------------------------------------------

@pytest.mark.parametrize("code, name", [("sm", "Samoan"), ("ch", "Chamorro"), ("fj", "Fijian"), ("mh", "Marshallese"),
                                        ("ty", "Tahitian"), ("ay", "Aymara"), ("crh", "Crimean Tatar"),
                                        ("tl", "Tagalog"), ("sh", "Serbo-Croatian"), ("prs", "Dari")])
def test_a_real_language_code_is_never_called_a_country_code(code, name):
    assert check_code(code) is None and check_code(code, confirmed=True) is None
    assert canonical_code(code) == code and english_name(code) == name


def test_a_language_in_a_country_babel_has_no_data_for_uses_the_languages_data():
    assert check_code("ar-US") is None and text_direction("ar-US") == "rtl" and has_data("ar-US")
    assert english_name("ar-US") == "Arabic (United States)"
    assert english_name("sr-Latn-US") == "Serbian (Latin, United States)"
    assert not has_data("sm") and check_code("xx-US").suggestion is None


def test_only_codes_iso_withdrew_are_old_codes_and_country_codes_still_get_their_language():
    assert check_code("iw").message == "`iw` is an old code for Hebrew" and check_code("mo").suggestion == "ro"
    assert check_code("jp").suggestion == "ja" and check_code("xx").suggestion is None
    assert check_code("samoan").hint == "Samoan is `sm`"
    assert check_code("SM").hint == "language codes are written in small letters: write `sm`"


def test_variants_are_written_in_small_letters():
    assert canonical_code("en-GB-OXENDICT") == "en-GB-oxendict" and check_code("en-GB-oxendict") is None
    assert check_code("en-GB-OXENDICT").hint == ("language codes use a hyphen, the language in small letters, the "
                                                 "country in capitals and the variant in small letters: write "
                                                 "`en-GB-oxendict`")
    assert canonical_code("ca-es-VALENCIA") == "ca-ES-valencia"


def test_new_locale_keeps_a_variant_as_written(tmp_path):
    content = tmp_path / "content"
    (content / "en").mkdir(parents=True)
    (content / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    out = new_locale(content, "en-GB-oxendict")
    assert out.code == 0 and (content / "en-GB-oxendict" / "strings.yaml").is_file()
    assert not any("standard spelling" in message for message in out.messages)


def test_a_language_without_babel_data_is_published_with_one_warning(make_project):
    """Samoan (no data: English numbers and plural rules), Dari (Persian of Afghanistan's data, right to left),
    Moroccan Arabic (no data, but written in Arabic letters: right to left)."""
    files = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sm, prs, ary]\n",
             "content/en/c/campaign.yaml": "title: Clean water\npetition:\n  goal: 5000\n  count: 1234\n",
             "content/sm/c/campaign.yaml": "title: Vai mama\n",
             "content/sm/strings.yaml": "sign_button: Saini\n",
             "content/sm/c/stories/maria.md": story("O le vaieli a Maria")}
    project = make_project(files)
    code, _, err = run_build(project)
    assert code == 0, err
    data = [p for p in problems(err) if "language data" in p]
    assert data == [  # (ary has no folder: the language is named in site.yaml)
        "content/site.yaml: warning: handbill has no language data for Moroccan Arabic (ary), so its numbers, dates "
        "and plural forms follow English (1,234 and May 1, 2026)\n  hint: the pages are published all the same; if "
        "this is not Moroccan Arabic, use your language's code instead of `ary`",
        "content/sm: warning: handbill has no language data for Samoan (sm), so its numbers, dates and plural forms "
        "follow English (1,234 and May 1, 2026)\n  hint: the pages are published all the same; if this is not "
        "Samoan, use your language's code instead of `sm`"]
    assert not any("did you mean" in p for p in problems(err))
    pages = {code: parse_html((project / f"site/{code}/c/index.html").read_bytes()) for code in ("sm", "prs", "ary")}
    assert {code: (tree.get("lang"), tree.get("dir")) for code, tree in pages.items()} == {
        "sm": ("sm", "ltr"), "prs": ("prs", "rtl"), "ary": ("ary", "rtl")}
    samoan = pages["sm"]
    assert text_of(next(samoan.iter("button"))) == "Saini"
    assert "1,234" in text_of(next(p for p in samoan.iter("p") if p.get("class") == "count-text"))
    switcher = {a.get("hreflang"): text_of(a) for a in samoan.iter("a") if a.get("hreflang")}
    assert switcher["sm"] == "Samoan" and switcher["prs"] == "دری"
    assert og_locale("sm") == "sm_WS" and text_direction("ary") == "rtl" and native_name("tl") == "Tagalog"


# --- what the warnings about UI strings say ----------------------------------------------------------

def test_a_default_language_without_theme_strings_says_they_are_shown_in_english(make_project):
    files = {**MINIMAL, "content/site.yaml": SITE_YAML.replace("default_locale: en", "default_locale: vi"),
             "content/vi/c/campaign.yaml": "title: Nước sạch\n"}
    del files["content/en/c/campaign.yaml"], files["content/en/c/stories/maria.md"], files["content/en/pages/about.md"]
    code, _, err = run_build(make_project(files))
    assert code == 0, err
    assert [p.splitlines()[0] for p in problems(err) if "UI strings" in p] == [
        "content/vi: warning: the theme has no Vietnamese (vi) UI strings, so buttons and menus are shown in English"]


def test_the_warning_names_the_strings_file_only_when_it_exists_and_the_first_string_does_not_make_a_hundred(
        make_project):
    files = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, he, am]\n",
             "content/he/c/campaign.yaml": "title: מים נקיים\n",
             "content/he/strings.yaml": "read_more: קרא עוד\n"}
    code, _, err = run_build(make_project(files))
    assert code == 0, err
    hebrew, amharic = [p for p in problems(err) if "UI strings" in p]
    assert amharic.startswith("content/site.yaml: warning: the theme has no Amharic (am) UI strings, so buttons "
                              "and menus are shown in English")  # (no am/ folder, no am/strings.yaml)
    assert hebrew.startswith("content/he/strings.yaml: warning: ")
    assert " UI strings are not translated into Hebrew (he), so they are shown in English" in hebrew
    assert "hint: `python build.py check` lists them; translate them in content/he/strings.yaml" in hebrew


def test_a_few_untranslated_strings_are_named_in_one_warning(make_project):
    import yaml

    from handbill.theme import default_theme_dir
    english = yaml.safe_load((default_theme_dir() / "i18n" / "en.yaml").read_text(encoding="utf-8"))
    somali = {key: text for key, text in english.items() if key not in ("read_more", "sign_button")}
    files = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, so]\n",
             "content/so/strings.yaml": yaml.safe_dump(somali, allow_unicode=True) + "read_more:\n"}
    code, _, err = run_build(make_project(files))
    assert code == 0, err
    assert [p for p in problems(err) if "UI string" in p] == [
        "content/so/strings.yaml: warning: the UI strings `read_more` and `sign_button` are not translated into "
        "Somali (so), so they are shown in English\n"
        "  hint: add `read_more: ...` and `sign_button: ...` to content/so/strings.yaml"]


# --- size -------------------------------------------------------------------------------------------

def test_a_huge_strings_file_is_refused_before_it_is_read(make_project):
    lines = "".join(f"sign_button{i}: v\n" for i in range(30_000))  # 600 KB of unknown keys
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
                            "content/sv/strings.yaml": lines})
    started = time.monotonic()
    code, _, err = run_build(project)
    assert time.monotonic() - started < 30
    assert code == 1
    assert [p for p in problems(err) if "strings.yaml" in p] == [
        f"content/sv/strings.yaml: this file is {len(lines) // 1024} KB, more than the 256 KB a strings file may have\n"
        "  hint: check that nothing was pasted twice: a strings file holds one line for each button and heading"]


def test_many_unknown_strings_are_reported_ten_and_counted(make_project):
    lines = "".join(f"sign_button{i}: v\n" for i in range(25))
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
                            "content/sv/strings.yaml": lines})
    code, _, err = run_build(project)
    assert code == 0, err
    unknown = [p.splitlines()[0] for p in problems(err) if "unknown strings" in p or "unknown string " in p]
    assert unknown[:3] == ["content/sv/strings.yaml: warning: 15 more unknown strings are ignored",
                           "content/sv/strings.yaml:1:1: warning: unknown string `sign_button0` is ignored",
                           "content/sv/strings.yaml:2:1: warning: unknown string `sign_button1` is ignored"]
    assert len(unknown) == 11


def test_names_of_campaigns_pages_and_backup_folders_are_not_language_codes(make_project):
    """`so-far` is Somali with a country only to a generous parser; `en-backup` English with a variant."""
    from conftest import MINIMAL, run_build, story
    from handbill.localecodes import parse_locale
    for name in ("so-far", "no-go", "to-the-end", "ha-ha", "de-la-rue", "si-se-puede", "en-old", "en-backup", "de-copy"):
        assert parse_locale(name) is None, name
    for code in ("es-419", "en-GB-oxendict", "sr-Latn-US", "ar-US", "zh-Hant-TW"):
        assert parse_locale(code) is not None, code
    project = make_project({**MINIMAL, "content/en/so-far/campaign.yaml": "title: So far\n",
                            "content/en/so-far/stories/a.md": story("A"),
                            "content/en/pages/de-la-rue.md": "---\ntitle: Rue\n---\nText.\n"})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    assert (project / "site/so-far/index.html").is_file() and (project / "site/de-la-rue/index.html").is_file()
