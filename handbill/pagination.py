"""A campaign's list of stories, page by page: how many a page, and the pager each page shows.

The newest ``stories_per_page`` stories are at ``/<campaign>/stories/``, the next ones at
``stories/page/2/`` and on. Each page's pager links to the newer and the older page, and to
the first, the last and the two pages either side of its own, so the oldest stories of a
campaign of a thousand are two clicks away, not forty.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence, TypeVar

from .project import SiteConfig

STORIES_PER_PAGE = 24  # unless site.yaml says stories_per_page
AROUND = 2  # numbered links either side of the page's own

T = TypeVar("T")


@dataclass(frozen=True)
class PageLink:
    """One number of a pager: the page's address, or "" for the gap of the numbers left out."""

    number: int
    href: str
    current: bool = False


@dataclass(frozen=True)
class Pager:
    """Where one page of a list sits among the others: its number, how many there are, the
    addresses of the newer and the older page ("" where there is none), and the numbered links."""

    number: int
    pages: int
    newer: str = ""
    older: str = ""
    links: tuple[PageLink, ...] = ()

    @classmethod
    def at(cls, number: int, pages: int, href: Callable[[int], str]) -> Pager:
        """The pager of page ``number`` of ``pages``, ``href(n)`` being page n's address."""
        links = tuple(PageLink(n, href(n), n == number) if n else PageLink(0, "")
                      for n in shown_numbers(number, pages))
        return cls(number, pages, href(number - 1) if number > 1 else "", href(number + 1) if number < pages else "",
                   links)


def shown_numbers(number: int, pages: int) -> list[int]:
    """The page numbers a pager links: the first, the last and AROUND either side of ``number``;
    0 stands for numbers left out (a single one left out is shown instead)."""
    wanted = sorted({1, pages, *range(max(1, number - AROUND), min(pages, number + AROUND) + 1)})
    shown: list[int] = []
    for n in wanted:
        if shown and n - shown[-1] == 2:
            shown.append(n - 1)
        elif shown and n - shown[-1] > 2:
            shown.append(0)
        shown.append(n)
    return shown


def pages_of(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """``items`` in pages of ``size`` (0: all on one page); one empty page when there are none."""
    size = size or len(items) or 1
    return [items[start:start + size] for start in range(0, len(items), size)] or [items[:0]]


def stories_per_page(site: SiteConfig, theme_dirs: Sequence[Path]) -> int:
    """site.yaml's ``stories_per_page``; when it is not set, STORIES_PER_PAGE, or every story on one
    page where the site's theme has a ``stories.html`` of its own that shows no pager (written before
    lists had pages, its readers would see only the newest stories)."""
    if site.stories_per_page is not None:
        return site.stories_per_page
    for folder in list(theme_dirs)[:-1]:  # the site's themes, before the default one
        template = folder / "templates" / "stories.html"
        if template.is_file():
            return STORIES_PER_PAGE if _shows_pager(template.read_text(encoding="utf-8", errors="replace")) else 0
    return STORIES_PER_PAGE


def _shows_pager(source: str) -> bool:
    """The template names ``pager``, or extends the default list and keeps the block that shows it."""
    return "pager" in source or ("default:stories.html" in source
                                 and (not _MAIN_BLOCK.search(source) or "super()" in source))


_MAIN_BLOCK = re.compile(r"\{%-?\s*block\s+main\b")
