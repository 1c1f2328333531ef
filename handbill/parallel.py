"""Every core at work: Markdown, photos and pages rendered in worker processes.

A body costs about 0.5 ms with cmark (5 ms with Python-Markdown) and publishing a photo
50-100 ms, and both are pure, so a build with a cold cache hands them to worker processes before the pages are
planned (:func:`render_ahead`). The workers only *fill the cache*: each renders its share
of the bodies through a :class:`~handbill.parsecache.ParseCache` of its own (stored to
``.handbill-cache/`` as it goes) and sends the results back. Planning then runs exactly
as in a one-process build and finds them there, checked against the resolver like any
remembered rendering; anything a worker did not manage, or got differently, is
rendered again in the main process. So this can make a build faster, never different,
and every problem is still reported by the main process.

Pages (Jinja) are rendered in workers too (:func:`render_pages`), in chunks, and come
back in page order with the problems their rendering reported (in ``build``, the workers
write them into the staging folder and only that they did comes back); a chunk in which
a page failed is rendered again in the main process, which reports the failure as always.

Workers are forked (Linux), so they start in milliseconds with the whole project in
memory and nothing is sent to them but numbers. Where fork is not available (macOS,
Windows), or another thread is running (the preview server), or there is too little
to do, the build stays in one process.
"""
from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .ahead import can_fork as _can_fork
from .diagnostics import Diagnostic, Diagnostics
from .diskcache import Rendered
from .photos import IMAGE_SUFFIXES
from .locales import Entry, LocaleSite
from .parsecache import ParseCache
from .views import EntryResolver, ViewBuilder

PARALLEL_FROM = 24  # bodies or photos missing from the cache before worker processes pay off
RENDER_PARALLEL_FROM = 200  # pages before rendering them in worker processes pays off
RENDER_CHUNK = 500  # pages a worker sends back at once (bounds the memory of a chunk in flight)
CHUNKS_PER_WORKER = 4  # pages: smaller chunks even out the load
SHARE_AT_MOST = 2000  # texts a worker sends back at once (bounds the memory of a share in flight)
TEXTS_AT_A_TIME = 8  # texts a worker takes from the shared counter at once

_JOBS: list[tuple[Entry, dict[str, Entry]]] = []  # set by render_ahead just before the workers fork
_VIEWS: ViewBuilder | None = None
_CACHE: ParseCache | None = None
_NEXT_JOB: Any = None  # the next job to take: a counter in memory the workers share (multiprocessing.Value)
_RENDER: Callable[[Any], Any] | None = None  # set by render_pages just before the workers fork
_PAGES: Sequence[Any] = []
_DIAGS: Diagnostics | None = None


def render_ahead(sites: dict[str, LocaleSite], views: ViewBuilder, cache: ParseCache, workers: int = 0,
                 meanwhile: Callable[[], None] | None = None) -> int:
    """Render the bodies and publish the photos the cache lacks, on ``workers`` processes (0: one per core).

    ``meanwhile`` is called in this process while the workers run (it would wait for them
    otherwise): work that does not need the bodies. Returns how many entries were handed to
    workers (0 when it was not worth it, and ``meanwhile`` was not called).
    """
    workers = workers or os.cpu_count() or 1
    if workers < 2 or not _can_fork():
        return 0
    jobs = missing_work(sites, views, cache)
    photos = len(jobs) >= PARALLEL_FROM and any(views.photo_file(entry) is not None for entry, _ in jobs)
    if photos:
        from . import images  # noqa: F401 - Pillow is loaded once, before the workers fork, not once in each
    take = 1 if photos else TEXTS_AT_A_TIME  # a photo takes 50-100 ms: one at a time keeps the end even
    if len(jobs) < PARALLEL_FROM or not _run(jobs, views, cache, workers, take, meanwhile):
        return 0
    # A body with links was rendered for one locale; another locale's links may go elsewhere.
    again = other_locales(sites, views, cache) if len(sites) > 1 else []
    if len(again) >= PARALLEL_FROM:
        _run(again, views, cache, workers, TEXTS_AT_A_TIME)
    return cache.stats.prerendered


