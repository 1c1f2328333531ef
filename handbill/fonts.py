"""Setting text on share cards: which font draws each character, in which direction and
order, and at what size it fits (measured with the real fonts, wrapped word by word).

Pillow draws one string with one font, so a quote that mixes scripts (an Arabic quote
with a Latin name and an em dash) is cut into *runs*: each run is drawn with a font
that has all its characters, chosen by script (Arabic letters prefer Noto Sans Arabic)
and falling back to any font of the theme that has the character. Each run also gets
a direction, and the runs of a line are put in visual order with the two-level rule
of the Unicode Bidirectional Algorithm; inside a run, raqm (FriBiDi and HarfBuzz)
shapes and orders the glyphs.

The fonts live in the theme's ``fonts/`` folder and ship with handbill; a theme
replaces one by shipping a file of the same name, and adds a script by shipping
any other ``.ttf``/``.otf`` file (tried after the ones below). Nothing is fetched.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import ImageDraw, ImageFont

REGULAR, BOLD = "regular", "bold"

# script -> (regular, bold) file names in a theme's fonts/ folder; "default" covers Latin, Greek, Cyrillic
FONT_FILES: dict[str, tuple[str, str]] = {
    "default": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "arabic": ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    "hebrew": ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    "devanagari": ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    "bengali": ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf"),
    "sinhala": ("NotoSansSinhala-Regular.ttf", "NotoSansSinhala-Bold.ttf"),
    "tamil": ("NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf"),
    "thai": ("NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf"),
    "khmer": ("NotoSansKhmer-Regular.ttf", "NotoSansKhmer-Bold.ttf"),
    "myanmar": ("NotoSansMyanmar-Regular.ttf", "NotoSansMyanmar-Bold.ttf"),
    "ethiopic": ("NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf"),
    "georgian": ("NotoSansGeorgian-Regular.ttf", "NotoSansGeorgian-Bold.ttf"),
    "armenian": ("NotoSansArmenian-Regular.ttf", "NotoSansArmenian-Bold.ttf"),
}

# Unicode blocks of the scripts that have their own font (start, end, script), in order
SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0530, 0x058F, "armenian"), (0x0590, 0x05FF, "hebrew"), (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"), (0x0870, 0x08FF, "arabic"), (0x0900, 0x097F, "devanagari"),
    (0x0980, 0x09FF, "bengali"), (0x0B80, 0x0BFF, "tamil"), (0x0D80, 0x0DFF, "sinhala"),
    (0x0E00, 0x0E7F, "thai"), (0x1000, 0x109F, "myanmar"), (0x10A0, 0x10FF, "georgian"),
    (0x1200, 0x139F, "ethiopic"), (0x1780, 0x17FF, "khmer"), (0x19E0, 0x19FF, "khmer"),
    (0x1C90, 0x1CBF, "georgian"), (0x1CD0, 0x1CFF, "devanagari"), (0x2D00, 0x2D2F, "georgian"),
    (0x2D80, 0x2DDF, "ethiopic"), (0xA8E0, 0xA8FF, "devanagari"), (0xA9E0, 0xA9FF, "myanmar"),
    (0xAA60, 0xAA7F, "myanmar"), (0xAB00, 0xAB2F, "ethiopic"), (0xFB13, 0xFB17, "armenian"),
    (0xFB1D, 0xFB4F, "hebrew"), (0xFB50, 0xFDFF, "arabic"), (0xFE70, 0xFEFF, "arabic"),
    (0x111E0, 0x111FF, "sinhala"), (0x1E7E0, 0x1E7FF, "ethiopic"),
)
RANGE_STARTS = [start for start, _, _ in SCRIPT_RANGES]  # sorted, for bisect
# times the size, from the height of each font's ink (Myanmar and Khmer stack marks above and below); else 1.22
LINE_HEIGHT = {"arabic": 1.6, "devanagari": 1.5, "bengali": 1.5, "sinhala": 1.45, "tamil": 1.5, "thai": 1.5,
               "khmer": 1.6, "myanmar": 1.7}
ELLIPSIS = "\u2026"
SHARED_MARKS = {0x0964, 0x0965}  # danda, double danda: used by several Indic scripts
RTL_CLASSES = {"R", "AL"}
# the paired brackets of Unicode's BidiBrackets.txt that text is likely to hold: opening -> closing
BRACKETS = {"(": ")", "[": "]", "{": "}", "\u2045": "\u2046", "\u27e8": "\u27e9", "\u3008": "\u3009",
            "\u300a": "\u300b", "\u300c": "\u300d", "\u300e": "\u300f", "\u3010": "\u3011", "\u3014": "\u3015",
            "\uff08": "\uff09", "\uff3b": "\uff3d", "\uff5b": "\uff5d", "\uff62": "\uff63"}
CLOSING_BRACKETS = set(BRACKETS.values())
CLOSING_PUNCTUATION = set(",.;:!?\u2026\u060c\u061b\u061f\u0589\u0964\u0965\u1362\u1363\u3001\u3002\uff0c\uff0e\uff1a\uff1b\uff01\uff1f")
COMPLEX_SCRIPTS = {"arabic", "hebrew", "devanagari", "bengali", "sinhala", "tamil", "thai", "khmer", "myanmar"}


@dataclass(frozen=True)
class FontFace:
    """One font file. Picklable, so card workers can load it themselves."""

    path: str
    weight: str  # REGULAR or BOLD
    script: str  # the script it is preferred for; "extra" for a theme's additional fonts
    digest: str  # sha256 of the file, for cache keys


@dataclass(frozen=True)
class FontSet:
    """The fonts of a theme, in fallback order: the default face first, then by script."""

    faces: tuple[FontFace, ...]

    def fingerprint(self) -> str:
        return hashlib.sha256("".join(f"{f.weight}:{f.script}:{f.digest};" for f in self.faces).encode()).hexdigest()

    def for_weight(self, weight: str) -> tuple[FontFace, ...]:
        return tuple(face for face in self.faces if face.weight == weight)


@dataclass(frozen=True)
class Phrase:
    """A piece of text to set, with its language and direction."""

    text: str
    lang: str  # BCP 47, for raqm's language-specific shaping; "" when unknown
    dir: str  # ltr | rtl: the paragraph direction


@dataclass(frozen=True)
class Run:
    """A piece of one line drawn in one call: one font, one direction."""

    text: str
    face: FontFace
    rtl: bool


DROPPED = FontFace("", REGULAR, "", "")  # marks a character no font has


class FontsMissing(Exception):
    """A theme without the default font files; the message says which."""


def load_fonts(theme_dirs: tuple[Path, ...]) -> FontSet:
    """The fonts of the theme folders (the site's theme first, the default theme last)."""
    faces: list[FontFace] = []
    named: set[str] = set()
    for script, names in FONT_FILES.items():
        for weight, name in zip((REGULAR, BOLD), names):
            path = _find(theme_dirs, name)
            if path is None:
                if script == "default":
                    raise FontsMissing(f"the font {name} is missing from the theme's fonts/ folder")
                continue
            named.add(name)
            faces.append(FontFace(str(path), weight, script, _digest(str(path))))
    extras: dict[str, Path] = {}
    for folder in reversed(theme_dirs):
        fonts = folder / "fonts"
        if fonts.is_dir():
            for path in sorted(fonts.iterdir()):
                if path.suffix.lower() in (".ttf", ".otf") and path.name not in named:
                    extras[path.name] = path
    for name, path in sorted(extras.items()):
        weight = BOLD if "bold" in name.lower() else REGULAR
        faces.append(FontFace(str(path), weight, "extra", _digest(str(path))))
    return FontSet(tuple(faces))


def _find(theme_dirs: tuple[Path, ...], name: str) -> Path | None:
    for folder in theme_dirs:
        if (folder / "fonts" / name).is_file():
            return folder / "fonts" / name
    return None


@functools.lru_cache(maxsize=None)
def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.lru_cache(maxsize=None)
def coverage(path: str) -> frozenset[int]:
    """The code points a TrueType/OpenType font has glyphs for, read from its cmap table."""
    data = Path(path).read_bytes()
    tables = {data[12 + 16 * i:16 + 16 * i]: struct.unpack_from(">I", data, 20 + 16 * i)[0]
              for i in range(struct.unpack_from(">H", data, 4)[0])}
    cmap = tables[b"cmap"]
    subtables = {}
    for i in range(struct.unpack_from(">H", data, cmap + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        subtables[(platform, encoding)] = cmap + offset
    for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0)):
        if key in subtables:
            return _read_cmap(data, subtables[key])
    return frozenset()


def _read_cmap(data: bytes, at: int) -> frozenset[int]:
    fmt = struct.unpack_from(">H", data, at)[0]
    points: set[int] = set()
    if fmt == 12:
        groups = struct.unpack_from(">I", data, at + 12)[0]
        for i in range(groups):
            start, end, _ = struct.unpack_from(">III", data, at + 16 + 12 * i)
            points.update(range(start, end + 1))
    elif fmt == 4:
        segments = struct.unpack_from(">H", data, at + 6)[0] // 2
        ends = at + 14
        starts = ends + 2 * segments + 2
        deltas = starts + 2 * segments
        offsets = deltas + 2 * segments
        for i in range(segments):
            end, start = struct.unpack_from(">H", data, ends + 2 * i)[0], struct.unpack_from(">H", data, starts + 2 * i)[0]
            delta, offset = struct.unpack_from(">h", data, deltas + 2 * i)[0], struct.unpack_from(">H", data, offsets + 2 * i)[0]
            for code in range(start, min(end, 0xFFFE) + 1):
                if offset == 0:
                    glyph = (code + delta) & 0xFFFF
                else:
                    glyph = struct.unpack_from(">H", data, offsets + 2 * i + offset + 2 * (code - start))[0]
                    glyph = (glyph + delta) & 0xFFFF if glyph else 0
                if glyph:
                    points.add(code)
    return frozenset(points)


def script_of(ch: str) -> str:
    """The script that picks a font: one of FONT_FILES, "common" (spaces, punctuation,
    digits, symbols: they follow their neighbours) or "inherited" (marks and joiners:
    they stay in the run of the character before them)."""
    code = ord(ch)
    if code not in SHARED_MARKS:
        at = bisect.bisect_right(RANGE_STARTS, code) - 1
        if at >= 0 and code <= SCRIPT_RANGES[at][1]:
            return SCRIPT_RANGES[at][2]
    category = unicodedata.category(ch)
    if category[0] == "M" or category == "Cf" or 0xFE00 <= code <= 0xFE0F:
        return "inherited"
    if category[0] in "ZPSN" or category == "Cc" or code in SHARED_MARKS:
        return "common"
    return "default"


def _drawn_mark(ch: str) -> bool:
    """A combining mark a font must have a glyph for: not a variation selector, which is never drawn."""
    code = ord(ch)
    return unicodedata.category(ch)[0] == "M" and not (0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)


def needs_shaping(text: str) -> bool:
    """True when the text cannot be drawn right without raqm (right-to-left or Indic text, combining marks)."""
    return any(script_of(ch) in COMPLEX_SCRIPTS or unicodedata.category(ch) == "Mn" for ch in text)


def base_direction(text: str, fallback: str = "ltr") -> str:
    """The direction of the first letter with a strong direction, like HTML's dir=auto."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "ltr"
        if kind in RTL_CLASSES:
            return "rtl"
    return fallback


def _covered_by(faces: tuple[FontFace, ...], code: int, first: FontFace | None = None) -> FontFace | None:
    if first is not None and code in coverage(first.path):
        return first
    return next((face for face in faces if code in coverage(face.path)), None)


@dataclass(frozen=True)
class Shaped:
    """A paragraph with a font and a direction per character (missing characters removed)."""

    text: str
    faces: tuple[FontFace, ...]
    rtl: tuple[bool, ...]
    base_rtl: bool
    missing: str  # characters no font has, in order of appearance

    @property
    def readable(self) -> bool:
        """Something is left to read: a letter, or digits when no letter was left out.
        Not a Korean quote reduced to ", ." or a title reduced to its "2"."""
        kinds = {unicodedata.category(ch)[0] for ch in self.text}
        return "L" in kinds or ("N" in kinds and not any(unicodedata.category(ch)[0] == "L" for ch in self.missing))


def shape(text: str, fonts: FontSet, weight: str, base: str) -> Shaped:
    """Choose a font and a direction for each character of ``text``, leaving out what no font has."""
    faces = _by_weight(fonts, weight)
    preferred: dict[str, FontFace] = {}
    for face in faces:
        preferred.setdefault(face.script, face)
    chosen: list[FontFace | None] = []  # per character: its face, None until decided, or DROPPED
    owner: list[int] = []  # per character: the character whose font it takes (itself, or a mark's letter)
    missing: list[str] = []
    for i, ch in enumerate(text):  # pass 1: letters by script; marks and joiners belong to their letter
        script = script_of(ch)
        if script == "inherited":
            owner.append(owner[-1] if i else -1)
            chosen.append(None if i else DROPPED)
            continue
        owner.append(i)
        face = None if script == "common" else _covered_by(faces, ord(ch), preferred.get(script))
        if face is None and script != "common":
            missing.append(ch)
            face = DROPPED
        chosen.append(face)
    for i, ch in enumerate(text):  # pass 2: punctuation and spaces join the run before or after them
        if owner[i] == i and chosen[i] is None:
            chosen[i] = _neighbours_face(ch, i, chosen, faces)
            if chosen[i] is DROPPED:
                missing.append(ch)
    for i, ch in enumerate(text):  # pass 3: a mark goes where its letter goes, left out with it
        if owner[i] != i:
            face = chosen[owner[i]] if owner[i] >= 0 else DROPPED
            if face is not DROPPED and _drawn_mark(ch) and ord(ch) not in coverage(face.path):
                missing.append(ch)  # (a keycap's frame, U+20E3, after a digit: the letter's font would draw a box)
                face = DROPPED
            chosen[i] = face
    dropped = [face is DROPPED for face in chosen]
    for i in _emptied_brackets(text, dropped):
        dropped[i] = True
    for i in _stranded_spaces(text, dropped):
        dropped[i] = True
    kept = [i for i in range(len(text)) if not dropped[i]]
    text_kept = "".join(text[i] for i in kept)
    final = tuple(chosen[i] for i in kept)
    return Shaped(text_kept, final, _directions(text_kept, base == "rtl"), base == "rtl",  # type: ignore[arg-type]
                  "".join(dict.fromkeys(missing)))


def _by_weight(fonts: FontSet, weight: str) -> tuple[FontFace, ...]:
    """Every face, those of ``weight`` first: a character no font of that weight has is drawn in
    the other weight (a theme may add a font in one weight only, as most CJK fonts come)."""
    return fonts.for_weight(weight) + tuple(face for face in fonts.faces if face.weight != weight)


def _neighbours_face(ch: str, at: int, chosen: list[FontFace | None], faces: tuple[FontFace, ...]) -> FontFace:
    """The face of a space or punctuation mark: that of the letters before or after it when
    it has the character, else any that has it; DROPPED when none has it."""
    before = next((chosen[j] for j in range(at - 1, -1, -1) if chosen[j] not in (None, DROPPED)), None)
    after = next((chosen[j] for j in range(at + 1, len(chosen)) if chosen[j] not in (None, DROPPED)), None)
    for candidate in (before, after):
        if candidate is not None and ord(ch) in coverage(candidate.path):
            return candidate
    face = _covered_by(faces, ord(ch))
    if face is None and ch.isspace():
        face = before or after or faces[0]  # a space no font has still separates words
    return face or DROPPED


def _emptied_brackets(text: str, dropped: list[bool]) -> list[int]:
    """Brackets whose whole content was left out ("we (😀) go"), with the spaces inside: they go too."""
    emptied: list[int] = []
    for i, ch in enumerate(text):
        if dropped[i] or unicodedata.category(ch) != "Ps":
            continue
        end = i + 1
        while end < len(text) and (dropped[end] or text[end].isspace()):
            end += 1
        if end < len(text) and unicodedata.category(text[end]) == "Pe" and any(dropped[i + 1:end]):
            emptied += [i, end, *(k for k in range(i + 1, end) if not dropped[k])]
    return emptied


def _stranded_spaces(text: str, dropped: list[bool]) -> list[int]:
    """The spaces that characters left out would leave stranded. Where spaces and left-out
    characters lie between two kept ones, one space stays; none stays at either end of the
    text, after an opening bracket or before closing punctuation ("Zoë 🇺🇸, Ohio": "Zoë, Ohio")."""
    stranded: list[int] = []
    i = 0
    while i < len(text):
        if not (dropped[i] or text[i].isspace()):
            i += 1
            continue
        end = i
        while end < len(text) and (dropped[end] or text[end].isspace()):
            end += 1
        spaces = [k for k in range(i, end) if not dropped[k]]
        if len(spaces) < end - i:  # something was left out here
            before, after = text[i - 1] if i else "", text[end] if end < len(text) else ""
            keep = 1 if before and after and unicodedata.category(before) != "Ps" and not _closes(after) else 0
            stranded.extend(spaces[keep:])
        i = end
    return stranded


def _closes(ch: str) -> bool:
    """A closing bracket, or punctuation written right after a word (a comma, a full stop)."""
    return unicodedata.category(ch) == "Pe" or ch in CLOSING_PUNCTUATION


def _directions(text: str, base_rtl: bool) -> tuple[bool, ...]:
    """Right-to-left or not, per character: strong letters keep theirs; a pair of brackets
    takes the direction of what it encloses (rule N0); anything else takes the direction of
    the strong letters around it when they agree, else the paragraph's (rules N1, N2)."""
    strong = _strong_directions(text, base_rtl)
    _resolve_brackets(text, strong, base_rtl)
    result: list[bool] = []
    previous: bool | None = None
    following: list[bool | None] = [None] * len(text)
    upcoming: bool | None = None
    for i in range(len(text) - 1, -1, -1):
        following[i] = upcoming
        if strong[i] is not None:
            upcoming = strong[i]
    for i, value in enumerate(strong):
        if value is not None:
            result.append(value)
            previous = value
        else:
            before = base_rtl if previous is None else previous
            after = base_rtl if following[i] is None else following[i]
            result.append(before if before == after else base_rtl)
    return tuple(result)


def _strong_directions(text: str, base_rtl: bool) -> list[bool | None]:
    """True (right-to-left) or False per letter and digit; None for neutral characters."""
    strong: list[bool | None] = []
    last: bool | None = None
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("NSM", "BN") and strong:  # a vowel sign or joiner goes with its letter (rules W1, X9)
            value: bool | None = strong[-1]
        elif kind == "EN":  # European digits follow the letters before them (rules W2, W7)
            value = base_rtl if last is None else last
        else:
            value = True if kind in RTL_CLASSES or kind == "AN" else False if kind == "L" else None
            last = value if value is not None else last
        strong.append(value)
    return strong


def _resolve_brackets(text: str, strong: list[bool | None], base_rtl: bool) -> None:
    """Rule N0: both brackets of a pair get the paragraph's direction when they enclose a letter
    of it; when they enclose only letters of the other direction, that direction if the text
    before them has it too. So "(MD)" after a Latin name stays with it on a right-to-left card."""
    for opening, closing in _bracket_pairs(text):
        inside = {value for value in strong[opening + 1:closing] if value is not None}
        if base_rtl in inside:
            direction = base_rtl
        elif inside:
            direction = next((strong[j] for j in range(opening - 1, -1, -1) if strong[j] is not None), base_rtl)
        else:
            continue  # nothing strong inside: the brackets are neutrals like any other
        strong[opening] = strong[closing] = direction


def _bracket_pairs(text: str) -> list[tuple[int, int]]:
    """Where the paired brackets of ``text`` are (rule BD16), in the order of the opening ones."""
    pairs: list[tuple[int, int]] = []
    openers: list[tuple[str, int]] = []  # the closing bracket awaited, and where its opening one is
    for i, ch in enumerate(text):
        if ch in BRACKETS:
            if len(openers) == 63:  # BD16's limit: stop looking
                break
            openers.append((BRACKETS[ch], i))
        elif ch in CLOSING_BRACKETS:
            for depth in range(len(openers) - 1, -1, -1):
                if openers[depth][0] == ch:
                    pairs.append((openers[depth][1], i))
                    del openers[depth:]
                    break
    return sorted(pairs)


def runs(shaped: Shaped, start: int, end: int) -> list[Run]:
    """The runs of ``shaped.text[start:end]`` (one line), in visual order from left to right."""
    logical: list[Run] = []
    for i in range(start, end):
        face, rtl = shaped.faces[i], shaped.rtl[i]
        if logical and logical[-1].face == face and logical[-1].rtl == rtl:
            last = logical[-1]
            logical[-1] = Run(last.text + shaped.text[i], face, rtl)
        else:
            logical.append(Run(shaped.text[i], face, rtl))
    # levels: the paragraph direction is level 0 (LTR) or 1 (RTL); the other direction one above
    levels = [(1 if shaped.base_rtl else 0) + (run.rtl != shaped.base_rtl) for run in logical]
    order = list(range(len(logical)))
    for level in range(max(levels, default=0), 0, -1):  # rule L2: reverse every sequence at this level or higher
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return [logical[i] for i in order]


# --- setting text: measure, wrap, fit, draw ------------------------------------------------------

@dataclass(frozen=True)
class TextBlock:
    """Lines of one phrase, fitted: where each line starts and ends, at what size."""

    shaped: Shaped
    lines: list[tuple[int, int]]
    size: int
    line_height: int

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)

    def baseline(self, index: int) -> int:
        return self.line_height * index + round(self.line_height * 0.5 + self.size * 0.36)


