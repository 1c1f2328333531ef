"""UI strings: the lookup chain, plural forms, placeholders checked at load, overrides, and the
default theme's fourteen languages being complete."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL, SITE_YAML, errors_of, parse_html, run_build, text_of, write_project
from handbill.diagnostics import Diagnostics
from handbill.strings import PLURAL_FORMS, load_catalog, lookup_chain, plural_categories

THEME = Path(__file__).resolve().parents[1] / "themes" / "default"
SHIPPED = ("en", "sv", "fr", "es", "de", "pt-BR", "ar", "fa", "ur", "sw", "hi", "bn", "ne", "si")
SPEC_KEYS = ("sign_button", "signed_count", "untranslated_notice", "share_heading", "read_more", "thanks_heading",
             "donate_button", "language_switcher", "skip_to_content")


def catalog(tmp_path, files: dict[str, str], locales: list[str], default: str = "en"):
    """A catalog from a tiny theme (``theme/i18n/*.yaml``) and content (``content/<locale>/strings.yaml``)."""
    write_project(tmp_path, files)
    diags = Diagnostics(root=tmp_path)
    return load_catalog([tmp_path / "theme"], tmp_path / "content", locales, default, diags), diags


EN = "hello: Hello\nsigned:\n  one: \"{count} signature\"\n  other: \"{count} signatures\"\nbye: Bye\n"


def test_the_lookup_chain():
    assert lookup_chain("pt-BR", "en") == ["pt-BR", "pt", "en"]
    assert lookup_chain("zh-Hant-TW", "sv") == ["zh-Hant-TW", "zh-Hant", "sv", "en"]
    assert lookup_chain("sv", "sv") == ["sv", "en"]


@pytest.mark.parametrize("locale, chain", [
    ("sr-Latn", ["sr-Latn", "en"]),  # sr is Cyrillic
    ("sr-Latn-RS", ["sr-Latn-RS", "sr-Latn", "en"]),
    ("sr-ME", ["sr-ME", "sr-Latn", "en"]),  # Serbian in Montenegro is written in Latin letters
    ("sr-Cyrl", ["sr-Cyrl", "sr", "en"]),
    ("zh-Hant", ["zh-Hant", "en"]),  # zh is Simplified
    ("zh-TW", ["zh-TW", "zh-Hant", "en"]),
    ("zh-Hans", ["zh-Hans", "zh", "en"]),
    ("zh-Hant-MO", ["zh-Hant-MO", "zh-Hant-HK", "zh-Hant", "en"]),
    ("pa-Arab", ["pa-Arab", "en"]), ("az-Arab", ["az-Arab", "en"]), ("uz-Arab", ["uz-Arab", "en"]),
    ("es-MX", ["es-MX", "es-419", "es", "en"]),
    ("hi-Latn", ["hi-Latn", "en"]),  # CLDR's parent is en-IN: another language, so no parent for UI text
])
def test_the_lookup_chain_follows_cldr_parents_within_one_script_and_language(locale, chain):
    assert lookup_chain(locale, "en") == chain


def test_a_locale_in_another_script_never_shows_its_parents_script_and_says_what_is_missing(tmp_path):
    cat, diags = catalog(tmp_path, {"theme/i18n/en.yaml": EN,
                                    "content/sr/strings.yaml": "hello: Здраво\nbye: Збогом\n",
                                    "content/sr-Latn/strings.yaml": "bye: Zbogom\n",
                                    "content/zh/strings.yaml": "hello: 你好\n",
                                    "content/zh-Hant/strings.yaml": "bye: 再見\n"},
                         ["en", "sr", "sr-Latn", "zh", "zh-Hant"])
    assert [cat.translator("sr-Latn")(key) for key in ("hello", "bye")] == ["Hello", "Zbogom"]
    assert [cat.translator("zh-Hant")(key) for key in ("hello", "bye")] == ["Hello", "再見"]
    assert cat.missing("sr-Latn") == cat.missing("zh-Hant") == ["hello", "signed"]
    assert [d.message for d in diags.warnings] == [
        "the UI strings `hello` and `signed` are not translated into Serbian (Latin) (sr-Latn), so they are shown "
        "in English",
        "the UI strings `hello` and `signed` are not translated into Chinese (Traditional) (zh-Hant), so they are "
        "shown in English"]


def test_pt_br_falls_back_to_pt_then_to_the_default_with_one_warning(tmp_path):
    cat, diags = catalog(tmp_path, {"theme/i18n/en.yaml": EN, "theme/i18n/pt.yaml": "hello: Olá\n",
                                    "content/pt-BR/strings.yaml": "bye: Tchau\n"}, ["en", "pt-BR"])
    t = cat.translator("pt-BR")
    assert (t("bye"), t("hello"), t("signed", count=2)) == ("Tchau", "Olá", "2 signatures")
    t("signed", count=3)
    assert [d.format() for d in diags.warnings] == [
        "content/pt-BR/strings.yaml: warning: the UI string `signed` is not translated into Portuguese (Brazil) (pt-BR), "
        "so it is shown in English\n  hint: add `signed: ...` to content/pt-BR/strings.yaml"]
    assert cat.missing("pt-BR") == ["signed"]


def test_a_text_asked_for_again_is_the_same_and_warns_once_and_parameters_still_count(tmp_path):
    """``t`` remembers what it gave for a key without parameters; a call with them is worked out each time."""
    cat, diags = catalog(tmp_path, {"theme/i18n/en.yaml": EN, "theme/i18n/pt.yaml": "bye: Tchau\n"}, ["en", "pt"])
    t = cat.translator("pt")
    assert [t("hello"), t("hello"), t("signed"), t("signed", count=1), t("signed"), t("signed", 5), t("hello")] == [
        "Hello", "Hello", "{count} signatures", "1 signature", "{count} signatures", "{count} signatures", "Hello"]
    assert [d.message for d in diags.warnings] == [  # once for the language
        "the UI strings `hello` and `signed` are not translated into Portuguese (pt), so they are shown in English"]
    assert (t("nope"), t("nope")) == ("nope", "nope")  # never remembered: the error is reported for each call
    assert [d.message for d in diags.errors] == ["the theme uses the UI string `nope`, but no strings file has it"]


def test_a_language_with_no_strings_at_all_is_one_warning(tmp_path):
    cat, diags = catalog(tmp_path, {"theme/i18n/en.yaml": EN}, ["en", "ja"])
    t = cat.translator("ja")
    assert (t("hello"), t("bye")) == ("Hello", "Bye")
    assert len(diags.warnings) == 1
    assert "the theme has no Japanese (ja) UI strings" in diags.warnings[0].message


def test_arabic_has_six_plural_forms(tmp_path):
    forms = "".join(f"  {form}: \"{form} {{count}}\"\n" for form in PLURAL_FORMS)
    cat, diags = catalog(tmp_path, {"theme/i18n/en.yaml": EN, "theme/i18n/ar.yaml": f"signed:\n{forms}"}, ["en", "ar"])
    t = cat.translator("ar")
    assert [t("signed", count=n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 1000)] == [
        "zero 0", "one 1", "two 2", "few 3", "few 10", "many 11", "many 99", "other 100", "other 102", "other 1,000"]
    assert diags.items == []


def test_missing_plural_forms_of_a_language_are_a_warning_at_the_key(tmp_path):
    cat, diags = catalog(tmp_path, {"theme/i18n/en.yaml": EN,
                                    "content/ar/strings.yaml": "signed:\n  one: a\n  other: \"{count} b\"\n"},
                         ["en", "ar"])
    assert [d.format() for d in diags.warnings] == [
        "content/ar/strings.yaml:1:1: warning: `signed` has no zero, two, few, many form for Arabic, so those numbers "
        "use the `other` form\n  hint: Arabic uses the plural forms zero, one, two, few, many, other; add the missing ones"]
    assert cat.translator("ar")("signed", count=3) == "3 b"


def test_a_broken_placeholder_is_an_error_with_its_line(tmp_path):
    cat, diags = catalog(tmp_path, {"theme/i18n/en.yaml": EN,
                                    "content/sv/strings.yaml": "hello: Hej\nbye: \"Hej {då\"\n"}, ["en", "sv"])
    assert [d.format() for d in diags.errors] == [
        "content/sv/strings.yaml:2:6: the placeholder in `bye` is broken: 'Hej {då'\n"
        "  hint: placeholders are a name in curly brackets, like {count}; copy them exactly from the original"]
    assert cat.translator("sv")("bye") == "Bye"  # never a crash while rendering


def test_a_broken_other_form_is_one_error_not_also_a_missing_one(tmp_path):
    cat, diags = catalog(tmp_path, {"theme/i18n/en.yaml": EN, "content/sv/strings.yaml":
                                    "signed:\n  one: \"{count} underskrift\"\n  other: \"{count:>9} av\"\n"},
                         ["en", "sv"])
    assert [d.format().splitlines()[0] for d in diags.errors] == [
        "content/sv/strings.yaml:3:10: the placeholder in `signed` is broken: '{count:>9} av'"]


def test_a_misspelt_placeholder_is_an_error_at_the_line_of_its_plural_form(tmp_path):
    cat, diags = catalog(tmp_path, {"theme/i18n/en.yaml": EN, "content/sv/strings.yaml":
                                    "signed:\n  one: \"{count} underskrift\"\n  other: \"{cuont} underskrifter\"\n"},
                         ["en", "sv"])
    assert [d.format() for d in diags.errors] == [
        "content/sv/strings.yaml:3:1: `signed` uses {cuont}, which is not filled in for this text\n"
        "  hint: did you mean {count}?"]


def test_an_empty_value_means_not_translated_yet(tmp_path):
    cat, diags = catalog(tmp_path, {"theme/i18n/en.yaml": EN, "content/sv/strings.yaml":
                                    "hello: Hej\nbye:\nsigned:\n  one:\n  other:\n"}, ["en", "sv"])
    assert diags.items == []
    assert cat.missing("sv") == ["bye", "signed"]
    assert cat.translator("sv")("bye") == "Bye"


def test_a_key_the_theme_does_not_have_is_an_error_not_a_crash(tmp_path):
    cat, diags = catalog(tmp_path, {"theme/i18n/en.yaml": EN}, ["en"])
    assert cat.translator("en")("nope") == "nope"
    assert diags.errors[0].message == "the theme uses the UI string `nope`, but no strings file has it"


def test_integer_parameters_are_numbers_of_the_language(tmp_path):
    cat, _ = catalog(tmp_path, {"theme/i18n/en.yaml": EN, "theme/i18n/hi.yaml": "signed:\n  one: \"{count} हस्ताक्षर\"\n"
                                "  other: \"{count} हस्ताक्षर\"\n"}, ["en", "hi"])
    assert cat.translator("hi")("signed", count=231000) == "2,31,000 हस्ताक्षर"


def test_strings_are_escaped_like_any_other_text(make_project):
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
                            "content/sv/strings.yaml": "sign_button: \"<b>Skriv</b> & skicka\"\n"})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    data = (project / "site/sv/c/index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Skriv&lt;/b&gt; &amp; skicka" in data
    (button,) = parse_html(data).iter("button")
    assert text_of(button) == "<b>Skriv</b> & skicka"


def test_serbian_in_latin_letters_gets_the_default_languages_button_not_the_cyrillic_one(make_project):
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sr, sr-Latn]\n",
                            "content/sr/strings.yaml": "sign_button: Потпишите петицију\n",
                            "content/sr-Latn/strings.yaml": "read_more: Pročitajte više\n"})
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    buttons = {locale: text_of(next(parse_html((project / f"site/{locale}c/index.html").read_bytes()).iter("button")))
               for locale in ("sr/", "sr-Latn/")}
    assert buttons == {"sr/": "Потпишите петицију", "sr-Latn/": "Sign the petition"}
    assert "UI strings are not translated into Serbian (Latin) (sr-Latn), so they are shown in English" in stderr


def test_an_unknown_placeholder_in_a_real_build_fails_it_at_its_line(make_project):
    project = make_project({**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
                            "content/sv/strings.yaml": "stories_of: \"Berättelser: {kampanj}\"\n"})
    code, _, stderr = run_build(project)
    assert code == 1
    assert errors_of(stderr)[0] == ("content/sv/strings.yaml:1:1: `stories_of` uses {kampanj}, which is not filled "
                                    "in for this text\n  hint: did you mean {campaign}?")


# --- the default theme's languages ------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped():
    diags = Diagnostics()
    return load_catalog([THEME], Path("/nonexistent"), list(SHIPPED), "en", diags), diags


def test_the_default_theme_strings_load_without_any_problem(shipped):
    cat, diags = shipped
    assert diags.report() == ""
    assert set(SPEC_KEYS) <= cat.keys


@pytest.mark.parametrize("locale", SHIPPED)
def test_every_shipped_language_translates_every_key(shipped, locale):
    cat, _ = shipped
    assert (THEME / "i18n" / f"{locale}.yaml").is_file()
    assert cat.missing(locale) == [], f"add these keys to themes/default/i18n/{locale}.yaml"


@pytest.mark.parametrize("locale", SHIPPED)
def test_every_plural_string_has_the_forms_its_language_needs(shipped, locale):
    cat, _ = shipped
    needed = plural_categories(locale)
    for key in cat.keys:
        text = cat.theme_tables[locale].values[key]
        if isinstance(cat.reference.values[key], dict):
            assert isinstance(text, dict) and needed <= set(text), (locale, key)


@pytest.mark.parametrize("locale", [code for code in SHIPPED if code != "en"])
def test_shipped_languages_are_translated_not_copied(shipped, locale):
    cat, _ = shipped
    english, own = cat.theme_tables["en"].values, cat.theme_tables[locale].values
    same = [k for k in english if own.get(k) == english[k] and k not in ("event_details", "field_email")]
    assert len(same) <= 2, same
