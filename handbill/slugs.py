"""Slugs made from titles and names in any script: the file names `new story` makes, the names
the rename hints suggest, the names of events' calendar files."""
from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 60

# Letters that Unicode decomposition does not turn into ASCII.
_LATIN = {"ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "ł": "l", "Ł": "l",
          "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i", "ħ": "h", "Ħ": "h", "ŋ": "ng",
          "ſ": "s", "&": " and "}
_CYRILLIC = dict(zip("абвгдезийклмнопрстуфыэ", "abvgdezijklmnoprstufye")) | {
    "ё": "yo", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": "", "ю": "yu",
    "я": "ya", "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz"}
_GREEK = dict(zip("αβγδεζηικλμνξοπρσςτυφω", "avgdeziiklmnxoprsstyfo")) | {"θ": "th", "χ": "ch", "ψ": "ps"}  # ELOT 743
_TABLE = _LATIN | _CYRILLIC | _GREEK
_APOSTROPHES = "'’ʼ`´"


def ascii_slug(text: str) -> str:
    """A lowercase ASCII slug of ``text`` (``Maria's first day`` -> ``marias-first-day``); '' when nothing is left.

    Accents are dropped, other Latin letters, Cyrillic and Greek are transliterated;
    scripts without a simple Latin spelling (Arabic, Devanagari, ...) leave nothing.
    """
    letters = []
    for char in unicodedata.normalize("NFKC", text):
        if char in _APOSTROPHES:
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        for candidate in (char, char.lower(), decomposed[:1], decomposed[:1].lower()):  # й before и, έ as ε
            if candidate in _TABLE:
                letters.append(_TABLE[candidate])
                break
        else:
            letters.append(decomposed.encode("ascii", "ignore").decode("ascii") or " ")
    slug = re.sub(r"[^a-z0-9]+", "-", "".join(letters).lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0] if "-" in slug[:MAX_SLUG] else slug[:MAX_SLUG]
    return slug
