"""Share cards planned and drawn by earlier builds of one `serve`, reused while what they show is unchanged.

Planning a card (:func:`handbill.cards.plan_cards`) shapes its texts with the theme's
fonts, about 0.3 ms a card; handing it over means hashing its spec and reading the
JPEG from ``.handbill-cache/cards/``. A rebuild after one edit would do that for
every card. Here a page's card plan is keyed by the fingerprint of what
``plan_cards`` reads for it: the page's path and locale, its story and campaign
views, the "sign" button's text, and (for every page) the card settings: the theme's
fonts and ``cards.yaml``, the site's title, language and address. The photo is
compared as the published object itself (the same object while the photo's bytes are
unchanged). Card JPEGs are kept in memory by their spec's key.

Problems: the cards not known are planned in one ``plan_cards`` call (always made,
even for no page: it reports the problems of ``cards.yaml``), whose problems are the
ones reported. When it reported any, each of those pages is planned again on its own
to learn its own problems, kept with its plan and reported whenever the plan is
reused, with the lines they point at checked to be still the same. A plan whose
planning reported an error is not kept (some errors are reported once per call).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .cards import CardJob
from .diagnostics import Diagnostic, Diagnostics
from .fingerprint import Fingerprints, NotPlainData
from .pages import PlannedPage
from .project import Project
from .recent import Recent

Sink = Callable[[str, bytes], None]


@dataclass(frozen=True)
class _Plan:
    job: CardJob | None  # None: the page has no card (no headline)
    problems: tuple[Diagnostic, ...]
    photo: Any  # the published photo the card shows (compared by identity), or None
    lines: Any  # where the problems point: the positions of the page's source files (only when there are problems)


def card_settings(theme_dirs: tuple[Path, ...], project: Project, routes: Any, fonts: Any) -> tuple[Any, ...]:
    """What every card plan reads besides its page: the theme's fonts and card style, the site's title and its
    translations, the default language, site.yaml's path, the content folder and the routes."""
    styles = tuple((folder / "cards.yaml").read_bytes() if (folder / "cards.yaml").is_file() else None
                   for folder in theme_dirs)
    return (theme_dirs, fonts, styles, project.site.title, project.site.translations, project.site.default_locale,
            project.site.path, project.content, routes)


def has_card(page: PlannedPage) -> bool:
    """The pages ``plan_cards`` looks at: stories and campaigns."""
    story, campaign = page.context.get("story"), page.context.get("campaign")
    return campaign is not None and page.ident[0] in ("entry", "campaign") and (page.ident[0] != "entry" or story is not None)


class CardMemo:
    """Card plans and JPEGs of the builds before (see the module docstring). Kept by `serve` for its whole run."""

    def __init__(self) -> None:
        self._plans: Recent[bytes, _Plan] = Recent()
        self._jpegs: Recent[str, bytes] = Recent()  # spec key -> JPEG
        self._keys: Recent[int, tuple[CardJob, str]] = Recent()  # id(job) -> (job, kept alive; its spec's key)
        self.planned = 0  # pages whose card was planned (not reused) by the current build, for tests

    def next_build(self, last_complete: bool = True) -> None:
        """Forget what the last build did not use."""
        for table in (self._plans, self._jpegs, self._keys):
            table.next_build(last_complete)
        self.planned = 0

    def key_of(self, job: CardJob) -> str:
        """``job.spec.key()``, remembered for the jobs this memo hands out again."""
        known = self._keys.get(id(job))
        if known is None or known[0] is not job:
            known = (job, job.spec.key())
            self._keys.put(id(job), known)
        return known[1]

    def plan(self, pages: list[PlannedPage], plan: Callable[[list[PlannedPage], Diagnostics], dict[str, CardJob]],
             settings: tuple[Any, ...], project: Project, images: dict[Path, Any],
             translators: Callable[[str], Callable[..., str]], fingerprints: Fingerprints,
             diags: Diagnostics) -> dict[str, CardJob]:
        """The card of every story and campaign page by its path, as ``plan(pages, diags)`` would give them."""
        try:
            common = fingerprints.of(settings)
        except NotPlainData:
            return plan(pages, diags)
        found: dict[str, CardJob] = {}
        missed: list[tuple[PlannedPage, bytes | None]] = []
        for page in pages:
            if not has_card(page):
                continue
            key = self._key(page, common, translators, fingerprints)
            remembered = self._plans.get(key) if key is not None else None
            if remembered is not None and remembered.photo is _photo(page, images) \
                    and (not remembered.problems or remembered.lines == _lines(page, project)):
                diags.extend(remembered.problems)
                if remembered.job is not None:
                    found[page.path] = remembered.job
            else:
                missed.append((page, key))
        batch = Diagnostics(root=diags.root)
        made = plan([page for page, _ in missed], batch)
        diags.extend(batch.items)
        self.planned += len(missed)
        for page, key in missed:
            if key is None:
                continue
            if not batch.items:
                problems: tuple[Diagnostic, ...] = ()
                job = made.get(page.path)
            else:  # learn this page's own problems
                own = Diagnostics(root=diags.root)
                job = plan([page], own).get(page.path)
                if own.errors:
                    continue
                problems = tuple(own.items)
            self._plans.put(key, _Plan(job, problems, _photo(page, images), _lines(page, project) if problems else None))
        found.update(made)
        return {page.path: found[page.path] for page in pages if page.path in found}

    @staticmethod
    def _key(page: PlannedPage, common: bytes, translators: Callable[[str], Callable[..., str]],
             fingerprints: Fingerprints) -> bytes | None:
        story, campaign = page.context.get("story"), page.context.get("campaign")
        cta = translators(page.locale)("sign_cta") if story is None else None  # plan_cards asks too: warns the same
        try:
            own = fingerprints.of((page.path, page.locale, page.ident[0], story, campaign, cta))
        except NotPlainData:
            return None
        return hashlib.blake2b(common + own, digest_size=20).digest()

    def draw(self, jobs: dict[str, CardJob], draw: Callable[[list[CardJob], Sink], int], sink: Sink) -> int:
        """Hand every card to ``sink(path, jpeg)``: remembered ones, the others through ``draw(jobs, sink)``
        (which returns how many it drew). Returns how many were drawn."""
        missing: list[CardJob] = []
        for job in jobs.values():
            key = self.key_of(job)
            data = self._jpegs.get(key)
            if data is None:
                missing.append(job)
            else:
                sink(job.path, data)
        if not missing:
            return 0
        keys = {job.path: self.key_of(job) for job in missing}

        def keep(path: str, data: bytes) -> None:
            self._jpegs.put(keys[path], data)
            sink(path, data)

        return draw(missing, keep)


def _photo(page: PlannedPage, images: dict[Path, Any]) -> Any:
    """The published photo the page's card would show (plan_cards: the story's, else the campaign's)."""
    view = page.context.get("story") or page.context.get("campaign")
    return images.get(view.photo.source) if view is not None and view.photo is not None else None


def _lines(page: PlannedPage, project: Project) -> tuple[Any, ...]:
    """Where each key of the page's story and campaign was written, in every locale (problems point there)."""
    keys = [view.key for view in (page.context.get("story"), page.context.get("campaign")) if view is not None]
    return tuple((locale, source.file.path, source.data.positions) for key in keys
                 for locale, sources in sorted(project.sources.items()) if (source := sources.get(key)) is not None)
