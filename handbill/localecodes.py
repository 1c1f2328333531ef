"""Locale codes: which folder names are languages, how they are spelled, and what they are called.

A locale folder is named with a BCP 47 code, spelled the standard way: ``en``, ``sv``,
``pt-BR``, ``zh-Hant``, ``en-GB-oxendict``. Its language is one CLDR names: Babel has data
(numbers, dates, plural rules) for most, and a language it has none for (Samoan ``sm``,
Fijian ``fj``, Moroccan Arabic ``ary``) is still a language: its pages use English's numbers,
dates and plural rules, and the direction of the script it is usually written in. The mistakes
people really make get a suggestion: ``en_US`` and ``pt-br`` (spelling), ``iw`` (an old code
for Hebrew), ``jp`` or ``dk`` (a country code, not a language code), ``swedish`` (a
language's name), and ``se``, which is a real code, but for Northern Sami, not Swedish.

Pure functions over Babel's data; nothing here reads files.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.core import get_global

# Codes that are real languages but usually a slip for a country's code: code -> what was meant.
# Listing the code under ``locales:`` in site.yaml confirms that the language is meant.
COUNTRY_SLIPS = {"se": "sv", "ee": "et", "br": "pt-BR"}
# Two-letter codes ISO 639 withdrew, and the ones that replaced them. CLDR also maps some current
# codes to another language's data (tl to fil, sh to sr-Latn, tw to ak): those are kept as written.
WITHDRAWN = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
NO_DATA_LOCALE = "en"  # whose numbers, dates and plural rules a language without Babel data uses
_NOT_LANGUAGES = {"und", "zxx", "mul", "mis"}  # CLDR's names for "unknown", "no language" ...
_RTL_SCRIPTS = {"Adlm", "Arab", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa", "Yezi"}
_SUBTAG = re.compile(r"[A-Za-z0-9]{1,8}")
_VARIANT = re.compile(r"[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}")


def locale_data(code: str) -> Locale:
    """The Babel locale whose numbers, dates and plural rules ``code`` uses: its own, else NO_DATA_LOCALE's."""
    return parse_locale(code) or Locale.parse(NO_DATA_LOCALE)


@functools.lru_cache(maxsize=512)
def parse_locale(code: str) -> Locale | None:
    """The Babel locale for a code in BCP 47 (``pt-BR``) or POSIX (``pt_BR``) spelling, or None.
    Remembered (the same object for the same code): a build asks it thousands of times, 3 µs each."""
    if not code or not all(_SUBTAG.fullmatch(part) for part in re.split(r"[-_]", code)):
        return None
    try:
        parsed = Locale.parse(code.replace("-", "_"))
    except (ValueError, TypeError, LookupError, UnknownLocaleError):
        return _alias_locale(code) or _language_locale(code)
    # Babel takes any word as a variant or script (`en-backup`, `de-copy`): a folder of that name is no language
    return parsed if _known_parts(*_subtags(code)[1:]) else None


def _alias_locale(code: str) -> Locale | None:
    """The data of a code CLDR maps to a language in a script or country (which Babel does not follow):
    ``sh`` (Serbo-Croatian) is written like ``sr-Latn``, ``prs`` (Dari) like ``fa-AF``."""
    language, script, territory, _ = _subtags(code)
    target = get_global("language_aliases").get(language, "")
    if "_" not in target:
        return None
    try:
        usual = Locale.parse(target)
        return Locale(usual.language, territory or usual.territory, script=script or usual.script)
    except (ValueError, TypeError, LookupError, UnknownLocaleError):
        return None


def _language_locale(code: str) -> Locale | None:
    """The data of the language (in its script) where Babel has none for its country: ``ar-US`` is
    written like ``ar``, ``sr-Latn-US`` like ``sr-Latn`` (as CLDR's data inherits)."""
    language, script, territory, variants = _subtags(code)
    if territory is None and not variants or not _known_parts(script, territory, variants):
        return None  # (not `so-far` or `de-la-rue`: a campaign's name is no language's code)
    try:
        return Locale.parse(_spell(language, script, None, []).replace("-", "_"))
    except (ValueError, TypeError, LookupError, UnknownLocaleError):
        return None


