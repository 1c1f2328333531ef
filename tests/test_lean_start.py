"""A build loads and asks only what it needs: the helpers that replaced slower standard ways
give the same answers as those ways, and a plain build does not load Pillow or Python-Markdown."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from markdown.extensions.toc import unique as python_markdown_unique

from conftest import MINIMAL
from handbill.diagnostics import Diagnostics
from handbill.diskcache import imported_modules
from handbill.filedigests import read_whole
from handbill.markdown_engines import installed_version, unique
from handbill.sources import _walk

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("size", [0, 1, 4095, 65536, 65537, 300_000])
def test_read_whole_gives_the_bytes_and_the_stat_of_the_file(tmp_path, size):
    path = tmp_path / "f.bin"
    path.write_bytes(os.urandom(size))
    stat, data = read_whole(path)
    assert data == path.read_bytes()
    assert (stat.st_ino, stat.st_size, stat.st_mtime_ns) == (path.stat().st_ino, size, path.stat().st_mtime_ns)


def test_read_whole_raises_what_read_bytes_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_whole(tmp_path / "missing.md")
    with pytest.raises(IsADirectoryError):
        read_whole(tmp_path)


@pytest.mark.parametrize("distribution", ["markdown", "cmarkgfm", "jinja2", "nh3"])
def test_installed_version_is_the_one_importlib_metadata_reads(distribution):
    assert installed_version(distribution) == version(distribution)


def test_installed_version_of_something_not_installed_is_a_question_mark():
    assert installed_version("no_such_distribution_here") == "?"


@pytest.mark.parametrize("slugs", [
    ["a", "a", "a"], ["a_1", "a", "a", "a_1"], ["", "", "x"], ["b_9", "b_9", "b_10"], ["c_", "c_", "c"],
])
def test_heading_ids_are_numbered_as_python_markdown_numbers_them(slugs):
    ours, theirs = set(), set()
    assert [unique(s, ours) for s in slugs] == [python_markdown_unique(s, theirs) for s in slugs]


def test_the_import_lines_of_a_module_are_all_found():
    source = '''"""Doc."""
from __future__ import annotations
import os
from .cache import FileCache
from .images.sub import thing
from . import markup, text as plain  # a comment
from handbill.timebox import Timebox
from handbill import (
    diagnostics,
    fonts,  # why
)
import handbill.writer
import handbillish

def later():
    from .parsecache import ParseCache
'''
    assert sorted(imported_modules(source)) == sorted(
        ["cache", "images", "markup", "text", "timebox", "diagnostics", "fonts", "writer", "parsecache"])


def test_the_content_walk_goes_folder_by_folder_in_name_order(tmp_path):
    root = tmp_path / "content"
    for rel in ["en/b/stories/z.md", "en/b/stories/a.md", "en/a.md", "en/b.md", "en/a/x.md", "en/c/d/e.md",
                "en/c/d/.DS_Store", "en/node_modules/x.md", "en/c/notes.md~"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    os.symlink(root / "en/a", root / "en/linked")
    diags = Diagnostics(root=tmp_path)
    found = [p.relative_to(root / "en").as_posix() for p in _walk(root / "en", root, diags)]
    assert found == ["a.md", "b.md", "a/x.md", "b/stories/a.md", "b/stories/z.md", "c/d/e.md"]
    assert [d.path for d in diags.items] == ["content/en/linked"]  # the folder link, reported and not followed


def test_a_plain_build_loads_neither_pillow_nor_python_markdown(make_project):
    """Cards off and no photo: Pillow (30 ms) and Python-Markdown (25 ms) are never imported."""
    project = make_project(MINIMAL)
    script = ("import json, sys\nfrom handbill.cli import main\n"
              "try:\n    main(['build', '--no-cards', '-q'])\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
              "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    loaded = set(json.loads(out.splitlines()[-1]))
    assert (project / "site/index.html").is_file()
    assert "handbill.pipeline" in loaded and "cmarkgfm" in loaded
    assert not {"PIL", "markdown", "handbill.cards", "handbill.fonts", "handbill.images"} & loaded
