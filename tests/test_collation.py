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
