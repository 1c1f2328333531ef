"""Share cards: a 1200x630 JPEG per story and per campaign, drawn with Pillow.

``plan_cards`` decides what every card shows (in the build process, reporting
problems); ``draw_cards`` draws the cards the cache does not have yet, on all cores,
and ``draw_card`` is the drawing of one card. A card depends only on its
:class:`CardSpec`, so the same spec gives the same bytes in any process, and the
hash of the spec (text, photo bytes, fonts, colours, size and this code) names it
in the cache: an unchanged card is never drawn again, and a card that is the same
in several locales is drawn once.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import PIL
from PIL import Image, ImageDraw, ImageOps, features

from .cache import FileCache, cache_root
from .diagnostics import Diagnostics
from .fonts import (BOLD, REGULAR, FontSet, Phrase, Shaped, Typesetter, base_direction, load_fonts, needs_shaping,
                    shape)
from .localecodes import text_direction
from .schema import Field, convert
from .yamlfile import parse_yaml, read_text

if TYPE_CHECKING:
    from .assets import AssetStore
    from .pages import PlannedPage
    from .project import Project, SiteText
    from .routes import Routes
    from .views import EntryView

CARD_SIZE = (1200, 630)
PADDING = 64
QUALITY = 85
HEADLINE_SIZES = tuple(range(68, 33, -2))  # the quote or title gets the largest size that fits
BYLINE_SIZE, LABEL_SIZE, SITE_SIZE, CTA_SIZE = 30, 30, 24, 30
TEXT_COLUMN = 0.62  # with a photo, the share of the width the text takes; the rest shows the photo
MIN_CONTRAST = 4.6  # 4.5:1 (WCAG AA) with a little room for JPEG rounding
PARALLEL_FROM = 8  # fewer cards than this are drawn in the build process: starting workers costs more


def _code_version() -> str:
    """Everything in handbill and Pillow that shapes a card's pixels."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("cards.py", "fonts.py"):
        digest.update((here / name).read_bytes())
    digest.update(f"{PIL.__version__}|{features.version('raqm')}|{features.version('freetype2')}".encode())
    return digest.hexdigest()


CODE_VERSION = _code_version()


@dataclass(frozen=True)
class CardStyle:
    """A theme's card settings, from ``cards.yaml`` in the theme folder."""

    color: str = "#1d3557"  # background of cards whose campaign has no colors.primary
    accent: str = ""  # quote bar and button; default: the campaign's colors.accent, else the text colour
    overlay: int = 35  # the least a photo is tinted towards the campaign colour, in percent
    site_name: bool = True  # show the site's title at the bottom


STYLE_SCHEMA = Field("map", keys={
    "color": Field("color", example='"#1d3557"'),
    "accent": Field("color", example='"#ffd166"'),
    "overlay": Field("int", example="35"),
    "site_name": Field("bool"),
})


@dataclass(frozen=True)
class CardSpec:
    """Everything one card shows. Pickled to the drawing processes."""

    size: tuple[int, int]
    headline: Phrase  # the quote, or the title
    quote: bool  # the headline is a quote: drawn with a bar beside it
    byline: Phrase | None  # "— Maria, Ohio"
    label: Phrase | None  # the campaign's name on a story card
    site: Phrase | None
    cta: Phrase | None  # "Sign the petition" on a campaign card
    color: str  # background, and the tint over a photo
    accent: str
    overlay: int
    photo: bytes | None
    fonts: FontSet
    raqm: bool  # lay text out with raqm (else Pillow's basic layout)

    def key(self) -> str:
        texts = [[t.text, t.lang, t.dir] if t else None for t in (self.headline, self.byline, self.label, self.site, self.cta)]
        described = json.dumps([list(self.size), texts, self.quote, self.color, self.accent, self.overlay, self.raqm,
                                QUALITY, self.fonts.fingerprint(),
                                hashlib.sha256(self.photo).hexdigest() if self.photo else None], ensure_ascii=False)
        return hashlib.sha256(f"{CODE_VERSION}\n{described}".encode()).hexdigest()


