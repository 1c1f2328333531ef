"""Reading a content folder: site.yaml, the locale folders, and every campaign, story and page.

This is the I/O edge of the pipeline for content: it reads files, checks them against
:mod:`handbill.schema`, and reports every problem it finds. Nothing is rendered here.
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from typing import Any, Callable

from .diagnostics import Diagnostics
from .parsecache import ParseCache
from .schema import CAMPAIGN, PAGE, SITE, SITE_TEXTS, SITE_TRANSLATION, STORY, Field, Parsed, convert, has_key, url_problem, web_address
from .sources import RESERVED, ContentFile, Inventory, check_slug, scan
from .localecodes import canonical_code, check_code, is_locale_code, top_folder_problem
from .text import strip_controls, visible_name
from .yamlfile import Mapping, Scalar, parse_yaml, read_text, split_front_matter

MAX_SOURCE_BYTES = 256 * 1024  # a story longer than this is almost certainly a pasting accident
DEFAULT_BASE_URL = "https://example.org/"


@dataclass(frozen=True)
class SiteText:
    """One of site.yaml's texts (its title, its description) as the pages of one language show it."""

    text: str
    lang: str  # the language it is written in: the page's, when it is translated
    path: Path | None  # the file and line it was written at, for problems with it
    line: int


@dataclass(frozen=True)
class SiteTranslation:
    """content/<locale>/site.yaml: the site's title and description in that language."""

    locale: str
    path: Path
    data: Parsed


@dataclass(frozen=True)
class SiteConfig:
    """site.yaml, with defaults filled in."""

    path: Path | None
    data: Parsed
    title: str
    description: str
    base_url: str
    default_locale: str
    locales: tuple[str, ...]
    theme: str
    petition: dict[str, Any]
    share: dict[str, Any]
    markdown: str = "commonmark"  # the Markdown engine: commonmark (GitHub's flavour) or python-markdown
    stories_per_page: int | None = None  # a campaign's list of stories, page by page (0: one page; None: not set)
    translations: tuple[SiteTranslation, ...] = ()  # the title and description in other languages

    def text_in(self, key: str, locale: str) -> SiteText:
        """``title`` or ``description`` for the pages of ``locale``: its translation, else the original."""
        for translation in self.translations:
            if translation.locale == locale and translation.data.values.get(key):
                return SiteText(translation.data.values[key], locale, translation.path, translation.data.where(key)[0])
        return SiteText(getattr(self, key), self.default_locale, self.path, self.data.where(key)[0])


@dataclass(frozen=True)
class Source:
    """One parsed campaign.yaml, story or page, in the locale it was written in.

    ``data`` and ``body`` come from the parse cache: `serve` hands the same objects to every
    rebuild while the file's bytes are unchanged, so nothing may change them in place."""

    file: ContentFile
    data: Parsed  # the YAML values, or a story's front matter
    body: str = ""  # Markdown of a story or page
    body_line: int = 1  # the line of the file where the body starts

    @property
    def meta(self) -> dict[str, Any]:
        return self.data.values

    @property
    def is_draft(self) -> bool:
        return bool(self.data.values.get("draft"))

    @functools.cached_property
    def clean_body(self) -> str:
        """The body without control characters, as it is rendered: worked out once (20 µs a story), and
        before the worker processes fork, by the first step that asks."""
        return strip_controls(self.body)


@dataclass
class Project:
    """Everything read from the content folder, before any locale is merged."""

    content: Path
    site: SiteConfig
    inventory: Inventory
    sources: dict[str, dict[str, Source]] = field(default_factory=dict)  # locale -> rel -> source


def canonical_locale(name: str) -> str | None:
    """The BCP 47 spelling of a locale Babel knows (`pt_br` -> `pt-BR`), or None."""
    return canonical_code(name)


