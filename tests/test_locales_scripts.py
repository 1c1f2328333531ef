"""Languages written in more than one script, and regional variants: how the language switcher
names them."""
from __future__ import annotations

import pytest

from conftest import MINIMAL, SITE_YAML, build_files, parse_html, text_of, write_project
from handbill.localecodes import native_name

LOCALES = ("en", "ka", "sr", "sr-Latn", "zh-Hans", "zh-Hant", "pa", "pa-Arab", "es-419")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    translations = {f"content/{code}/c/campaign.yaml": f"title: Clean water ({code})\n" for code in LOCALES
                    if code != "en"}
    project = write_project(tmp_path_factory.mktemp("scripts"), {
        **MINIMAL, **translations, "content/site.yaml": SITE_YAML + f"locales: [{', '.join(LOCALES)}]\n"})
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
