"""The translator's tools: ``new locale``, ``new translation``, and the per-locale part of ``check``.

Stale translations are found with a *source hash*: a short hash of the original's text
(its translatable keys and its Markdown body, with line endings and trailing spaces
normalised) written into the translation as ``source_hash:``. ``new translation`` writes
it when it copies an original, and ``check --mark-translated`` writes it for a
translation that is up to date. When the original's text changes later, its hash no
longer matches and ``check`` lists the translation as stale. Changing a setting of the
original (the goal, a date, a photo) does not make translations stale. This works
without version control (GitHub's web editor, a zip of the folder, a rewritten history).

The report itself is pure (:func:`locale_reports`); reading and writing files happens in
the ``run_*`` functions the command line calls.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostics
from .localecodes import canonical_code, check_code, english_name, native_name
from .locales import SPECS, fallback_policy
from .project import Project, Source, load_project
from .scaffold import content_option, yaml_text
from .schema import SITE_TEXTS, Field
from .strings import PLURAL_FORMS, Catalog, load_catalog, plural_categories
from .theme import load_theme
from .yamlfile import Mapping, Scalar, Sequence, parse_yaml, split_front_matter

HASH_LENGTH = 12
_HASH_LINE = re.compile(r"^source_hash:.*$", re.MULTILINE)


# --- the source hash ---------------------------------------------------------------

def _texts(values: Any, spec: Field, key: str, out: dict[str, str]) -> None:
    """Every translatable text of ``values``, by dotted key."""
    if spec.kind == "map" and isinstance(values, dict) and spec.keys:
        for name, child in spec.keys.items():
            if name in values:
                _texts(values[name], child, f"{key}.{name}" if key else name, out)
    elif spec.kind == "list" and isinstance(values, list) and spec.item is not None:
        for index, item in enumerate(values):
            _texts(item, spec.item, f"{key}.{index}", out)
    elif spec.translatable and isinstance(values, str):
        out[key] = values


def normalise(text: str) -> str:
    """Text as far as a translator cares: line endings and trailing spaces do not count."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def source_hash(source: Source) -> str:
    """The hash of what a translator translates in ``source``: its text keys and its body."""
    spec = SPECS.get(source.file.kind)
    texts: dict[str, str] = {}
    if spec is not None:
        _texts(source.meta, spec, "", texts)
    payload = {"text": {k: normalise(v) for k, v in texts.items()}, "body": normalise(source.body)}
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def with_source_hash(text: str, value: str, *, markdown: bool) -> str:
    """``text`` with ``source_hash: value`` set: replaced where it is, else added at the end of the
    front matter (Markdown) or of the file (YAML). Line endings are kept."""
    newline = "\r\n" if "\r\n" in text else "\n"
    line = f"source_hash: {value}"
    if markdown:
        lines = text.split(newline)
        close = next((i for i, row in enumerate(lines) if i and row.rstrip(" \t") in ("---", "...")), None)
        if close is None:
            raise ValueError("the front matter is not closed")
        front = newline.join(lines[1:close])
        if _HASH_LINE.search(front):
            front = _HASH_LINE.sub(line, front, count=1)
            return newline.join([lines[0], *front.split(newline), *lines[close:]])
        return newline.join([*lines[:close], line, *lines[close:]])
    if _HASH_LINE.search(text):
        return _HASH_LINE.sub(line, text, count=1)
    return (text if text.endswith(("\n", "\r")) or not text else text + newline) + line + newline


# --- the report ----------------------------------------------------------------------

MISSING, DRAFT, CURRENT, STALE, UNMARKED = "missing", "draft", "current", "stale", "unmarked"


@dataclass(frozen=True)
class FileStatus:
    rel: str  # the translation key: path inside the locale folder
    state: str  # missing | draft | current | stale | unmarked

    @property
    def translated(self) -> bool:
        return self.state in (CURRENT, STALE, UNMARKED)


@dataclass
class LocaleReport:
    """How far one locale is translated."""

    locale: str
    is_default: bool
    policy: str  # fallback | skip | error: what happens to the files not translated
    files: list[FileStatus] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)  # translations without an original
    strings_total: int = 0
    strings_missing: list[str] = field(default_factory=list)
    site_texts_missing: list[str] = field(default_factory=list)  # title, description: shown in the default language

    def with_state(self, *states: str) -> list[str]:
        return [f.rel for f in self.files if f.state in states]

    @property
    def translated(self) -> int:
        return sum(f.translated for f in self.files)

    @property
    def strings_done(self) -> int:
        return self.strings_total - len(self.strings_missing)