def too_big(path: Path, diags: Diagnostics, what: str, hint: str) -> bool:
    """True, with an error saying what to do, when the file is over MAX_SOURCE_BYTES (``what``: "a story")."""
    size = path.stat().st_size if path.is_file() else 0  # a missing file is reported by the reading after
    if size <= MAX_SOURCE_BYTES:
        return False
    diags.error(path, 0, 0, f"this file is {size // 1024} KB, more than the {MAX_SOURCE_BYTES // 1024} KB {what} may have",
                hint)
    return True


def _read_yaml_file(path: Path, diags: Diagnostics, cache: ParseCache | None = None):
    if too_big(path, diags, "a settings file", "check that nothing was pasted twice; long texts belong in stories"):
        return None  # (a campaign body is Markdown too: the same cap as a story)
    if cache is not None:  # serve: a file whose bytes did not change is not parsed again
        return cache.parse_file(path, diags, "yaml", lambda text, found: parse_yaml(text, path, found))
    text = read_text(path, diags)
    return None if text is None else parse_yaml(text, path, diags)


def load_site_config(content: Path, diags: Diagnostics, base_url: str | None,
                     cache: ParseCache | None = None) -> SiteConfig:
    path = content / "site.yaml"
    node = None
    if path.is_file():
        node = _read_yaml_file(path, diags, cache)
    else:
        diags.error(path, 0, 0, "site.yaml is missing", "create content/site.yaml with at least: title: Our campaign")
    data = convert(node, SITE, path, diags)
    values = data.values
    folders = sorted(p.name for p in content.iterdir() if p.is_dir() and is_locale_code(p.name)) if content.is_dir() else []
    folders = [f for f in folders if f != "media"]
    default = values.get("default_locale") or ("en" if "en" in folders or not folders else folders[0])
    locales = list(values.get("locales") or folders or [default])
    if default not in locales:
        locales.insert(0, default)
    written = list(values.get("locales") or [])
    meant: dict[str, list[str]] = {}  # a code in error -> the codes the rest of the build uses instead
    for code in locales:  # written in site.yaml, so a code like `se` is meant
        problem = check_code(code, confirmed=True)
        if problem is not None:
            line, col = data.where(f"locales.{written.index(code)}" if code in written else "default_locale")
            listed = [part.strip() for part in code.split(",")]
            hint = problem.hint if len(listed) < 2 else \
                f"write the languages as a list in brackets: locales: [{', '.join(listed)}]"
            diags.add(problem.severity, path, line, col, problem.message, hint)
            if problem.severity == "error":
                meant[code] = [part for part in listed if check_code(part, confirmed=True) is None] if len(listed) > 1 \
                    else [problem.suggestion] if problem.suggestion else []
    if meant:  # go on with what was meant, so one slip in site.yaml is not reported again for every file
        locales = [fixed for code in locales for fixed in meant.get(code, [code])]
        default = (meant[default] or locales or ["en"])[0] if default in meant else default
        if default not in locales:
            locales.insert(0, default)
    locales = [default] + sorted(set(locales) - {default})  # the default first, the rest in a stable order
    if base_url is not None and (problem := url_problem(base_url)):
        diags.error("--base-url", 0, 0, f"--base-url {problem[0]}", problem[1])
        base_url = None
    elif base_url is not None:
        base_url = web_address(base_url)
    chosen_base = base_url or values.get("base_url") or DEFAULT_BASE_URL
    if not base_url and path.is_file() and isinstance(node, Mapping) and not has_key(node, "base_url"):
        diags.warning(path, 0, 0, f"base_url is not set, so share links, share cards and the sitemap point to "
                      f"{DEFAULT_BASE_URL}", "add a line with the address the site will be served from, "
                      "like base_url: https://our-campaign.org/")
    parts = urlsplit(chosen_base)
    if parts.query or parts.fragment:  # pages are addressed from the folder: the rest would be dropped unsaid
        line, col = (0, 0) if base_url else data.where("base_url")
        diags.warning("--base-url" if base_url else path, line, col,
                      f"base_url has a `?` or `#` part, which is left out: the site is at "
                      f"{urlunsplit(parts._replace(query='', fragment=''))}",
                      "write the address of the folder the site is served from, without ? or #")
        chosen_base = urlunsplit(parts._replace(query="", fragment=""))
    if not chosen_base.endswith("/"):
        chosen_base += "/"
    return SiteConfig(path if path.is_file() else None, data, values.get("title", "Campaign"),
                      values.get("description", ""), chosen_base, default, tuple(locales),
                      values.get("theme", "default"), values.get("petition", {}), values.get("share", {}),
                      values.get("markdown", "commonmark"), values.get("stories_per_page"))


