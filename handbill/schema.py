"""The keys a volunteer may write in each YAML file, and how their text becomes values.

:mod:`handbill.yamlfile` keeps every scalar as the text the volunteer typed; this module
decides what it means, field by field. That is what makes the YAML traps harmless: a
title of ``no`` stays the word "no", a postal code ``0123`` keeps its zero, ``12:30``
stays a time of day, and a goal of ``250k`` is an error that says to write ``250000``.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

import idna

from .diagnostics import Diagnostics, did_you_mean
from .providers import FIELD_NAME, FIELD_NAME_HINT
from .text import is_blank, strip_controls
from .yamlfile import Mapping, Node, Scalar, Sequence


@dataclass(frozen=True)
class Field:
    """One key of a YAML file: its kind, whether it is required, and what it is for."""

    kind: str  # str, text, int, bool, date, datetime, url, color, path, choice, hashtag, list, map, dict, per_locale
    required: bool = False
    translatable: bool = False  # a translator may change it in a locale's copy
    keys: dict[str, "Field"] | None = None  # for kind "map": the known keys
    item: "Field | None" = None  # for kind "list" and "dict" (the values)
    choices: tuple[str, ...] = ()  # for kind "choice"
    example: str = ""  # shown in hints


@dataclass
class Parsed:
    """Typed values of one YAML file, with where each key was written (dotted key -> line, col)."""

    values: dict[str, Any] = field(default_factory=dict)
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    blocks: set[str] = field(default_factory=set)  # keys written as | or > blocks: text starts a line later

    def where(self, key: str) -> tuple[int, int]:
        """Position of a dotted key, or of its closest written parent."""
        while key:
            if key in self.positions:
                return self.positions[key]
            key = key.rpartition(".")[0]
        return self.positions.get("", (0, 0))


S = Field("str")
TEXT = Field("str", translatable=True)
STRINGS = Field("list", item=Field("str"))

SHARE = Field("map", keys={
    "text": TEXT,
    "hashtags": Field("list", item=Field("hashtag", example="PaidLeave"), translatable=True),  # a language may have its own
    "networks": Field("list", item=Field("choice", choices=(
        "whatsapp", "facebook", "x", "telegram", "bluesky", "linkedin", "email"))),
})

PETITION_FIELDS = ("first_name", "last_name", "email", "phone", "postal_code", "city", "country", "comment")

PETITION = Field("map", keys={
    "endpoint": Field("url", example="https://forms.example.org/sign"),
    "provider": Field("choice", choices=("generic", "formspree", "netlify", "actionnetwork")),
    "encoding": Field("choice", choices=("form", "json")),
    "fields": Field("list", item=Field("choice", choices=PETITION_FIELDS)),
    "required": Field("list", item=Field("choice", choices=PETITION_FIELDS)),
    "field_names": Field("dict", item=Field("str")),
    "hidden": Field("dict", item=Field("str")),
    "consent": TEXT,
    "consent_required": Field("bool"),
    "goal": Field("int", example="250000"),
    "count": Field("int", example="231000"),
    "count_url": Field("url"),
    "thank_you": TEXT,
    "country": Field("str", example="US"),
    "page_url": Field("url", example="https://actionnetwork.org/petitions/paid-leave"),  # actionnetwork, no JS
    "goal_ladder": Field("list", item=Field("int", example="500000")),  # the next goals, once goal is passed
    "cors": Field("bool"),  # false: the service does not let scripts read its answers (Google Forms)
})

EVENT = Field("map", keys={
    "title": Field("str", required=True, translatable=True),
    "date": Field("datetime", required=True, example="2026-12-05T14:00"),
    "city": TEXT,
    "country": S,
    "location": TEXT,  # an address (linked to OpenStreetMap), or coordinates "59.3293, 18.0686"
    "timezone": Field("str", example="America/New_York"),  # IANA name; the date and end are local times there
    "end": Field("datetime", example="2026-12-05T16:00"),  # optional; a date alone: the last day of an all-day event
    "url": Field("url"),
})

STORY_FIELDS = ("name", "email", "phone", "place", "story")

# stories.submit in campaign.yaml: a "Share your story" form, on the petition's machinery (see handbill/submissions.py)
STORY_SUBMIT = Field("map", keys={
    "provider": Field("choice", choices=("generic", "formspree", "netlify")),
    "endpoint": Field("url", example="https://forms.example.org/stories"),
    "encoding": Field("choice", choices=("form", "json")),
    "cors": Field("bool"),
    "fields": Field("list", item=Field("choice", choices=STORY_FIELDS)),
    "required": Field("list", item=Field("choice", choices=STORY_FIELDS)),
    "field_names": Field("dict", item=Field("str")),
    "hidden": Field("dict", item=Field("str")),
    "intro": TEXT,  # above the form; the theme's words when not given
    "privacy": TEXT,  # what happens to the text; the theme's note when not given
    "thank_you": TEXT,
})

SITE = Field("map", keys={
    "title": Field("str", required=True, translatable=True, example="1000 Days"),
    "description": TEXT,
    "base_url": Field("url", example="https://example.org/"),
    "default_locale": Field("str", example="en"),
    "locales": STRINGS,
    "theme": S,
    "markdown": Field("choice", choices=("commonmark", "python-markdown")),  # GitHub's flavour, or for migrated sites
    "petition": PETITION,
    "share": SHARE,
    # a missing translation: fallback (show the original), skip, or error; one value, or {locale: value}
    "fallback": Field("per_locale", item=Field("choice", choices=("fallback", "skip", "error")), example="skip"),
    "native_digits": Field("per_locale", item=Field("bool"), example="true"),  # ٢٣١ instead of 231 where a language has them
    "stories_per_page": Field("int", example="24"),  # a campaign's list of stories, page by page; 0: all on one
})

# What content/<locale>/site.yaml may say: the site's title and description in that language.
SITE_TEXTS = ("title", "description")
SITE_TRANSLATION = Field("map", keys={name: SITE.keys[name] for name in SITE_TEXTS})

# The original's text a translation was made from (see handbill/translation.py): tells `check` it went stale.
SOURCE_HASH = Field("str", example="3f2a9c1b7d0e")

CAMPAIGN = Field("map", keys={
    "title": Field("str", required=True, translatable=True),
    "summary": TEXT,
    "body": Field("text", translatable=True),
    "image": Field("path"),
    "image_alt": TEXT,
    "colors": Field("map", keys={"primary": Field("color", example='"#b3123b"'),
                                 "accent": Field("color", example='"#ffd166"')}),
    "petition": PETITION,
    "donate_url": Field("url"),
    "events": Field("list", item=EVENT),
    "stories": Field("map", keys={"submit": STORY_SUBMIT}),
    "share": SHARE,
    "order": Field("int", example="1"),
    "draft": Field("bool"),
    "source_hash": SOURCE_HASH,
})

STORY = Field("map", keys={
    "title": Field("str", required=True, translatable=True),
    "author": TEXT,
    "date": Field("date", required=True, example="2026-05-01"),
    "summary": TEXT,
    "quote": TEXT,
    "image": Field("path"),
    "image_alt": TEXT,
    "tags": STRINGS,
    "draft": Field("bool"),
    "source_hash": SOURCE_HASH,
})

PAGE = Field("map", keys={
    "title": Field("str", required=True, translatable=True),
    "summary": TEXT,
    "order": Field("int", example="1"),
    "draft": Field("bool"),
    "source_hash": SOURCE_HASH,
})

_FILES = (("site.yaml", SITE), ("campaign.yaml", CAMPAIGN), ("a story (its front matter, between the --- lines)", STORY),
          ("a page (its front matter, between the --- lines)", PAGE))

_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
FIRST_YEAR, LAST_YEAR = 1000, 9000
LARGEST_NUMBER = 10**15  # a goal or a count; Babel cannot format numbers of 29 digits and more
DateOrTime = TypeVar("DateOrTime", dt.date, dt.datetime)
_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


class _Invalid(Exception):
    def __init__(self, message: str, hint: str = ""):
        self.message, self.hint = message, hint


def _kind_name(node: Node) -> str:
    return {Mapping: "a list of keys", Sequence: "a list"}.get(type(node), "a single value")


def _scalar(node: Node, key: str, spec: Field) -> Scalar:
    if not isinstance(node, Scalar):
        example = f" like: {key.rsplit('.', 1)[-1]}: {spec.example}" if spec.example else ""
        raise _Invalid(f"{key} must be a single value, not {_kind_name(node)}", f"write it on one line{example}")
    return node


def _convert_scalar(node: Scalar, key: str, spec: Field) -> Any:
    text = node.text.strip() if not node.quoted else node.text
    name = key.rsplit(".", 1)[-1]
    if spec.kind in ("str", "text"):
        value = strip_controls(node.text)
        if spec.required and is_blank(value):  # '' or an invisible character: nothing a reader would see
            raise _Invalid(f"{key} is missing: there is nothing to read after `{name}:`", f"write the {name} after `{name}:`")
        return value
    if spec.kind == "int":
        digits = text.replace("_", "")
        if not digits.isascii() or not digits.isdigit():
            guess = _guess_number(text)
            hint = f"write {name}: {guess}" if guess else f"write digits only, like {name}: {spec.example or 100}"
            raise _Invalid(f"{key} must be a whole number, got {text!r}", hint)
        if len(digits.lstrip("0")) > len(str(LARGEST_NUMBER)) or int(digits) > LARGEST_NUMBER:
            raise _Invalid(f"{key} is too large: {text}", f"write a number up to {LARGEST_NUMBER:,}")
        return int(digits)
    if spec.kind == "bool":
        low = text.lower()
        if low in _TRUE or low in _FALSE:
            return low in _TRUE
        raise _Invalid(f"{key} must be true or false, got {text!r}", f"write {name}: true  or  {name}: false")
    if spec.kind == "date":
        return _parse_date(text, key, spec)
    if spec.kind == "datetime":
        match = _DATETIME.fullmatch(text)
        if match:
            try:
                return _in_years(dt.datetime(*map(int, match.groups())), text, key)
            except ValueError:
                pass
        elif _DATE.fullmatch(text):
            return _parse_date(text, key, spec)  # a date alone: an all-day event
        raise _Invalid(f"{key} must be a date and time like {spec.example}, got {text!r}",
                       f"write {name}: YYYY-MM-DDTHH:MM (24-hour clock), or just YYYY-MM-DD for a whole day")
    if spec.kind == "url":
        return _check_url(text, key, spec)
    if spec.kind == "color":
        if not _COLOR.fullmatch(text):
            raise _Invalid(f"{key} must be a colour like {spec.example}, got {text!r}",
                           f'write a hex colour in quotes, like {name}: {spec.example or chr(34) + "#b3123b" + chr(34)}')
        return text.lower()
    if spec.kind == "path":
        if not text:
            raise _Invalid(f"{key} is empty", f"write the file name, like {name}: photo.jpg, or remove the line")
        return text
    if spec.kind == "hashtag":
        tag = text.removeprefix("#")
        if not _one_hashtag(tag):
            joined = "".join(char for char in (tag.title() if tag.isascii() else tag) if _one_hashtag(char))
            raise _Invalid(f"{key} is not one hashtag: {text!r}",
                           f"write it as one word of letters, digits and _, without #, like {joined or spec.example}")
        return tag
    if spec.kind == "choice":
        if text not in spec.choices:
            suggestion = did_you_mean(text, spec.choices)
            options = ", ".join(spec.choices)
            raise _Invalid(f"{key} cannot be {text!r}", f"{suggestion + ' ' if suggestion else ''}choose one of: {options}")
        return text
    raise AssertionError(f"unknown field kind {spec.kind}")


def _one_hashtag(text: str) -> bool:
    """Letters and marks of any script, digits, _ and the joiners some scripts spell words with."""
    return any(char != "_" for char in text) and all(
        unicodedata.category(char)[0] in "LMN" or char in "_\u200c\u200d" for char in text)


def _guess_number(text: str) -> str:
    """250k -> 250000, "250,000" -> 250000: what the volunteer probably meant."""
    compact = text.replace(",", "").replace(" ", "").replace(".", "").replace("_", "")
    match = re.fullmatch(r"(\d+)([kKmM]?)", compact)
    if not match:
        return ""
    if "." in text and match.group(2):
        return ""
    factor = {"": 1, "k": 1000, "m": 1_000_000}[match.group(2).lower()]
    return str(int(match.group(1)) * factor)


def _parse_date(text: str, key: str, spec: Field) -> dt.date:
    match = _DATE.fullmatch(text)
    if match:
        try:
            day = dt.date(*map(int, match.groups()))
        except ValueError:
            raise _Invalid(f"{key} is not a real date: {text!r}", "check the month (01-12) and the day") from None
        return _in_years(day, text, key)
    raise _Invalid(f"{key} must be a date written YYYY-MM-DD, got {text!r}", _date_hint(text, key.rsplit(".", 1)[-1], spec))


def _date_hint(text: str, name: str, spec: Field) -> str:
    """The fix for a date written another way: the same day as YYYY-MM-DD when it can be told (both
    readings of 12/05/2026), else the form with an example."""
    guesses = _date_readings(text)
    if len(guesses) == 1:
        return f"write {name}: {guesses[0].isoformat()}"
    if len(guesses) == 2:
        first, second = (f"{name}: {day.isoformat()} ({day.day} {_MONTHS[day.month - 1].title()})" for day in guesses)
        return f"write {first} or {second}: year, month, day"
    return f"write the year, the month and the day, like {name}: {spec.example or '2026-05-01'}"


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_NUMERIC_DATE = re.compile(r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})")
_WORDS_DATE = re.compile(r"(?:(\d{1,2})(?:st|nd|rd|th)?\.?\s+([a-z]+)\.?,?|([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?)\s+(\d{4})")


def _date_readings(text: str) -> list[dt.date]:
    """The days ``text`` can mean, when it is a date written with numbers or an English month name."""
    text = text.strip().lower()
    candidates: list[tuple[int, int, int]] = []
    numeric = _NUMERIC_DATE.fullmatch(text)
    words = _WORDS_DATE.fullmatch(text)
    if numeric:
        a, b, c = numeric.groups()
        if len(a) == 4:
            candidates.append((int(a), int(b), int(c)))
        elif len(c) == 4:
            candidates += [(int(c), int(b), int(a)), (int(c), int(a), int(b))]  # day first, month first
    elif words:
        day, month_name = (words.group(1), words.group(2)) if words.group(1) else (words.group(4), words.group(3))
        months = [n for n, name in enumerate(_MONTHS, 1) if len(month_name) >= 3 and name.startswith(month_name)]
        if len(months) == 1:
            candidates.append((int(words.group(5)), months[0], int(day)))
    days = []
    for year, month, day in candidates:
        with contextlib.suppress(ValueError):
            when = dt.date(year, month, day)
            if FIRST_YEAR <= year <= LAST_YEAR and when not in days:
                days.append(when)
    return days


def _in_years(when: DateOrTime, text: str, key: str) -> DateOrTime:
    """Refuse a year no campaign means (0001, or 9999 as "not known yet"): a time zone or an event's
    end moves such a date past what Python's dates can hold."""
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise _Invalid(f"{key} is out of range: {text!r} (the year must be {FIRST_YEAR}-{LAST_YEAR})",
                       "write the real date; an event whose date is not known yet is best left out until it is")
    return when


