"""The dev server: listens on 127.0.0.1 only by default; refuses traversal in every encoding and never serves
dotfiles; survives broken edits, binary files, image bombs, pathological Markdown, links out of the content
folder and a vanished content folder saved while it runs, and serves the site again after the next good save."""
from __future__ import annotations

import os
import shutil
import socket
import struct
import urllib.error
import urllib.request
import zlib

import pytest

from conftest import raw_get, MINIMAL, jpeg_bytes, parse_html, story, text_of
from handbill import timebox
from handbill.cli import make_parser
from handbill.serve import PreviewServer

WORLD = {
    **MINIMAL,
    "content/en/c/stories/maria.md": story("Maria's well", "Maria tells her story.",
                                           extra="image: maria.png\nimage_alt: Maria\n"),
    "content/en/c/stories/maria.png": b"",  # written by the fixture: a real PNG
}


def png(width: int, height: int, raw: bytes | None = None) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = raw if raw is not None else b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


GOOD_PNG = png(8, 6)
BOMB_PNG = png(100_000, 100_000, raw=b"\x00" * 1000)


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def served(make_project):
    project = make_project({**WORLD, "content/en/c/stories/maria.png": GOOD_PNG})
    args = make_parser().parse_args(["serve"])  # the defaults a volunteer gets
    server = PreviewServer(project / "content", host=args.host, port=0, root=project, cards=False).start(watch=False)
    try:
        yield project, server
    finally:
        server.stop()


def problems_shown(server: PreviewServer, path: str = "c/stories/maria/") -> list[str]:
    status, body = fetch(server.url + path)
    assert status == 500, body[:200]
    return [text_of(li) for li in parse_html(body).iter("li")]


def serves_again(server: PreviewServer) -> None:
    rebuild = server.poll_once()
    assert rebuild is not None and rebuild.ok, server.preview.problems
    status, body = fetch(server.url + "c/stories/maria/")
    assert status == 200 and b"Maria" in body


def test_by_default_it_listens_on_this_computer_only(served):
    _, server = served
    addresses = {sock.getsockname()[0] for sock in server.server._sockets}
    assert addresses == {"127.0.0.1"}
    try:
        outside = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    except OSError:
        outside = set()
    for address in outside - {"127.0.0.1"} - {a for a in outside if a.startswith("127.")}:
        with pytest.raises(OSError):
            socket.create_connection((address, server.server.port), timeout=5).close()


TRAVERSALS = [
    "/%252e%252e/secret.txt", "/%c0%ae%c0%ae/secret.txt", "/..;/secret.txt", "/%2e%2e%5csecret.txt",
    "/static/..%2f..%2fsecret.txt", "/%2f%2fetc/passwd", "/..%252fsecret.txt", "/c/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/.handbill-preview", "/.handbill-site", "/c/.%2e/.%2e/secret.txt", "/%2e/secret.txt", "/c/..%c0%af../secret.txt",
    "/\\..\\secret.txt", "/c/%00/../../secret.txt", "/" + "../" * 20 + "etc/passwd",
]


def test_traversal_in_every_encoding_is_refused(served):
    project, server = served
    root = server.preview.options.out
    (root.parent / "secret.txt").write_text("SECRET beside the preview", encoding="utf-8")
    for target in TRAVERSALS:
        status, body = raw_get(server.server.port, target)
        assert status in (400, 403, 404), (target, status)
        assert b"SECRET" not in body and b"root:" not in body, target


def test_a_photo_bomb_saved_while_it_runs_is_shown_and_then_forgotten(served):
    project, server = served
    photo = project / "content/en/c/stories/maria.png"
    photo.write_bytes(BOMB_PNG)
    rebuild = server.poll_once()
    assert rebuild is not None and not rebuild.ok
    shown = problems_shown(server)
    assert shown[0].startswith("content/en/c/stories/maria.md:4:8:") and "decompression bomb" in shown[0]
    assert fetch(server.url + "static/style.css")[0] == 200  # the server itself carries on
    photo.write_bytes(GOOD_PNG)
    serves_again(server)


@pytest.mark.parametrize("kind", ["utf16", "binary", "empty", "latin1", "half-written"])
def test_a_broken_save_is_shown_with_its_file_and_the_next_good_save_clears_it(served, kind):
    project, server = served
    maria = project / "content/en/c/stories/maria.md"
    good = maria.read_bytes()
    maria.write_bytes({"utf16": good.decode().encode("utf-16"), "binary": jpeg_bytes(), "empty": b"",
                       "latin1": good.replace(b"tells", b"ber\xe4ttar"), "half-written": good[:20]}[kind])
    rebuild = server.poll_once()
    assert rebuild is not None and not rebuild.ok
    assert problems_shown(server)[0].startswith("content/en/c/stories/maria.md:")
    maria.write_bytes(good)
    serves_again(server)


@pytest.mark.parametrize("engine, text, shown", [
    ("python-markdown", "[" * 60_000, "takes too long to turn into a web page"),  # stopped by the time box
    ("commonmark", "> " * 60_000, "nested too deeply to publish"),  # cmark is fast, but nests quotes without end
])
def test_pathological_markdown_saved_while_it_runs_is_stopped_and_shown(served, monkeypatch, engine, text, shown):
    monkeypatch.setattr(timebox, "TIME_BUDGET", 1.0)
    project, server = served
    site_yaml = project / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + f"markdown: {engine}\n", encoding="utf-8")
    maria = project / "content/en/c/stories/maria.md"
    good = maria.read_text(encoding="utf-8")
    maria.write_text(good + text + "\n", encoding="utf-8")
    rebuild = server.poll_once()
    assert rebuild is not None and not rebuild.ok
    assert shown in problems_shown(server)[0]
    maria.write_text(good, encoding="utf-8")
    serves_again(server)


def test_a_link_out_of_the_content_saved_while_it_runs_serves_nothing_from_outside(served):
    project, server = served
    secret = project / "outside.txt"
    secret.write_text("SECRET outside the content folder", encoding="utf-8")
    (project / "content/media").mkdir(exist_ok=True)
    os.symlink(secret, project / "content/media/leak.txt")
    rebuild = server.poll_once()
    assert rebuild is not None and not rebuild.ok
    assert any("points outside the content folder" in p for p in problems_shown(server, ""))
    status, body = fetch(server.url + "media/leak.txt")
    assert b"SECRET" not in body
    (project / "content/media/leak.txt").unlink()
    serves_again(server)


def test_a_content_folder_that_vanishes_and_comes_back(served):
    project, server = served
    content = project / "content"
    shutil.move(content, project / "content-away")
    rebuild = server.poll_once()
    assert rebuild is not None and not rebuild.ok and not server.preview.crashed
    assert any("site.yaml is missing" in p for p in problems_shown(server, ""))
    shutil.move(project / "content-away", content)
    serves_again(server)
