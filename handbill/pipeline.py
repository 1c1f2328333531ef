"""The whole build, as a table of contents of its steps."""
from __future__ import annotations

import functools
import hashlib
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

import jinja2

from .ahead import CallAhead
from .campaign_extras import extra_files
from .console import Console, plural
from .diagnostics import BuildFailed, Diagnostics
from .cache import FileCache
from .diskcache import DiskCache
from .feeds import FeedItem, SitemapUrl, atom_feed, robots, sitemap
from .headers import site_headers
from .locales import LocaleSite, localize
from .pagememo import DrawnPage, ask_again, draw_page
from .pages import PageRenderer, PlannedPage, Planner, campaign_css, likely_story_pages
from .pagination import stories_per_page
from .parallel import render_ahead, render_pages
from .parsecache import ParseCache
from .printkit import draw_codes_ahead, sheet_urls
from .project import Project, SiteConfig, load_project
from .qrcodes import CodesAhead
from .routes import Routes, output_file
from .sources import Inventory
from .share import add_share
from .strings import Catalog, load_catalog
from .theme import Theme, compile_templates, load_theme
from .unread import check_unread_texts
from .views import ViewBuilder
from .writer import StagedOutput, check_output_dir

if TYPE_CHECKING:  # the card machinery (Pillow, fonts) is loaded only by builds that draw cards
    from .cards import CardJob
    from .memo import RebuildMemo

FEED_SIZE = 50


@dataclass(frozen=True)
class BuildOptions:
    content: Path
    out: Path
    base_url: str | None = None
    drafts: bool = False
    strict: bool = False
    cards: bool = True
    card_workers: int = 0  # processes drawing share cards: 0 = one per core, 1 = draw in this process
    workers: int = 0  # processes rendering Markdown and photos missing from the cache: 0 = one per core, 1 = none
    disk_cache: bool = True  # keep rendered Markdown and photos in .handbill-cache/ beside the content folder


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    files: Mapping[str, bytes] = field(default_factory=dict)  # output path -> bytes (a dict while rendering)
    pages: int = 0
    locales: int = 0
    base_url: str = ""  # the base_url the pages were rendered for
    cards_drawn: int = 0  # share cards drawn by this build (the others came from the cache)
    theme_dirs: tuple[Path, ...] = ()  # the theme folders the build read (inputs besides the content folder)
    streamed: list[str] = field(default_factory=list)  # pages and cards written to render_site's output, not kept


def render_site(options: BuildOptions, diags: Diagnostics, *, cache: ParseCache | None = None,
                memo: RebuildMemo | None = None, console: Console | None = None,
                output: StagedOutput | None = None) -> BuildResult:
    """Read, check and render everything; into memory, or with ``output`` into its staging folder.

    ``cache`` carries parses from earlier builds (``serve``); without it everything is
    read afresh, and only rendered Markdown and photos come from ``.handbill-cache/``
    (``options.disk_cache``). ``memo`` (``serve``) carries the views, share links,
    cards and pages of earlier builds, reused where their inputs are unchanged (see
    memo.py). ``console`` is told about each phase. With ``output`` (``build``), pages and
    cards are written into its staging folder as soon as they are rendered, by the worker
    that rendered them, instead of being kept in ``result.files``, so memory does not grow
    with the size of the site; the rest of the files are left in ``result.files``.
    """
    one_off = cache is None  # a build of its own, not serve's (which keeps bodies and templates from build to build)
    cache = cache or ParseCache()
    if memo is not None:
        memo.start_build()
    if options.disk_cache and cache.disk is None:
        cache.use_disk(DiskCache.beside(options.content))
    console = console or Console.silent()
    codes_ahead: list[CodesAhead] = []
    pack_ahead: list[CallAhead] = []
    try:
        return _render(options, diags, cache, memo, console, output, one_off, codes_ahead, pack_ahead)
    finally:
        for helper in codes_ahead + pack_ahead:
            helper.stop()  # (done with already, unless the build ended before it needed them)