MAX_ADDRESS = 1000  # characters; a print sheet's QR code holds about 2300, and no campaign needs more


def _check_url(text: str, key: str, spec: Field) -> str:
    example = spec.example or "https://example.org/"
    if len(text) > MAX_ADDRESS:
        raise _Invalid(f"{key} is {len(text)} characters long, more than a web address needs (at most {MAX_ADDRESS})",
                       f"copy the address again from your browser's address bar, like {example}")
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed [ in the host part
        raise _Invalid(f"{key} is not a web address: {text!r}",
                       f"copy the address again from your browser's address bar, like {example}") from None
    if parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1"):
        pass
    elif parts.scheme != "https" or not parts.netloc:
        raise _Invalid(f"{key} must be a full https:// address, got {text!r}",
                       f"write the whole address, starting with https://, like {example}")
    if parts.username or parts.password:
        raise _Invalid(f"{key} must not contain a user name or password",
                       "remove the part before @; keep passwords out of files that get published")
    if any(ch.isspace() or ch in "<>\"'`" for ch in text):
        raise _Invalid(f"{key} contains spaces or quotes, which a web address cannot have",
                       "copy the address again from your browser's address bar")
    try:
        if parts.port == 0:
            raise ValueError("port 0")
        address = web_address(text)
    except (UnicodeError, ValueError):  # a label IDNA cannot spell (too long, a symbol), a port past 65535
        raise _Invalid(f"{key} is not a web address a browser can open: {text!r}",
                       f"copy the address again from your browser's address bar, like {example}") from None
    host = urlsplit(address).hostname or ""
    if not is_host_name(host):
        raise _Invalid(f"{key}: {parts.hostname!r} is not the name of a web server",
                       f"copy the address again from your browser's address bar, like {example}")
    return address


_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.IGNORECASE)