def locale_reports(project: Project, catalog: Catalog, *, drafts: bool = False) -> list[LocaleReport]:
    """Per locale: which files are translated, stale, in progress or missing, and the UI strings left."""
    default = project.site.default_locale
    originals = {rel: src for rel, src in sorted(project.sources.get(default, {}).items()) if drafts or not src.is_draft}
    hashes = {rel: source_hash(src) for rel, src in originals.items()}
    all_keys = catalog.keys
    reports = []
    for locale in project.site.locales:
        is_default = locale == default
        report = LocaleReport(locale, is_default, "fallback" if is_default else fallback_policy(project, locale),
                              strings_total=len(all_keys), strings_missing=catalog.missing(locale))
        if not is_default:
            report.site_texts_missing = [key for key in SITE_TEXTS if getattr(project.site, key)
                                         and project.site.text_in(key, locale).lang != locale]
        translations = project.sources.get(locale, {})
        for rel in originals:
            if is_default:
                state = CURRENT
            elif rel not in translations:
                state = MISSING
            elif translations[rel].is_draft and not drafts:
                state = DRAFT
            else:
                recorded = translations[rel].meta.get("source_hash")
                state = UNMARKED if not recorded else CURRENT if recorded == hashes[rel] else STALE
            report.files.append(FileStatus(rel, state))
        all_originals = project.sources.get(default, {})
        report.orphans = sorted(rel for rel in translations if rel not in all_originals) if not is_default else []
        reports.append(report)
    return reports


def _percent(done: int, total: int) -> str:
    return f"{100 * done // total if total else 100:3d}%"


def format_reports(reports: list[LocaleReport], default: str, folder: str = "content") -> str:
    """The per-locale sections and the completion table, for people."""
    out: list[str] = []
    shown_instead = {"fallback": f"shown in {english_name(default)}", "skip": "not published (fallback: skip)",
                     "error": "errors (fallback: error)"}
    draft_instead = {**shown_instead, "fallback": "the original is shown"}
    for r in reports:
        if r.is_default:
            continue
        total = len(r.files)
        out.append(f"{english_name(r.locale)} ({r.locale}): {r.translated} of {total} files translated, "
                   f"{r.strings_done} of {r.strings_total} UI strings")
        sections = [
            (f"not translated yet, {shown_instead[r.policy]}", r.with_state(MISSING)),
            (f"in progress (draft: true), {draft_instead[r.policy]}", r.with_state(DRAFT)),
            ("stale: the original changed after it was translated", r.with_state(STALE)),
            ("not marked (no source_hash, so check cannot tell whether they are stale)", r.with_state(UNMARKED)),
            ("no original, not published", r.orphans),
        ]
        for title, rels in sections:
            if rels:
                out.append(f"  {title}:")
                out += [f"    {folder}/{r.locale}/{rel}" for rel in rels]
        if r.strings_missing:
            out.append(f"  UI strings not translated ({len(r.strings_missing)}): " + ", ".join(r.strings_missing))
        if r.site_texts_missing:
            out.append(f"  the site's {' and '.join(r.site_texts_missing)} not translated: write "
                       f"{'them' if len(r.site_texts_missing) > 1 else 'it'} in {folder}/{r.locale}/site.yaml")
        out.append("")
    if any(r.with_state(UNMARKED) for r in reports):
        out.append("hint: after checking a translation against its original, run "
                   f"`python build.py check{content_option(Path(folder))} --mark-translated FILE` "
                   "(no FILE: every unmarked translation)")
        out.append("")
    rows = [("language", "files", "", "UI strings", "", "stale", "in progress")]
    for r in reports:
        total = len(r.files)
        rows.append((f"{r.locale}  {english_name(r.locale)}" + ("  (default)" if r.is_default else ""),
                     f"{r.translated}/{total}", _percent(r.translated, total),
                     f"{r.strings_done}/{r.strings_total}", _percent(r.strings_done, r.strings_total),
                     str(len(r.with_state(STALE))), str(len(r.with_state(DRAFT)))))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out.append("Translation status")
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        out.append("  " + "  ".join(cells).rstrip())
    return "\n".join(out)