def _render(options: BuildOptions, diags: Diagnostics, cache: ParseCache, memo: RebuildMemo | None, console: Console,
            output: StagedOutput | None, one_off: bool, codes_ahead: list[CodesAhead],
            pack_ahead: list[CallAhead]) -> BuildResult:
    codes_store = FileCache(cache.disk.root / "qr", ".bin") if cache.disk is not None else None
    project = load_project(options.content, diags, base_url=options.base_url, cache=cache,
                           scanned=functools.partial(_work_ahead, output, codes_ahead, codes_store))
    console.phase(f"Read {plural(sum(map(len, project.sources.values())), 'content file')}")
    theme = load_theme(project.site.theme, options.content, diags, project.site.path, project.site.data.where("theme"))
    catalog = load_catalog(list(theme.dirs), options.content, list(project.site.locales),
                           project.site.default_locale, diags)
    sites = localize(project, diags, drafts=options.drafts)
    routes = Routes(project.site.base_url, project.site.default_locale)
    assets = cache.asset_store(options.content)
    views = ViewBuilder(routes, assets, project.inventory.locale_dirs, project.site.default_locale, diags,
                        markdown=cache.markdown, memo=memo.views if memo is not None else None)
    if diags.errors:
        check_unread_texts(project, sites, views, diags, drafts=options.drafts)  # kept back by a mistake: still checked
    environment = cache.environment(theme, watch=not one_off)
    # a cold cache: Markdown and photos on every core, while this process compiles the templates once for
    # the page workers (each would compile them for itself: 70 ms) and draws the print sheets' QR codes
    meanwhile = functools.partial(_meanwhile, environment, routes, sites, codes_ahead)
    cold = one_off and cache.disk is not None and cache.markdown_disk is None and cache.disk.pack_is_empty()
    if render_ahead(sites, views, cache, options.workers, meanwhile=meanwhile):
        console.phase(f"Rendered {plural(cache.stats.prerendered, 'text')} and their photos in worker processes")
        if cold:  # every body is in memory now: the next build's pack, written on the core planning leaves idle
            pack_ahead.append(CallAhead(functools.partial(cache.save_markdown_pack, diags)))
            if not pack_ahead[-1].start():
                pack_ahead.clear()
    taken_so_far = (cache.stats.rendered, cache.stats.render_disk_hits)
    for codes in codes_ahead:
        codes.collect()  # (done in the meanwhile already when there were workers)
    pages = Planner(project, sites, routes, catalog, views, stories_per_page(project.site, theme.dirs)).plan()
    console.phase(f"Planned {plural(len(pages), 'page')} in {plural(len(sites), 'locale')} "
                  f"({plural(len(assets.images), 'photo')})")
    cards = _plan_cards(pages, project, theme, routes, assets, catalog, diags, memo) if options.cards else {}
    add_share(pages, cards, project, routes, catalog.translator, memo=memo.shares if memo is not None else None,
              card_key=memo.cards.key_of if memo is not None else None)
    result = BuildResult(diags, pages=len(pages), locales=len(sites), base_url=routes.base_url, theme_dirs=theme.dirs)
    files: dict[str, bytes] = {}
    result.files = files
    _add_static(files, theme, project, sites)
    static_hashes = {path: hashlib.sha256(data).hexdigest()[:10] for path, data in files.items()}
    if diags.errors:  # rendering on top of broken input only adds noise
        return result
    renderer = PageRenderer(environment, project, routes, catalog, pages, sites, static_hashes)

    def stream(path: str, data: bytes) -> None:
        if output is None:
            _put(files, path, data)
        else:
            output.write_bytes(path, data)  # the writer refuses a path written twice
            result.streamed.append(path)

    def emit(index: int, data: bytes) -> None:
        stream(output_file(pages[index].path), data)

    def written_by_worker(index: int) -> None:
        path = output_file(pages[index].path)
        output.adopt([path])
        result.streamed.append(path)

    if not _draw_pages(pages, renderer, catalog, diags, emit, memo, options.workers, console,
                       output=output, written_by_worker=written_by_worker):
        return result  # a template error, reported
    _add_feeds(files, project, routes, catalog, planner_views=views, pages=pages)
    for path, data in extra_files(pages):  # .ics calendars and QR codes of the campaigns
        _put(files, path, data)
    _put(files, "sitemap.xml", sitemap(_sitemap_urls(pages, renderer, routes)).encode())
    _put(files, "robots.txt", robots(routes.absolute("sitemap.xml")).encode())
    _put(files, "_headers", site_headers(project, sites).encode())
    result.cards_drawn = _draw_cards(cards, options, diags, stream, memo)
    for path, image in sorted(assets.images.items()):
        for copy in image.renditions:
            files.setdefault(copy.path, copy.data)
    for out_path, source in sorted(assets.files.items()):
        files.setdefault(out_path, source.read_bytes())
    for rel, path in sorted(project.inventory.media.items()):
        files.setdefault(f"media/{rel}", path.read_bytes())
    if one_off and not _packed_ahead(pack_ahead, (cache.stats.rendered, cache.stats.render_disk_hits) == taken_so_far):
        cache.save_markdown_pack(diags)  # for the next build (cmark's bodies, all in one file)
    console.phase(f"Rendered {plural(len(pages), 'page')} ({plural(len(files) + len(result.streamed), 'file')} in all)")
    if memo is not None:
        memo.finish_build()
    return result


