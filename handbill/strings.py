"""UI strings of the theme, per locale, with overrides from the content folder.

Lookup for a key in ``pt-BR``: the content's ``pt-BR/strings.yaml``, the theme's
``pt-BR.yaml``, then ``pt``, then the default locale; a key missing everywhere but
the default is a warning once per key and locale. Plural forms follow Babel's CLDR
rules. Placeholders are ``{name}``; a broken one is reported when the file is loaded,
never while a page renders.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError

from .diagnostics import Diagnostics, did_you_mean
from .yamlfile import Mapping, Scalar, parse_yaml, read_text

PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

Text = str | dict[str, str]  # a plain string, or plural forms


@dataclass
class StringTable:
    """The strings of one locale from one file, with the line of each key."""

    path: Path | None
    values: dict[str, Text] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def _check_placeholders(text: str, path, line: int, col: int, key: str, diags: Diagnostics) -> bool:
    depth_ok = text.count("{") == text.count("}")
    names = _PLACEHOLDER.findall(text)
    if depth_ok and all(_NAME.fullmatch(n) for n in names) and not _PLACEHOLDER.sub("", text).count("{"):
        return True
    diags.error(path, line, col, f"the placeholder in `{key}` is broken: {text!r}",
                "placeholders are a name in curly brackets, like {count}; copy them exactly from the original")
    return False


def load_table(path: Path, diags: Diagnostics) -> StringTable:
    """Read one strings file. Values are strings, or maps of plural forms."""
    table = StringTable(path)
    text = read_text(path, diags)
    node = parse_yaml(text, path, diags) if text is not None else None
    if node is None:
        return table
    if not isinstance(node, Mapping):
        diags.error(path, node.line, node.col, "a strings file must be a list of `key: text` lines",
                    'write one string per line, like sign_button: "Sign the petition"')
        return table
    for key_node, value in node.entries:
        key = key_node.text
        if isinstance(value, Scalar):
            if _check_placeholders(value.text, path, value.line, value.col, key, diags):
                table.values[key] = value.text
        elif isinstance(value, Mapping) and value.entries and all(k.text in PLURAL_FORMS for k, _ in value.entries):
            forms = {}
            for form_node, form_value in value.entries:
                if not isinstance(form_value, Scalar):
                    diags.error(path, form_value.line, form_value.col, f"`{key}.{form_node.text}` must be text", "write it on one line")
                elif _check_placeholders(form_value.text, path, form_value.line, form_value.col, key, diags):
                    forms[form_node.text] = form_value.text
            if "other" not in forms:
                diags.error(path, value.line, value.col, f"`{key}` has plural forms but no `other` form",
                            "add a line `other: ...`: it is used for every number without its own form")
            else:
                table.values[key] = forms
        else:
            diags.error(path, value.line, value.col, f"`{key}` must be text, or plural forms (one: ..., other: ...)",
                        f"write it like {key}: \"...\"")
            continue
        table.lines[key] = key_node.line
    return table


def parse_locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (ValueError, TypeError, LookupError, UnknownLocaleError):
        return None


def lookup_chain(locale: str, default: str) -> list[str]:
    """pt-BR -> pt-BR, pt, default."""
    chain = [locale]
    base = locale.split("-")[0]
    if base != locale:
        chain.append(base)
    for fallback in (default, "en"):  # the theme's English is always complete
        if fallback not in chain:
            chain.append(fallback)
    return chain


@dataclass
class Catalog:
    """All strings for every locale of a build; ``translator(locale)`` gives the ``t`` function."""

    default_locale: str
    theme_tables: dict[str, StringTable]  # locale -> theme's file
    overrides: dict[str, StringTable]  # locale -> content's strings.yaml
    diags: Diagnostics
    _warned: set[tuple[str, str]] = field(default_factory=set)

    @property
    def keys(self) -> set[str]:
        table = self.theme_tables.get(self.default_locale) or self.theme_tables.get("en")
        return set(table.values) if table else set()

    def check_overrides(self) -> None:
        """An override key the theme does not have is most likely a typo."""
        known = self.keys
        for locale, table in sorted(self.overrides.items()):
            for key in sorted(table.values):
                if key not in known:
                    self.diags.warning(table.path, table.lines.get(key, 0), 1, f"unknown string `{key}` is ignored",
                                       did_you_mean(key, known) or "see the theme's i18n/en.yaml for the keys that exist")

    def raw(self, locale: str, key: str) -> tuple[Text, str] | None:
        """The text for ``key`` and the locale it was found in."""
        for code in lookup_chain(locale, self.default_locale):
            for table in (self.overrides.get(code), self.theme_tables.get(code)):
                if table is not None and key in table.values:
                    return table.values[key], code
        return None

    def has(self, locale: str, key: str) -> bool:
        """Whether the locale (or its base language) has its own text for ``key``."""
        found = self.raw(locale, key)
        return found is not None and (found[1] != self.default_locale or locale == self.default_locale
                                      or locale.split("-")[0] == self.default_locale)

    def translator(self, locale: str):
        babel_locale = parse_locale(locale) or Locale("en")

        def t(key: str, n: int | None = None, **params: object) -> str:
            found = self.raw(locale, key)
            if found is None:
                raise KeyError(f"no UI string `{key}` in the theme")
            text, where = found
            if where == self.default_locale and not self.has(locale, key) and (locale, key) not in self._warned:
                self._warned.add((locale, key))
                self.diags.warning(f"strings:{locale}", 0, 0, f"UI string `{key}` is not translated to {locale}",
                                   f"add `{key}: ...` to content/{locale}/strings.yaml")
            if isinstance(text, dict):
                plural_locale = babel_locale if where != self.default_locale else (parse_locale(where) or babel_locale)
                form = plural_locale.plural_form(abs(n or 0))
                text = text.get(form, text["other"])
            return _PLACEHOLDER.sub(lambda m: str(params.get(m.group(1), m.group(0))), text)

        return t


def load_catalog(theme_dirs: list[Path], content: Path, locales: list[str], default_locale: str,
                 diags: Diagnostics) -> Catalog:
    """Theme strings (first theme folder that has a file wins) and the content's overrides."""
    theme_tables: dict[str, StringTable] = {}
    wanted = {code for locale in locales for code in lookup_chain(locale, default_locale)} | {"en"}
    for code in sorted(wanted):
        merged = StringTable(None)
        for folder in reversed(theme_dirs):  # the site's own theme overrides the default theme key by key
            path = folder / "i18n" / f"{code}.yaml"
            if path.is_file():
                table = load_table(path, diags)
                merged.path = merged.path or path
                merged.values.update(table.values)
                merged.lines.update(table.lines)
        if merged.path is not None:
            theme_tables[code] = merged
    overrides = {}
    for locale in locales:
        path = content / locale / "strings.yaml"
        if path.is_file():
            overrides[locale] = load_table(path, diags)
    catalog = Catalog(default_locale, theme_tables, overrides, diags)
    catalog.check_overrides()
    return catalog