def project_status(content: Path, *, drafts: bool = False) -> tuple[Project, Catalog, list[LocaleReport]]:
    """Read the content folder again, quietly (``check`` reports its problems already)."""
    quiet = Diagnostics()
    project = load_project(content, quiet)
    theme = load_theme(project.site.theme, content, quiet, project.site.path, project.site.data.where("theme"))
    catalog = load_catalog(list(theme.dirs), content, list(project.site.locales), project.site.default_locale, quiet)
    return project, catalog, locale_reports(project, catalog, drafts=drafts)


# --- check --mark-translated -------------------------------------------------------------

def _rel_in(path: Path, folder: Path) -> str | None:
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return None


def mark_translated(project: Project, paths: list[Path], diags: Diagnostics) -> list[Path]:
    """Record the original's current hash in translations; no ``paths``: every translation without one.

    Returns the files changed. A file that is not a translation with an original is an error.
    """
    default = project.site.default_locale
    originals = project.sources.get(default, {})
    chosen: list[tuple[Source, Source]] = []
    if not paths:
        for locale in project.site.locales:
            if locale == default:
                continue
            for rel, translation in sorted(project.sources.get(locale, {}).items()):
                if rel in originals and not translation.meta.get("source_hash"):
                    chosen.append((translation, originals[rel]))
    folder = project.content.as_posix()
    example = next((code for code in project.site.locales if code != default), "sv")
    for path in paths:
        if not path.exists() and (project.content / path).exists():
            path = project.content / path  # named from the content folder: sv/paid-leave/stories/maria.md
        if not path.is_file():
            diags.error(path, 0, 0, "cannot mark this file as translated: there is no such file",
                        f"name a translation by its path from here, like {folder}/{example}/<campaign>/stories/<story>.md")
            continue
        found = None
        for locale, sources in project.sources.items():
            rel = _rel_in(path, project.content / locale)
            if rel is not None and rel in sources:
                found = (locale, rel)
        if found is None or found[0] == default:
            what = "is in the default language folder, so it is an original" if found else \
                "is not a story, page or campaign.yaml of a language folder"
            diags.error(path, 0, 0, f"cannot mark this file as translated: it {what}",
                        f"name a translation, like {folder}/{example}/<campaign>/stories/<story>.md")
            continue
        locale, rel = found
        if rel not in originals:
            diags.error(path, 0, 0, "cannot mark this file as translated: it has no original",
                        f"the original would be {folder}/{default}/{rel}")
            continue
        chosen.append((project.sources[locale][rel], originals[rel]))
    changed = []
    for translation, original in chosen:
        if _write_hash(translation.file.path, source_hash(original), diags):
            changed.append(translation.file.path)
    return changed


def _write_hash(path: Path, value: str, diags: Diagnostics) -> bool:
    data = path.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    markdown = path.suffix == ".md"
    try:
        updated = with_source_hash(text, value, markdown=markdown)
    except ValueError as problem:
        diags.error(path, 1, 1, f"cannot add source_hash: {problem}", "fix the front matter first")
        return False
    check = Diagnostics()
    if markdown:
        node, _, _ = split_front_matter(updated.replace("\r\n", "\n"), path, check)
    else:
        node = parse_yaml(updated, path, check)
    if check.errors or not isinstance(node, Mapping) or node.get("source_hash") is None:
        diags.error(path, 0, 0, "cannot add source_hash to this file without breaking it",
                    f"add the line `source_hash: {value}` to it by hand")
        return False
    if updated != text:
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + updated.encode("utf-8"))
    return True


# --- new locale, new translation ---------------------------------------------------------

def _comment(text: str) -> str:
    return " ".join(text.split())


def strings_template(catalog: Catalog, locale: str, default: str) -> str:
    """content/<locale>/strings.yaml for a translator: every key, the default text as a comment,
    empty values to fill in (an empty value means "not translated yet")."""
    name = english_name(locale)
    lines = [
        f"# {name} ({native_name(locale)}) UI strings: the buttons, headings and notices of every page.",
        f"# Write the {name} text after each key. An empty value is not translated yet: the page",
        f"# shows the {english_name(default)} text in the comment above it meanwhile.",
        "# Keep placeholders like {count} exactly as they are; you may move them.",
        f"# Plural forms: {name} uses " + ", ".join(f for f in PLURAL_FORMS if f in plural_categories(locale)) + ".",
        "",
    ]
    order = list(catalog.reference.values) + sorted(catalog.keys - set(catalog.reference.values))
    forms = [f for f in PLURAL_FORMS if f in plural_categories(locale)]
    for key in order:
        found = catalog.raw(default, key)
        if found is None:
            continue
        text, _ = found
        own = catalog.raw(locale, key) if catalog.has(locale, key) else None
        if own is not None:  # the theme translates it already: shown, to change if wanted
            value = own[0]
            if isinstance(value, dict):
                lines.append(f"# {key}: (already translated by the theme; remove the # to change it)")
                lines.append(f"# {key}:")
                lines += [f"#   {form}: {json.dumps(v, ensure_ascii=False)}" for form, v in value.items()]
            else:
                lines.append(f"# {key}: {json.dumps(value, ensure_ascii=False)}")
            continue
        if isinstance(text, dict):
            lines += [f"# {form}: {_comment(v)}" for form, v in text.items()]
            lines.append(f"{key}:")
            lines += [f"  {form}:" for form in forms]
        else:
            lines.append(f"# {_comment(text)}")
            lines.append(f"{key}:")
    return "\n".join(lines) + "\n"


