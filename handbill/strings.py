"""UI strings of the theme, per locale, with overrides from the content folder.

Lookup for a key in ``pt-BR``: the content's ``pt-BR/strings.yaml``, the theme's
``pt-BR.yaml``, then ``pt`` (content, theme), then the default locale, then the theme's
English (always complete). Parents are CLDR's, within one script: ``sr-Latn`` skips
``sr`` (Cyrillic), ``zh-Hant`` skips ``zh`` (Simplified). A string found only past the locale's own language is a
warning, once per locale: it names the strings when there are a few, and counts them when
there are many (``check`` lists them). Plural forms follow Babel's CLDR rules (Arabic has
six: zero, one, two, few, many, other). Placeholders are ``{name}``; a broken one, or a
name the English text does not have, is reported with its line when the file is
loaded, never while a page renders; so is one the English text has but a translation leaves
out (except in a plural form for a single number, like ``one: One signature``), and
full-width brackets typed with a Chinese or Japanese keyboard (``｛count｝``). A language
Babel has no data for (Samoan) is published with English's numbers, dates and plural rules,
and one warning.

An empty value (``sign_button:`` with nothing after it) means "not translated yet":
``new locale`` writes such a file for the translator to fill in.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .diagnostics import Diagnostics, did_you_mean
from .formats import LocaleFormats
from .foreign import ForeignText, MixedText, TextInLanguage
from .localecodes import (NO_DATA_LOCALE, english_name, has_data, locale_data, parent_locale, parse_locale,
                          text_direction)
from .project import too_big
from .yamlfile import Mapping, Scalar, parse_yaml, read_text

__all__ = ["Catalog", "StringTable", "lookup_chain", "load_catalog", "load_table", "parse_locale", "placeholders"]

PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
REFERENCE_LOCALE = "en"  # the theme's English defines the keys and their placeholders
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FULL_WIDTH_BRACKETS = str.maketrans("｛｝", "{}")  # what a Chinese or Japanese keyboard types for { }
UNKNOWN_KEYS_SHOWN = 10  # unknown keys of one file reported one by one; the rest in one warning
MISSING_KEYS_NAMED = 3  # untranslated keys a language's warning names; more are counted (check lists them)

Text = str | dict[str, str]  # a plain string, or plural forms


@dataclass
class StringTable:
    """The strings of one locale from one file (or the files of a theme stack), with the line of each key."""

    path: Path | None
    values: dict[str, Text] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)  # key -> the file that set it
    form_lines: dict[tuple[str, str], int] = field(default_factory=dict)  # (key, plural form) -> line
    blank: set[str] = field(default_factory=set)  # keys written with an empty value: not translated yet


def placeholders(text: Text) -> set[str]:
    """The ``{name}`` placeholders of a text, over all its plural forms."""
    forms = text.values() if isinstance(text, dict) else [text]
    return {name for form in forms for name in _PLACEHOLDER.findall(form)}


def _check_placeholders(text: str, path, line: int, col: int, key: str, diags: Diagnostics) -> bool:
    names = _PLACEHOLDER.findall(text)
    if all(_NAME.fullmatch(n) for n in names) and "{" not in (rest := _PLACEHOLDER.sub("", text)) and "}" not in rest:
        return True
    diags.error(path, line, col, f"the placeholder in `{key}` is broken: {text!r}",
                "placeholders are a name in curly brackets, like {count}; copy them exactly from the original")
    return False


def _blank(node) -> bool:
    return isinstance(node, Scalar) and node.is_null


def load_table(path: Path, diags: Diagnostics) -> StringTable:
    """Read one strings file. Values are strings, or maps of plural forms; empty values are skipped."""
    table = StringTable(path)
    if too_big(path, diags, "a strings file", "check that nothing was pasted twice: a strings file holds one line "
                                              "for each button and heading"):
        return table
    text = read_text(path, diags)
    node = parse_yaml(text, path, diags) if text is not None else None
    if node is None or _blank(node):
        return table
    if not isinstance(node, Mapping):
        diags.error(path, node.line, node.col, "a strings file must be a list of `key: text` lines",
                    'write one string per line, like sign_button: "Sign the petition"')
        return table
    for key_node, value in node.entries:
        key = key_node.text
        table.lines[key] = key_node.line
        table.paths[key] = path
        if _blank(value) or isinstance(value, Mapping) and all(_blank(v) for _, v in value.entries):
            table.blank.add(key)
        elif isinstance(value, Scalar):
            if _check_placeholders(value.text, path, value.line, value.col, key, diags):
                table.values[key] = value.text
        elif isinstance(value, Mapping) and value.entries and all(k.text in PLURAL_FORMS for k, _ in value.entries):
            forms = {}
            for form_node, form_value in value.entries:
                if _blank(form_value):
                    continue
                if not isinstance(form_value, Scalar):
                    diags.error(path, form_value.line, form_value.col, f"`{key}.{form_node.text}` must be text", "write it on one line")
                elif _check_placeholders(form_value.text, path, form_value.line, form_value.col, key, diags):
                    forms[form_node.text] = form_value.text
                    table.form_lines[(key, form_node.text)] = form_node.line
            written = {form_node.text for form_node, form_value in value.entries if not _blank(form_value)}
            if "other" in written and "other" not in forms:
                pass  # its own problem was reported
            elif "other" not in forms:
                diags.error(path, value.line, value.col, f"`{key}` has plural forms but no `other` form",
                            "add a line `other: ...`: it is used for every number without its own form")
            else:
                table.values[key] = forms
        else:
            unknown = [k.text for k, _ in value.entries if k.text not in PLURAL_FORMS] if isinstance(value, Mapping) else []
            hint = (f"plural forms are called {', '.join(PLURAL_FORMS)}; `{unknown[0]}` is not one of them"
                    if unknown else f'write it like {key}: "..."')
            diags.error(path, value.line, value.col, f"`{key}` must be text, or plural forms (one: ..., other: ...)", hint)
    return table


def lookup_chain(locale: str, default: str) -> list[str]:
    """pt-BR -> pt-BR, pt, the default locale, English; sr-Latn -> sr-Latn, the default locale, English."""
    chain = own_chain(locale)
    for fallback in (default, REFERENCE_LOCALE):  # the theme's English is always complete
        if fallback not in chain:
            chain.append(fallback)
    return chain


def own_chain(locale: str) -> list[str]:
    """The codes that count as the locale's own language: the locale and its CLDR parents in the same
    language and script (pt-BR and pt; zh-Hant-TW and zh-Hant, not zh), never the default locale."""
    chain = [locale]
    while (parent := parent_locale(chain[-1])) is not None and parent not in chain:
        chain.append(parent)
    return chain


def plural_categories(locale: str) -> set[str]:
    parsed = parse_locale(locale)
    return set(parsed.plural_form.tags) | {"other"} if parsed else {"one", "other"}


@functools.lru_cache(maxsize=64)
def numbers_by_plural_form(locale: str) -> dict[str, tuple[int, ...]]:
    """The whole numbers 0-1000, a million and two million, by the plural form ``locale`` gives them."""
    rules = locale_data(locale)
    numbers: dict[str, list[int]] = {}
    for n in (*range(1001), 10 ** 6, 2 * 10 ** 6):
        numbers.setdefault(rules.plural_form(n), []).append(n)
    return {form: tuple(found) for form, found in numbers.items()}


def single_number_forms(locale: str) -> frozenset[str]:
    """The plural forms a language uses for one number only, which a translation may write as a word
    (English ``one``: 1, "Read the story"; Arabic ``zero``, ``one``, ``two``). Russian ``one`` is also
    21 and 31, and French ``one`` 0 too, so there the number must be written with its placeholder."""
    return frozenset(form for form, numbers in numbers_by_plural_form(locale).items() if len(numbers) == 1)


@dataclass
class Catalog:
    """All strings for every locale of a build; ``translator(locale)`` gives the ``t`` function."""

    default_locale: str
    theme_tables: dict[str, StringTable]  # locale -> the theme's strings
    overrides: dict[str, StringTable]  # locale -> content's strings.yaml
    diags: Diagnostics
    content: Path | None = None
    _warned: set[str] = field(default_factory=set)  # the locales whose untranslated strings were reported

    @property
    def reference(self) -> StringTable:
        """The table that defines which keys exist: the theme's English, else the default locale's."""
        return self.theme_tables.get(REFERENCE_LOCALE) or self.theme_tables.get(self.default_locale) or StringTable(None)

    @property
    def keys(self) -> set[str]:
        return set(self.reference.values) | set(self.theme_tables.get(self.default_locale, StringTable(None)).values)

    def tables(self, code: str) -> list[StringTable]:
        """The content's override first, then the theme's file, for one code."""
        return [t for t in (self.overrides.get(code), self.theme_tables.get(code)) if t is not None]

    def check_overrides(self) -> None:
        """An override key the theme does not have is most likely a typo."""
        known = self.keys
        for locale, table in sorted(self.overrides.items()):
            unknown = sorted((key for key in set(table.values) | table.blank if key not in known),
                             key=lambda key: table.lines.get(key, 0))
            for key in unknown[:UNKNOWN_KEYS_SHOWN]:
                self.diags.warning(table.path, table.lines.get(key, 0), 1, f"unknown string `{key}` is ignored",
                                   did_you_mean(key, known) or "see the theme's i18n/en.yaml for the keys that exist")
            if len(unknown) > UNKNOWN_KEYS_SHOWN:
                self.diags.warning(table.path, 0, 0, f"{len(unknown) - UNKNOWN_KEYS_SHOWN} more unknown strings are "
                                                     "ignored", "see the theme's i18n/en.yaml for the keys that exist")

    def check_tables(self) -> None:
        """Placeholders the English text does not have, and plural forms a language needs but lacks."""
        reference = self.reference.values
        for code, table in sorted([*self.theme_tables.items(), *self.overrides.items()], key=lambda i: i[0]):
            categories = plural_categories(code)
            for key, text in sorted(table.values.items()):
                path, line = table.paths.get(key, table.path), table.lines.get(key, 0)
                original = reference.get(key)
                if original is not None and code != REFERENCE_LOCALE:
                    extra = sorted(placeholders(text) - placeholders(original))
                    if extra and isinstance(text, dict):  # the line of the first form that has it
                        line = next((table.form_lines.get((key, form), line) for form, value in text.items()
                                     if "{" + extra[0] + "}" in value), line)
                    if extra:
                        known = sorted(placeholders(original))
                        close = did_you_mean(extra[0], known)
                        hint = close.replace("`", "{", 1).replace("`", "}", 1) if close else (
                            f"this text can use {', '.join('{' + k + '}' for k in known)}" if known
                            else "this text has no placeholders: remove the curly brackets")
                        self.diags.error(path, line, 1, f"`{key}` uses {{{extra[0]}}}, which is not filled in for this text",
                                         hint)
                if original is not None and code != REFERENCE_LOCALE:
                    self._check_left_out(code, table, key, text, original)
                if isinstance(text, dict) and isinstance(original, dict):
                    missing = [form for form in PLURAL_FORMS if form in categories and form not in text]
                    if missing:
                        name = english_name(code)
                        self.diags.warning(path, line, 1, f"`{key}` has no {', '.join(missing)} form for {name}, "
                                                          "so those numbers use the `other` form",
                                           f"{name} uses the plural forms {', '.join(f for f in PLURAL_FORMS if f in categories)}; "
                                           "add the missing ones")

    def _check_left_out(self, code: str, table: StringTable, key: str, text: Text, original: Text) -> None:
        """A placeholder of the English text that a translation leaves out is never shown (the number of
        signatures, a story's title); full-width brackets are shown as they are."""
        single = single_number_forms(code)
        for form, value in (text.items() if isinstance(text, dict) else [(None, text)]):
            # the English form for the same numbers: its `one` may leave the number out too ("Read the story")
            english = (original.get(form or "") or original["other"]) if isinstance(original, dict) else original
            needed = placeholders(english)
            label = f"{key}.{form}" if form else key
            path = table.paths.get(key, table.path)
            line = table.form_lines.get((key, form or "")) or table.lines.get(key, 0)
            if "｛" in value or "｝" in value:
                self.diags.warning(path, line, 1, f"`{label}` has full-width curly brackets ｛ ｝, so they are shown "
                                                  "as they are instead of being filled in",
                                   f"type the brackets in half-width (English) input mode, like this: "
                                   f"{value.translate(_FULL_WIDTH_BRACKETS)}")
                continue
            left_out = sorted(needed - placeholders(value))
            if left_out and form not in single:
                names = " or ".join("{" + name + "}" for name in left_out)
                self.diags.warning(path, line, 1, f"`{label}` does not use {names}, so that part of the text is "
                                                  "never shown",
                                   f"the English text is \"{english}\": write {names} where "
                                   f"{'it belongs' if len(left_out) == 1 else 'they belong'} in this translation")

    def raw(self, locale: str, key: str) -> tuple[Text, str] | None:
        """The text for ``key`` and the locale it was found in."""
        for code in lookup_chain(locale, self.default_locale):
            for table in self.tables(code):
                if key in table.values:
                    return table.values[key], code
        return None

    def has(self, locale: str, key: str) -> bool:
        """Whether the locale (or its base language) has its own text for ``key``."""
        return any(key in table.values for code in own_chain(locale) for table in self.tables(code))

    def has_any(self, locale: str) -> bool:
        """Whether anything at all is translated into the locale's language."""
        return any(table.values for code in own_chain(locale) for table in self.tables(code))

    def missing(self, locale: str) -> list[str]:
        """The keys the locale (and its base language) do not translate, sorted."""
        return sorted(key for key in self.keys if not self.has(locale, key))

    def _strings_place(self, locale: str) -> Path:
        """Where a warning about a language's UI strings points: its strings.yaml, else its folder, else site.yaml."""
        content = self.content or Path()
        for candidate in (content / locale / "strings.yaml", content / locale):
            if candidate.exists():
                return candidate
        return content / "site.yaml"

    def _shown_in(self, locale: str, keys: list[str]) -> str:
        """The languages ``keys`` are shown in instead (``English``, or ``Swedish or English``)."""
        codes = {found[1] for key in keys if (found := self.raw(locale, key)) is not None}
        chain = lookup_chain(locale, self.default_locale)
        return " or ".join(english_name(code) for code in chain if code in codes) or english_name(REFERENCE_LOCALE)

    def _warn_untranslated(self, locale: str) -> None:
        """One warning a language: the UI strings it has not translated, and which language shows them."""
        if locale in self._warned:
            return
        self._warned.add(locale)
        name, target, missing = english_name(locale), self._strings_place(locale), self.missing(locale)
        shown_in = self._shown_in(locale, missing)
        strings_file = self.diags.display_path((self.content or Path("content")) / locale / "strings.yaml")
        if not self.has_any(locale):
            self.diags.warning(target, 0, 0, f"the theme has no {name} ({locale}) UI strings, so buttons and "
                                             f"menus are shown in {shown_in}",
                               f"run `python build.py new locale {locale}` and translate {strings_file}")
        elif len(missing) <= MISSING_KEYS_NAMED:
            keys = " and ".join(f"`{key}`" for key in missing)
            self.diags.warning(target, 0, 0, f"the UI string{'s' if len(missing) > 1 else ''} {keys} "
                                             f"{'are' if len(missing) > 1 else 'is'} not translated into {name} "
                                             f"({locale}), so {'they are' if len(missing) > 1 else 'it is'} "
                                             f"shown in {shown_in}",
                               f"add {' and '.join(f'`{key}: ...`' for key in missing)} to "
                               f"{strings_file}")
        else:
            self.diags.warning(target, 0, 0, f"{len(missing)} of {len(self.keys)} UI strings are not translated into "
                                             f"{name} ({locale}), so they are shown in {shown_in}",
                               f"`python build.py check` lists them; translate them in {strings_file}")

    def translator(self, locale: str, formats: LocaleFormats | None = None) -> Callable[..., str]:
        """``t(key, n=None, **params)``: the text for ``key`` in ``locale``, plural form chosen by ``n``
        (else by an integer ``count``), integer parameters written as numbers of the locale."""
        formats = formats or LocaleFormats(locale)
        babel_locale = locale_data(locale)
        language = locale.split("-")[0].lower()
        plain: dict[str, str] = {}  # key -> text, for calls without n or params (most of a page's)

        def t(key: str, n: int | None = None, **params: object) -> str:
            if n is None and not params and key in plain:
                return plain[key]  # (its warning, if any, was given when it was first asked for)
            found = self.raw(locale, key)
            if found is None:
                self.diags.error(self.reference.path or "i18n/en.yaml", 0, 0,
                                 f"the theme uses the UI string `{key}`, but no strings file has it",
                                 f"add `{key}: ...` to the theme's i18n/{REFERENCE_LOCALE}.yaml")
                return key
            text, where = found
            same_language = where.split("-")[0].lower() == language
            if where not in own_chain(locale):
                self._warn_untranslated(locale)
            if isinstance(text, dict):
                count = n if n is not None else params.get("count")
                number = abs(count) if isinstance(count, (int, float)) and not isinstance(count, bool) else 0
                rules = babel_locale if same_language else (parse_locale(where) or babel_locale)
                text = text.get(rules.plural_form(number), text["other"])
            values = {name: formats.number(value) if isinstance(value, int) and not isinstance(value, bool) else value
                      for name, value in params.items()}
            shown, parts = _filled(text, values, where)
            if parts:  # a title in another language inside: each marked with its own where a template writes it
                shown = MixedText(shown, "" if same_language else where, "" if same_language else text_direction(where),
                                  parts)
            elif not same_language:  # marked with its own where a template writes it
                shown = ForeignText(shown, where, text_direction(where))
            if n is None and not params:
                plain[key] = shown
            return shown

        return t


def _filled(text: str, values: dict[str, object], language: str) -> tuple[str, tuple[tuple[int, int, str, str], ...]]:
    """``text`` with its placeholders filled, and where a value of another language than ``language`` (a
    ForeignText or an InLanguage: a title given with its language) landed in it."""
    out: list[str] = []
    parts: list[tuple[int, int, str, str]] = []
    size, at = 0, 0
    base = language.split("-")[0].lower()
    for match in _PLACEHOLDER.finditer(text):
        value = values.get(match.group(1), match.group(0))
        piece = str(value)
        out += [text[at:match.start()], piece]
        size += match.start() - at
        if isinstance(value, TextInLanguage) and value.lang.split("-")[0].lower() != base and piece:
            parts.append((size, size + len(piece), value.lang, value.dir))
        size += len(piece)
        at = match.end()
    out.append(text[at:])
    return "".join(out), tuple(parts)


def load_catalog(theme_dirs: list[Path], content: Path, locales: list[str], default_locale: str,
                 diags: Diagnostics) -> Catalog:
    """Theme strings (a site's theme overrides the default theme key by key) and the content's overrides."""
    theme_tables: dict[str, StringTable] = {}
    wanted = {code for locale in locales for code in lookup_chain(locale, default_locale)} | {REFERENCE_LOCALE}
    for code in sorted(wanted):
        merged = StringTable(None)
        for folder in reversed(theme_dirs):  # the default theme first, the site's own theme over it
            path = folder / "i18n" / f"{code}.yaml"
            if path.is_file():
                table = load_table(path, diags)
                merged.path = path
                merged.values.update(table.values)
                merged.lines.update(table.lines)
                merged.paths.update(table.paths)
                merged.form_lines.update(table.form_lines)
                merged.blank |= table.blank
        if merged.path is not None:
            theme_tables[code] = merged
    overrides = {}
    for code in sorted({code for locale in locales for code in own_chain(locale)}):
        path = content / code / "strings.yaml"
        if code in locales and path.is_file():
            overrides[code] = load_table(path, diags)
    catalog = Catalog(default_locale, theme_tables, overrides, diags, content)
    catalog.check_overrides()
    catalog.check_tables()
    for locale in locales:
        if not has_data(locale):
            name, folder = english_name(locale), content / locale
            diags.warning(folder if folder.is_dir() else content / "site.yaml", 0, 0,
                          f"handbill has no language data for {name} ({locale}), so its numbers, dates and plural "
                          f"forms follow {english_name(NO_DATA_LOCALE)} (1,234 and May 1, 2026)",
                          f"the pages are published all the same; if this is not {name}, use your language's code "
                          f"instead of `{locale}`")
    return catalog