def _run(jobs: list[tuple[Entry, dict[str, Entry]]], views: ViewBuilder, cache: ParseCache, workers: int,
         take: int, meanwhile: Callable[[], None] | None = None) -> bool:
    """Hand ``jobs`` to ``workers`` processes; False when a worker died.

    Each worker takes ``take`` jobs at a time from a counter they share, so the one that shares
    its core with this process (busy with ``meanwhile``) simply does fewer, and sends back what
    it did after SHARE_AT_MOST jobs (bounding the memory of a result in flight) or when none are
    left. The counter needs nothing of this process: asking it for work would wait for its GIL."""
    global _JOBS, _VIEWS, _CACHE, _NEXT_JOB
    context = multiprocessing.get_context("fork")
    workers = min(workers, -(-len(jobs) // take))  # no process that would find nothing to take
    shares = -(-len(jobs) // SHARE_AT_MOST) + workers - 1  # enough for every job, the last ones taken by all
    _JOBS, _VIEWS, _CACHE = jobs, views, cache
    gc.freeze()  # the project stays shared with the workers instead of being copied by the collector
    try:
        _NEXT_JOB = context.Value("q", 0)  # (its lock needs working semaphores: without, one process does it all)
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            results = pool.map(_render_share, [take] * shares)
            if meanwhile is not None:
                meanwhile()
            for markdown, photos in results:
                for index, renderings in markdown:
                    text, path, line = views.markdown_body(jobs[index][0])
                    for rendered in renderings:
                        cache.remember_markdown(text, path, line, rendered)
                for (path, digest), image in photos:
                    cache.remember_photo(Path(path), digest, image)
    except (BrokenProcessPool, OSError):
        return False  # a worker died (out of memory?): the main process renders what is missing
    finally:
        gc.unfreeze()
        _JOBS, _VIEWS, _CACHE, _NEXT_JOB = [], None, None, None
    cache.stats.prerendered += len(jobs)
    return True


def render_pages(render: Callable[[Any], Any], pages: Sequence[Any], diags: Diagnostics,
                 emit: Callable[[int, Any], None], workers: int = 0,
                 progress: Callable[..., Iterable[Any]] | None = None) -> int:
    """Render pages with ``render`` on ``workers`` processes (0: one per core), passing each to ``emit``.

    ``emit(index, render(page))`` is called in page order (what ``render`` returns must pickle). The problems a worker's pages
    reported are added to ``diags`` in page order too, so the build reports exactly what a
    one-process build would (Diagnostics drops repeats). Returns how many pages were
    emitted, always the first ones: all of them, or none when it was not worth it (few
    pages, no fork), or the pages before the chunk in which a page failed: the caller
    renders the rest in this process, and reports the failure as it always does.
    """
    global _RENDER, _PAGES, _DIAGS
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(pages) < RENDER_PARALLEL_FROM or not _can_fork():
        return 0
    _RENDER, _PAGES, _DIAGS = render, pages, diags
    size = min(RENDER_CHUNK, max(1, -(-len(pages) // (workers * CHUNKS_PER_WORKER))))
    chunks = [range(start, min(start + size, len(pages))) for start in range(0, len(pages), size)]
    done = 0
    gc.freeze()  # the pages stay shared with the workers instead of being copied by the collector
    try:
        try:
            pool = ProcessPoolExecutor(min(workers, len(chunks)), mp_context=multiprocessing.get_context("fork"))
        except OSError:
            return 0
        with pool:
            try:
                results = pool.map(_render_page_chunk, chunks)
            except OSError:  # the workers could not be started
                return 0
            try:
                for chunk in (progress or (lambda label, items, total: items))("Rendering pages", results, len(chunks)):
                    if chunk is None:
                        break
                    rendered, problems = chunk
                    diags.extend(problems)
                    for data in rendered:
                        emit(done, data)  # an error writing it is the caller's, as in one process
                        done += 1
            except BrokenProcessPool:
                pass  # a worker died (out of memory?): the pages not emitted yet are rendered here
    finally:
        gc.unfreeze()
        _RENDER, _PAGES, _DIAGS = None, [], None
    return done


def _render_page_chunk(indices: range) -> tuple[list[Any], list[Diagnostic]] | None:
    """In a worker: render some pages; None when one fails (the main process redoes them all to report it)."""
    assert _RENDER is not None and _DIAGS is not None
    known = len(_DIAGS.items)
    rendered = []
    for index in indices:
        try:
            rendered.append(_RENDER(_PAGES[index]))
        except Exception:  # noqa: BLE001 - a template error, reported by the one-process rerun
            return None
    return rendered, _DIAGS.items[known:]


def missing_work(sites: dict[str, LocaleSite], views: ViewBuilder, cache: ParseCache) -> list[tuple[Entry, dict[str, Entry]]]:
    """The entries whose view needs a body rendered or a photo published that the cache does not have.

    The same body or photo is listed once (the first entry that needs it); the keys are the
    ones planning resolves links with (pages.Planner.plan_locale).
    """
    jobs: list[tuple[Entry, dict[str, Entry]]] = []
    seen: set[Any] = set()
    for site in sites.values():
        entries = site.all_entries()
        keys = {**site.skipped, **{entry.key: entry for entry in entries}}
        for entry in entries:
            text, path, line = views.markdown_body(entry)
            wanted = []
            if isinstance(text, str) and text.strip() and (path, line, text) not in seen \
                    and not cache.knows_markdown(text, path, line):
                wanted.append((path, line, text))
            photo = views.photo_file(entry)
            if photo is not None and photo.suffix.lower() in IMAGE_SUFFIXES and photo not in seen \
                    and not cache.knows_photo(photo):
                wanted.append(photo)
            if wanted:
                seen.update(wanted)
                jobs.append((entry, keys))
    return jobs


def other_locales(sites: dict[str, LocaleSite], views: ViewBuilder,
                  cache: ParseCache) -> list[tuple[Entry, dict[str, Entry]]]:
    """The entries whose body is remembered, but not with the links and photos it has in their locale."""
    jobs = []
    quiet = Diagnostics(root=views.diags.root)  # the resolver reports broken links when asked: planning does
    probe = dataclasses.replace(views, diags=quiet)
    for site in sites.values():
        entries = site.all_entries()
        keys = {**site.skipped, **{entry.key: entry for entry in entries}}
        for entry in entries:
            text, path, line = views.markdown_body(entry)
            if not isinstance(text, str) or not text.strip():
                continue
            resolver = EntryResolver(entry, path, keys, probe.routes, probe.assets, probe.locale_dirs,
                                     probe.default_locale, quiet)
            if cache.find_markdown(text, path, line, resolver, quiet, count=False) is None:
                jobs.append((entry, keys))
    return jobs


def _taken(take: int) -> Iterator[int]:
    """In a worker: the indices of the jobs it takes, ``take`` at a time, until SHARE_AT_MOST or none are left."""
    assert _NEXT_JOB is not None
    done = 0
    while done < SHARE_AT_MOST:
        with _NEXT_JOB.get_lock():
            first = _NEXT_JOB.value
            _NEXT_JOB.value = first + take
        if first >= len(_JOBS):
            return
        for index in range(first, min(first + take, len(_JOBS))):
            yield index
            done += 1


def _render_share(take: int) -> tuple[list[tuple[int, list[Rendered]]], list[tuple[Any, Any]]]:
    """In a worker: render the bodies and publish the photos of the entries it takes, through a fresh cache.

    Returns each entry's renderings by its index in the jobs, without the Markdown (the main
    process has it: half of what would travel back), and the published photos."""
    assert _VIEWS is not None and _CACHE is not None
    local = ParseCache()
    local.use_disk(_CACHE.disk)  # each worker stores what it renders: written on both cores
    local.use_markdown_engine(_CACHE.markdown_engine)
    builder = dataclasses.replace(_VIEWS, assets=local.asset_store(_VIEWS.assets.content), markdown=local.markdown,
                                  diags=Diagnostics(root=_VIEWS.diags.root), memo=None)
    markdown = []
    for index in _taken(take):
        entry, keys = _JOBS[index]
        try:
            builder.body_and_photo(entry, keys)
        except Exception:  # noqa: BLE001 - the main process renders it again and reports the problem properly
            continue
        renderings = local.renderings(*builder.markdown_body(entry))
        if renderings:
            markdown.append((index, renderings))
    return markdown, local.published_photos()
