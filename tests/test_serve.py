"""`serve`: rebuilds over cached parses equal a clean build, the preview over real HTTP on 127.0.0.1,
the error page after a broken edit, live reload, and a server that only hands out its own files."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import raw_get, MINIMAL, SITE_YAML, build_files, jpeg_bytes, page, parse_html, snapshot, story, text_of
from handbill import BuildOptions, Diagnostics, filedigests, parallel
from handbill.cli import make_parser
from handbill.pipeline import render_site
from handbill.serve import (PREVIEW_MARKER, Preview, PreviewServer, Refused, all_interfaces_warning, file_for,
                            local_base_url, preview_folder)

LOCAL = "http://127.0.0.1:8765/"

WORLD: dict[str, str | bytes] = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
    "content/en/c/campaign.yaml": "title: Clean water\nsummary: Water for every school.\nimage: hero.jpg\n"
                                  "image_alt: A tap\nbody: |\n  Read [Maria](stories/maria.md).\n",
    "content/en/c/hero.jpg": jpeg_bytes(80, 40, "blue"),
    "content/en/c/stories/maria.md": story("Maria's well", "Maria tells her story. See [Bob](bob.md).",
                                           extra="image: maria.jpg\nimage_alt: Maria at the well\n"),
    "content/en/c/stories/maria.jpg": jpeg_bytes(60, 60, "green"),
    "content/en/c/stories/bob.md": story("Bob's pump", "Back to [Maria](maria.md).", date="2026-04-01"),
    "content/sv/c/campaign.yaml": "title: Rent vatten\n",
    "content/sv/c/stories/maria.md": story("Marias brunn", "Maria berättar."),
    "content/sv/pages/about.md": page("Om oss"),
    "themes/mine/templates/story.html": '{% extends "default:story.html" %}\n'
                                        '{% block main %}<p id="banner">v1</p>{{ super() }}{% endblock %}\n',
}


def preview_of(project: Path, **options) -> Preview:
    options.setdefault("cards", False)  # quicker; the byte-for-byte test draws them
    out = preview_folder(project / "content")
    return Preview(BuildOptions(project / "content", out, base_url=LOCAL, **options), root=project)


def clean_build(project: Path, **options) -> dict[str, bytes]:
    """A clean build into a fresh folder, with the preview's base_url; the output marker left out."""
    fresh = project / f"clean-{time.monotonic_ns()}"
    options.setdefault("cards", False)
    options.setdefault("base_url", LOCAL)
    files = build_files(project, out=fresh.name, **options)
    files.pop(".handbill-site", None)
    return files


def preview_files(preview: Preview) -> dict[str, bytes]:
    files = snapshot(preview.options.out)
    assert files.pop(PREVIEW_MARKER)
    return files


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- rebuilds ------------------------------------------------------------------------------------

def test_every_rebuild_after_an_edit_equals_a_clean_build_byte_for_byte(make_project):
    project = make_project({**WORLD, "content/site.yaml": WORLD["content/site.yaml"] + "theme: mine\n"})
    content = project / "content"
    preview = preview_of(project, cards=True)
    assert preview.rebuild().ok
    assert preview_files(preview) == clean_build(project, cards=True)
    assert "c/stories/maria/card.jpg" in preview_files(preview)

    edits = [
        lambda: edit(content / "en/c/stories/maria.md", "Maria tells her story.", "Maria tells *more* of her story."),
        lambda: edit(content / "site.yaml", "title: Test Site", "title: Renamed Site"),
        lambda: (content / "en/c/stories/maria.jpg").write_bytes(jpeg_bytes(60, 60, "red")),  # same name, new photo
        lambda: (content / "en/c/stories/dee.md").write_text(story("Dee's school", "Link to [Bob](bob.md)."), encoding="utf-8"),
        lambda: (content / "en/c/stories/bob.md").unlink(),  # now Dee's and Maria's links are broken...
        lambda: (content / "en/c/stories/bob.md").write_text(story("Bob again", "Back."), encoding="utf-8"),  # ...fixed
        lambda: edit(project / "themes/mine/templates/story.html", "v1", "v2"),
        lambda: edit(content / "sv/c/stories/maria.md", "Maria berättar.", "Maria berättar mer."),
    ]
    for number, change in enumerate(edits):
        change()
        rebuild = preview.rebuild()
        if number == 4:
            assert not rebuild.ok and "bob.md" in preview.problems
            continue
        assert rebuild.ok, preview.problems
        assert preview_files(preview) == clean_build(project, cards=True), f"after edit {number}"
    assert b'<p id="banner">v2</p>' in preview_files(preview)["c/stories/maria/index.html"]


