"""Cleaning text that came from content before it lands in HTML or XML."""
from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, lone surrogates and the two
# non-characters: none of them may appear in valid HTML or XML, and none is ever meant.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_controls(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)
