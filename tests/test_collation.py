"""Sorting in a language's alphabetical order: the UCA's default order, and the letters CLDR makes
letters of their own in some languages (the built country lists are tested in test_petition.py)."""
from __future__ import annotations

import pytest

from handbill.collation import collation_key


@pytest.mark.parametrize("language, words", [
    ("de", ["Apfel", "Äpfel", "Aqua", "Öl", "Otter", "Ozean", "Zebra"]),  # umlauts are accents in German
    ("sv", ["Apelsin", "Zebra", "Åsna", "Äpple", "Öl"]),
    ("da", ["Zebra", "Æble", "Øl", "Ål"]),
    ("tr", ["Hollanda", "ılık", "Irak", "iyi", "İzmir", "Jamaika"]),  # I is the capital of ı, before i
    ("vi", ["an", "ặc", "ăn", "âm", "ba"]),  # ặ is ă with a tone mark: a dot below between a and its breve
    ("hr", ["d", "dz", "dž", "đ", "e"]),  # dž is one letter, after every d and before đ
    ("es", ["nube", "nutria", "ñandú", "oso"]),
    ("pl", ["lis", "łoś", "mysz", "zebra", "źrebię", "żaba"]),
])
def test_words_sort_in_the_alphabetical_order_of_their_language(language, words):
    assert sorted(reversed(words), key=collation_key(language)) == words


def test_a_language_without_letters_of_its_own_sorts_accents_second_and_case_last():
    assert sorted(["éte", "Ete", "ete", "etre", "Étage"], key=collation_key("fr")) == [
        "Étage", "ete", "Ete", "éte", "etre"]


def test_the_shipped_country_orders_are_those_sorted_now():
    """country_order.json is what `python -m handbill.country_order` makes with the Babel, pyuca and
    tailoring installed (if this fails, run that command): a build reads it instead of loading pyuca's
    table (0.2 s)."""
    import json

    import babel

    from handbill import country_order
    from handbill.petition import country_names_of, sorted_country_codes
    shipped = json.loads(country_order.SHIPPED.read_text(encoding="utf-8"))
    assert shipped["made_with"] == country_order.made_with(), "collation.py or pyuca changed: make the file again"
    if shipped["babel"] != babel.__version__:  # other names here: those locales are sorted by the build itself
        pytest.skip(f"country_order.json was made with Babel {shipped['babel']}, this is {babel.__version__}")
    assert shipped == json.loads(json.dumps(country_order.orders(country_names_of, sorted_country_codes)))


def test_a_build_reads_the_shipped_order_and_sorts_itself_without_it(monkeypatch):
    """The shipped order is used only for the data it was made with; otherwise the list is sorted here,
    to the same result."""
    from babel import Locale

    from handbill import collation, country_order, petition
    if not country_order._shipped():
        pytest.skip("country_order.json was made with another Babel or Python than this")
    locales = [Locale.parse(code) for code in ("de", "tr", "uk", "vi", "sr_Latn", "zh_Hant")]
    petition._countries_in_order.cache_clear()
    collation._collator.cache_clear()
    shipped = [petition._countries_in_order(locale) for locale in locales]
    assert collation._collator.cache_info().currsize == 0  # pyuca's table was never loaded
    german = dict(shipped[0])
    renamed = {**german, "AT": "Republik Österreich"}  # another Babel's names: not the ones sorted ahead
    assert country_order.shipped_order("de", german) is not None and country_order.shipped_order("de", renamed) is None
    monkeypatch.setattr(country_order, "made_with", lambda: "other data")
    country_order._shipped.cache_clear()
    petition._countries_in_order.cache_clear()
    try:
        assert [petition._countries_in_order(locale) for locale in locales] == shipped
        assert collation._collator.cache_info().currsize == 1
    finally:
        country_order._shipped.cache_clear()
        petition._countries_in_order.cache_clear()
    names = dict(shipped[0])
    assert list(names).index("AT") < list(names).index("PL") and names["AT"] == "Österreich"



@pytest.mark.parametrize("identifier, names", [  # CLDR's names, in CLDR's tailored order
    ("sr_Latn", ["Crna Gora", "Čad", "Češka", "Čile", "Somalija", "Srbija", "Svalbard i Jan Majen", "Španija",
                 "Švajcarska"]),  # Č after every C, Š after every S, as in Croatian
    ("lt", ["Centrinės Afrikos Respublika", "Čadas", "Čekija"]),
    ("et", ["Svalbard ja Jan Mayen", "Šveits", "Taani", "Ukraina", "Ühendkuningriik"]),  # š after s, ü after w
    ("is", ["Albanía", "Austurríki", "Álandseyjar"]),  # á after every a
    ("sq", ["Côte d’Ivoire", "Çad", "Çeki"]),
    ("cy", ["Ciwba", "Chile"]),  # ch is a letter of its own, after c
    ("yo", ["Égípítì", "Ẹẹsáfádò"]),  # ẹ after every e
])
def test_country_names_of_more_languages_in_their_alphabetical_order(identifier, names):
    """The country list as a page shows it: Babel's names in the shipped (or freshly sorted) order."""
    from babel import Locale

    from handbill.petition import _countries_in_order
    shown = [name for _, name in _countries_in_order(Locale.parse(identifier)) if name in names]
    assert shown == names
