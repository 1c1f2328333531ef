"""Cleaning text that came from content before it lands in HTML or XML."""
from __future__ import annotations

import re

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