def _check_top_folders(inv: Inventory, site: SiteConfig, diags: Diagnostics) -> None:
    for folder in inv.other_dirs:  # not a published locale: a misspelt code, a language not listed, or a stray folder
        problem = top_folder_problem(folder.name, site.locales, site.default_locale)
        shown = visible_name(folder.name)  # (a name with an invisible character in it, escaped)
        diags.add(problem.severity, folder, 0, 0, problem.message.replace(folder.name, shown),
                  problem.hint.replace(folder.name, shown))
    listed = set(site.data.values.get("locales") or ())
    for name, folder in sorted(inv.locale_dirs.items()):  # `se/` is Northern Sami: say so unless site.yaml lists it
        slip = check_code(name, confirmed=name in listed)
        if slip is not None:
            diags.add(slip.severity, folder, 0, 0, f"the folder name {slip.message}", slip.hint)
    if site.default_locale not in inv.locale_dirs:
        diags.error(inv.root / site.default_locale, 0, 0, f"the default language folder `{site.default_locale}/` is missing",
                    f"create content/{site.default_locale}/ and put the campaigns and pages there")


def _load_markdown(file: ContentFile, spec: Field, diags: Diagnostics, partial: bool,
                   cache: ParseCache | None = None) -> Source | None:
    if too_big(file.path, diags, "a story", "split it into several stories, or check that nothing was pasted twice"):
        return None
    read = functools.partial(_read_markdown, path=file.path, spec=spec, partial=partial)
    if cache is not None:  # serve: a file whose bytes did not change is not parsed or checked again
        loaded = cache.parse_file(file.path, diags, f"markdown {file.kind}{' partial' if partial else ''}", read)
    else:
        text = read_text(file.path, diags)
        loaded = None if text is None else read(text, diags)
    return None if loaded is None else Source(file, *loaded)


def _read_markdown(text: str, diags: Diagnostics, *, path: Path, spec: Field,
                   partial: bool) -> tuple[Parsed, str, int] | None:
    """A story's or page's front matter, checked against ``spec``, its body and the line the body starts on."""
    front, body, body_line = split_front_matter(text, path, diags)
    if front is None:
        return None
    return convert(front, spec, path, diags, partial=partial), body, body_line


def _check_free_name(name: str, path: Path, site: SiteConfig, diags: Diagnostics, what: str) -> bool:
    """A campaign or page may not take a URL the site needs, nor a language code."""
    if name in RESERVED or canonical_locale(name) or name.lower() in {loc.lower() for loc in site.locales}:
        reason = "a language code" if canonical_locale(name) else "a name the site needs for itself"
        diags.error(path, 0, 0, f"the {what} name `{name}` cannot be used: it is {reason}",
                    f"rename it, for example to `{name}-campaign`" if what == "campaign" else f"rename it, for example to `{name}-page`")
        return False
    return True