@dataclass(frozen=True)
class CardText:
    """A text a card may show, and where it was written (for messages)."""

    text: str
    lang: str
    dir: str  # ltr | rtl
    where: tuple[Path, int, int]  # file, line, column
    what: str  # how messages name it: "quote", "title"


@dataclass(frozen=True)
class CardJob:
    """One card file to publish."""

    path: str  # output path, like sv/paid-leave/stories/maria/card.jpg
    spec: CardSpec
    alt: str  # what the card says, for og:image:alt
    source: Path  # the story or campaign file, for messages

    @property
    def width(self) -> int:
        return self.spec.size[0]

    @property
    def height(self) -> int:
        return self.spec.size[1]


@dataclass
class CardsDrawn:
    files: dict[str, bytes] = field(default_factory=dict)  # output path -> JPEG
    drawn: int = 0  # cards drawn in this build
    reused: int = 0  # cards taken from the cache


# --- planning -----------------------------------------------------------------------------------------

def load_style(theme_dirs: tuple[Path, ...], diags: Diagnostics) -> CardStyle:
    """The first ``cards.yaml`` of the theme folders, over the defaults."""
    for folder in theme_dirs:
        path = folder / "cards.yaml"
        if path.is_file():
            text = read_text(path, diags)
            node = parse_yaml(text, path, diags) if text is not None else None
            values = dict(convert(node, STYLE_SCHEMA, path, diags).values)
            if not 0 <= values.get("overlay", 35) <= 90:
                diags.error(path, 0, 0, "overlay must be between 0 and 90 (percent)", "write overlay: 35")
                values.pop("overlay")
            return CardStyle(**values)
    return CardStyle()


