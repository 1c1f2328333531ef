"""Numbers and dates written the way each language writes them, with Babel.

Always through an explicit locale, never the process-wide ``locale.setlocale``, so a
build gives the same bytes on every machine. Grouping follows CLDR: ``231,000`` in
English, ``231 000`` in Swedish, ``2,31,000`` in Hindi. With ``native_digits`` a
locale that has its own digits uses them, with that numbering system's separators:
``٢٣١٬٠٠٠`` in Arabic, ``২,৩১,০০০`` in Bengali.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent

from .localecodes import locale_data, parse_locale

# The digit zero of each decimal numbering system CLDR names as some locale's "native".
_ZEROS = {
    "arab": 0x0660, "arabext": 0x06F0, "beng": 0x09E6, "deva": 0x0966, "gujr": 0x0AE6, "guru": 0x0A66,
    "knda": 0x0CE6, "khmr": 0x17E0, "laoo": 0x0ED0, "mlym": 0x0D66, "mymr": 0x1040, "orya": 0x0B66,
    "sinh": 0x0DE6, "tamldec": 0x0BE6, "telu": 0x0C66, "thai": 0x0E50, "tibt": 0x0F20, "olck": 0x1C50,
    "mtei": 0xABF0, "nkoo": 0x07C0, "adlm": 0x1E950, "hanidec": None,
}
_HANIDEC = "〇一二三四五六七八九"


def native_numbering(locale: Locale) -> str:
    """The locale's own numbering system (``arab`` for Arabic), or ``latn``."""
    try:
        return locale.other_numbering_systems.get("native") or "latn"
    except (AttributeError, KeyError):
        return "latn"


def has_native_digits(code: str) -> bool:
    locale = parse_locale(code)
    return locale is not None and native_numbering(locale) in _ZEROS


def to_digits(text: str, system: str) -> str:
    """ASCII digits in ``text`` written in ``system``'s digits; other characters unchanged."""
    if system == "hanidec":
        return "".join(_HANIDEC[ord(c) - 48] if "0" <= c <= "9" else c for c in text)
    zero = _ZEROS.get(system)
    if not zero:
        return text
    return "".join(chr(zero + ord(c) - 48) if "0" <= c <= "9" else c for c in text)


@dataclass(frozen=True)
class LocaleFormats:
    """Number and date formatting for one locale of a build."""

    code: str
    native_digits: bool = False  # site.yaml's native_digits for this locale

    @property
    def locale(self) -> Locale:
        """Babel's data for the language, or English's for one Babel has none for (Samoan)."""
        return locale_data(self.code)

    @property
    def numbering(self) -> str:
        system = native_numbering(self.locale) if self.native_digits else "latn"
        return system if system in _ZEROS else "latn"

    def _digits(self, text: str) -> str:
        return to_digits(text, self.numbering) if self.numbering != "latn" else text

    def number(self, value: int | float) -> str:
        """``231000`` -> ``231,000`` (en), ``2,31,000`` (hi), ``٢٣١٬٠٠٠`` (ar with native digits)."""
        if type(value) is int:
            return _whole_number(self, value)
        return self._digits(format_decimal(value, locale=self.locale, numbering_system=self.numbering))

    def percent(self, fraction: float) -> str:
        return self._digits(format_percent(fraction, locale=self.locale, numbering_system=self.numbering))

    def date(self, value: dt.date, width: str = "long") -> str:
        """A day: ``May 1, 2026``, ``1 maj 2026``, ``1 मई 2026``."""
        return self._digits(format_date(value, format=width, locale=self.locale))

    def datetime(self, value: dt.date | dt.datetime, width: str = "long") -> str:
        """An event's day and local time; a plain date is a whole-day event and shows no time."""
        if not isinstance(value, dt.datetime):
            return self.date(value, width)
        day = format_date(value.date(), format=width, locale=self.locale)
        time = format_time(value.time(), format="short", locale=self.locale)
        pattern = str(self.locale.datetime_formats.get("medium", "{1} {0}"))
        return self._digits(pattern.replace("{1}", day).replace("{0}", time).replace("'", ""))


@functools.lru_cache(maxsize=4096)
def _whole_number(formats: LocaleFormats, value: int) -> str:
    """A whole number written for a locale, remembered: Babel takes 10-15 µs, and pages ask for the same
    ones again and again (a pager's page numbers, the counts of stories and signatures)."""
    return formats._digits(format_decimal(value, locale=formats.locale, numbering_system=formats.numbering))