def load_project(content: Path, diags: Diagnostics, *, base_url: str | None = None,
                 cache: ParseCache | None = None,
                 scanned: Callable[[SiteConfig, Inventory], None] | None = None) -> Project:
    """Read and check every source of the content folder (``cache``: parses to reuse, see parsecache.py).

    ``scanned`` is told the site's settings and the files found, before any of them is read."""
    site = load_site_config(content, diags, base_url, cache)
    if cache is not None:  # its Markdown renderer uses the site's engine, and keys what it keeps by it
        cache.use_markdown_engine(site.markdown)
    inv = scan(content, set(site.locales), diags)
    if scanned is not None:
        scanned(site, inv)
    _check_top_folders(inv, site, diags)
    site = dataclasses.replace(site, translations=_load_site_translations(inv, site, diags, cache))
    project = Project(content, site, inv)
    for locale, files in inv.files.items():
        loaded: dict[str, Source] = {}
        is_default = locale == site.default_locale
        for rel, file in files.items():
            if file.kind == "campaign":
                if not check_slug(file.campaign, file.path.parent, diags, "campaign folder") \
                        or not _check_free_name(file.campaign, file.path.parent, site, diags, "campaign"):
                    continue
                node = _read_yaml_file(file.path, diags, cache)
                if node is not None:
                    loaded[rel] = Source(file, convert(node, CAMPAIGN, file.path, diags, partial=not is_default))
            elif file.kind in ("story", "page"):
                what = "story file" if file.kind == "story" else "page file"
                if file.campaign and not check_slug(file.campaign, file.path.parent.parent, diags, "campaign folder"):
                    continue
                if not check_slug(file.slug, file.path, diags, what):
                    continue
                if file.kind == "page" and not _check_free_name(file.slug, file.path, site, diags, "page"):
                    continue
                source = _load_markdown(file, STORY if file.kind == "story" else PAGE, diags, partial=not is_default,
                                        cache=cache)
                if source is not None:
                    loaded[rel] = source
        project.sources[locale] = loaded
        _check_url_clashes(loaded, diags)
    return project


def _load_site_translations(inv: Inventory, site: SiteConfig, diags: Diagnostics,
                            cache: ParseCache | None) -> tuple[SiteTranslation, ...]:
    """Each language folder's site.yaml: the site's title and description in that language, and nothing else."""
    found = []
    settings = diags.display_path(inv.root / "site.yaml")
    for locale, path in sorted(inv.site_texts.items()):
        if locale == site.default_locale:
            diags.warning(path, 0, 0, "this file is not read: the site's own title and description, in its default "
                          f"language, are the ones in {settings}", f"write them in {settings} and delete this file; "
                          "a site.yaml in another language's folder translates them")
            continue
        node = _read_yaml_file(path, diags, cache)
        if isinstance(node, Mapping):  # the site's settings are not read here: said once each, never checked
            kept = []
            for key_node, value in node.entries:
                if key_node.text in SITE.keys and key_node.text not in SITE_TEXTS:
                    _warn_setting_in_translation(key_node, value, locale, path, settings, diags)
                else:
                    kept.append((key_node, value))
            node = dataclasses.replace(node, entries=tuple(kept))
        found.append(SiteTranslation(locale, path, convert(node, SITE_TRANSLATION, path, diags, partial=True)))
    return tuple(found)


def _warn_setting_in_translation(key_node: Scalar, value: Any, locale: str, path: Path, settings: str,
                                 diags: Diagnostics) -> None:
    key = key_node.text
    spec = SITE.keys[key] if SITE.keys else None
    where = f"for this language in {settings}, like {key}: {{{locale}: {value.text}}}" \
        if spec is not None and spec.kind == "per_locale" and isinstance(value, Scalar) and value.text else f"in {settings}"
    diags.warning(path, key_node.line, key_node.col, f"`{key}` is a setting of the whole site, so it is not read here",
                  f"set it {where}; a language folder's site.yaml only translates the title and the description")


def _check_url_clashes(loaded: dict[str, Source], diags: Diagnostics) -> None:
    """A page and a campaign with one name would both be published at /<name>/."""
    campaigns = {src.file.campaign: src.file.path for src in loaded.values() if src.file.kind == "campaign"}
    for source in loaded.values():
        if source.file.kind == "page" and source.file.slug in campaigns:
            other = campaigns[source.file.slug]
            diags.error(source.file.path, 0, 0,
                        f"this page and the campaign {diags.display_path(other)} would both be at /{source.file.slug}/",
                        "rename the page file (or the campaign folder) so each has its own address")