def is_host_name(host: str) -> bool:
    """A DNS name (letters, digits and -, in dot-separated labels) or an IP address, as an ASCII host.
    Anything else cannot be reached, and must never reach a security policy (`;` would end a directive)."""
    if ":" in host:
        with contextlib.suppress(ValueError):
            return ipaddress.ip_address(host).version == 6
        return False
    return 0 < len(host) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in host.split("."))


def web_address(address: str) -> str:
    """An address in the letters HTTP headers, sitemaps and feeds allow (RFC 3987's IRI to URI):
    ``https://подписи.рф/знак`` -> ``https://xn--d1aiavecp.xn--p1ai/%D0%B7%D0%BD%D0%B0%D0%BA``.
    A browser does the same with what it is given; a security policy header or a sitemap must
    already say it so (Chromium drops a Content-Security-Policy directive with a non-ASCII host).
    Hosts as browsers spell them (IDNA 2008, UTS 46): ``straße.de`` is ``xn--strae-oqa.de``;
    Python's own codec would make it ``strasse.de``, someone else's domain."""
    if address.isascii():
        return address
    parts = urlsplit(address)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address is ASCII
        host = f"[{host}]"
    elif not host.isascii():
        try:
            host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
        except idna.IDNAError:  # what IDNA 2008 refuses (an emoji) browsers still open, as IDNA 2003 spells it
            host = host.encode("idna").decode("ascii")
    netloc = host + (f":{parts.port}" if parts.port is not None else "")
    return urlunsplit(parts._replace(netloc=netloc)._replace(
        path=_ascii(parts.path), query=_ascii(parts.query), fragment=_ascii(parts.fragment)))