def _subtags(code: str) -> tuple[str, str | None, str | None, list[str]]:
    """``zh-hant-tw`` -> ``("zh", "Hant", "TW", [])``: the parts of a code, each spelled the standard way."""
    parts = re.split(r"[-_]", code)
    script = territory = None
    variants: list[str] = []
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha() and script is None and territory is None and not variants:
            script = part.title()
        elif (len(part) == 2 and part.isalpha() or len(part) == 3 and part.isdigit()) and territory is None \
                and not variants:
            territory = part.upper()
        else:
            variants.append(part.lower())  # BCP 47 writes variants in small letters: en-GB-oxendict
    return parts[0].lower(), script, territory, variants


def _spell(language: str, script: str | None, territory: str | None, variants: list[str]) -> str:
    return "-".join(part for part in (language, script, territory, *variants) if part)


@functools.lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """Every language CLDR names (ISO 639 codes), with its English name: Babel has data for about half."""
    return {code: name for code, name in Locale("en").languages.items()
            if "_" not in code and code not in _NOT_LANGUAGES}


def _is_language_without_data(language: str, script: str | None, territory: str | None, variants: list[str]) -> bool:
    return language in _language_names() and _known_parts(script, territory, variants)


def _known_parts(script: str | None, territory: str | None, variants: list[str]) -> bool:
    """A script, a country and variants CLDR knows (it names 55 variants, `oxendict` among them)."""
    english = Locale("en")
    return ((script is None or script in english.scripts) and (territory is None or territory in english.territories)
            and all(_VARIANT.fullmatch(variant) and variant.upper() in english.variants for variant in variants))


def canonical_code(name: str) -> str | None:
    """The standard BCP 47 spelling of a language's code, keeping only the parts written.

    ``pt_br`` -> ``pt-BR``, ``EN`` -> ``en``, ``zh-hant`` -> ``zh-Hant``, ``iw`` -> ``he``,
    ``SM`` -> ``sm`` (Samoan, which Babel has no data for); None when it names no language.
    """
    if not name or not all(_SUBTAG.fullmatch(part) for part in re.split(r"[-_]", name)):
        return None
    language, script, territory, variants = _subtags(name)
    alias = get_global("language_aliases").get(language, "")
    if language in WITHDRAWN:
        language = WITHDRAWN[language]
    elif len(language) == 3 and alias and "_" not in alias:
        language = alias  # eng -> en, ger -> de: the shortest code of the language
    spelled = _spell(language, script, territory, variants)
    if parse_locale(spelled) is not None or _is_language_without_data(language, script, territory, variants):
        return spelled
    return None


def has_data(code: str) -> bool:
    """Whether Babel has the language's numbers, dates and plural rules (else they are English's)."""
    return parse_locale(code) is not None


def is_locale_code(name: str) -> bool:
    """True for a code spelled exactly as a locale folder must be (``pt-BR``, not ``pt_br``)."""
    return canonical_code(name) == name


def english_name(code: str) -> str:
    """``Swedish``, ``Portuguese (Brazil)``, ``Samoan`` (no Babel data), ``Tagalog`` (Filipino's data)."""
    locale = parse_locale(code)
    language, script, territory, _ = _subtags(code)
    if locale is not None and locale.language == language and locale.territory == territory:
        return locale.get_display_name("en")
    english = Locale("en")  # Tagalog (in Filipino's data), Samoan (no data), Arabic (United States) (in Arabic's)
    name = _language_names().get(language) or (english.languages.get(str(locale)) if locale else None)
    if name is None:
        return locale.get_display_name("en") if locale else code
    details = [names.get(part, part) for names, part in ((english.scripts, script), (english.territories, territory))
               if part]
    return f"{name} ({', '.join(details)})" if details else name


def native_name(code: str) -> str:
    """The language's name in itself, as a language switcher shows it: ``Svenska``, ``العربية``, ``ქართული``.

    The first letter goes to title case, not upper case: the same capital in Latin, Greek,
    Cyrillic or Armenian (``svenska`` -> ``Svenska``), but Georgian's title case is the letter
    itself, as Georgian writes no capitals in running text (and many fonts lack Mtavruli ones).
    """
    locale = parse_locale(code)
    language = _subtags(code)[0]
    if locale is not None and locale.language == language:
        name = locale.get_display_name(locale)
    else:  # Tagalog in Filipino's data; a language Babel has no data for is named in English
        name = (locale.languages.get(language) or locale.languages.get(str(locale))) if locale else None
    name = name or english_name(code)
    return name[:1].title() + name[1:]


