"""Where each file in the content folder belongs: pure path logic, no parsing.

The content folder holds ``site.yaml``, a shared ``media/`` folder and one folder per
locale. Inside a locale folder the *relative path* is the translation key:
``sv/paid-leave/stories/maria.md`` is the Swedish copy of ``en/paid-leave/stories/maria.md``.
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostics
from .slugs import ascii_slug
from .text import visible_name

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
JUNK_NAMES = {"thumbs.db", "desktop.ini", "__macosx", "node_modules", "__pycache__"}
JUNK_SUFFIXES = ("~", ".swp", ".swo", ".tmp", ".bak", ".orig", ".part", ".crdownload")
WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
# Names a campaign or page cannot take because the site needs the URL for itself.
RESERVED = {"media", "img", "pages", "stories", "feed", "sitemap", "robots", "404", "index", "thanks",
            "static", "theme", "assets", "files"} | WINDOWS_DEVICES

STORY_SUFFIX = ".md"
SOURCE_SUFFIXES = (STORY_SUFFIX, ".yaml", ".yml")  # read by handbill, never published as they are
# Files a browser runs when opened from the site (script in an SVG or a web page), or a web server runs as a
# program (PHP and CGI on shared hosting): never published from content.
ACTIVE_SUFFIXES = (".html", ".htm", ".xhtml", ".xhtm", ".xht", ".shtml", ".mht", ".mhtml", ".svg", ".svgz", ".xml",
                   ".xsl", ".xslt", ".js", ".mjs", ".swf", ".php", ".php3", ".php4", ".php5", ".php7", ".phtml",
                   ".phar", ".cgi", ".pl", ".asp", ".aspx", ".jsp")


@dataclass(frozen=True)
class ContentFile:
    """One file of a locale folder, classified."""

    path: Path  # on disk
    locale: str  # the folder it sits in
    rel: str  # POSIX path inside the locale folder: the translation key
    kind: str  # campaign | story | page | strings | site | asset | other
    campaign: str = ""  # campaign slug, for campaign, story and campaign assets
    slug: str = ""  # story or page slug


@dataclass
class Inventory:
    """Every publishable file of a content folder, by locale and translation key."""

    root: Path
    site_yaml: Path | None = None
    site_texts: dict[str, Path] = field(default_factory=dict)  # locale -> its site.yaml: the site's title, translated
    locale_dirs: dict[str, Path] = field(default_factory=dict)
    files: dict[str, dict[str, ContentFile]] = field(default_factory=dict)  # locale -> rel -> file
    media: dict[str, Path] = field(default_factory=dict)  # rel under media/ -> path
    other_dirs: list[Path] = field(default_factory=list)  # top-level folders that are no locale


def is_junk(name: str) -> bool:
    """Dotfiles, editor backups and OS clutter: never read, never published."""
    low = name.lower()
    return name.startswith(".") or low in JUNK_NAMES or low.endswith(JUNK_SUFFIXES) or name.startswith("~$") \
        or (name.startswith("#") and name.endswith("#"))


def active_file_problem(name: str) -> tuple[str, str] | None:
    """(message, hint) when a file of this name could run script on the site if someone opened it, else None.

    Every suffix counts, not only the last: Apache serves ``x.html.zz`` as a web page and
    ``x.php.jpg`` may run as PHP, and ``x.html.`` is ``x.html`` on Windows."""
    suffixes = ["." + part for part in name.rstrip(". ").lower().split(".")[1:]]
    inner = [suffix for suffix in suffixes[:-1] if suffix != ".pl"]  # ulotka.pl.pdf: Poland, not Perl
    suffix = next((suffix for suffix in reversed(inner + suffixes[-1:]) if suffix in ACTIVE_SUFFIXES), None)
    if suffix is None:
        return None
    hint = ("for a picture, export it as PNG or JPEG; a file you trust (like the site's logo) belongs in the "
            "theme's static/ folder")
    if suffix != suffixes[-1]:  # a part in the middle of the name: without it, the file is what its end says
        hint = f"rename it without `{suffix}`, like `{visible_name(_without_active(name))}`"
    return f"`{visible_name(name)}` is not published: a {suffix} file opened from your site could run a script there", hint


def _without_active(name: str) -> str:
    """``name`` without the active parts in its middle: ``x.js.html.pdf`` -> ``x.pdf``."""
    first, *middle, last = name.rstrip(". ").split(".")
    kept = [part for part in middle if "." + part.lower() not in ACTIVE_SUFFIXES or part.lower() == "pl"]
    return ".".join([first, *kept, last])


def suggest_slug(name: str, what: str = "story") -> str:
    """The nearest valid slug: `Maria's Story` -> `marias-story`, `Straße` -> `strasse`, `марія` -> `mariia`
    (as `new story` makes them); a name with no Latin spelling (`قصة-مريم`) -> `story-` and a short
    code of its own, so two such files are never told to take one name."""
    slug = ascii_slug(name)
    if slug and SLUG.fullmatch(slug) and slug not in WINDOWS_DEVICES:
        return slug
    return f"{slug or what}-{hashlib.sha256(name.encode()).hexdigest()[:6]}"


def check_slug(name: str, path: Path, diags: Diagnostics, what: str) -> bool:
    """Report a name that cannot be a URL part, with the fixed name to rename it to."""
    if SLUG.fullmatch(name) and name not in WINDOWS_DEVICES:
        return True
    fixed = _free_name(suggest_slug(name, what.split()[0]), path)
    if name in WINDOWS_DEVICES:
        diags.error(path, 0, 0, f"the {what} name `{name}` is reserved by Windows and cannot be used",
                    f"rename it, for example to `{name}-1`")
    else:
        diags.error(path, 0, 0, f"the {what} name `{visible_name(name)}` cannot be used in a web address",
                    f"use only lowercase letters a-z, digits and -: rename it to `{fixed}`")
    return False


def _free_name(slug: str, path: Path) -> str:
    """``slug``, or ``slug-2``, ``slug-3`` ...: the first that no file or folder beside ``path`` has
    (`MARIA.md` beside `maria.md` is not told to become `maria`)."""
    suffix = path.suffix if path.suffix == STORY_SUFFIX else ""
    candidate, number = slug, 1
    while path.with_name(candidate + suffix).exists() and path.with_name(candidate + suffix) != path:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def _walk(top: Path, root: Path, diags: Diagnostics) -> list[Path]:
    """All regular files below ``top``, sorted, skipping junk; symlinks may not leave ``root``.

    Folder by folder as ``os.walk`` goes (a folder's files, then its subfolders in name
    order), but with ``scandir``'s file types: a plain file or folder costs no system call.
    """
    found: list[Path] = []
    real_root = root.resolve()
    folders = [top]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue  # an unreadable folder is skipped, as os.walk does
        subfolders = []
        for entry in entries:
            if _is_folder(entry):
                if is_junk(entry.name):
                    continue
                if entry.is_symlink():
                    diags.warning(Path(entry.path), 0, 0, "this folder is a link (symlink); handbill does not follow folder links",
                                  "move the real folder here instead of linking to it")
                    continue
                subfolders.append(Path(entry.path))
        for entry in entries:
            if _is_folder(entry) or is_junk(entry.name):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    diags.error(path, 0, 0, "this link (symlink) points nowhere or in a loop", "delete it or replace it with the real file")
                    continue
                problem = _link_problem(path, target, real_root)
                if problem is not None:
                    diags.error(path, 0, 0, *problem)
                    continue
            if entry.is_file():
                found.append(path)
            else:  # reading a named pipe would wait for a writer forever
                diags.warning(path, 0, 0, "this is not an ordinary file (a named pipe, a socket or a device), so it is skipped",
                              "handbill reads only files and folders: delete it, or move it out of the content folder")
        folders += reversed(subfolders)  # the first subfolder is walked next
    return found


def _link_problem(link: Path, target: Path, real_root: Path) -> tuple[str, str] | None:
    """(message, hint) when a file link (symlink) would publish what must not be: a file outside the
    content folder, a hidden or junk one (``.env``, ``.git/config``), or a content file's source
    (``site.yaml``, a draft's Markdown) under a name that publishes it as it is written."""
    if not target.is_relative_to(real_root):
        return ("this link (symlink) points outside the content folder, so it is not published",
                "copy the file into the content folder instead of linking to it")
    inside = target.relative_to(real_root)
    if any(is_junk(part) for part in inside.parts):
        return (f"this link (symlink) points to `{visible_name(inside.as_posix())}`, a hidden or temporary file, "
                "which is never published",
                "copy the file you meant into the content folder, or delete the link")
    if target.suffix.lower() in SOURCE_SUFFIXES and link.suffix.lower() not in SOURCE_SUFFIXES:
        return (f"this link (symlink) points to `{visible_name(inside.as_posix())}`, a content file, which would be "
                "published as it is written",
                "delete the link; to show that text, write it in a story or page")
    return None


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # a link to a folder counts (reported, not followed), as in os.walk
    except OSError:
        return False


def _misplaced(rel: str, folder: Path, diags: Diagnostics) -> tuple[str, str] | None:
    """(message, hint) for a Markdown file, or a settings file handbill would read elsewhere, where handbill
    reads none: where it was probably meant to go. Other YAML files (a team's own notes) are left aside unsaid."""
    parts = [visible_name(part) for part in rel.split("/")]  # (as shown in the hints)
    name = parts[-1]
    shown = visible_name(diags.display_path(folder))
    if not name.endswith(STORY_SUFFIX):
        known = {"campaign.yml": "campaign.yaml", "campaign.yaml": "campaign.yaml", "strings.yml": "strings.yaml",
                 "strings.yaml": "strings.yaml", "site.yml": "site.yaml", "site.yaml": "site.yaml"}.get(name.lower())
        if known and len(parts) == (2 if known == "campaign.yaml" else 1):
            return "this settings file is not read", f"rename it to {known}"
        if known == "campaign.yaml" and len(parts) == 1:
            return ("this settings file is not read", f"a campaign's settings go in its own folder, like "
                                                      f"{shown}/<campaign>/campaign.yaml")
        if name == "campaign.yaml" and len(parts) > 2:
            return ("this settings file is not read", f"a campaign's settings are in its folder's campaign.yaml, "
                                                      f"like {shown}/{parts[0]}/campaign.yaml")
        if known == "site.yaml":
            return ("this settings file is not read", "the site's settings go in site.yaml in the content folder itself; "
                                                      "a translation of the site's title goes in "
                                                      f"{visible_name(diags.display_path(folder.parent))}/<language "
                                                      "code>/site.yaml")
        return None
    if len(parts) == 2 and parts[0] != "stories" and (folder / rel.split("/")[0] / "campaign.yaml").is_file():
        return ("this Markdown file is not published",
                f"a story of the campaign `{parts[0]}` goes in its stories/ folder: move it to "
                f"{shown}/{parts[0]}/stories/{name}")
    if len(parts) == 1 and not name.lower().startswith(("readme", "notes", "todo", "license", "changelog")):
        return ("this Markdown file is not published", f"a free page goes in pages/: move it to {shown}/pages/{name}; "
                                                       f"a story goes in <campaign>/stories/")
    if parts[0] == "stories":
        return ("this Markdown file is not published", f"stories go in the stories/ folder of their campaign: move it "
                                                       f"to {shown}/<campaign>/stories/{name}")
    return "this Markdown file is not published", "stories go in <campaign>/stories/ and free pages in pages/"


def classify(rel: str) -> tuple[str, str, str]:
    """(kind, campaign, slug) of a path inside a locale folder."""
    parts = rel.split("/")
    if rel == "strings.yaml":
        return "strings", "", ""
    if rel == "site.yaml":
        return "site", "", ""
    if len(parts) == 2 and parts[0] == "pages" and parts[1].endswith(STORY_SUFFIX):
        return "page", "", parts[1][: -len(STORY_SUFFIX)]
    if len(parts) == 2 and parts[1] == "campaign.yaml":
        return "campaign", parts[0], ""
    if len(parts) == 3 and parts[1] == "stories" and parts[2].endswith(STORY_SUFFIX):
        return "story", parts[0], parts[2][: -len(STORY_SUFFIX)]
    if rel.endswith(SOURCE_SUFFIXES):
        return "other", "", ""
    return "asset", parts[0] if len(parts) > 1 and parts[0] != "pages" else "", ""


def scan(root: Path, locale_names: set[str], diags: Diagnostics) -> Inventory:
    """Walk the content folder once and sort every file into the inventory.

    ``locale_names`` are the folder names that are locales; any other top-level
    folder except ``media`` is reported by the caller (it knows the locale rules).
    """
    inv = Inventory(root=root)
    if (root / "site.yaml").is_file():
        inv.site_yaml = root / "site.yaml"
    for entry in sorted(root.iterdir()) if root.is_dir() else []:
        if is_junk(entry.name) or not entry.is_dir():
            continue
        if entry.is_symlink():  # like any folder link: what it points to may be anywhere
            diags.warning(entry, 0, 0, "this folder is a link (symlink); handbill does not follow folder links",
                          "move the real folder here instead of linking to it")
            continue
        if entry.name == "media":
            for rel, path in _without_clashes(entry, _walk(entry, root, diags), diags):
                active = active_file_problem(path.name)
                if active is not None:
                    diags.error(path, 0, 0, *active)
                elif not _windows_device(rel.split("/"), path, diags):
                    inv.media[rel] = path
        elif entry.name in locale_names:
            inv.locale_dirs[entry.name] = entry
            files = inv.files[entry.name] = _scan_locale(entry, root, diags)
            if "site.yaml" in files:  # not a page to publish: read with the site's settings
                inv.site_texts[entry.name] = files.pop("site.yaml").path
        else:
            inv.other_dirs.append(entry)
    return inv


def _scan_locale(folder: Path, root: Path, diags: Diagnostics) -> dict[str, ContentFile]:
    files: dict[str, ContentFile] = {}
    locale = folder.name
    for rel, path in _without_clashes(folder, _walk(folder, root, diags), diags):
        kind, campaign, slug = classify(rel)
        if kind == "asset" and _windows_device(rel.split("/")[1 if campaign else 0:], path, diags):
            continue  # a campaign, story or page name is checked with the other slug rules
        if kind in ("other", "asset"):
            problem = _misspelt_markdown(rel, path) or _misplaced(rel, folder, diags)
            if problem is not None:
                diags.warning(path, 0, 0, *problem)
            if kind == "other":
                continue
        files[rel] = ContentFile(path, locale, rel, kind, campaign, slug)
    return files


MARKDOWN_LOOKALIKES = (".markdown", ".mdown", ".mkd", ".mkdn", ".md.txt", ".txt")  # the end a story's name got instead


def _misspelt_markdown(rel: str, path: Path) -> tuple[str, str] | None:
    """(message, hint) for a story or page whose name does not end in exactly ``.md`` (``maria.MD``, ``maria.markdown``,
    ``maria.md.txt`` as Notepad saves it, ``maria.md `` with a space): it would be left out without a word. A ``.txt``
    file counts only when its first line opens front matter, as a story's does: other text files are files to link to."""
    *folders, name = rel.split("/")
    trimmed = name.rstrip(" .")
    end = next((end for end in (STORY_SUFFIX, *MARKDOWN_LOOKALIKES) if trimmed.lower().endswith(end)), "")
    stem = trimmed[: -len(end)] if end else ""
    fixed = stem + STORY_SUFFIX
    kind = classify("/".join([*folders, fixed]))[0]
    if not stem or fixed == name or kind not in ("story", "page") or (end == ".txt" and not _opens_front_matter(path)):
        return None
    written = visible_name(name[len(stem):])
    hint = f"rename it to {visible_name(fixed)}"
    if path.with_name(fixed).is_file():
        number = 2
        while path.with_name(f"{stem}-{number}{STORY_SUFFIX}").exists():
            number += 1
        hint = (f"{visible_name(fixed)} is there already: delete this file if it is an old copy, else rename it to "
                f"{visible_name(stem)}-{number}{STORY_SUFFIX}")
    return f"this {kind} is not published: its file name ends in `{written}` instead of `.md`", hint


def _opens_front_matter(path: Path) -> bool:
    """The file's first line is ``---``, as a story's or page's is."""
    return _file_start(path, 8).rstrip(b" \t").startswith((b"---\n", b"---\r"))


def _file_start(path: Path, size: int) -> bytes:
    """The first ``size`` bytes of a text file, without its byte order mark; b"" when it cannot be read."""
    try:
        with path.open("rb") as file:
            start = file.read(size + 3)
    except OSError:
        return b""
    return start.removeprefix(b"\xef\xbb\xbf")[:size]


def _without_clashes(folder: Path, paths: list[Path], diags: Diagnostics) -> list[tuple[str, Path]]:
    """(rel, path) of every file but those whose name is another's but for letter case or Unicode form (the same
    file on Windows and macOS), which are reported. Of each such pair the name handbill reads is kept (`campaign.yaml`
    over `Campaign.yaml`, `maria.md` over `Maria.md`), so what depends on it is not said to be missing as well."""
    found = [(path.relative_to(folder).as_posix(), path) for path in paths]
    kept: dict[str, str] = {}  # folded name -> the rel kept
    for rel, _ in found:
        folded = unicodedata.normalize("NFC", rel).casefold()
        other = kept.setdefault(folded, rel)
        if other != rel:
            kept[folded] = min(other, rel, key=_reading_order)
    result = []
    for rel, path in found:
        other = kept[unicodedata.normalize("NFC", rel).casefold()]
        if other == rel:
            result.append((rel, path))
        elif unicodedata.normalize("NFC", rel) == unicodedata.normalize("NFC", other):
            diags.error(path, 0, 0, f"this is the name `{visible_name(other)}` again, with its accents encoded another way "
                        "(as macOS stores them)", "on Windows and macOS the two would be one file: rename or remove one")
        else:
            diags.error(path, 0, 0, f"this name differs from `{visible_name(other)}` only by capital letters or accents",
                        "on Windows and macOS the two would be one file: rename or remove one")
    return result


def _reading_order(rel: str) -> tuple[bool, bool, bool, str]:
    """Which of two clashing names to read: one handbill reads by its name (a campaign.yaml, a story), then one in
    Unicode's usual form (NFC), then one in lower case, then the first by name."""
    return (classify(rel)[0] not in ("campaign", "story", "page", "strings", "site"), unicodedata.normalize("NFC", rel) != rel,
            rel.lower() != rel, rel)


def _windows_device(parts: list[str], path: Path, diags: Diagnostics) -> bool:
    """Report a file or folder named like a Windows device (`con`, `nul.txt`, `COM1.jpg`): it cannot exist there."""
    device = next((part for part in parts if part.split(".")[0].lower() in WINDOWS_DEVICES), None)
    if device is not None:
        stem, dot, suffix = device.partition(".")
        diags.error(path, 0, 0, f"the name `{visible_name(device)}` is reserved by Windows, so this file cannot be "
                    "used there", f"rename it, for example to `{visible_name(f'{stem}-1{dot}{suffix}')}`")
    return device is not None