def _ascii(text: str) -> str:
    return "".join(char if char.isascii() else quote(char, safe="") for char in text)


def url_problem(text: str) -> tuple[str, str] | None:
    """(message, hint) when ``text`` is not an address handbill accepts, else None."""
    try:
        _check_url(text, "", Field("url"))
    except _Invalid as problem:
        return problem.message.removeprefix(" "), problem.hint
    return None


def convert(node: Node | None, spec: Field, path, diags: Diagnostics, *, partial: bool = False,
            prefix: str = "") -> Parsed:
    """Check ``node`` against ``spec`` and return the typed values.

    Problems become diagnostics; a key with a bad value is left out, so one run
    reports every problem. ``partial`` (a locale's translation) makes nothing required.
    """
    parsed = Parsed()
    if node is None:
        return parsed
    parsed.positions[""] = (node.line, node.col)
    value = _convert(node, spec, prefix, path, diags, parsed, partial)
    if isinstance(value, dict):
        parsed.values = value
    return parsed


def _convert(node: Node, spec: Field, key: str, path, diags: Diagnostics, parsed: Parsed, partial: bool) -> Any:
    parsed.positions[key] = (node.line, node.col)
    if isinstance(node, Scalar) and node.block:
        parsed.blocks.add(key)
    try:
        if spec.kind == "map":
            return _convert_map(node, spec, key, path, diags, parsed, partial)
        if spec.kind == "dict":
            return _convert_dict(node, spec, key, path, diags, parsed, partial)
        if spec.kind == "list":
            return _convert_list(node, spec, key, path, diags, parsed, partial)
        if spec.kind == "per_locale":  # one value for every locale ("*"), or {locale: value}
            if isinstance(node, Mapping):
                return _convert_dict(node, Field("dict", item=spec.item), key, path, diags, parsed, partial)
            value = _convert(node, spec.item, key, path, diags, parsed, partial)
            return None if value is None else {"*": value}
        scalar = _scalar(node, key, spec)
        if scalar.is_null:
            return None
        return _convert_scalar(scalar, key, spec)
    except _Invalid as problem:
        diags.error(path, node.line, node.col, problem.message, problem.hint)
        return None