@functools.lru_cache(maxsize=256)
def font_at(path: str, size: int, raqm: bool) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if raqm else ImageFont.Layout.BASIC
    return ImageFont.truetype(path, size, layout_engine=engine)


_SYLLABLE_ENDS = frozenset("\u0e30\u0e32\u0e33\u0e45\u0eb0\u0eb2\u0eb3")  # Thai and Lao vowels that are letters, not
# marks, yet end the syllable of the consonant before them (ทำ, สา): never the start of a line


def _may_break_before(text: str, at: int) -> bool:
    """Whether a line may end before ``text[at]`` without tearing a cluster apart. Not before a mark or a
    joiner, nor before a Thai or Lao vowel that ends a syllable (ำ); not after a virama or a Khmer coeng
    (U+17D2), which stack the next letter under theirs (क्ष, ស្រ), or a joiner; not after a Thai or Lao
    vowel written before its consonant (เก)."""
    ch, before = text[at], text[at - 1]
    if unicodedata.category(ch)[0] == "M" or unicodedata.category(ch) == "Cf" or ch in _SYLLABLE_ENDS:
        return False
    if unicodedata.combining(before) == 9 or before == "\u200d":
        return False
    return not ("\u0e40" <= before <= "\u0e44" or "\u0ec0" <= before <= "\u0ec4")


