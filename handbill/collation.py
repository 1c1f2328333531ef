"""Sorting text the way a language sorts it (country lists), without ICU.

The base is the Unicode Collation Algorithm with its default table (DUCET, through the
pure-Python ``pyuca``): accents come second, so ``Österreich`` sorts with the O's and
``Ägypten`` with the A's, and ``Італія`` after ``Індія`` in Ukrainian. On top of it, the
letters that CLDR's tailoring for a language makes letters of their own: Turkish
``Çin`` after every C, Swedish ``Österrike`` after Z, Vietnamese ``Ấn Độ`` after every A.
Only these letters of their own are tailored: not the finer, accent-level rules, nor
Hungarian's letters of two or three (``cs``, ``dzs``), nor Chinese in pinyin order.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Callable

# CLDR's standard collation, for the letters it sorts apart: "&c<ç" puts ç after every c,
# "&z<å<ä,æ<ö,ø" puts å, ä (or æ) and ö (or ø) after z, in that order. Keys are languages.
# CLDR's "&[before 1]t<š" (before every t) is "&s<š" here (after every s).
_SWEDISH = "&z<å<ä,æ<ö,ø"
_DANISH = "&z<æ,ä<ø,ö<å"
_SERBO_CROATIAN = "&c<č<ć &d<dž<đ &l<lj &n<nj &s<š &z<ž"  # Serbian's for its Latin letters (sr-Latn)
TAILORINGS = {
    "az": "&c<ç &e<ə &g<ğ &h<x<ı &k<q &o<ö &s<ş &u<ü",
    "bs": _SERBO_CROATIAN, "hr": _SERBO_CROATIAN, "sr": _SERBO_CROATIAN,
    "cs": "&c<č &h<ch &r<ř &s<š &z<ž",
    "cy": "&c<ch &d<dd &f<ff &g<ng &l<ll &p<ph &r<rh &t<th",
    "da": _DANISH, "nb": _DANISH, "nn": _DANISH, "no": _DANISH,
    "es": "&n<ñ",
    "et": "&s<š<z<ž &w<õ<ä<ö<ü",
    "fi": _SWEDISH,
    "is": "&a<á &d<ð &e<é &i<í &o<ó &u<ú &y<ý &þ<æ,ä<ö,ø<å",
    "lt": "&c<č &s<š &z<ž",
    "lv": "&c<č &g<ģ &k<ķ &l<ļ &n<ņ &s<š &z<ž",
    "pl": "&a<ą &c<ć &e<ę &l<ł &n<ń &o<ó &s<ś &z<ź<ż",
    "ro": "&a<ă<â &i<î &s<ș,ş &t<ț,ţ",
    "sk": "&a<ä &c<č &h<ch &o<ô &r<ř &s<š &z<ž",
    "sl": "&c<č<ć &d<đ &s<š &z<ž",
    "sq": "&c<ç &d<dh &e<ë &g<gj &l<ll &n<nj &r<rr &s<sh &t<th &x<xh &z<zh",
    "sv": _SWEDISH,
    "tr": "&c<ç &g<ğ &h<ı &o<ö &s<ş &u<ü",
    "vi": "&a<ă<â &d<đ &e<ê &o<ô<ơ &u<ư",
    "yo": "&e<ẹ &g<gb &o<ọ &s<ṣ",
}
# Lower case the language's way before tailoring: in Turkish and Azerbaijani I is the capital of ı.
_LOWER = {"tr": {"I": "ı", "İ": "i"}, "az": {"I": "ı", "İ": "i"}}
_MARK = "[\u0300-\u036f]"  # combining marks that Latin letters decompose into
_AFTER_EVERY_LETTER = 0xE000  # private-use characters: the UCA weighs them after every letter


@functools.lru_cache(maxsize=1)
def _collator():
    """The UCA collator (its table takes about 0.2 s to load, so only when a list is sorted)."""
    from pyuca import Collator
    return Collator()


def _letter_pattern(letter: str) -> re.Pattern[str]:
    """``letter`` in decomposed text, with other marks allowed between its own: ``ặ`` is a, dot below, breve."""
    decomposed = unicodedata.normalize("NFD", letter)
    end = len(decomposed)
    while end and unicodedata.combining(decomposed[end - 1]):
        end -= 1
    base, marks = decomposed[:end], decomposed[end:]
    return re.compile(re.escape(base) + "".join(f"({_MARK}*?){re.escape(mark)}" for mark in marks))


@functools.lru_cache(maxsize=None)
def _rules(language: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, replacement) for each tailored letter: its anchor, then a character that sorts after
    every letter (the same one for letters CLDR makes equal), then the other marks the letter had."""
    rules = []
    for chain in TAILORINGS.get(language, "").split():
        anchor, *steps = chain.lstrip("&").split("<")
        for rank, step in enumerate(steps):
            for letter in step.split(","):
                pattern = _letter_pattern(letter)
                kept = "".join(f"\\{group}" for group in range(1, pattern.groups + 1))
                rules.append((len(unicodedata.normalize("NFD", letter)), pattern,
                              anchor + chr(_AFTER_EVERY_LETTER + rank) + kept))
    rules.sort(key=lambda rule: -rule[0])  # the longest first: dž before ž
    return tuple((pattern, replacement) for _, pattern, replacement in rules)


def _tailored(text: str, language: str) -> str:
    for capital, small in _LOWER.get(language, {}).items():
        text = text.replace(capital, small)
    text = unicodedata.normalize("NFD", text.lower())
    for pattern, replacement in _rules(language):
        text = pattern.sub(replacement, text)
    return text


def collation_key(language: str) -> Callable[[str], tuple]:
    """A sort key for text in ``language`` (a Babel language code: ``de``, ``tr``, ``vi``)."""
    collator = _collator()

    def key(text: str) -> tuple:
        return collator.sort_key(_tailored(text, language)), collator.sort_key(text), text

    return key