def likely_script(code: str) -> str | None:
    """The script a locale is written in: the one it names, else CLDR's likely one (``zh-TW`` -> ``Hant``)."""
    locale = parse_locale(code)
    if locale is None:  # a language Babel has no data for: ary (Moroccan Arabic) -> Arab
        language, script, territory, _ = _subtags(code)
        likely = get_global("likely_subtags")
        full = likely.get(f"{language}_{territory}") or likely.get(language) or ""
        return script or next((part for part in full.split("_")[1:] if len(part) == 4), None)
    if locale.script:
        return locale.script
    likely = get_global("likely_subtags")
    for key in (f"{locale.language}_{locale.territory}", locale.language):
        if key in likely:
            return likely[key].split("_")[1]
    return None


@functools.lru_cache(maxsize=512)  # asked for each text a page looks up (Babel parses the code every time)
def parent_locale(code: str) -> str | None:
    """The locale whose texts ``code`` borrows first (CLDR's parent locale), or None for none.

    ``pt-BR`` -> ``pt``, ``es-MX`` -> ``es-419``, ``zh-TW`` -> ``zh-Hant``. A parent in
    another script or another language is no parent for UI text: ``sr-Latn`` does not
    borrow Cyrillic from ``sr``, nor ``zh-Hant`` Simplified Chinese from ``zh``.
    """
    locale, key = parse_locale(code), code.replace("-", "_")
    parent = get_global("parent_exceptions").get(key) or (key.rpartition("_")[0] if "_" in key else None)
    if locale is None or parent in (None, "root") or parse_locale(parent) is None:
        return None
    if parse_locale(parent).language != locale.language:
        return None
    script = likely_script(code)
    if likely_script(parent) != script:  # zh-TW is zh-Hant-TW: its parent is zh-Hant; zh-Hant has none
        with_script = f"{locale.language}_{script}"
        return with_script.replace("_", "-") if with_script != key and parse_locale(with_script) else None
    return parent.replace("_", "-")


def text_direction(code: str) -> str:
    """``rtl`` for Arabic, Persian, Urdu, Hebrew ... (and a language without Babel data that is written
    in such a script, like ``ary``); ``ltr`` otherwise."""
    locale = parse_locale(code)
    if locale is not None:
        return locale.text_direction
    return "rtl" if likely_script(code) in _RTL_SCRIPTS else "ltr"


# Open Graph writes language_TERRITORY; Facebook's code for Latin American Spanish is es_LA.
_OG_REGIONS = {"es_419": "es_LA"}


def _likely_territory(language: str, script: str | None) -> str | None:
    """Where a language (in a script) is most likely written: ``zh`` + ``Hant`` -> ``TW``."""
    likely = get_global("likely_subtags")
    full = likely.get(f"{language}_{script}") or likely.get(language) or ""
    return next((part for part in full.split("_")[1:] if len(part) == 2 or part.isdigit()), None)


def og_locale(code: str) -> str:
    """Open Graph's ``language_TERRITORY`` form: ``sv`` -> ``sv_SE``, ``pt-BR`` -> ``pt_BR``, ``ar`` -> ``ar_EG``,
    ``zh-Hant`` -> ``zh_TW``, ``pa-Arab`` -> ``pa_PK``, ``es-419`` -> ``es_LA``.

    A locale in another script than its country usually writes keeps its script
    (``sr-Latn`` -> ``sr_Latn_RS``): ``sr_RS`` is Cyrillic Serbian, and two languages of
    one site must not claim the same Open Graph locale.
    """
    language, _, territory, _ = _subtags(code)
    script = likely_script(code)
    territory = territory or _likely_territory(language, script)
    if not territory:
        return language
    plain = f"{language}_{territory}"
    usual_script = likely_script(plain)
    if script and usual_script and script != usual_script:
        return f"{language}_{script}_{territory}"
    return _OG_REGIONS.get(plain, plain)


@functools.lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """The two-letter country codes (ISO 3166), loaded when first asked: Babel's territory list takes 13 ms."""
    return frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())


@functools.lru_cache(maxsize=1)
def _names_to_codes() -> dict[str, str]:
    """Language names, in English and in the language itself, to their code: ``swedish`` -> ``sv``."""
    names: dict[str, str] = {}
    for code, name in _language_names().items():
        names.setdefault(name.casefold(), code)
        own = parse_locale(code)
        native = own.languages.get(code) if own is not None and own.language == code else None
        if native:
            names.setdefault(native.casefold(), code)
    return names