@dataclass
class Outcome:
    """What a command did, for the command line to print."""

    code: int = 0
    messages: list[str] = field(default_factory=list)


def new_locale(content: Path, code: str) -> Outcome:
    out = Outcome()
    fixed = canonical_code(code)
    problem = check_code(code)
    if fixed is None:
        out.code = 1
        out.messages.append(f"error: {problem.message if problem else code}\n  hint: {problem.hint if problem else ''}")
        return out
    if fixed != code:
        out.messages.append(f"Using `{fixed}`, the standard spelling of `{code}`.")
    if problem is not None and problem.severity == "warning":
        out.messages.append(f"warning: {problem.message}\n  hint: {problem.hint}")
    diags = Diagnostics()
    if not (content / "site.yaml").is_file():
        out.code = 1
        out.messages.append(f"error: {content}/site.yaml is missing\n  hint: run this in your project, "
                            "or point --content at the content folder")
        return out
    project = load_project(content, diags)
    if _site_yaml_is_broken(content, diags, out):
        return out
    default = project.site.default_locale
    if fixed == default:
        out.code = 1
        out.messages.append(f"error: `{fixed}` is the default language of this site: its folder holds the originals")
        return out
    folder = content / fixed
    target = folder / "strings.yaml"
    theme = load_theme(project.site.theme, content, diags, project.site.path, project.site.data.where("theme"))
    catalog = load_catalog(list(theme.dirs), content, [*project.site.locales, fixed], default, Diagnostics())
    if target.exists():
        out.messages.append(f"{target} already exists; it was left as it is.")
    else:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(strings_template(catalog, fixed, default), encoding="utf-8")
        left = len(catalog.missing(fixed))
        out.messages.append(f"Created {target}: the theme translates all {len(catalog.keys)} UI strings already." if not left
                            else f"Created {target}: {left} of {len(catalog.keys)} UI strings to translate"
                            + (" (the theme translates the others already)." if left < len(catalog.keys) else "."))
    site_texts = folder / "site.yaml"
    if not site_texts.exists():
        _new_site_texts(project, site_texts, fixed, out)
    listed = project.site.data.values.get("locales")
    steps = []
    if listed and fixed not in listed:
        steps.append(f"Add {fixed} to `locales:` in {content}/site.yaml, like: locales: [{', '.join([*listed, fixed])}]")
    to_fill = bool(catalog.missing(fixed))
    steps += [
        f"Translate the site's title and description in {site_texts}.",
        f"Translate the UI strings: fill in the empty values in {target}." if to_fill else
        f"The theme translates every UI string already; change any of them in {target}.",
        f"Translate a page: `python build.py new translation {fixed} FILE{content_option(content)}` copies an original from "
        f"{content}/{default}/ (for example paid-leave/stories/maria.md) into {content}/{fixed}/ as a draft; "
        "translate it, then delete the line `draft: true`.",
        "Until a file is translated, its original is shown at the new language's address with a "
        "\"not translated yet\" notice (site.yaml `fallback:` can skip it instead).",
        f"Run `python build.py check{content_option(content)}` to see what is left, and "
        f"`python build.py serve{content_option(content)}` to look at it.",
    ]
    out.messages.append("Next:\n" + "\n".join(f"  {i}. {step}" for i, step in enumerate(steps, 1)))
    return out