def _packed_ahead(pack_ahead: list[CallAhead], complete: bool) -> bool:
    """True when the helper wrote the pack and it holds every body: none was rendered or read from the disk since."""
    return bool(pack_ahead) and pack_ahead.pop().succeeded() and complete


def _work_ahead(output: StagedOutput | None, codes_ahead: list[CodesAhead], codes_store: FileCache | None,
                site: SiteConfig, inventory: Inventory) -> None:
    """Once the content folder is listed, while the rest is read on one core: the story pages' folders
    (a first build) and the print sheets' QR codes, each made by another process on the idle core."""
    routes = Routes(site.base_url, site.default_locale)
    if output is not None:
        output.make_folders_ahead(likely_story_pages(inventory, site.locales, routes))
    campaigns = sorted({file.campaign for file in inventory.files.get(site.default_locale, {}).values()
                        if file.kind == "campaign"})
    codes = CodesAhead(sheet_urls(routes, [(locale, c) for locale in site.locales for c in campaigns]), codes_store)
    codes_ahead.append(codes)  # kept first: stopped if the start is interrupted
    codes.start()


def _meanwhile(environment: jinja2.Environment, routes: Routes, sites: Mapping[str, LocaleSite],
               codes_ahead: list[CodesAhead]) -> None:
    """What this process does while workers render Markdown: work planning would do later, alone."""
    compile_templates(environment)
    for codes in codes_ahead:
        codes.collect()
    draw_codes_ahead(routes, [(locale, campaign.campaign) for locale, site in sites.items() for campaign in site.campaigns])


def _plan_cards(pages: list[PlannedPage], project: Project, theme: Theme, routes: Routes, assets, catalog: Catalog,
                diags: Diagnostics, memo: RebuildMemo | None) -> dict[str, CardJob]:
    """The share card of every story and campaign page, planned afresh or (``memo``) where its inputs changed."""
    from .cardmemo import card_settings
    from .cards import plan_cards
    from .fonts import load_fonts

    def plan(some: list[PlannedPage], problems: Diagnostics) -> dict[str, CardJob]:
        return plan_cards(some, project, theme.dirs, routes, assets, catalog.translator, problems)

    if memo is None:
        return plan(pages, diags)
    settings = card_settings(theme.dirs, project, routes, load_fonts(theme.dirs))
    return memo.cards.plan(pages, plan, settings, project, assets.images, catalog.translator, memo.fingerprints, diags)


def _draw_cards(cards: dict[str, CardJob], options: BuildOptions, diags: Diagnostics,
                sink: Callable[[str, bytes], None], memo: RebuildMemo | None) -> int:
    """Hand every card's JPEG to ``sink``: from ``memo``, the card cache, or drawn. Returns how many were drawn."""
    if not cards and memo is None:
        return 0
    from .cards import card_cache, draw_cards

    def draw(jobs: list[CardJob], to: Callable[[str, bytes], None]) -> int:
        return draw_cards(jobs, card_cache(options.content), diags, options.card_workers, sink=to).drawn

    return memo.cards.draw(cards, draw, sink) if memo is not None else draw(list(cards.values()), sink)


def _draw_pages(pages: list[PlannedPage], renderer: PageRenderer, catalog: Catalog, diags: Diagnostics,
                emit: Callable[[int, bytes], None], memo: RebuildMemo | None, workers: int, console: Console,
                output: StagedOutput | None = None, written_by_worker: Callable[[int], None] | None = None) -> bool:
    """Hand every page's HTML to ``emit(index, html)``: reused from ``memo`` when its inputs are unchanged,
    else rendered (on every core when there are many). False after a template error (reported).

    Without a memo to keep them in, pages rendered by worker processes are written by the
    workers straight into ``output``'s staging folder (:meth:`StagedOutput.write_in_worker`)
    and only ``written_by_worker(index)`` is called here: the HTML never travels back."""
    keys = memo.pages.keys(pages, renderer, memo.fingerprints) if memo is not None else [None] * len(pages)
    todo: list[int] = []
    reused_strings: dict[str, set[str]] = {}
    for index, key in enumerate(keys):
        drawn = memo.pages.find(key) if memo is not None else None
        if drawn is None:
            todo.append(index)
        else:
            reused_strings.setdefault(pages[index].locale, set()).update(drawn.strings)
            emit(index, drawn.html)

    def done(position: int, drawn: DrawnPage | None) -> None:
        if drawn is None:  # written by a worker
            written_by_worker(todo[position])
            return
        if memo is not None:
            memo.pages.keep(keys[todo[position]], drawn)
        emit(todo[position], drawn.html)

    draw = functools.partial(draw_page, renderer)
    in_worker = draw
    if memo is None and output is not None:
        in_worker = functools.partial(_write_page_in_worker, renderer, output)
    finished = render_pages(in_worker, [pages[i] for i in todo], diags, done, workers, console.progress)  # on every core
    for position in console.progress("Rendering pages", range(finished, len(todo))):  # the rest in this process
        try:
            drawn = draw(pages[todo[position]])
        except jinja2.TemplateError as exc:
            _report_template_error(exc, pages[todo[position]], diags)
            return False
        done(position, drawn)
    ask_again(catalog, reused_strings, renderer.formats)  # the reused pages' UI strings warn as if drawn
    return True