def _convert_map(node, spec, key, path, diags, parsed, partial) -> dict[str, Any]:
    label = key or "this file"
    if isinstance(node, Scalar) and node.is_null:
        return {}
    if not isinstance(node, Mapping):
        raise _Invalid(f"{label} must be a list of `key: value` lines, not {_kind_name(node)}",
                       "write one setting per line, like title: My campaign")
    values: dict[str, Any] = {}
    assert spec.keys is not None
    for key_node, child in node.entries:
        name = key_node.text
        full = f"{key}.{name}" if key else name
        child_spec = spec.keys.get(name)
        if child_spec is None:
            hint = _belongs_elsewhere(name, spec, node) or did_you_mean(name, spec.keys) or \
                f"the keys that work here are: {', '.join(sorted(spec.keys))}"
            diags.warning(path, key_node.line, key_node.col, f"unknown key `{full}` is ignored", hint)
            continue
        value = _convert(child, child_spec, full, path, diags, parsed, partial)
        if value is not None:
            values[name] = value
    if not partial:
        for name, child_spec in spec.keys.items():
            if child_spec.required and name not in values and not has_key(node, name):
                full = f"{key}.{name}" if key else name
                example = f"{name}: {child_spec.example}" if child_spec.example else f"{name}: ..."
                diags.error(path, node.line, node.col, f"{full} is missing", f"add a line: {example}")
    return values


