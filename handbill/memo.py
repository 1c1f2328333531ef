"""What a `serve` rebuild reuses of the builds before it, beyond parses: views, share links, cards and pages.

The parse cache (:mod:`handbill.parsecache`) keeps what was read; this keeps what was
made of it. Every build still runs the whole pipeline (STYLE.md habit 10): each step
asks its memo, which hands back its earlier result only under a key that changes
whenever the result would, and each result carries the problems its making reported,
which are reported again. So a rebuild writes the same bytes and reports the same
problems as a clean build, and only the pages, cards and links whose inputs changed
are made again. A plain ``build`` runs without one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .cardmemo import CardMemo
from .fingerprint import Fingerprints
from .pagememo import PageMemo
from .share import PageShare, ShareMemo
from .views import EntryView, ViewMemo


@dataclass
class RebuildMemo:
    """The memos of one `serve` run, passed to every rebuild (``render_site(memo=...)``)."""

    views: ViewMemo = field(default_factory=ViewMemo)
    shares: ShareMemo = field(default_factory=ShareMemo)
    cards: CardMemo = field(default_factory=CardMemo)
    pages: PageMemo = field(default_factory=PageMemo)
    # Views and share links are handed out again as the same objects while unchanged: their digests last.
    fingerprints: Fingerprints = field(default_factory=lambda: Fingerprints(lasting=(EntryView, PageShare)))

    last_complete: bool = True  # the last build got to its end (else it did not ask for everything)

    def start_build(self) -> None:
        """Begin a build: each memo forgets what the last build did not use (if it got to its end)."""
        for memo in (self.views, self.shares, self.cards, self.pages, self.fingerprints):
            memo.next_build(self.last_complete)
        self.last_complete = False

    def finish_build(self) -> None:
        """The build got to its end: everything it will want again next time was asked for."""
        self.last_complete = True