def _country_language(name: str) -> str | None:
    """``jp`` -> ``ja``: the main official language of the country whose code was written."""
    territory = name.upper()
    if len(territory) != 2 or territory not in Locale("en").territories:
        return None
    languages = get_global("territory_languages").get(territory, {})
    official = [(info.get("population_percent", 0), code) for code, info in languages.items()
                if info.get("official_status") in ("official", "de_facto_official") and parse_locale(code)]
    if not official:
        return None
    code = max(official)[1]
    return canonical_code(code.replace("_", "-"))


@dataclass(frozen=True)
class CodeProblem:
    """What is wrong with a locale code, said for a volunteer."""

    severity: str  # "error" or "warning"
    message: str
    hint: str
    suggestion: str | None  # the code that was probably meant


def _spelling_rule(code: str) -> str:
    """How the parts of ``code`` are written: ``sr-Latn`` names a script (Latn), not a country."""
    if "-" not in code:
        return "are written in small letters"
    parts = ["the language in small letters"]
    for part in code.split("-")[1:]:
        if len(part) == 4 and part.isalpha():
            parts.append("the script with a capital first letter")
        elif len(part) == 2 and part.isalpha():
            parts.append("the country in capitals")
        elif _VARIANT.fullmatch(part):
            parts.append("the variant in small letters")
    return "use a hyphen, " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])


def check_code(name: str, *, confirmed: bool = False) -> CodeProblem | None:
    """None for a good locale code; otherwise what is wrong and what to write instead.

    ``confirmed``: the code is listed in site.yaml's ``locales:``, so a code that is
    usually a slip (``se``) was meant.
    """
    fixed = canonical_code(name)
    if fixed == name:
        meant = COUNTRY_SLIPS.get(name)
        if meant and not confirmed:
            return CodeProblem(
                "warning", f"`{name}` is the code for {english_name(name)} ({native_name(name)}); "
                           f"did you mean `{meant}` ({english_name(meant)})?",
                f"if this is {english_name(meant)}, rename it to `{meant}`; if it really is {english_name(name)}, "
                f"list `{name}` under `locales:` in site.yaml to confirm", meant)
        return None
    if fixed is not None:
        old = name.split("-")[0].split("_")[0].lower()
        if old in get_global("language_aliases") and fixed.split("-")[0] != old:
            return CodeProblem("error", f"`{name}` is an old code for {english_name(fixed)}",
                               f"use `{fixed}`", fixed)
        return CodeProblem("error", f"`{name}` should be written `{fixed}`",
                           f"language codes {_spelling_rule(fixed)}: write `{fixed}`", fixed)
    by_name = _names_to_codes().get(name.replace("_", " ").replace("-", " ").casefold())
    if by_name:
        return CodeProblem("error", f"`{name}` is a language's name, not its code",
                           f"{english_name(by_name)} is `{by_name}`", by_name)
    country = _country_language(name)
    if country:
        return CodeProblem("error", f"`{name}` is not a language code ({name.upper()} is the country code of "
                                    f"{Locale('en').territories[name.upper()]})",
                           f"did you mean `{country}` ({english_name(country)})?", country)
    return CodeProblem("error", f"`{name}` is not a language code handbill knows",
                       "use a BCP 47 language code like en, sv, fr, pt-BR, ar or hi", None)


def top_folder_problem(name: str, locales: tuple[str, ...] | list[str], default: str) -> CodeProblem:
    """What to say about a folder of content/ that is neither ``media/`` nor a published locale."""
    problem = check_code(name, confirmed=True)
    if problem is None:
        return CodeProblem("warning", f"the folder `{name}` is {english_name(name)}, a language not listed in "
                                      "site.yaml, so it is not published",
                           f"add {name} to `locales:` in site.yaml to publish it", name)
    if problem.suggestion is not None:
        if problem.suggestion in locales:
            return CodeProblem("error", f"the language folder `{name}` should be called `{problem.suggestion}`",
                               f"rename the folder to `{problem.suggestion}` ({problem.message})", problem.suggestion)
        return CodeProblem(problem.severity, f"the folder name {problem.message}",
                           f"rename the folder: {problem.hint}", problem.suggestion)
    return CodeProblem("error", f"`{name}` is neither a language folder nor media/",
                       f"campaigns and pages go inside a language folder, like content/{default}/{name}/; "
                       "a language folder is named with its language code (en, sv, pt-BR, ar)", None)
