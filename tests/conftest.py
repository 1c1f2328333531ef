"""Shared helpers for the build tests: tiny projects from dicts, builds, parsed output.

    project = make_project({**MINIMAL, "content/en/c/stories/maria.md": story("Maria")})
    code, out, err = run_build(project)               # the real command line, in a subprocess
    files = build_files(project)                      # the public API, in this process
    tree = parse_html(files["c/index.html"])          # an ElementTree to query

Tests import the plain helpers with ``from conftest import ...`` (pytest puts tests/ on
sys.path, as the folder has no __init__.py).
"""
from __future__ import annotations

import http.client
import io
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

import html5lib
import pytest
from PIL import Image

from handbill import BuildOptions, Diagnostics, build

REPO = Path(__file__).resolve().parents[1]
BUILD_PY = REPO / "build.py"
MARKER = ".handbill-site"

SITE_YAML = """\
title: Test Site
base_url: https://example.org/
default_locale: en
petition:
  endpoint: https://forms.example.org/sign
"""


def story(title: str, body: str = "Story text.", *, date: str = "2026-05-01", extra: str = "") -> str:
    """The text of a story file: front matter (``extra`` is more `key: value` lines) and body."""
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"


def page(title: str, body: str = "Page text.") -> str:
    return f"---\ntitle: {title}\n---\n{body}\n"


MINIMAL: dict[str, str | bytes] = {
    "content/site.yaml": SITE_YAML,
    "content/en/c/campaign.yaml": "title: Clean water\nsummary: Water for every school.\nbody: Sign it.\n",
    "content/en/c/stories/maria.md": story("Maria's well", "Maria tells her story."),
    "content/en/pages/about.md": page("About us"),
}


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def jpeg_bytes(w: int = 64, h: int = 48, color: tuple[int, int, int] | str = (200, 30, 60),
               exif_gps: bool = False) -> bytes:
    """A small JPEG; with ``exif_gps`` it carries camera metadata and a GPS position."""
    image = Image.new("RGB", (w, h), color)
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x0110] = "Phone 12"  # Model
        exif[0x8825] = {1: "N", 2: (59.0, 19.0, 42.5), 3: "E", 4: (18.0, 4.0, 7.25)}  # GPSInfo
        image.save(out, format="JPEG", exif=exif.tobytes())
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def write_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` ({relative path: text or bytes}) under ``root``; returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8", newline="")
    return root


@pytest.fixture
def make_project(tmp_path: Path):
    """make_project(files) -> a fresh project folder holding ``files`` (call it as often as needed)."""
    count = iter(range(1000))

    def make(files: dict[str, str | bytes]) -> Path:
        return write_project(tmp_path / f"project{next(count)}", files)

    return make


def run_build(project: Path, *extra_args: str, out: str = "site", cards: bool = False, command: str = "build",
              env: dict[str, str] | None = None, timeout: float = 60) -> tuple[int, str, str]:
    """``python build.py build --content content --out OUT ...`` run in ``project``: (exit code, stdout, stderr).

    Share cards are skipped (``--no-cards``, for speed) unless ``cards=True``.
    """
    args = [sys.executable, str(BUILD_PY), command, "--content", "content", "--out", out, *extra_args]
    if not cards:
        args.append("--no-cards")
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    done = subprocess.run(args, cwd=project, capture_output=True, text=True, encoding="utf-8",
                          env=environment, timeout=timeout)
    return done.returncode, done.stdout, done.stderr


def build_files(project: Path, *, out: str = "site", **opts) -> dict[str, bytes]:
    """Build in this process with the public API and return the output folder as {relpath: bytes}.

    Raises BuildFailed like ``handbill.build`` does; its diagnostics show paths relative to ``project``.
    Share cards are skipped unless ``cards=True``.
    """
    opts.setdefault("cards", False)
    options = BuildOptions(content=project / "content", out=project / out, **opts)
    build(options, Diagnostics(root=project))
    return snapshot(project / out)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` as {POSIX relpath: bytes}."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def parse_html(data: bytes | str) -> ET.Element:
    """A page parsed the way a browser would, as an ElementTree element without namespaces."""
    return html5lib.parse(data, namespaceHTMLElements=False)


def text_of(element: ET.Element | None) -> str:
    """The text content of an element, whitespace collapsed."""
    assert element is not None
    return " ".join("".join(element.itertext()).split())


def html_pages(files: dict[str, bytes]) -> Iterator[tuple[str, ET.Element]]:
    """(relpath, parsed tree) of every HTML file of a build."""
    for rel, data in sorted(files.items()):
        if rel.endswith(".html"):
            yield rel, parse_html(data)


def canonical(tree: ET.Element) -> str:
    links = [link.get("href") for link in tree.iter("link") if link.get("rel") == "canonical"]
    assert len(links) == 1, f"expected one canonical link, got {links}"
    return links[0]


def alternates(tree: ET.Element) -> dict[str, str]:
    """hreflang -> href of the page's <link rel=alternate hreflang> tags."""
    return {link.get("hreflang"): link.get("href") for link in tree.iter("link")
            if link.get("rel") == "alternate" and link.get("hreflang")}


def errors_of(stderr: str) -> list[str]:
    """The stderr of a build as its problem blocks (a first line plus its `  hint:` lines)."""
    blocks: list[str] = []
    for line in stderr.splitlines():
        if line.startswith("  ") and blocks:
            blocks[-1] += "\n" + line
        elif line.strip():
            blocks.append(line)
    return blocks


def lang_of(tree: ET.Element, element: ET.Element | None) -> str | None:
    """The language a browser gives ``element``: the nearest lang attribute up the tree."""
    parents = {child: parent for parent in tree.iter() for child in parent}
    while element is not None:
        if element.get("lang") is not None:
            return element.get("lang")
        element = parents.get(element)
    return None


def h1(tree: ET.Element) -> ET.Element:
    """The page's one <h1>."""
    (heading,) = tree.iter("h1")
    return heading


def raw_get(port: int, target: str) -> tuple[int, bytes]:
    """A GET with the request target sent exactly as written (no client-side normalising)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", f"127.0.0.1:{port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