def test_a_template_behind_a_folder_link_is_seen_when_it_changes(make_project):
    """Jinja follows a link to a folder of templates; serve's environment checks each template it
    uses again on every rebuild, so an edit there is never missed."""
    files = {**WORLD, "content/site.yaml": WORLD["content/site.yaml"] + "theme: mine\n",
             "themes/mine/templates/story.html": '{% extends "default:story.html" %}\n'
                                                 '{% block main %}{% include "parts/bit.html" %}{{ super() }}{% endblock %}\n',
             "shared-parts/bit.html": '<p id="bit">ONE</p>\n'}
    project = make_project(files)
    os.symlink(project / "shared-parts", project / "themes/mine/templates/parts")
    os.symlink(project / "themes/mine/templates", project / "shared-parts/loop")  # a loop of links ends
    preview = preview_of(project)
    assert preview.rebuild().ok
    assert b'<p id="bit">ONE</p>' in preview_files(preview)["c/stories/maria/index.html"]
    edit(project / "shared-parts/bit.html", "ONE", "TWO")
    assert preview.rebuild().ok, preview.problems
    assert b'<p id="bit">TWO</p>' in preview_files(preview)["c/stories/maria/index.html"]
    assert preview_files(preview) == clean_build(project)


def test_a_rebuild_reuses_the_parses_of_unchanged_files(make_project):
    project = make_project(WORLD)
    preview = preview_of(project)
    preview.rebuild()
    first = preview.cache.stats
    assert first.parse_hits == 0 and first.parsed >= 7 and first.photos == 2

    edit(project / "content/en/c/stories/bob.md", "Back to", "Come back to")
    preview.rebuild()
    again = preview.cache.stats
    assert again.parsed == 1  # only bob.md was read again
    assert again.parse_hits == first.parsed - 1
    assert again.photos == 0 and again.photo_hits == 2  # no photo decoded twice
    assert again.render_hits > 0 and not again.templates_compiled


def test_a_rebuild_writes_only_the_files_whose_bytes_changed(make_project):
    project = make_project(WORLD)
    preview = preview_of(project)
    preview.rebuild()
    out = preview.options.out
    photo = next(out.glob("img/maria-*.jpg"))
    before = photo.stat()

    edit(project / "content/en/c/stories/bob.md", "Back to", "Come back to")
    rebuild = preview.rebuild()

    assert "c/stories/bob/index.html" in rebuild.changes.written
    assert not any(path.startswith(("img/", "static/", "about/", "sv/about/")) for path in rebuild.changes.written)
    assert len(rebuild.changes.written) < len(preview_files(preview)) / 3
    after = photo.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)

    (project / "content/en/c/stories/bob.md").unlink()
    edit(project / "content/en/c/stories/maria.md", "See [Bob](bob.md).", "")
    rebuild = preview.rebuild()
    assert rebuild.ok, preview.problems
    assert "c/stories/bob/index.html" in rebuild.changes.removed
    assert not (out / "c/stories/bob").exists()  # the emptied folder went too


def test_the_preview_is_built_beside_the_content_never_into_site(make_project):
    project = make_project(MINIMAL)
    server = PreviewServer(project / "content", port=0, root=project, cards=False)
    try:
        assert server.preview.options.out == (project / ".handbill-cache/preview").resolve()
        assert server.preview.options.base_url == f"http://127.0.0.1:{server.server.port}/"
        server.first_build()
    finally:
        server.stop()
    assert not (project / "site").exists()
    home = parse_html((project / ".handbill-cache/preview/c/stories/maria/index.html").read_bytes())
    canonical = [link.get("href") for link in home.iter("link") if link.get("rel") == "canonical"]
    assert canonical == [f"http://127.0.0.1:{server.server.port}/c/stories/maria/"]