class Typesetter:
    """Measures, wraps and draws shaped text, one font run at a time."""

    def __init__(self, fonts: FontSet, raqm: bool):
        self.fonts, self.raqm = fonts, raqm

    def _options(self, rtl: bool, lang: str) -> dict[str, Any]:
        if not self.raqm:
            return {}
        return {"direction": "rtl" if rtl else "ltr", **({"language": lang} if lang else {})}

    def width(self, shaped: Shaped, start: int, end: int, size: int, lang: str) -> float:
        return sum(font_at(run.face.path, size, self.raqm).getlength(run.text, **self._options(run.rtl, lang))
                   for run in runs(shaped, start, end))

    def line_height(self, shaped: Shaped, size: int) -> int:
        return round(size * max([LINE_HEIGHT.get(face.script, 1.22) for face in set(shaped.faces)] or [1.22]))

    def wrap(self, shaped: Shaped, size: int, lang: str, max_width: int, break_words: bool) -> list[tuple[int, int]]:
        """Lines as (start, end) in ``shaped.text``, filled word by word up to ``max_width``."""
        lines: list[tuple[int, int]] = []
        start = end = -1
        for word_start, word_end in _words(shaped.text):
            if start < 0:
                start, end = word_start, word_end
            elif self.width(shaped, start, word_end, size, lang) <= max_width:
                end = word_end
            else:
                lines.append((start, end))
                start, end = word_start, word_end
            if break_words:
                while self.width(shaped, start, end, size, lang) > max_width and end - start > 1:
                    cut = self._break(shaped, start, end, size, lang, max_width)
                    lines.append((start, cut))
                    start = cut
        if start >= 0:
            lines.append((start, end))
        return lines

    def _break(self, shaped: Shaped, start: int, end: int, size: int, lang: str, max_width: int) -> int:
        """Where to cut a word too long for a line: the longest part that fits, between two clusters."""
        cut = start + 1
        for i in range(start + 2, end):
            if not _may_break_before(shaped.text, i):
                continue
            if self.width(shaped, start, i, size, lang) > max_width:
                break
            cut = i
        return cut

    def fit(self, text: Phrase, weight: str, sizes: tuple[int, ...], max_width: int, max_height: int) -> TextBlock:
        """The largest size at which the text fits; at the smallest, an ellipsis ends what does not."""
        shaped = shape(text.text, self.fonts, weight, text.dir)

        def attempt(size: int, break_words: bool, shaped: Shaped = shaped) -> TextBlock:
            return TextBlock(shaped, self.wrap(shaped, size, text.lang, max_width, break_words), size,
                          self.line_height(shaped, size))

        def fits(block: TextBlock) -> bool:
            return block.height <= max_height and all(
                self.width(block.shaped, s, e, block.size, text.lang) <= max_width for s, e in block.lines)

        low, high = 0, len(sizes) - 1  # sizes go from large to small: find the first that fits
        while low < high:
            middle = (low + high) // 2
            if fits(attempt(sizes[middle], False)):
                high = middle
            else:
                low = middle + 1
        block = attempt(sizes[low], False)
        if fits(block):
            return block
        smallest = sizes[-1]
        block = attempt(smallest, True)
        room = max(1, max_height // block.line_height)
        if len(block.lines) <= room:
            return block
        words = [w for w in _words(shaped.text) if w[1] <= block.lines[room - 1][1]]
        for count in range(len(words), 0, -1):
            cut = shape(shaped.text[:words[count - 1][1]] + ELLIPSIS, self.fonts, weight, text.dir)
            block = attempt(smallest, True, cut)
            if len(block.lines) <= room:
                return block
        return attempt(smallest, True, shape(ELLIPSIS, self.fonts, weight, text.dir))

    def shrink(self, text: Phrase, weight: str, size: int, max_width: int) -> tuple[Shaped, int]:
        """One line: smaller down to two thirds of ``size``, then cut with an ellipsis."""
        shaped = shape(text.text, self.fonts, weight, text.dir)
        smallest = max(12, size * 2 // 3)
        for candidate in range(size, smallest - 1, -2):
            if self.width(shaped, 0, len(shaped.text), candidate, text.lang) <= max_width:
                return shaped, candidate
        words = shaped.text.split(" ")
        for count in range(len(words) - 1, 0, -1):
            cut = shape(" ".join(words[:count]) + ELLIPSIS, self.fonts, weight, text.dir)
            if self.width(cut, 0, len(cut.text), smallest, text.lang) <= max_width:
                return cut, smallest
        cut = shaped
        while len(cut.text) > 1 and self.width(cut, 0, len(cut.text), smallest, text.lang) > max_width:
            cut = shape(cut.text[:-2] + ELLIPSIS, self.fonts, weight, text.dir)
        return cut, smallest

    def single_line(self, draw: ImageDraw.ImageDraw, text: Phrase, weight: str, size: int, left: int, right: int,
                    baseline: int, fill: str, align_right: bool) -> None:
        shaped, size = self.shrink(text, weight, size, right - left)
        self.draw_line(draw, shaped, (0, len(shaped.text)), size, text.lang, left, right, baseline, fill, align_right)

    def draw_line(self, draw: ImageDraw.ImageDraw, shaped: Shaped, line: tuple[int, int], size: int, lang: str,
                  left: int, right: int, baseline: int, fill: str, align_right: bool) -> None:
        """One line, at the left edge, or at the right edge on a right-to-left card."""
        start, end = _trim(shaped.text, *line)
        pieces = [(run, font_at(run.face.path, size, self.raqm)) for run in runs(shaped, start, end)]
        widths = [font.getlength(run.text, **self._options(run.rtl, lang)) for run, font in pieces]
        x = right - sum(widths) if align_right else left
        for (run, font), run_width in zip(pieces, widths):
            draw.text((x, baseline), run.text, font=font, fill=fill, anchor="ls", **self._options(run.rtl, lang))
            x += run_width


def _words(text: str) -> list[tuple[int, int]]:
    """The pieces a line may end after: words between spaces, and, in the scripts written without
    spaces, the places :func:`_may_break` allows: between Chinese and Japanese characters, before a
    Thai or Lao vowel written ahead of its consonant. (A Thai title was drawn at the smallest size.)"""
    spans, start = [], None
    for i, ch in enumerate(text):
        if ch.isspace():
            if start is not None:
                spans.append((start, i))
                start = None
        elif start is None:
            start = i
        elif _may_break(text[i - 1], ch):
            spans.append((start, i))
            start = i
    if start is not None:
        spans.append((start, len(text)))
    return spans


def _cjk(ch: str) -> bool:
    """A Chinese or Japanese character or punctuation mark (Korean is written with spaces)."""
    code = ord(ch)
    return (0x3000 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
            or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x3FFFF)


_THAI_LAO_LEADING_VOWELS = set("\u0e40\u0e41\u0e42\u0e43\u0e44\u0ec0\u0ec1\u0ec2\u0ec3\u0ec4")  # เ แ โ ใ ไ, Lao's
_NO_LINE_START = set("、。，．：；！？）」』】〕〉》〗〙〛ー・ゝゞゃゅょっぁぃぅぇぉゎァィゥェォッャュョヮヵヶ々〻！），．：；？］｝｣")
_NO_LINE_END = set("（「『【〔〈《〖〘〚（［｛｢")


def _may_break(before: str, after: str) -> bool:
    """A line may break between these two characters written without a space: between two Chinese or
    Japanese characters, except before a closing mark or small kana or after an opening mark (what
    Japanese calls kinsoku); before a Thai or Lao vowel that is written ahead of its consonant, which
    starts a syllable. Thai has no other sure place without a dictionary; Khmer and Myanmar neither."""
    if after in _THAI_LAO_LEADING_VOWELS:
        return unicodedata.category(before)[0] in "LM" and before not in _THAI_LAO_LEADING_VOWELS
    if not (_cjk(before) and _cjk(after)) and not (_cjk(after) and unicodedata.category(before)[0] in "LN"):
        return False
    return after not in _NO_LINE_START and before not in _NO_LINE_END


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
