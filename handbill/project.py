"""Reading a content folder: site.yaml, the locale folders, and every campaign, story and page.

This is the I/O edge of the pipeline for content: it reads files, checks them against
:mod:`handbill.schema`, and reports every problem it finds. Nothing is rendered here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostics
from .schema import CAMPAIGN, PAGE, SITE, STORY, Parsed, convert
from .sources import RESERVED, ContentFile, Inventory, check_slug, scan
from .strings import parse_locale
from .yamlfile import parse_yaml, read_text, split_front_matter

MAX_SOURCE_BYTES = 256 * 1024  # a story longer than this is almost certainly a pasting accident
DEFAULT_BASE_URL = "https://example.org/"


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


@dataclass(frozen=True)
class Source:
    """One parsed campaign.yaml, story or page, in the locale it was written in."""

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


@dataclass
class Project:
    """Everything read from the content folder, before any locale is merged."""

    content: Path
    site: SiteConfig
    inventory: Inventory
    sources: dict[str, dict[str, Source]] = field(default_factory=dict)  # locale -> rel -> source


def canonical_locale(name: str) -> str | None:
    """The BCP 47 spelling of a locale Babel knows (`pt_br` -> `pt-BR`), or None."""
    locale = parse_locale(name)
    if locale is None:
        return None
    return "-".join(part for part in (locale.language, locale.script, locale.territory, locale.variant) if part)


def _read_yaml_file(path: Path, diags: Diagnostics):
    text = read_text(path, diags)
    return None if text is None else parse_yaml(text, path, diags)


def load_site_config(content: Path, diags: Diagnostics, base_url: str | None) -> SiteConfig:
    path = content / "site.yaml"
    node = None
    if path.is_file():
        node = _read_yaml_file(path, diags)
    else:
        diags.error(path, 0, 0, "site.yaml is missing", "create content/site.yaml with at least: title: Our campaign")
    data = convert(node, SITE, path, diags)
    values = data.values
    folders = sorted(p.name for p in content.iterdir() if p.is_dir() and canonical_locale(p.name)) if content.is_dir() else []
    folders = [f for f in folders if f != "media"]
    default = values.get("default_locale") or ("en" if "en" in folders or not folders else folders[0])
    locales = list(values.get("locales") or folders or [default])
    if default not in locales:
        locales.insert(0, default)
    for code in locales:
        fixed = canonical_locale(code)
        if fixed != code:
            line, col = data.where("locales")
            hint = f"write `{fixed}`" if fixed else "use a language code like en, sv, fr, pt-BR or ar"
            diags.error(path, line, col, f"`{code}` is not a language code handbill knows", hint)
    locales = [default] + sorted(set(locales) - {default})  # the default first, the rest in a stable order
    chosen_base = base_url or values.get("base_url") or DEFAULT_BASE_URL
    if not chosen_base.endswith("/"):
        chosen_base += "/"
    return SiteConfig(path if path.is_file() else None, data, values.get("title", "Campaign"),
                      values.get("description", ""), chosen_base, default, tuple(locales),
                      values.get("theme", "default"), values.get("petition", {}), values.get("share", {}))


def _check_top_folders(inv: Inventory, site: SiteConfig, diags: Diagnostics) -> None:
    for folder in inv.other_dirs:
        fixed = canonical_locale(folder.name.replace("_", "-"))
        if fixed and fixed in site.locales:
            diags.error(folder, 0, 0, f"the locale folder `{folder.name}` should be called `{fixed}`",
                        f"rename the folder to `{fixed}`")
        elif fixed:
            diags.warning(folder, 0, 0, f"the folder `{folder.name}` is a language not listed in site.yaml, so it is not published",
                          f"add {fixed} to `locales:` in site.yaml to publish it")
        else:
            diags.error(folder, 0, 0, f"`{folder.name}` is neither a language folder nor media/",
                        f"campaigns and pages go inside a language folder, like content/{site.default_locale}/{folder.name}/")
    if site.default_locale not in inv.locale_dirs:
        diags.error(inv.root / site.default_locale, 0, 0, f"the default language folder `{site.default_locale}/` is missing",
                    f"create content/{site.default_locale}/ and put the campaigns and pages there")


def _load_markdown(file: ContentFile, spec, diags: Diagnostics, partial: bool) -> Source | None:
    size = file.path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        diags.error(file.path, 0, 0, f"this file is {size // 1024} KB, more than the {MAX_SOURCE_BYTES // 1024} KB a story may have",
                    "split it into several stories, or check that nothing was pasted twice")
        return None
    text = read_text(file.path, diags)
    if text is None:
        return None
    front, body, body_line = split_front_matter(text, file.path, diags)
    if front is None:
        return None
    return Source(file, convert(front, spec, file.path, diags, partial=partial), body, body_line)


def _check_free_name(name: str, path: Path, site: SiteConfig, diags: Diagnostics, what: str) -> bool:
    """A campaign or page may not take a URL the site needs, nor a language code."""
    if name in RESERVED or canonical_locale(name) or name.lower() in {loc.lower() for loc in site.locales}:
        reason = "a language code" if canonical_locale(name) else "a name the site needs for itself"
        diags.error(path, 0, 0, f"the {what} name `{name}` cannot be used: it is {reason}",
                    f"rename it, for example to `{name}-campaign`" if what == "campaign" else f"rename it, for example to `{name}-page`")
        return False
    return True


def load_project(content: Path, diags: Diagnostics, *, base_url: str | None = None) -> Project:
    """Read and check every source of the content folder."""
    site = load_site_config(content, diags, base_url)
    inv = scan(content, set(site.locales), diags)
    _check_top_folders(inv, site, diags)
    project = Project(content, site, inv)
    for locale, files in inv.files.items():
        loaded: dict[str, Source] = {}
        is_default = locale == site.default_locale
        for rel, file in files.items():
            if file.kind == "campaign":
                if not check_slug(file.campaign, file.path.parent, diags, "campaign folder") \
                        or not _check_free_name(file.campaign, file.path.parent, site, diags, "campaign"):
                    continue
                node = _read_yaml_file(file.path, diags)
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
                source = _load_markdown(file, STORY if file.kind == "story" else PAGE, diags, partial=not is_default)
                if source is not None:
                    loaded[rel] = source
        project.sources[locale] = loaded
    return project