def test_a_preview_folder_handbill_did_not_make_is_never_touched(make_project):
    project = make_project(MINIMAL)
    preview = preview_of(project)
    mine = preview.options.out / "notes.txt"
    mine.parent.mkdir(parents=True)
    mine.write_text("my own notes", encoding="utf-8")
    rebuild = preview.rebuild()
    assert not rebuild.ok and "did not write" in preview.problems and "hint:" in preview.problems
    assert [p.name for p in preview.options.out.iterdir()] == ["notes.txt"]


# --- what a rebuild reuses (handbill/memo.py) ---------------------------------------------------

def problems_of(preview: Preview, capsys) -> str:
    """Rebuild; the problems the rebuild reported (Preview prints them), asserting it built."""
    capsys.readouterr()
    rebuild = preview.rebuild()
    assert rebuild.ok, preview.problems
    return capsys.readouterr().err.strip()


def clean_problems(project: Path, **options) -> str:
    """The problems a clean build of the site reports (no cache of any kind)."""
    options.setdefault("cards", False)
    diags = Diagnostics(root=project)
    render_site(BuildOptions(project / "content", project / "unused", base_url=LOCAL, disk_cache=False, workers=1,
                             **options), diags)
    return diags.report()


def test_nothing_changed_means_nothing_is_drawn_or_planned_again(make_project):
    project = make_project({**WORLD, "content/site.yaml": WORLD["content/site.yaml"] + "theme: mine\n"})
    preview = preview_of(project, cards=True)
    assert preview.rebuild().ok
    memo = preview.memo
    pages = memo.pages.drawn
    assert pages >= 10 and memo.cards.planned >= 4 and memo.views.reused == 0

    rebuild = preview.rebuild()
    assert rebuild.ok and rebuild.changes.written == []
    assert memo.pages.drawn == 0 and memo.pages.reused == pages
    assert memo.cards.planned == 0 and memo.views.reused >= 6
    assert preview_files(preview) == clean_build(project, cards=True)


EDITS = {  # name -> (file under the project, old text, new text); each applied on top of the ones before
    "a story's body": ("content/en/c/stories/bob.md", "Back to", "Come back to"),
    "a story's title (listed on the campaign, in feeds)": ("content/en/c/stories/bob.md", "Bob's pump", "Bob's new pump"),
    "a story's summary": ("content/en/c/stories/maria.md", "---\n", "---\nsummary: Where the water is.\n"),
    "a story's quote (on its card)": ("content/en/c/stories/maria.md", "---\n", "---\nquote: We dug it ourselves.\n"),
    "a story's date (the order of the lists)": ("content/en/c/stories/bob.md", "date: 2026-04-01", "date: 2026-06-01"),
    "campaign.yaml": ("content/en/c/campaign.yaml", "Water for every school.", "Water for every school, now."),
    "a translation's campaign.yaml": ("content/sv/c/campaign.yaml", "Rent vatten", "Rent vatten nu"),
    "strings.yaml": ("content/sv/strings.yaml", None, "read_more: Läs vidare\n"),
    "a language's site.yaml (the title in Swedish)": ("content/sv/site.yaml", None, "title: Testsajten\n"),
    "site.yaml": ("content/site.yaml", "title: Test Site", "title: Renamed Site"),
    "a template": ("themes/mine/templates/story.html", "v1", "v2"),
}


@pytest.mark.parametrize("cards", [False, True])
def test_each_kind_of_edit_gives_the_clean_build_drawing_only_the_pages_it_touches(make_project, cards):
    project = make_project({**WORLD, "content/site.yaml": WORLD["content/site.yaml"] + "theme: mine\n"})
    preview = preview_of(project, cards=cards)
    assert preview.rebuild().ok
    every_page = preview.memo.pages.drawn

    def change(rel: str, old: str | None, new: str) -> None:
        if old is None:
            (project / rel).write_text(new, encoding="utf-8")
        else:
            edit(project / rel, old, new)

    for name, (rel, old, new) in EDITS.items():
        change(rel, old, new)
        rebuild = preview.rebuild()
        assert rebuild.ok, preview.problems
        assert preview_files(preview) == clean_build(project, cards=cards), f"after editing {name}"
        if name in ("site.yaml", "a template", "strings.yaml"):
            assert preview.memo.pages.drawn >= every_page / 2, name  # every page shows them
        else:
            assert 0 < preview.memo.pages.drawn < every_page, name
    # Stories added and deleted, a translation added, a photo replaced: the clean build, every time.
    more = [
        lambda: (project / "content/en/c/stories/dee.md").write_text(story("Dee's school", "Hi.", date="2026-07-01"),
                                                                      encoding="utf-8"),
        lambda: (project / "content/sv/c/stories/bob.md").write_text(story("Bobs pump", "Tillbaka."), encoding="utf-8"),
        lambda: (project / "content/en/c/stories/maria.jpg").write_bytes(jpeg_bytes(60, 60, "red")),
        lambda: (project / "content/en/c/stories/dee.md").unlink(),
        lambda: (project / "content/sv/c/stories/bob.md").unlink(),
    ]
    for number, step in enumerate(more):
        step()
        assert preview.rebuild().ok, preview.problems
        assert preview_files(preview) == clean_build(project, cards=cards), f"after step {number}"