def _site_yaml_is_broken(content: Path, diags: Diagnostics, out: Outcome) -> bool:
    """True, with site.yaml's errors in ``out``, when it has any: the languages, the default language and
    the title a new file would copy are read from it, and would be guesses."""
    shown = diags.display_path(content / "site.yaml")
    errors = [problem for problem in diags.errors if problem.path == shown]
    if not errors:
        return False
    out.code = 1
    out.messages += [problem.format() for problem in errors]
    out.messages.append("Nothing was created: fix site.yaml first, then run this command again.")
    return True


def _new_site_texts(project: Project, target: Path, code: str, out: Outcome) -> None:
    """``new translation CODE site.yaml``: the file that translates the site's title and description."""
    if target.exists():
        out.code = 1
        out.messages.append(f"error: {target} exists already; it was left as it is")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(site_texts_template(project, code), encoding="utf-8")
    out.messages.append(f"Created {target}: translate the site's title and description in it.")


def site_texts_template(project: Project, code: str) -> str:
    """content/<code>/site.yaml as `new locale` writes it: the original title and description, commented
    out, so the site shows the originals until a translator writes theirs."""
    site, default = project.site, english_name(project.site.default_locale)
    lines = [f"# The site's title and description in {english_name(code)}: on every page, in the feed and on",
             "# the share cards. Translate them, then delete the # at the start of the line. Until then the",
             f"# {default} ones are shown. (The site's settings stay in site.yaml in the content folder.)"]
    lines += [f"# {key}: {yaml_text(getattr(site, key))}" for key in SITE_TEXTS if getattr(site, key)]
    return "\n".join(lines) + "\n"


def text_only(text: str, node: Mapping, spec: Field, first_line: int = 1) -> list[str]:
    """The lines of a YAML mapping that hold translatable keys (settings left out, so they keep
    following the original). ``first_line`` is the file line of ``text``'s first line."""
    rows = text.split("\n")

    def block(entries, index, end_line) -> tuple[int, int]:
        start = entries[index][0].line
        stop = entries[index + 1][0].line if index + 1 < len(entries) else end_line
        return start - first_line, stop - first_line

    def keep(mapping: Mapping, spec: Field, end_line: int, indent: str) -> list[str]:
        out: list[str] = []
        entries = list(mapping.entries)
        for i, (key, value) in enumerate(entries):
            child = (spec.keys or {}).get(key.text)
            if child is None:
                continue
            a, b = block(entries, i, end_line)
            lines = rows[a:b]
            while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")
                             and len(lines[-1]) - len(lines[-1].lstrip()) < key.col):  # the next key's comments
                lines.pop()
            if child.translatable:
                out += lines
            elif child.kind == "list" and child.item is not None and child.item.kind == "map" \
                    and isinstance(value, Sequence) and value.items and _has_text(child.item):
                out += [f"{' ' * (key.col - 1)}{key.text}:", *_text_items(value, child.item, " " * (key.col + 1))]
            elif child.kind == "map" and isinstance(value, Mapping) and _has_text(child) and value.line == key.line:
                out += lines  # written on one line, {consent: ..., goal: ...}: kept whole
            elif child.kind == "map" and isinstance(value, Mapping) and _has_text(child):
                inner = keep(value, child, entries[i + 1][0].line if i + 1 < len(entries) else end_line, indent + "  ")
                if inner:
                    out.append(rows[a])
                    out += inner
        return out

    return keep(node, spec, first_line + len(rows), "")


def _has_text(spec: Field) -> bool:
    """True when a translator has something to write in a value of ``spec``, at any depth."""
    if spec.translatable:
        return True
    if spec.kind == "map":
        return any(_has_text(f) for f in (spec.keys or {}).values())
    return spec.kind == "list" and spec.item is not None and spec.item.kind == "map" and _has_text(spec.item)


def _text_items(items: Sequence, spec: Field, indent: str) -> list[str]:
    """The items of a list like ``events``, each with only its text keys (``- title: ...``), in the original's
    order: the translation is merged over the original item by item, so every other setting of an item (an
    event's date, time zone, address of its page) keeps following the original. An item without text is
    ``- {}``, to keep the items after it in their places."""
    text_keys = {name for name, child in (spec.keys or {}).items() if child.translatable}
    out: list[str] = []
    for item in items.items:
        texts = [(key.text, value.text) for key, value in (item.entries if isinstance(item, Mapping) else ())
                 if key.text in text_keys and isinstance(value, Scalar) and not value.is_null]
        if not texts:
            out.append(f"{indent}- {{}}")
        out += [f"{indent}{'- ' if i == 0 else '  '}{name}: {yaml_text(text)}" for i, (name, text) in enumerate(texts)]
    return out


