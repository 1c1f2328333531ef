"""The build cache in .handbill-cache/ and the worker processes: a warm or parallel build writes exactly
the bytes of a clean one-process build, and a change in any input is seen.

Every test compares whole outputs byte for byte (the point here is equality, not one fragment),
and looks at the cache's counters to prove the cache was really used or really bypassed.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import MINIMAL, SITE_YAML, jpeg_bytes, page, snapshot, story
from handbill import BuildFailed, BuildOptions, Diagnostics, build, diskcache, markup, parallel
from handbill import ahead as ahead_module
from handbill.cache import cache_root
from handbill.parsecache import ParseCache
from handbill.pipeline import render_site

WORLD: dict[str, str | bytes] = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
    "content/en/c/campaign.yaml": "title: Clean water\nsummary: Water for every school.\nimage: hero.jpg\n"
                                  "image_alt: A tap\nbody: |\n  Read [Maria](stories/maria.md) and *more*.\n",
    "content/en/c/hero.jpg": jpeg_bytes(900, 500, "blue"),
    "content/en/c/stories/maria.md": story("Maria's well", "Maria tells her story. See [Bob](bob.md).\n\n"
                                           "![The well](well.jpg)\n\n<iframe src='https://x.example/'></iframe>",
                                           extra="image: maria.jpg\nimage_alt: Maria at the well\n"),
    "content/en/c/stories/maria.jpg": jpeg_bytes(60, 60, "green"),
    "content/en/c/stories/well.jpg": jpeg_bytes(700, 400, "gray"),
    "content/en/c/stories/bob.md": story("Bob's pump", "Back to [Maria](maria.md). A [flyer](/media/flyer.pdf).",
                                         date="2026-04-01"),
    "content/media/flyer.pdf": b"%PDF-1.4 a flyer",
    "content/en/pages/about.md": page("About us", "We are [the campaign](../c/stories/bob.md)."),
    "content/sv/c/campaign.yaml": "title: Rent vatten\n",
    "content/sv/c/stories/maria.md": story("Marias brunn", "Maria berättar. Se [Bob](bob.md)."),
    "content/sv/strings.yaml": "read_more: Läs vidare\n",
    "themes/mine/templates/story.html": '{% extends "default:story.html" %}\n'
                                        '{% block main %}<p id="banner">v1</p>{{ super() }}{% endblock %}\n',
}
# python-markdown: the engine whose rendered bodies .handbill-cache keeps (cmark is faster than the disk)
WORLD["content/site.yaml"] = SITE_YAML + "locales: [en, sv]\ntheme: mine\nmarkdown: python-markdown\n"


def options(project: Path, out: str, **extra) -> BuildOptions:
    extra.setdefault("cards", False)
    extra.setdefault("workers", 1)
    return BuildOptions(content=project / "content", out=project / out, **extra)


def clean(project: Path, **extra) -> dict[str, bytes]:
    """A clean build: no cache on disk, one process, a fresh output folder."""
    out = f"clean-{time.monotonic_ns()}"
    build(options(project, out, disk_cache=False, **extra), Diagnostics(root=project))
    return snapshot(project / out)


def cached(project: Path, **extra) -> tuple[dict[str, bytes], ParseCache, Diagnostics]:
    """A build through .handbill-cache/ (a new ParseCache: like a new process), into site/."""
    cache, diags = ParseCache(), Diagnostics(root=project)
    result = render_site(options(project, "site", **extra), diags, cache=cache)
    assert not diags.errors, diags.report()
    build(options(project, "site", **extra), Diagnostics(root=project))
    files = {path: data for path, data in result.files.items()}
    assert files == {k: v for k, v in snapshot(project / "site").items() if k != ".handbill-site"}
    return files, cache, diags


def without_marker(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if k != ".handbill-site"}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_warm_build_equals_a_clean_build_and_renders_nothing(make_project):
    project = make_project(WORLD)
    first, cold_cache, _ = cached(project)
    assert cold_cache.stats.rendered >= 5 and cold_cache.stats.photos >= 3  # cold: everything made
    warm, cache, _ = cached(project)
    assert cache.stats.rendered == 0 and cache.stats.photos == 0  # warm: nothing rendered or published
    assert cache.stats.render_disk_hits == cold_cache.stats.rendered
    assert cache.stats.photo_disk_hits == cold_cache.stats.photos
    assert warm == first == without_marker(clean(project))


def test_a_warm_build_reports_the_same_problems(make_project):
    project = make_project(WORLD)
    _, _, cold = cached(project)
    _, _, warm = cached(project)
    assert "iframe" in cold.report()  # the renderer's own warning, stored with the body
    assert warm.report() == cold.report()


@pytest.mark.parametrize("change", [
    "story text", "story front matter", "linked story renamed", "photo replaced", "template", "strings",
    "site.yaml", "site title translated", "base_url", "campaign body", "translation added",
])
def test_a_changed_input_gives_the_clean_build_of_the_changed_site(make_project, change):
    project = make_project(WORLD)
    cached(project)
    content = project / "content"
    if change == "story text":
        edit(content / "en/c/stories/maria.md", "Maria tells her story.", "Maria tells *more* of her story.")
    elif change == "story front matter":
        edit(content / "en/c/stories/bob.md", "title: Bob's pump", "title: Bob's new pump")
    elif change == "linked story renamed":  # maria.md's body is unchanged, but its link now goes elsewhere
        (content / "en/c/stories/bob.md").rename(content / "en/c/stories/robert.md")
        (content / "en/c/stories/bob.md").write_text(story("Bob moved", "See robert."), encoding="utf-8")
    elif change == "photo replaced":  # same name, other bytes and size: the body's <img> must follow
        (content / "en/c/stories/well.jpg").write_bytes(jpeg_bytes(1200, 300, "red"))
    elif change == "template":
        edit(project / "themes/mine/templates/story.html", "v1", "v2")
    elif change == "strings":
        edit(content / "sv/strings.yaml", "Läs vidare", "Läs mer här")
    elif change == "site.yaml":
        edit(content / "site.yaml", "title: Test Site", "title: Renamed Site")
    elif change == "site title translated":
        (content / "sv/site.yaml").write_text("title: Testsajten\n", encoding="utf-8")
    elif change == "base_url":
        edit(content / "site.yaml", "base_url: https://example.org/", "base_url: https://example.org/sub/")
    elif change == "campaign body":
        edit(content / "en/c/campaign.yaml", "and *more*", "and **more**")
    elif change == "translation added":  # the fallback body of sv/bob now links to the Swedish maria
        (content / "sv/c/stories/bob.md").write_text(story("Bobs pump", "Tillbaka till [Maria](maria.md)."),
                                                      encoding="utf-8")
    warm, cache, _ = cached(project)
    assert warm == without_marker(clean(project)), change
    assert cache.stats.render_disk_hits > 0 or change == "base_url"  # the rest still came from the cache


def test_links_and_photos_in_a_cached_body_are_asked_again(make_project):
    """A body whose text is unchanged is not re-rendered, but what its links point at is checked."""
    project = make_project(WORLD)
    cached(project)
    (project / "content/en/c/stories/bob.md").unlink()  # maria.md links to bob.md
    with pytest.raises(BuildFailed) as failed:
        build(options(project, "site"), Diagnostics(root=project))
    assert "bob.md" in failed.value.diagnostics.report()


@pytest.mark.parametrize("what", ["markdown settings", "handbill version"])
def test_markdown_settings_and_handbill_version_invalidate_every_body(make_project, monkeypatch, what):
    project = make_project(WORLD)
    _, cold, _ = cached(project)
    if what == "markdown settings":
        monkeypatch.setattr(markup, "MARKDOWN_SETTINGS", markup.MARKDOWN_SETTINGS + "(another extension)")
    else:
        import handbill
        monkeypatch.setattr(handbill, "__version__", handbill.__version__ + ".post1")
        monkeypatch.setattr(diskcache, "_salt", None)
    _, cache, _ = cached(project)
    assert cache.stats.render_disk_hits == 0 and cache.stats.rendered == cold.stats.rendered
    if what == "handbill version":
        assert cache.stats.photo_disk_hits == 0 and cache.stats.photos == cold.stats.photos
    monkeypatch.undo()
    monkeypatch.setattr(diskcache, "_salt", None)


def test_a_damaged_cache_is_ignored_and_repaired(make_project):
    project = make_project(WORLD)
    first, _, _ = cached(project)
    entries = [p for p in cache_root(project / "content").rglob("*") if p.is_file()
               and p.parent.parent.name in ("markdown", "photos")]
    assert len(entries) >= 8
    for number, entry in enumerate(entries):
        data = entry.read_bytes()
        entry.write_bytes([b"", b"garbage", data[:len(data) // 2], data.replace(b"a", b"b", 1)][number % 4])
    damaged, cache, _ = cached(project)
    assert damaged == first
    assert cache.stats.render_disk_hits + cache.stats.photo_disk_hits == 0  # not one damaged entry was used
    _, repaired, _ = cached(project)
    assert repaired.stats.rendered == 0 and repaired.stats.photos == 0


def test_the_cache_folder_can_be_deleted_at_any_time(make_project):
    import shutil

    project = make_project(WORLD)
    first, _, _ = cached(project)
    shutil.rmtree(cache_root(project / "content"))
    again, cache, _ = cached(project)
    assert again == first and cache.stats.render_disk_hits == 0


@pytest.mark.parametrize("share_at_most, take", [(2000, 8), (1, 1)])  # one share a worker, or one text a share
def test_builds_in_worker_processes_equal_a_one_process_build(make_project, monkeypatch, share_at_most, take):
    """Markdown, photos and pages rendered on every core: the same bytes and the same problems."""
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "SHARE_AT_MOST", share_at_most)
    monkeypatch.setattr(parallel, "TEXTS_AT_A_TIME", take)
    monkeypatch.setattr(parallel, "RENDER_PARALLEL_FROM", 1)
    files = {**WORLD, "content/sv/strings.yaml": "read_more: Läs vidare\nno_such_key: x\n"}  # a warning
    project = make_project(files)
    serial = Diagnostics(root=project)
    one = render_site(options(project, "a", disk_cache=False), serial)
    parallel_diags = Diagnostics(root=project)
    cache = ParseCache()
    many = render_site(options(project, "b", workers=2), parallel_diags, cache=cache)
    assert cache.stats.prerendered >= 5 and cache.stats.rendered == 0  # the workers did the rendering
    assert many.files == one.files
    assert parallel_diags.report() == serial.report() and "no_such_key" in serial.report()


def test_a_template_error_in_a_worker_is_reported_like_in_one_process(make_project, monkeypatch):
    monkeypatch.setattr(parallel, "RENDER_PARALLEL_FROM", 1)
    broken = {**WORLD, "themes/mine/templates/story.html": "{% extends 'default:story.html' %}\n"
                                                           "{% block main %}{{ no_such_variable }}{% endblock %}\n"}
    reports = []
    for workers in (1, 2):
        project = make_project(broken)
        diags = Diagnostics(root=project)
        render_site(options(project, "site", workers=workers), diags)
        reports.append(diags.report())
    assert "no_such_variable" in reports[0] and "story.html" in reports[0]
    assert reports[1] == reports[0]


def test_the_disk_cache_can_be_switched_off(make_project):
    project = make_project(MINIMAL)
    build(options(project, "site", disk_cache=False), Diagnostics(root=project))
    assert not (cache_root(project / "content") / "markdown").exists()


def test_the_code_that_makes_cached_results_is_part_of_every_key():
    """Found from the import lines of the renderer and the photo step, so a new helper module is not missed."""
    modules = diskcache.salt_modules()
    assert {"markup", "images", "timebox", "diagnostics", "diskcache", "parsecache"} <= set(modules)
    assert not {"views", "pipeline", "writer", "pages", "serve"} & set(modules)  # answers are asked again instead


COMMONMARK_WORLD = {**WORLD, "content/site.yaml": SITE_YAML + "locales: [en, sv]\ntheme: mine\n"}


def test_commonmark_bodies_are_kept_in_one_pack_not_a_file_each(make_project):
    project = make_project(COMMONMARK_WORLD)
    first, cold_cache, _ = cached(project)
    assert cold_cache.stats.rendered > 0
    assert not [f for f in (cold_cache.disk.root / "markdown").rglob("*") if f.is_file()]
    assert cold_cache.disk.pack_path.is_file()
    warm, warm_cache, _ = cached(project)  # a new process: bodies only from the pack
    assert warm_cache.stats.rendered == 0 and warm_cache.stats.render_disk_hits == cold_cache.stats.rendered
    assert warm == first == without_marker(clean(project))
    edit(project / "content/en/c/stories/bob.md", "Back to", "Back again to")
    edited, edited_cache, _ = cached(project)
    assert edited_cache.stats.rendered == 2  # only the edited story, in en and as the sv fallback (its links go elsewhere)
    assert edited == without_marker(clean(project))


def test_the_pack_gives_back_every_rendering_exactly(tmp_path):
    """HTML in any script (two- to four-byte UTF-8, a lone surrogate from a bad file), several
    variants of one body, and their questions, answers and problems, read back by a new process."""
    Rendered, Reference, Diagnostic = diskcache.Rendered, markup.Reference, diskcache.Diagnostic
    story_path = str(tmp_path / "content/en/c/stories/maria.md")
    bodies = [
        ("k-ar", story_path, [Rendered("<p>مرحبا بالعالم</p>", (), ()),
                              Rendered("<p>مرحبا <a href=\"/sv/x/\">x</a></p>",
                                       (("page_link", Reference("x.md", 3), "/sv/x/"),), ())]),
        ("k-emoji", story_path, [Rendered("<h2 id=\"a\">👩🏽‍🍼 \ud800 ok</h2>", (("image", Reference("a.jpg", 4),
                                  {"src": "/img/a.jpg", "width": "10"}),),
                                  (Diagnostic(story_path, 4, 2, "warning", "unsafe HTML removed", "write Markdown"),))]),
        ("k-empty", story_path, [Rendered("", (), ())]),
    ]
    diags = Diagnostics(root=tmp_path)
    diskcache.DiskCache(tmp_path / "cache").save_markdown_pack(bodies, diags)
    reader = diskcache.DiskCache(tmp_path / "cache")  # a new process
    for key, path, variants in bodies:
        assert reader.packed_markdown(key, path, diags) == variants
    assert reader.packed_markdown("k-missing", story_path, diags) == []


@pytest.mark.parametrize("ranges", [[[0, 5000]] * 8, [[0, 5000], [0, 5000]], [[0, 2000]], [[0, 2000], [3000, 5000]],
                                    [[0, 5000]] * 9, [[0, "x"]], [[5000, 0]]])
def test_a_pack_whose_html_pieces_overlap_or_leave_gaps_is_ignored(tmp_path, ranges):
    """A pack made by hand (its checksum right) that points several bodies at the same bytes, or past
    them, is not read: it could make one megabyte into gigabytes of strings."""
    html = "é".encode() * 2500
    head = json.dumps({"salt": diskcache.code_salt(), "entries": {"k": [{"html": r, "calls": [], "problems": []}
                                                                         for r in ranges]}}).encode()
    payload = head + b"\n" + html
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "markdown.pack").write_bytes(diskcache._checksum(payload).encode() + b"\n" + payload)
    assert diskcache.DiskCache(tmp_path / "cache").packed_markdown("k", tmp_path / "s.md", Diagnostics()) == []


def test_workers_without_working_semaphores_leave_the_build_to_one_process(make_project, monkeypatch):
    """Where a lock cannot be made (no /dev/shm, some containers and serverless hosts) the texts are
    rendered in this process, as when a worker dies, instead of the build failing."""
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    context = parallel.multiprocessing.get_context("fork")

    def no_semaphores(*args, **kwargs):
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(type(context), "Value", no_semaphores)
    project = make_project(WORLD)
    one = render_site(options(project, "a", disk_cache=False, workers=1), Diagnostics(root=project))
    cache = ParseCache()
    many = render_site(options(project, "b", workers=2), Diagnostics(root=project), cache=cache)
    assert cache.stats.prerendered == 0 and cache.stats.rendered > 0
    assert many.files == one.files


@pytest.mark.parametrize("damage", ["empty", "garbage", "cut short", "one byte changed"])
def test_a_damaged_pack_is_ignored_and_written_again(make_project, damage):
    project = make_project(COMMONMARK_WORLD)
    first, cold_cache, _ = cached(project)
    pack = cold_cache.disk.pack_path
    data = pack.read_bytes()
    pack.write_bytes({"empty": b"", "garbage": b"\x00\xff not a pack", "cut short": data[: len(data) // 2],
                      "one byte changed": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]}[damage])
    again, again_cache, _ = cached(project)
    assert again_cache.stats.rendered == cold_cache.stats.rendered and again == first
    assert pack.read_bytes() == data  # the same bodies written again


def _cold_build_with_workers(project: Path, monkeypatch, *, ahead: bool) -> int:
    """A cold build on two cores; returns how many pack helpers it started."""
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    shutil.rmtree(cache_root(project / "content"), ignore_errors=True)
    started = []
    start = ahead_module.CallAhead.start
    monkeypatch.setattr(ahead_module.CallAhead, "start", lambda self: ahead and start(self) and not started.append(self))
    build(options(project, "site", workers=2), Diagnostics(root=project))
    return len(started)


def test_the_pack_a_helper_writes_while_pages_are_planned_is_the_one_the_build_would_write(make_project, monkeypatch):
    project = make_project(COMMONMARK_WORLD)
    assert _cold_build_with_workers(project, monkeypatch, ahead=True) == 1
    written_ahead = _packed_bodies(project)
    assert _cold_build_with_workers(project, monkeypatch, ahead=False) == 0
    assert written_ahead == _packed_bodies(project) and len(written_ahead) >= 5


def _packed_bodies(project: Path) -> dict[str, list]:
    """Every rendering in the project's markdown.pack, by key (in the order the workers sent them)."""
    disk = diskcache.DiskCache(cache_root(project / "content"))
    keys = json.loads(disk.pack_path.read_bytes().split(b"\n", 2)[1])["entries"]
    return {key: disk.packed_markdown(key, project / "any.md", Diagnostics()) for key in keys}