def test_a_reused_page_still_reports_the_untranslated_strings_it_shows(make_project, capsys):
    """The catalog warns once per string and locale; the page that asked first may be reused next time."""
    files = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, nl]\n",
             "content/nl/strings.yaml": "read_more: Lees verder\n",  # some Dutch: a warning per missing string
             "content/en/c/stories/bob.md": story("Bob's pump", "Back.", date="2026-04-01"),
             "content/nl/c/stories/maria.md": story("Maria's put", "Maria vertelt.")}
    project = make_project(files)
    preview = preview_of(project)
    first = problems_of(preview, capsys)
    assert "not translated into Dutch (nl)" in first and first == clean_problems(project)

    assert problems_of(preview, capsys) == first and preview.memo.pages.drawn == 0  # all reused, all reported
    edit(project / "content/nl/c/stories/maria.md", "Maria vertelt.", "Maria vertelt meer.")
    assert problems_of(preview, capsys) == clean_problems(project) == first
    assert 0 < preview.memo.pages.drawn < preview.memo.pages.reused
    (project / "content/en/c/stories/bob.md").unlink()  # the pages of Bob (and the Dutch fallback) are gone
    assert problems_of(preview, capsys) == clean_problems(project)
    (project / "content/nl/strings.yaml").write_text("read_more: Lees verder\nsign_button: Teken\n", encoding="utf-8")
    again = problems_of(preview, capsys)
    assert again == clean_problems(project) and "`sign_button` is not translated" not in again


def test_front_matter_problems_come_back_on_every_rebuild_and_follow_the_default_language(make_project, capsys):
    """A story's checked front matter is reused while its bytes are unchanged, with its problems; whether a
    key is required depends on the file being an original, which site.yaml can change without touching it."""
    files = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, sv]\n",
             "content/en/c/stories/maria.md": story("Maria's well", "Maria tells.", extra="tittle: oops\n"),
             "content/sv/c/campaign.yaml": "summary: Vatten.\n",
             "content/sv/c/stories/maria.md": "---\nsummary: Maria berättar.\n---\nMaria berättar.\n"}
    project = make_project(files)
    preview = preview_of(project)
    first = problems_of(preview, capsys)
    assert "unknown key `tittle` is ignored" in first and "is missing" not in first
    assert first == clean_problems(project)
    assert problems_of(preview, capsys) == first and preview.cache.stats.parsed == 0  # nothing read, all reported
    edit(project / "content/site.yaml", "default_locale: en", "default_locale: sv")  # sv/ is now the original
    assert not preview.rebuild().ok
    assert preview.problems == clean_problems(project)
    assert "sv/c/stories/maria.md:2:1: title is missing" in preview.problems.replace(os.sep, "/")


def test_a_reused_share_card_still_reports_what_it_leaves_out(make_project, capsys):
    files = {**MINIMAL, "content/en/c/stories/maria.md": story("Maria's well \u2603", "Maria tells her story."),
             "content/en/c/stories/bob.md": story("Bob's pump", "Back.", date="2026-04-01")}
    project = make_project(files)
    preview = preview_of(project, cards=True)
    first = problems_of(preview, capsys)
    assert "leaves out \u2603" in first and first == clean_problems(project, cards=True)
    assert problems_of(preview, capsys) == first and preview.memo.cards.planned == 0
    edit(project / "content/en/c/stories/bob.md", "Back.", "Back again.")
    assert problems_of(preview, capsys) == first and preview.memo.cards.planned == 1  # Bob's; Maria's is reused
    edit(project / "content/en/c/stories/maria.md", "---\ntitle", "---\n\ntitle")  # the title moves a line down
    moved = problems_of(preview, capsys)
    assert moved == clean_problems(project, cards=True) and moved != first and preview.memo.cards.planned == 1