def _not_a_translation_language(project: Project, content: Path, code: str) -> str:
    """Why ``new translation`` cannot translate into ``code`` (an error and its hint), or '' when it can."""
    default, listed = project.site.default_locale, list(project.site.locales)
    if code == default:
        others = [other for other in listed if other != default]
        hint = f"name the language to translate into, one of: {', '.join(others)}" if others else \
            f"start another language first: python build.py new locale CODE{content_option(content)}"
        return f"error: `{code}` is the default language of this site: its folder holds the originals\n  hint: {hint}"
    if code in listed:
        return ""
    add = f"add {code} to `locales:` in {content.as_posix()}/site.yaml, like: locales: [{', '.join([*listed, code])}]"
    if (content / code).is_dir():  # `new locale` made the folder; the step after it was missed
        return (f"error: `{code}` is not listed under `locales:` in {content.as_posix()}/site.yaml, so its pages "
                f"would not be published\n  hint: {add}; then run this command again")
    return (f"error: `{code}` is not one of this site's other languages ({', '.join(listed)})\n"
            f"  hint: run `python build.py new locale {code}{content_option(content)}` first, then {add}")


def _original_rel(content: Path, default: str, code: str, name: str) -> str:
    """The translation key ``name`` means. It may be written from the current folder (content/en/c/x.md), from
    the content folder (en/c/x.md), from the default language folder (c/x.md), or name the translation to make
    (content/sv/c/x.md, sv/c/x.md)."""
    for folder in (content / default, content / code):
        rel = _rel_in(Path(name), folder)
        if rel is not None:
            return rel
    written = name.replace("\\", "/")
    for prefix in (f"{default}/", f"{code}/"):
        if written.startswith(prefix):
            return written[len(prefix):]
    return written


def new_translation(content: Path, code: str, files: list[str]) -> Outcome:
    """Copy originals into a locale as drafts with their source hash, keeping only the text keys."""
    out = Outcome()
    diags = Diagnostics()
    if not (content / "site.yaml").is_file():
        out.code = 1
        out.messages.append(f"error: there is no site.yaml in {content}\n  hint: run this in the folder that holds "
                            "content/, or name the content folder with --content")
        return out
    project = load_project(content, diags)
    if _site_yaml_is_broken(content, diags, out):
        return out
    default = project.site.default_locale
    code = canonical_code(code) or code  # pt_br: the folder is pt-BR
    problem = _not_a_translation_language(project, content, code)
    if problem:
        out.code = 1
        out.messages.append(problem)
        return out
    originals = project.sources.get(default, {})
    folder = content.as_posix()
    for name in files:
        rel = _original_rel(content, default, code, name)
        original = originals.get(rel)
        if rel == "site.yaml" or Path(name).resolve() == (content / "site.yaml").resolve():
            _new_site_texts(project, content / code / "site.yaml", code, out)
            continue
        if original is None:
            out.code = 1
            out.messages.append(f"error: {name}: there is no original {folder}/{default}/{rel}\n"
                                f"  hint: name a story, page or campaign.yaml inside {folder}/{default}/, "
                                "like paid-leave/stories/maria.md")
            continue
        target = content / code / rel
        if target.exists():
            out.code = 1
            out.messages.append(f"error: {target} exists already; it was left as it is")
            continue
        text = original.file.path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        spec = SPECS[original.file.kind]
        header = [f"# {english_name(code)} translation of {default}/{rel}. Translate the text, then delete",
                  "# the line draft: true. Settings (dates, photos, petition) come from the original."]
        hashed = f"source_hash: {source_hash(original)}  # the original's text this translation follows"
        if original.file.kind == "campaign":
            node = parse_yaml(text, original.file.path, Diagnostics())
            kept = text_only(text, node, spec) if isinstance(node, Mapping) else []
            result = "\n".join([*header, "", *kept, "draft: true", hashed]) + "\n"
        else:
            front_node, body, body_line = split_front_matter(text, original.file.path, Diagnostics())
            front_text = "\n".join(text.split("\n")[1:body_line - 2]) + "\n"
            kept = text_only(front_text, front_node, spec, 2) if isinstance(front_node, Mapping) else []
            result = "\n".join(["---", *header, *kept, "draft: true", hashed, "---"]) + "\n" + body
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(result, encoding="utf-8")
        out.messages.append(f"Created {target} (a draft: the {english_name(default)} original is shown until you "
                            "delete `draft: true`).")
    return out