def clean(text: str) -> str:
    """One line of text as drawn: NFC, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _listed(missing: str, most: int = 6) -> str:
    """The characters left out, as a reader can find them: "🎉 (U+1F389)", the first few of many."""
    shown = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing[:most])
    return shown + (f" and {len(missing) - most} more" if len(missing) > most else "")


def _font_hint(missing: str) -> str:
    """How to get the characters drawn: which font to add, and where."""
    where = ("the fonts/ folder of your theme (with the default theme: put it in themes/NAME/fonts/ beside "
             "the content folder and write theme: NAME in site.yaml)")
    if any(_is_cjk(ord(ch)) for ch in missing):
        return ("handbill ships no Chinese, Japanese or Korean font (each is 15 MB or more): add a .ttf or .otf "
                f"font for the language, such as Noto Sans SC, TC, JP or KR (one weight is enough), to {where}")
    if all(_is_emoji(ord(ch)) for ch in missing):
        return ("remove the emoji from the text, or add a black-and-white emoji font such as Noto Emoji (cards are "
                f"drawn in one colour) to {where}")
    return f"remove them from the text, or add a .ttf or .otf font that has them (a Noto Sans font for the script) to {where}"


def _is_cjk(code: int) -> bool:
    """Han, kana, Hangul, bopomofo and their punctuation and full-width forms."""
    return (0x1100 <= code <= 0x11FF or 0x2E80 <= code <= 0x9FFF or 0xA960 <= code <= 0xA97F
            or 0xAC00 <= code <= 0xD7FF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF
            or 0x20000 <= code <= 0x3FFFF)


def _is_emoji(code: int) -> bool:
    """Emoji and the pieces of emoji sequences (skin tones, flags' letters, joiners, the emoji selector)."""
    return (0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or 0x2B00 <= code <= 0x2BFF
            or 0xE0020 <= code <= 0xE007F or code in (0x200D, 0x20E3, 0xFE0F))


def best_ink(color: str) -> str:
    """White or near-black, whichever reads better on ``color`` (always at least 4.58:1)."""
    return "#ffffff" if contrast(_rgb(color), (255, 255, 255)) >= contrast(_rgb(color), (20, 20, 20)) else "#141414"


class CardPlanner:
    """Makes the CardJob of each story and campaign page, and reports what cannot be drawn."""

    def __init__(self, theme_dirs: tuple[Path, ...], diags: Diagnostics):
        self.fonts = load_fonts(theme_dirs)
        self.style = load_style(theme_dirs, diags)
        self.diags = diags
        self._site_names: dict[SiteText, Phrase | None] = {}
        self.raqm = bool(features.check("raqm"))
        self._raqm_reported = False

    def text(self, text: str, lang: str, direction: str, where: tuple[Path, int, int], what: str,
             weight: str = BOLD, instead: str = "the card leaves it out") -> Phrase | None:
        """The text as a card shows it; None when it is empty, or when the theme's fonts cannot draw
        a word of it (warned about, saying what the card does ``instead``)."""
        text = clean(text)
        if not text:
            return None
        return self._checked(Phrase(text, lang, direction), shape(text, self.fonts, weight, direction), where, what,
                             instead)

    def headline(self, choices: list[CardText]) -> tuple[str, Phrase] | None:
        """The first of ``choices`` the card can show, and what it is: a quote that the fonts cannot
        draw gives way to the title. When none can be shown, one warning says so and there is no card."""
        passed: list[tuple[CardText, Shaped]] = []
        for choice in (choice for choice in choices if clean(choice.text)):
            shaped = shape(clean(choice.text), self.fonts, BOLD, choice.dir)
            if shaped.readable:
                for skipped, unreadable in passed:
                    self._cannot_show(skipped.where, skipped.what, unreadable.missing,
                                      f"the card shows the {choice.what} instead")
                phrase = self._checked(Phrase(clean(choice.text), choice.lang, choice.dir), shaped, choice.where,
                                       choice.what)
                return (choice.what, phrase) if phrase is not None else None
            passed.append((choice, shaped))
        if passed:
            missing = "".join(dict.fromkeys("".join(shaped.missing for _, shaped in passed)))
            self._cannot_show(passed[0][0].where, " or the ".join(choice.what for choice, _ in passed), missing,
                              "the page has no share card")
        return None

    def _checked(self, phrase: Phrase, shaped: Shaped, where: tuple[Path, int, int], what: str,
                 instead: str = "the card leaves it out") -> Phrase | None:
        """``phrase`` if the card can show it, with a warning for each character it leaves out; else None."""
        if not shaped.readable:
            self._cannot_show(where, what, shaped.missing, instead)
            return None
        path, line, col = where
        if shaped.missing:
            self.diags.warning(path, line, col, f"the share card leaves out {_listed(shaped.missing)} from the {what}: "
                                                "no font of the theme has it", _font_hint(shaped.missing))
        if not self.raqm and needs_shaping(phrase.text) and not self._raqm_reported:
            self._raqm_reported = True
            self.diags.error(path, line, col, f"the {what} needs Pillow's raqm text layout to draw its share card, "
                                              "and raqm is not available because the FriBiDi library is missing",
                             "install FriBiDi (Debian/Ubuntu: sudo apt-get install libfribidi0; macOS: brew install "
                             "fribidi; Windows: put fribidi-0.dll beside python.exe), or build with --no-cards")
        return phrase

    def _cannot_show(self, where: tuple[Path, int, int], what: str, missing: str, instead: str) -> None:
        reason = f"no font of the theme has {_listed(missing)}" if missing else "it has no letter to show"
        self.diags.warning(*where, f"the share card cannot show the {what}: {reason}; {instead}",
                           _font_hint(missing) if missing else f"write the {what} in words")

    def site_name(self, shown: SiteText) -> Phrase | None:
        """The site's title as the cards of a language show it: worked out, and warned about, once."""
        if shown not in self._site_names:
            direction = base_direction(shown.text, text_direction(shown.lang))
            where = (shown.path or Path("site.yaml"), shown.line, 0)
            self._site_names[shown] = self.text(shown.text, shown.lang, direction, where, "site title", REGULAR)
        return self._site_names[shown]

    def spec(self, *, headline: Phrase, quote: bool, byline: Phrase | None, label: Phrase | None,
             cta: Phrase | None, colors: dict[str, str], photo: bytes | None, site: SiteText) -> CardSpec:
        """``site``: the site's title in the page's language, shown at the bottom when the theme says so."""
        site = self.site_name(site) if self.style.site_name else None
        color = colors.get("primary") or self.style.color
        return CardSpec(CARD_SIZE, headline, quote, byline, label, site, cta, color,
                        colors.get("accent") or self.style.accent, self.style.overlay, photo, self.fonts, self.raqm)


def plan_cards(pages: list[PlannedPage], project: Project, theme_dirs: tuple[Path, ...], routes: Routes,
               assets: AssetStore, translators: Callable[[str], Callable[..., str]],
               diags: Diagnostics) -> dict[str, CardJob]:
    """The share card of every story and campaign page, by the page's path."""
    planner = CardPlanner(theme_dirs, diags)
    site_path = project.site.path or project.content / "site.yaml"
    jobs: dict[str, CardJob] = {}

    def where(view: EntryView, key: str) -> tuple[Path, int, int]:
        source = project.sources.get(view.lang_of(key), {}).get(view.key) \
            or project.sources.get(project.site.default_locale, {}).get(view.key)
        if source is None:
            return project.content / view.key, 0, 0
        return (source.file.path, *source.data.where(key))

    def text(view: EntryView, key: str, value: str, what: str, weight: str = BOLD,
             instead: str = "the card leaves it out") -> Phrase | None:
        return planner.text(value, view.lang_of(key), view.dir_of(key), where(view, key), what, weight, instead)

    def offer(view: EntryView, key: str) -> CardText:
        return CardText(getattr(view, key), view.lang_of(key), view.dir_of(key), where(view, key), key)

    def photo(view: EntryView) -> bytes | None:
        published = assets.images.get(view.photo.source) if view.photo is not None else None
        return published.data if published is not None else None

    for page in pages:
        story, campaign = page.context.get("story"), page.context.get("campaign")
        if campaign is None or page.ident[0] not in ("entry", "campaign") or (page.ident[0] == "entry" and story is None):
            continue
        colors = campaign.meta.get("colors", {})
        if story is not None:
            chosen = planner.headline([offer(story, "quote"), offer(story, "title")])
            if chosen is None:
                continue
            key, headline = chosen
            byline = text(story, "author", f"\u2014 {story.author}", "author", REGULAR) if clean(story.author) else None
            spec = planner.spec(headline=headline, quote=key == "quote", byline=byline,
                                label=text(campaign, "title", campaign.title, "campaign title"), cta=None,
                                colors=colors, photo=photo(story), site=project.site.text_in("title", page.locale))
            alt = headline.text + (f" {byline.text}" if byline else "")
            jobs[page.path] = CardJob(routes.story_card(page.locale, story.campaign, story.slug), spec, alt,
                                      where(story, key)[0])
        else:
            headline = text(campaign, "title", campaign.title, "title", instead="the page has no share card")
            if headline is None:
                continue
            cta = planner.text(translators(page.locale)("sign_cta"), page.locale, text_direction(page.locale), (site_path, 0, 0),
                               "button text")
            spec = planner.spec(headline=headline, quote=False, byline=None, label=None, cta=cta, colors=colors,
                                photo=photo(campaign), site=project.site.text_in("title", page.locale))
            alt = headline.text + (f". {cta.text}" if cta else "")
            jobs[page.path] = CardJob(routes.campaign_card(page.locale, campaign.campaign), spec, alt,
                                      where(campaign, "title")[0])
    return jobs


def card_cache(content: Path) -> FileCache:
    """Where cards are kept between builds: ``.handbill-cache/cards/`` beside the content folder."""
    return FileCache(cache_root(content) / "cards", ".jpg")


# --- drawing --------------------------------------------------------------------------------------------

def draw_cards(jobs: list[CardJob], cache: FileCache | None, diags: Diagnostics, workers: int = 0,
               sink: Callable[[str, bytes], None] | None = None) -> CardsDrawn:
    """The JPEG of every job: from the cache, or drawn (on ``workers`` processes, 0: one per core).

    With ``sink``, each card is handed to ``sink(path, jpeg)`` as soon as it is read or drawn
    and not kept, so memory does not grow with the number of cards (30,000 cards of a
    10,000-story site in three languages are about 1.8 GB); without it they are returned in
    ``files``. Cards are handed over in the order of their keys, each once per job using it.
    """
    paths_by_key: dict[str, list[str]] = {}
    specs: dict[str, CardSpec] = {}
    sources: dict[str, Path] = {}
    for job in jobs:
        key = job.spec.key()
        paths_by_key.setdefault(key, []).append(job.path)
        specs[key] = job.spec
        sources[job.path] = job.source
    result = CardsDrawn()
    deliver = sink or result.files.__setitem__

    def hand_over(key: str, data: bytes) -> None:
        for path in paths_by_key[key]:
            deliver(path, data)

    missing = []
    for key in sorted(specs):
        cached = cache.get(key) if cache is not None else None
        if cached is None:
            missing.append(key)
        else:
            hand_over(key, cached)
    result.drawn, result.reused = len(missing), len(specs) - len(missing)
    for key, data in zip(missing, _drawn_in_order([specs[key] for key in missing], workers)):
        if isinstance(data, str):
            for path in paths_by_key[key]:
                diags.error(sources[path], 0, 0, f"the share card {path} could not be drawn: {data}",
                            "check the photo and the text; build with --no-cards to skip cards meanwhile")
            continue
        if cache is not None:
            cache.put(key, data)
        hand_over(key, data)
    return result


def _drawn_in_order(specs: list[CardSpec], workers: int) -> Iterator[bytes | str]:
    """Each card (or what went wrong) as soon as it is drawn, in the order of ``specs``."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(specs) < PARALLEL_FROM:
        yield from map(_draw_safely, specs)
        return
    with ProcessPoolExecutor(min(workers, len(specs)), mp_context=_process_context()) as pool:
        yield from pool.map(_draw_safely, specs, chunksize=2)


def _process_context() -> BaseContext:
    """fork where it is safe and cheap (Linux): a worker starts in milliseconds and imports nothing;
    elsewhere spawn, which imports handbill in each worker."""
    return get_context("fork" if sys.platform.startswith("linux") else "spawn")


def _draw_safely(spec: CardSpec) -> bytes | str:
    """The card, or what went wrong (an exception would stop every other card)."""
    try:
        return draw_card(spec)
    except (OSError, ValueError, SyntaxError, MemoryError) as exc:
        return f"{exc.__class__.__name__}: {exc}"


def draw_card(spec: CardSpec) -> bytes:
    """One card as JPEG bytes. Pure: the same spec gives the same bytes."""
    width, height = spec.size
    ink = best_ink(spec.color)
    rtl = spec.headline.dir == "rtl"
    column = round(width * TEXT_COLUMN) if spec.photo else width
    left, right = (width - column + PADDING, width - PADDING) if rtl else (PADDING, column - PADDING)
    canvas = _background(spec, ink, (width - column, width) if rtl else (0, column))
    draw = ImageDraw.Draw(canvas)
    setter = Typesetter(spec.fonts, spec.raqm)
    accent = spec.accent if spec.accent and contrast(_rgb(spec.accent), _rgb(spec.color)) >= 1.6 else ink

    bottom = height - PADDING  # the footer, from the bottom up: site name, campaign name, a short rule
    if spec.site is not None:
        setter.single_line(draw, spec.site, REGULAR, SITE_SIZE, left, right, bottom, ink, rtl)
        bottom -= round(SITE_SIZE * 1.7)
    if spec.label is not None:
        setter.single_line(draw, spec.label, BOLD, LABEL_SIZE, left, right, bottom, ink, rtl)
        bottom -= round(LABEL_SIZE * 1.45)
    if spec.label is not None or spec.site is not None:
        bottom -= 12
        rule = (right - 72, bottom, right, bottom + 6) if rtl else (left, bottom, left + 72, bottom + 6)
        draw.rectangle(rule, fill=accent)
        bottom -= 36

    extra = 0  # byline and button under the headline
    if spec.byline is not None:
        extra += round(BYLINE_SIZE * 1.9)
    if spec.cta is not None:
        extra += CTA_SIZE * 2 + 40
    indent = 36 if spec.quote else 0
    text_left, text_right = (left, right - indent) if rtl else (left + indent, right)
    block = setter.fit(spec.headline, BOLD, HEADLINE_SIZES, text_right - text_left, bottom - PADDING - extra)
    top = PADDING + max(0, (bottom - PADDING - extra - block.height) // 2)
    for index, line in enumerate(block.lines):
        setter.draw_line(draw, block.shaped, line, block.size, spec.headline.lang, text_left, text_right,
                         top + block.baseline(index), ink, rtl)
    if spec.quote and block.lines:
        bar = (right - 8, top + 4, right, top + block.height - 4) if rtl else (left, top + 4, left + 8, top + block.height - 4)
        draw.rectangle(bar, fill=accent)
    y = top + block.height
    if spec.byline is not None:
        y += round(BYLINE_SIZE * 1.6)
        setter.single_line(draw, spec.byline, REGULAR, BYLINE_SIZE, text_left, text_right, y, ink, rtl)
        y += round(BYLINE_SIZE * 0.3)
    if spec.cta is not None:
        _button(draw, setter, spec.cta, accent, left, right, y + 28, rtl)

    out = io.BytesIO()
    canvas.save(out, format="JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()


def _background(spec: CardSpec, ink: str, column: tuple[int, int]) -> Image.Image:
    """The campaign colour, or the photo cropped to fill and tinted towards it where the text goes."""
    size, tint = spec.size, _rgb(spec.color)
    if spec.photo is None:
        return Image.new("RGB", size, tint)
    photo = Image.open(io.BytesIO(spec.photo))
    photo.draft("RGB", size)
    if photo.mode in ("RGBA", "LA", "PA") or (photo.mode == "P" and "transparency" in photo.info):
        rgba = photo.convert("RGBA")
        photo = Image.new("RGB", rgba.size, tint)
        photo.paste(rgba, mask=rgba.getchannel("A"))
    photo = ImageOps.fit(photo.convert("RGB"), size, Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    strength = overlay_strength(photo.crop((column[0], 0, column[1], size[1])).getextrema(), tint, _rgb(ink),
                                spec.overlay / 100)
    least = min(strength, spec.overlay / 100)
    ramp = 260
    row = []
    for x in range(size[0]):
        outside = max(0, column[0] - x, x - column[1])  # distance from the text column
        share = min(1.0, outside / ramp)
        row.append(round(255 * (strength + (least - strength) * share)))
    mask = Image.new("L", (size[0], 1))
    mask.putdata(row)
    return Image.composite(Image.new("RGB", size, tint), photo, mask.resize(size, Image.Resampling.NEAREST))


def overlay_strength(extrema: Any, tint: tuple[int, int, int], ink: tuple[int, int, int], least: float) -> float:
    """How much of the tint to lay over a photo so that ``ink`` reads on every pixel of it (>= 4.5:1).

    ``extrema`` are the photo's (min, max) per channel: white text is checked against the
    brightest possible pixel, dark text against the darkest, so the bound holds for all."""
    worst = tuple(high if _luminance(ink) > 0.5 else low for low, high in extrema[:3])
    for step in range(round(least * 100), 101, 5):
        strength = step / 100
        blended = tuple(c * (1 - strength) + t * strength for c, t in zip(worst, tint))
        if contrast(blended, ink) >= MIN_CONTRAST:
            return strength
    return 1.0


def _button(draw: ImageDraw.ImageDraw, setter: Typesetter, text: Phrase, fill: str, left: int, right: int,
            top: int, rtl: bool) -> None:
    ink = best_ink(fill)
    shaped, size = setter.shrink(text, BOLD, CTA_SIZE, right - left - 2 * CTA_SIZE)
    width = setter.width(shaped, 0, len(shaped.text), size, text.lang)
    box_width = width + 2 * CTA_SIZE
    x0 = right - box_width if rtl else left
    height = CTA_SIZE * 2
    draw.rounded_rectangle((x0, top, x0 + box_width, top + height), radius=height // 2, fill=fill)
    setter.draw_line(draw, shaped, (0, len(shaped.text)), size, text.lang, x0 + CTA_SIZE, x0 + box_width - CTA_SIZE,
                     top + round(height / 2 + size * 0.36), ink, rtl)


# --- colour ---------------------------------------------------------------------------------------------

def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    if len(color) == 3:
        color = "".join(c * 2 for c in color)
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def _luminance(rgb: tuple[float, ...]) -> float:
    linear = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb[:3]]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """The WCAG contrast ratio of two sRGB colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