def test_a_body_rendered_after_the_pack_was_written_ahead_is_packed_too(make_project, monkeypatch):
    """A body the workers could not render is rendered by the build process while the helper writes
    the pack: the build writes the pack again, with that body."""
    main_process = os.getpid()
    render = markup.MarkdownRenderer.render

    def fails_in_workers(self, text, **kwargs):
        if os.getpid() != main_process and "Back to [Maria]" in text:
            raise MemoryError("a worker ran out of memory")
        return render(self, text, **kwargs)

    monkeypatch.setattr(markup.MarkdownRenderer, "render", fails_in_workers)
    project = make_project(COMMONMARK_WORLD)
    assert _cold_build_with_workers(project, monkeypatch, ahead=True) == 1
    _, warm_cache, _ = cached(project, workers=1)  # a new process, every body from the pack
    assert warm_cache.stats.render_disk_hits >= 5 and warm_cache.stats.rendered == 0


def test_a_pack_written_ahead_keeps_the_bodies_the_build_took_from_the_old_pack(make_project, monkeypatch):
    """Stories added to a site with a pack: the workers render the new ones, the old ones come from the
    pack; the next pack holds both, so the build after renders nothing."""
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    one_language = {path: text for path, text in COMMONMARK_WORLD.items() if not path.startswith("content/sv/")}
    project = make_project({**one_language, "content/site.yaml": SITE_YAML + "theme: mine\n"})
    build(options(project, "site", workers=2), Diagnostics(root=project))
    for number in range(3):
        (project / f"content/en/c/stories/new-{number}.md").write_text(story(f"New {number}"), encoding="utf-8")
    build(options(project, "site", workers=2), Diagnostics(root=project))
    _, cache, _ = cached(project, workers=1)
    assert cache.stats.rendered == 0 and cache.stats.render_disk_hits >= 6
