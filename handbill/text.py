"""Cleaning text that came from content before it lands in HTML or XML."""
from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and newline, DEL, C1 controls, lone surrogates and the two
# non-characters: none of them may appear in valid HTML or XML, and none is ever meant.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ASCII_CONTROLS = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])  # those of them in ASCII


def strip_controls(text: str) -> str:
    if text.isascii():  # most stories: a pass over the bytes is ten times faster than the pattern
        data = text.encode("ascii")
        kept = data.translate(None, _ASCII_CONTROLS)
        return text if len(kept) == len(data) else kept.decode("ascii")
    return CONTROL_CHARACTERS.sub("", text)


def _unseen(char: str) -> bool:
    """A character a reader cannot see, or one that turns the text around it: controls, format characters
    (zero-width spaces and joiners, direction marks and overrides), separators other than the plain space,
    private-use and unassigned code points."""
    category = unicodedata.category(char)
    return category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (category == "Zs" and char != " ")


def visible_name(name: str) -> str:
    """A file or folder name as a message shows it: every invisible character written as ``\\u200b``, so
    `zw\u200bx.md` does not read as `zwx.md` and a U+202E does not turn the rest of the line around."""
    if name.isascii() and name.isprintable():
        return name
    return "".join((f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}") if _unseen(char) else char
                   for char in name)


def is_blank(text: str) -> bool:
    """Nothing a reader would see: empty, or only spaces, controls and invisible characters."""
    return all(char.isspace() or _unseen(char) for char in text)