def test_pages_drawn_in_worker_processes_are_reused_by_the_next_rebuild(make_project, monkeypatch):
    monkeypatch.setattr(parallel, "RENDER_PARALLEL_FROM", 1)
    project = make_project(WORLD)
    preview = preview_of(project, workers=2)
    assert preview.rebuild().ok  # no other thread runs in the test: the pages are drawn in workers
    assert preview.rebuild().ok
    assert preview.memo.pages.drawn == 0 and preview.memo.pages.reused > 10
    assert preview_files(preview) == clean_build(project)


def test_unchanged_files_are_not_read_again(make_project, monkeypatch):
    monkeypatch.setattr(filedigests, "RACY_NS", 0)  # the files were written just now: trust their stat anyway
    project = make_project(WORLD)
    preview = preview_of(project)
    assert preview.rebuild().ok
    assert preview.rebuild().ok and preview.cache.files.reads == 0
    story_file = project / "content/en/c/stories/bob.md"
    before = story_file.stat()
    edit(story_file, "Back to", "Baaack to")  # the same size, and the same modification time below
    os.utime(story_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert preview.rebuild().ok and preview.cache.files.reads == 1  # its ctime changed: read again
    assert preview_files(preview) == clean_build(project)


# --- over HTTP -------------------------------------------------------------------------------

def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def served(make_project):
    """A preview of WORLD served on 127.0.0.1 on a free port; it is stopped after the test."""
    project = make_project(WORLD)
    server = PreviewServer(project / "content", port=0, root=project, cards=False).start(watch=False)
    try:
        yield project, server
    finally:
        server.stop()


def test_a_page_and_the_live_reload_script_are_served_over_http(served):
    project, server = served
    assert server.url.startswith("http://127.0.0.1:")
    status, headers, body = fetch(server.url + "c/stories/maria/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    tree = parse_html(body)
    assert text_of(tree.find(".//h1")) == "Maria's well"
    scripts = [s.get("src") for s in tree.iter("script")]
    assert f"/livereload.js?port={server.server.port}" in scripts

    status, headers, script = fetch(server.url + f"livereload.js?port={server.server.port}")
    assert status == 200 and "javascript" in headers["Content-Type"]
    assert b"LiveReload" in script and b"/livereload" in script

    status, headers, _ = fetch(server.url + "c")  # a folder without its slash, as static hosts do
    assert status == 200 and headers.get("Content-Type", "").startswith("text/html")
    status, _, body = fetch(server.url + "no/such/page/")
    assert status == 404 and b"livereload.js" in body


def test_a_broken_edit_shows_the_error_page_and_the_next_good_save_clears_it(served):
    project, server = served
    maria = project / "content/en/c/stories/maria.md"
    good = maria.read_text(encoding="utf-8")
    maria.write_text(good.replace("date: 2026-05-01", "date: 1st of May"), encoding="utf-8")
    rebuild = server.poll_once()
    assert rebuild is not None and not rebuild.ok

    for url in (server.url + "c/stories/maria/", server.url + "about/", server.url):
        status, _, body = fetch(url)
        assert status == 500
        tree = parse_html(body)
        problems = [text_of(li) for li in tree.iter("li")]
        assert problems[0].startswith("content/en/c/stories/maria.md:3:7:"), problems
        assert "date" in problems[0] and "2026-05-01" in problems[0]  # the hint says how to write it
        assert f"/livereload.js?port={server.server.port}" in [s.get("src") for s in tree.iter("script")]
    status, _, _ = fetch(server.url + "static/style.css")
    assert status == 200  # the page's own files are still served

    maria.write_text(good.replace("Maria tells her story.", "Maria tells it again."), encoding="utf-8")
    assert server.poll_once().ok
    status, _, body = fetch(server.url + "c/stories/maria/")
    assert status == 200 and b"Maria tells it again." in body


def test_a_crash_inside_handbill_is_shown_and_the_server_keeps_serving(served, monkeypatch):
    project, server = served
    import handbill.serve as serve_module

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(serve_module, "render_site", broken)
    (project / "content/en/c/stories/bob.md").write_text(story("Bob", "changed"), encoding="utf-8")
    assert not server.poll_once().ok
    status, _, body = fetch(server.url + "c/")
    assert status == 500 and b"internal error" in body and b"RuntimeError: a bug" in body
    monkeypatch.undo()
    (project / "content/en/c/stories/bob.md").write_text(story("Bob", "changed again"), encoding="utf-8")
    assert server.poll_once().ok
    assert fetch(server.url + "c/stories/bob/")[0] == 200


@pytest.mark.parametrize("target", [
    "/../", "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/c/%2e%2e/%2e%2e/secret.txt",
    "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "//etc/passwd", "//secret.txt", "/c//index.html",
    "/./index.html", "/..\\secret.txt", "/%5c..%5csecret.txt", "/index.html%00", "/.handbill-preview",
    "/.hidden", "/c/.hidden", "/%2ehidden", "/leak/secret.txt", "/backup.html~", "/%ff",
])
def test_the_server_refuses_paths_outside_the_preview_and_dotfiles(served, target):
    project, server = served
    root = server.preview.options.out
    (root.parent / "secret.txt").write_text("SECRET beside the preview", encoding="utf-8")
    (root / ".hidden").write_text("SECRET dotfile", encoding="utf-8")
    (root / "c/.hidden").write_text("SECRET dotfile", encoding="utf-8")
    (root / "backup.html~").write_text("SECRET backup", encoding="utf-8")
    if not (root / "leak").exists():
        os.symlink(root.parent, root / "leak")  # a symlink out of the folder
    status, body = raw_get(server.server.port, target)
    assert status in (400, 403, 404), (target, status)
    assert b"SECRET" not in body and b"root:" not in body


def test_file_for_maps_urls_to_files_and_refuses_everything_else(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c/index.html").write_text("c")
    (tmp_path / "feed.xml").write_text("f")
    assert file_for(tmp_path, "/c/") == (tmp_path / "c/index.html").resolve()
    assert file_for(tmp_path, "/c") == (tmp_path / "c/index.html").resolve()
    assert file_for(tmp_path, "/feed.xml") == (tmp_path / "feed.xml").resolve()
    assert file_for(tmp_path, "/missing/") is None
    for bad in ("/../x", "/%2e%2e/x", "//etc/passwd", "/c/../feed.xml", "/.git/config", "relative", "/a\\b"):
        with pytest.raises(Refused):
            file_for(tmp_path, bad)


def test_the_browser_is_told_to_reload_after_a_save_and_other_sites_cannot_listen(served):
    from tornado import httpclient
    from tornado.websocket import websocket_connect

    project, server = served
    socket_url = f"ws://127.0.0.1:{server.server.port}/livereload"

    async def connect_and_wait_for_reload() -> dict:
        browser = await websocket_connect(socket_url)  # what livereload.js does in the page
        browser.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        assert json.loads(await browser.read_message())["command"] == "hello"
        browser.write_message(json.dumps({"command": "info", "url": server.url, "plugins": {}}))
        while not server.server.browsers:  # until the server counts this page as open
            await asyncio.sleep(0.02)
        (project / "content/en/c/stories/bob.md").write_text(story("Bob", "A new save."), encoding="utf-8")
        await asyncio.get_running_loop().run_in_executor(None, server.poll_once)
        message = json.loads(await browser.read_message())
        browser.close()
        return message

    message = asyncio.run(asyncio.wait_for(connect_and_wait_for_reload(), 20))
    assert message["command"] == "reload"

    async def connect_from_another_site() -> None:
        await websocket_connect(httpclient.HTTPRequest(socket_url, headers={"Origin": "https://evil.example"}))

    with pytest.raises(httpclient.HTTPClientError) as refused:
        asyncio.run(asyncio.wait_for(connect_from_another_site(), 20))
    assert refused.value.code == 403


def test_the_watcher_notices_a_save_by_itself(make_project):
    project = make_project(WORLD)
    with PreviewServer(project / "content", port=0, root=project, cards=False) as server:
        url = server.url + "c/stories/bob/"
        assert b"A fresh save" not in fetch(url)[2]
        time.sleep(0.05)
        (project / "content/en/c/stories/bob.md").write_text(story("Bob", "A fresh save."), encoding="utf-8")
        deadline = time.monotonic() + 15
        while b"A fresh save" not in fetch(url)[2]:
            assert time.monotonic() < deadline, "the change was not picked up"
            time.sleep(0.1)


# --- where it listens -----------------------------------------------------------------------------

def test_serve_listens_on_this_computer_only_unless_asked():
    args = make_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    assert all_interfaces_warning("127.0.0.1", 8000) is None
    assert all_interfaces_warning("localhost", 8000) is None
    for host in ("0.0.0.0", "::", "192.168.1.20"):
        warning = all_interfaces_warning(host, 8000)
        assert warning and warning.startswith("Warning:") and "network" in warning
    assert local_base_url("0.0.0.0", 8001) == "http://127.0.0.1:8001/"
    assert local_base_url("::1", 8001) == "http://[::1]:8001/"


def test_a_busy_port_is_a_clear_error(make_project, capsys):
    import socket

    from handbill.cli import main

    project = make_project(MINIMAL)
    with socket.socket() as blocker:  # another program on the port
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        code = main(["serve", "--content", str(project / "content"), "--port", str(port), "-q"])
    assert code == 1
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and f"--port {port + 1}" in err


def test_the_serve_command_prints_its_address_serves_and_stops_on_ctrl_c(make_project):
    import re
    import signal
    import subprocess
    import sys

    from conftest import BUILD_PY, REPO

    project = make_project(MINIMAL)
    process = subprocess.Popen([sys.executable, str(BUILD_PY), "serve", "--port", "0", "--no-cards"], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO), "CI": "1"})
    try:
        lines = []
        for line in process.stdout:  # the build's phase lines, then the address
            lines.append(line)
            if line.startswith("Serving the preview"):
                break
        found = re.search(r"at (http://127\.0\.0\.1:\d+/) ", lines[-1])
        assert found, lines
        assert any(line.startswith("Preview: built in") for line in lines)
        status, _, body = fetch(found.group(1) + "c/stories/maria/")
        assert status == 200 and b"Maria tells her story." in body
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not (project / "site").exists()


# --- the browser after a fix, themes made or named while it runs, one preview of a folder -------------

async def _browser(server: PreviewServer):
    """A page connected for live reload, as livereload.js connects it."""
    from tornado.websocket import websocket_connect

    browser = await websocket_connect(f"ws://127.0.0.1:{server.server.port}/livereload")
    browser.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    assert json.loads(await browser.read_message())["command"] == "hello"
    browser.write_message(json.dumps({"command": "info", "url": server.url, "plugins": {}}))
    while not server.server.browsers:
        await asyncio.sleep(0.02)
    return browser


def test_undoing_a_broken_save_reloads_the_browser_although_no_file_changed(served):
    project, server = served
    maria = project / "content/en/c/stories/maria.md"
    good = maria.read_text(encoding="utf-8")

    async def save_and_listen() -> list[tuple[bool, int, str]]:
        browser = await _browser(server)
        heard = []
        for text in (good.replace("date: 2026-05-01", "date: 2026-02-31"), good):  # a mistake, then Ctrl+Z
            maria.write_text(text, encoding="utf-8")
            rebuild = await asyncio.get_running_loop().run_in_executor(None, server.poll_once)
            message = json.loads(await asyncio.wait_for(browser.read_message(), 5))
            heard.append((rebuild.ok, len(rebuild.changes.written), message["command"]))
        browser.close()
        return heard

    assert asyncio.run(asyncio.wait_for(save_and_listen(), 30)) == [(False, 0, "reload"), (True, 0, "reload")]
    status, _, body = fetch(server.url + "c/stories/maria/")
    assert status == 200 and b"Maria tells her story." in body


def test_a_themes_folder_made_while_the_preview_runs_is_watched(make_project):
    project = make_project(MINIMAL)  # no themes/ yet
    with PreviewServer(project / "content", port=0, root=project, cards=False).start(watch=False) as server:
        (project / "themes/mine/templates").mkdir(parents=True)
        edit(project / "content/site.yaml", "title: Test Site", "title: Test Site\ntheme: mine")
        assert server.poll_once().ok, server.preview.problems
        (project / "themes/mine/templates/story.html").write_text(
            '{% extends "default:story.html" %}\n{% block main %}{{ super() }}<p id="mine">OUR FOOTER</p>{% endblock %}\n',
            encoding="utf-8")
        rebuild = server.poll_once()
        assert rebuild is not None and rebuild.ok, server.preview.problems
        assert text_of(parse_html(fetch(server.url + "c/stories/maria/")[2]).find(".//p[@id='mine']")) == "OUR FOOTER"
        edit(project / "themes/mine/templates/story.html", "OUR FOOTER", "OUR OWN FOOTER")
        assert server.poll_once() is not None
        assert b"OUR OWN FOOTER" in fetch(server.url + "c/stories/maria/")[2]
        assert preview_files(server.preview) == clean_build(project, base_url=server.url)


def test_a_theme_named_by_a_path_is_watched_and_so_is_the_next_one_named(make_project, tmp_path):
    project = make_project(MINIMAL)
    themes = {}
    for name in ("first", "second"):
        themes[name] = tmp_path / f"elsewhere-{name}"
        (themes[name] / "templates").mkdir(parents=True)
        (themes[name] / "templates/story.html").write_text(
            f'{{% extends "default:story.html" %}}\n{{% block main %}}<p id="theme">{name} v1</p>{{{{ super() }}}}'
            '{% endblock %}\n', encoding="utf-8")
    edit(project / "content/site.yaml", "title: Test Site", f"title: Test Site\ntheme: {themes['first']}")

    def banner() -> str:
        return text_of(parse_html(fetch(server.url + "c/stories/maria/")[2]).find(".//p[@id='theme']"))

    with PreviewServer(project / "content", port=0, root=project, cards=False).start(watch=False) as server:
        assert banner() == "first v1"
        server.poll_once()  # (the theme's files were written just now: they may be taken for a save once)
        (themes["first"] / "templates/story.html").write_text(
            (themes["first"] / "templates/story.html").read_text(encoding="utf-8").replace("v1", "version 2"))
        assert server.poll_once() is not None
        assert banner() == "first version 2"
        edit(project / "content/site.yaml", str(themes["first"]), str(themes["second"]))
        assert server.poll_once().ok and banner() == "second v1"
        server.poll_once()
        (themes["second"] / "templates/story.html").write_text(
            (themes["second"] / "templates/story.html").read_text(encoding="utf-8").replace("v1", "version 2"))
        assert server.poll_once() is not None
        assert banner() == "second version 2"
        assert preview_files(server.preview) == clean_build(project, base_url=server.url)


def test_a_second_preview_of_the_same_content_is_refused_with_the_first_ones_address(make_project, capsys):
    from handbill.cli import main
    from handbill.serve import PreviewRunning

    project = make_project(MINIMAL)
    with PreviewServer(project / "content", port=0, root=project, cards=False).start(watch=False) as first:
        before = preview_files(first.preview)
        with pytest.raises(PreviewRunning) as refused:
            PreviewServer(project / "content", port=0, root=project, drafts=True)
        assert refused.value.message == f"a preview of {project / 'content'} is already running at {first.url}"
        assert "open that address" in refused.value.hint and "Ctrl+C" in refused.value.hint

        code = main(["serve", "--content", str(project / "content"), "--port", "0", "-q"])
        assert code == 1
        assert f"is already running at {first.url}\n  hint: " in capsys.readouterr().err

        other = project / "other-content"  # another content folder beside it has the same preview folder
        shutil.copytree(project / "content", other)
        with pytest.raises(PreviewRunning, match=f"is already running at {first.url}, and it is built in the same"):
            PreviewServer(other, port=0, root=project)

        assert preview_files(first.preview) == before  # untouched by the previews refused
        status, _, body = fetch(first.url + "c/stories/maria/")
        assert status == 200 and f'href="{first.url}c/stories/maria/"'.encode() in body
    with PreviewServer(project / "content", port=0, root=project, cards=False) as again:  # stopped: free again
        assert fetch(again.url + "c/stories/maria/")[0] == 200
