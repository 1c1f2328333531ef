"""Languages written in more than one script, and regional variants: how the language switcher
names them, which Open Graph locale each page claims, and how a misspelt code is explained."""
from __future__ import annotations

import pytest

from conftest import MINIMAL, SITE_YAML, build_files, parse_html, text_of, write_project
from handbill.localecodes import check_code, native_name, og_locale

# locale -> its Open Graph locale: the script's own country, and a form no other locale here has
OG_LOCALES = {"en": "en_US", "ka": "ka_GE", "sr": "sr_RS", "sr-Latn": "sr_Latn_RS", "zh-Hans": "zh_CN",
              "zh-Hant": "zh_TW", "pa": "pa_IN", "pa-Arab": "pa_PK", "es-419": "es_LA"}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    translations = {f"content/{code}/c/campaign.yaml": f"title: Clean water ({code})\n" for code in OG_LOCALES
                    if code != "en"}
    project = write_project(tmp_path_factory.mktemp("scripts"), {
        **MINIMAL, **translations, "content/site.yaml": SITE_YAML + f"locales: [{', '.join(OG_LOCALES)}]\n"})
    return build_files(project)


def switcher_names(files, rel: str) -> dict[str, str]:
    tree = parse_html(files[rel])
    nav = next(nav for nav in tree.iter("nav") if "languages" in (nav.get("class") or ""))
    return {a.get("hreflang"): text_of(a) for a in nav.iter("a")}


def test_the_switcher_capitalises_only_what_is_capitalised_and_never_writes_georgian_in_capitals(files):
    names = switcher_names(files, "c/index.html")
    assert names["ka"] == "ქართული"  # Mkhedruli: Georgian has no capitals in running text
    assert not any("\u1c90" <= char <= "\u1cbf" for char in "".join(names.values()))  # no Mtavruli at all
    assert (names["sr"], names["sr-Latn"], names["es-419"]) == ("Српски", "Srpski (latinica)", "Español (Latinoamérica)")
    assert names["pa-Arab"] == native_name("pa-Arab") and names["pa-Arab"].startswith("پنجابی")


def og(files, rel: str) -> tuple[str, list[str]]:
    metas = list(parse_html(files[rel]).iter("meta"))
    (main,) = [m.get("content") for m in metas if m.get("property") == "og:locale"]
    return main, [m.get("content") for m in metas if m.get("property") == "og:locale:alternate"]


@pytest.mark.parametrize("locale", OG_LOCALES)
def test_every_translation_claims_its_own_og_locale_and_lists_every_other_once(files, locale):
    main, alternates = og(files, ("" if locale == "en" else f"{locale}/") + "c/index.html")
    assert main == OG_LOCALES[locale]
    assert sorted(alternates) == sorted(value for code, value in OG_LOCALES.items() if code != locale)
    assert len({main, *alternates}) == len(OG_LOCALES)


@pytest.mark.parametrize("code, expected", [
    ("zh-TW", "zh_TW"), ("zh-HK", "zh_HK"), ("sr-Cyrl", "sr_RS"), ("sr-ME", "sr_ME"),  # Serbian in Montenegro: Latin
    ("az-Arab", "az_IR"), ("uz-Arab", "uz_AF"), ("pt", "pt_BR"), ("es-MX", "es_MX"),
])
def test_og_locale_of_script_and_region_variants(code, expected):
    assert og_locale(code) == expected


@pytest.mark.parametrize("written, hint", [
    ("sr-latn", "language codes use a hyphen, the language in small letters and the script with a capital "
                "first letter: write `sr-Latn`"),
    ("pt_br", "language codes use a hyphen, the language in small letters and the country in capitals: write `pt-BR`"),
    ("zh-hant-tw", "language codes use a hyphen, the language in small letters, the script with a capital first "
                   "letter and the country in capitals: write `zh-Hant-TW`"),
    ("EN", "language codes are written in small letters: write `en`"),
])
def test_a_misspelt_code_is_explained_part_by_part(written, hint):
    assert check_code(written).hint == hint