def _belongs_elsewhere(name: str, spec: Field, node: Mapping) -> str | None:
    """Where a key that does nothing here does work: in a block of this file (``endpoint`` under
    ``petition:``), or in another file (``base_url`` in site.yaml)."""
    blocks = [block for block, child in spec.keys.items() if child.keys and name in child.keys]
    if blocks:
        if any(written.text == blocks[0] for written, _ in node.entries):  # (even empty: `petition:` alone)
            return f"`{name}` belongs in the `{blocks[0]}:` block: move it there, indented by two spaces like its other lines"
        return f"`{name}` belongs under `{blocks[0]}:`: write a line `{blocks[0]}:` and indent `{name}` below it by two spaces"
    if spec not in (SITE, CAMPAIGN, STORY, PAGE):
        return None
    others = [(where, other) for where, other in _FILES if other is not spec]
    files = [where for where, other in others if name in other.keys]
    if files:
        return f"`{name}` is a setting of {' or '.join(files)}"
    block = next((block for _, other in others for block, child in other.keys.items()
                  if child.keys and name in child.keys), None)
    if block is None:
        return None
    return f"`{name}` is a setting of `{block}:` in {' or '.join(where for where, other in others if block in other.keys)}"


def has_key(node: Mapping, name: str) -> bool:
    """``name`` is written in the mapping with a value (``key:`` alone, or ``~``, is not). A key that is
    written but had a bad value was reported already: it is not called missing."""
    return any(k.text == name and not (isinstance(v, Scalar) and v.is_null) for k, v in node.entries)


def _convert_dict(node, spec, key, path, diags, parsed, partial) -> dict[str, Any]:
    if isinstance(node, Scalar) and node.is_null:
        return {}
    if not isinstance(node, Mapping):
        raise _Invalid(f"{key} must be a list of `name: value` lines", f"write it like {key.rsplit('.', 1)[-1]}: {{name: value}}")
    values = {}
    for key_node, child in node.entries:
        name = key_node.text
        if not FIELD_NAME.fullmatch(name):
            diags.error(path, key_node.line, key_node.col, f"{key}: {name!r} is not a usable field name",
                        FIELD_NAME_HINT)
            continue
        value = _convert(child, spec.item, f"{key}.{name}", path, diags, parsed, partial)
        if value is not None:
            values[name] = value
    return values


def _convert_list(node, spec, key, path, diags, parsed, partial) -> list[Any]:
    if isinstance(node, Scalar):
        if node.is_null:
            return []
        if spec.item is not None and spec.item.kind not in ("map",):
            # `tags: ohio` is one tag; a list of one is what the volunteer meant
            value = _convert(node, spec.item, key, path, diags, parsed, partial)
            return [] if value is None else [value]
    if not isinstance(node, Sequence):
        name = key.rsplit(".", 1)[-1]
        raise _Invalid(f"{key} must be a list", f"write it like {name}: [first, second]")
    values = []
    for index, child in enumerate(node.items):
        value = _convert(child, spec.item, f"{key}.{index}", path, diags, parsed, partial)
        if value is not None:
            values.append(value)
    return values


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """A translation over its original: maps merge key by key, anything else is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