def _write_page_in_worker(renderer: PageRenderer, output: StagedOutput, page: PlannedPage) -> None:
    """In a worker process: render ``page`` and write it into the staging folder (None: nothing to send back)."""
    output.write_in_worker(output_file(page.path), draw_page(renderer, page).html)


def _report_template_error(exc: jinja2.TemplateError, page: PlannedPage, diags: Diagnostics) -> None:
    """A mistake in a theme template, located at the template's own file and line."""
    filename = getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None) or 0
    if not filename:  # errors while rendering: the template's frame is in the traceback
        for frame, frame_line in traceback.walk_tb(exc.__traceback__):
            name = frame.f_code.co_filename
            if name.endswith((".html", ".xml", ".txt")):
                filename, line = name, frame_line
    diags.error(filename or page.template, line, 0, f"the theme template failed: {exc.message or exc}",
                f"fix the template (it was drawing {page.path or 'the home page'})")


def _put(files: dict[str, bytes], path: str, data: bytes) -> None:
    if path in files:
        raise RuntimeError(f"two outputs for {path}")
    files[path] = data


def _add_static(files: dict[str, bytes], theme, project: Project, sites) -> None:
    for rel, path in theme.static_files().items():
        files[f"static/{rel}"] = path.read_bytes()
    default_site = sites.get(project.site.default_locale)
    files["static/campaigns.css"] = campaign_css(default_site.campaigns if default_site else []).encode()


def _add_feeds(files, project: Project, routes: Routes, catalog, *, planner_views, pages: list[PlannedPage]) -> None:
    by_locale: dict[str, list[FeedItem]] = {}
    for page in pages:
        story = page.context.get("story")
        if story is None or story.is_fallback:
            continue
        by_locale.setdefault(page.locale, []).append(
            FeedItem(story.title, story.url, story.date, story.summary, story.author, story.body_html, story.lang))
    for locale in project.site.locales:
        items = sorted(by_locale.get(locale, []), key=lambda i: (i.date.toordinal() if i.date else 0, i.url), reverse=True)
        t = catalog.translator(locale)
        feed_path = routes.feed(locale)
        _put(files, feed_path, atom_feed(title=t("feed_title", site=project.site.text_in("title", locale).text), feed_url=routes.absolute(feed_path),
                                         home_url=routes.absolute(routes.home(locale)), lang=locale,
                                         items=items[:FEED_SIZE]).encode())


def _sitemap_urls(pages: list[PlannedPage], renderer: PageRenderer, routes: Routes) -> list[SitemapUrl]:
    return [SitemapUrl(routes.absolute(page.path), page.lastmod, renderer.alternates(page))
            for page in pages if not page.is_fallback and not page.noindex]


def build(options: BuildOptions, diags: Diagnostics | None = None, *, console: Console | None = None) -> BuildResult:
    """Build the site into ``options.out``; raises BuildFailed with every problem found.

    The output folder is checked before anything is read, the site is rendered into a
    staging folder beside it, and only a complete build is swapped in, so a failure
    leaves the previous site exactly as it was. ``result.files`` maps every file written
    to its bytes, read from the new site when asked.
    """
    diags = diags or Diagnostics(root=Path.cwd())
    check_output_dir(options.out, content=options.content, protected=_protected(options.content))
    console = console or Console.silent()
    with StagedOutput(options.out) as stage:  # pages go to the staging folder as they are rendered
        result = render_site(options, diags, console=console, output=stage)
        if diags.has_errors(options.strict):
            raise BuildFailed(diags)  # the staging folder is thrown away; the previous site stays
        for path in sorted(result.files):
            stage.write_bytes(path, result.files[path])
        stage.commit()
    result.files = stage.written()  # every file of the new site, read from it when asked
    result.streamed = []
    console.phase(f"Wrote {plural(len(result.files), 'file')} to {options.out}")
    return result


def _protected(content: Path) -> list[Path]:
    """Folders an output may never replace: the project around the content, and this checkout."""
    project_root = content.resolve().parent
    here = Path(__file__).resolve().parent.parent
    return [project_root, here, Path(os.path.expanduser("~"))]
