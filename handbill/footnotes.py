"""Footnote back links named in the language of the text around them.

cmark-gfm names each footnote's link back to where it was cited ``aria-label="Back to
reference 1"``, and Python-Markdown titles it ``Jump back to footnote 1 in the text``: in
English, whatever language the story is written in, so a screen reader says it in English
inside a Swedish story. A rendered body is kept in the cache for any page that shows it, so
the name is put in afterwards, for the language the body is written in (the theme's string
``footnote_back``, its number written as the language's numbers are), as ``aria-label`` with
either engine (and as the tooltip Python-Markdown gives it).
"""
from __future__ import annotations

import re
from typing import Callable

from markupsafe import escape

_BACK_LINK = re.compile(r'<a [^>]*class="footnote-backref"[^>]*>')
_ENGLISH_NAME = re.compile(r' (aria-label|title)="(?:Back to reference|Jump back to footnote) ([0-9]+(?:-[0-9]+)?)(?: in the text)?"')


def name_back_links(html: str, t: Callable[..., str], number: Callable[[int], str]) -> str:
    """``html`` with every footnote back link named by ``t("footnote_back", number=...)``, the number
    written by ``number`` (``1-2``, cmark's second link back to footnote 1: each part)."""
    if "footnote-backref" not in html:
        return html

    def name(found: re.Match[str]) -> str:
        label = escape(t("footnote_back", number="-".join(number(int(part)) for part in found.group(2).split("-"))))
        return f' aria-label="{label}"' + (f' title="{label}"' if found.group(1) == "title" else "")

    def tag(match: re.Match[str]) -> str:
        return _ENGLISH_NAME.sub(name, match.group(), count=1)

    return _BACK_LINK.sub(tag, html)
