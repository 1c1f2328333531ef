"""UI strings of the theme, per locale, with overrides from the content folder.

Lookup for a key in ``pt-BR``: the content's ``pt-BR/strings.yaml``, the theme's
``pt-BR.yaml``, then ``pt`` (content, theme), then the default locale, then the theme's
English (always complete). Parents are CLDR's, within one script: ``sr-Latn`` skips
``sr`` (Cyrillic), ``zh-Hant`` skips ``zh`` (Simplified). A string found only past the locale's own language is a
warning, once per key and locale. Plural forms follow Babel's CLDR rules (Arabic has
six: zero, one, two, few, many, other). Placeholders are ``{name}``; a broken one, or a
name the English text does not have, is reported with its line when the file is
loaded, never while a page renders.

An empty value (``sign_button:`` with nothing after it) means "not translated yet":
``new locale`` writes such a file for the translator to fill in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from babel import Locale

from .diagnostics import Diagnostics, did_you_mean
from .formats import LocaleFormats
from .foreign import ForeignText
from .localecodes import english_name, parent_locale, parse_locale, text_direction
from .yamlfile import Mapping, Scalar, parse_yaml, read_text

__all__ = ["Catalog", "StringTable", "lookup_chain", "load_catalog", "load_table", "parse_locale", "placeholders"]

PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
REFERENCE_LOCALE = "en"  # the theme's English defines the keys and their placeholders
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

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


@dataclass
class Catalog:
    """All strings for every locale of a build; ``translator(locale)`` gives the ``t`` function."""

    default_locale: str
    theme_tables: dict[str, StringTable]  # locale -> the theme's strings
    overrides: dict[str, StringTable]  # locale -> content's strings.yaml
    diags: Diagnostics
    content: Path | None = None
    _warned: set[tuple[str, str]] = field(default_factory=set)

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
            for key in sorted(set(table.values) | table.blank):
                if key not in known:
                    self.diags.warning(table.path, table.lines.get(key, 0), 1, f"unknown string `{key}` is ignored",
                                       did_you_mean(key, known) or "see the theme's i18n/en.yaml for the keys that exist")

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
                if isinstance(text, dict) and isinstance(original, dict):
                    missing = [form for form in PLURAL_FORMS if form in categories and form not in text]
                    if missing:
                        name = english_name(code)
                        self.diags.warning(path, line, 1, f"`{key}` has no {', '.join(missing)} form for {name}, "
                                                          "so those numbers use the `other` form",
                                           f"{name} uses the plural forms {', '.join(f for f in PLURAL_FORMS if f in categories)}; "
                                           "add the missing ones")

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

    def _warn_untranslated(self, locale: str, key: str) -> None:
        target = (self.content / locale / "strings.yaml") if self.content else Path(f"{locale}/strings.yaml")
        name = english_name(locale)
        if not self.has_any(locale):
            if (locale, "*") not in self._warned:
                self._warned.add((locale, "*"))
                self.diags.warning(target, 0, 0, f"the theme has no {name} ({locale}) UI strings, so buttons and "
                                                 f"menus are shown in {english_name(self.default_locale)}",
                                   f"run `python build.py new locale {locale}` and translate content/{locale}/strings.yaml")
            return
        if (locale, key) not in self._warned:
            self._warned.add((locale, key))
            self.diags.warning(target, 0, 0, f"the UI string `{key}` is not translated into {name} ({locale})",
                               f"add `{key}: ...` to content/{locale}/strings.yaml")

    def translator(self, locale: str, formats: LocaleFormats | None = None) -> Callable[..., str]:
        """``t(key, n=None, **params)``: the text for ``key`` in ``locale``, plural form chosen by ``n``
        (else by an integer ``count``), integer parameters written as numbers of the locale."""
        formats = formats or LocaleFormats(locale)
        babel_locale = parse_locale(locale) or Locale("en")
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
                self._warn_untranslated(locale, key)
            if isinstance(text, dict):
                count = n if n is not None else params.get("count")
                number = abs(count) if isinstance(count, (int, float)) and not isinstance(count, bool) else 0
                rules = babel_locale if same_language else (parse_locale(where) or babel_locale)
                text = text.get(rules.plural_form(number), text["other"])
            values = {name: formats.number(value) if isinstance(value, int) and not isinstance(value, bool) else value
                      for name, value in params.items()}
            shown = _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)
            if not same_language:  # marked with its own where a template writes it
                shown = ForeignText(shown, where, text_direction(where))
            if n is None and not params:
                plain[key] = shown
            return shown

        return t


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
    return catalog
