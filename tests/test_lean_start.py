"""A build loads and asks only what it needs: the helpers that replaced slower standard ways
give the same answers as those ways, and a plain build does not load Pillow or Python-Markdown."""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import unicodedata
from importlib.metadata import version
from pathlib import Path

import pytest
from markdown.extensions.toc import unique as python_markdown_unique

from conftest import MINIMAL
from handbill.diagnostics import Diagnostics
from handbill.diskcache import imported_modules
from handbill.filedigests import read_whole
from handbill import markup
from handbill.markdown_engines import _add_heading_ids, _cmark, CMARK_EXTENSIONS, heading_slug, installed_version, unique
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
    resumed: dict[str, str] = {}
    again, theirs = set(), set()
    assert [unique(s, again, resumed) for s in slugs] == [python_markdown_unique(s, theirs) for s in slugs]


def test_heading_ids_resumed_are_the_ids_python_markdown_gives_for_any_sequence():
    """Going on from the last name given for a slug gives what counting from the start gives."""
    import random
    rng = random.Random(5)
    for _ in range(300):
        slugs = [rng.choice(["a", "a_1", "a_2", "b", "", "a_1_1", "b_9", "b_10"]) for _ in range(rng.randint(1, 30))]
        ours, theirs, resumed = set(), set(), {}
        assert [unique(s, ours, resumed) for s in slugs] == [python_markdown_unique(s, theirs) for s in slugs], slugs


def _slug_one_char_at_a_time(text: str) -> str:
    """heading_slug as it was written first: every character asked for its Unicode category."""
    kept = "".join(c for c in text if c in "-_" or c.isspace() or unicodedata.category(c)[0] in "LMN")
    return re.sub(r"[-\s]+", "-", kept.strip().lower())


@pytest.mark.parametrize("text", [
    "".join(map(chr, range(128))), "Hello, World! 2026", "  tabs\tand\x1cseparators\x1f ", "a--b__c",
    "Ça va? Grüße", "नमस्ते दुनिया", "مرحبا بالعالم ١٢٣", "日本語の見出し", "emoji 🎉 here", "MiXeD ASCII é",
])
def test_a_heading_id_is_the_same_with_the_ascii_shortcut(text):
    assert heading_slug(text, "-") == _slug_one_char_at_a_time(text)


def test_a_turkish_capital_dotted_i_makes_a_plain_i_in_an_id():
    """"İ".lower() is i + U+0307 (a combining dot): the id would read i̇stanbul."""
    assert heading_slug("İstanbul'da Işık", "-") == "istanbulda-işık"


STORIES_WITH_EVERY_KIND_OF_TARGET = [
    "Plain text, no links at all.\n",
    "See [Maria](maria.md) and ![a photo](photo.jpg \"title\") and [site](<with space.md>).\n",
    "[ref]: target.md\n   [two]: <other file.pdf>\n    [not a def]: four-spaces.md\n[x][ref]\n",
    "Raw <a href=\"raw.md\">html</a> and <IMG SRC='up.jpg'> and <video src=clip.mp4>\n[t](t.md)\n",
    "Both ]: and < in one: a]: b <a href=\"z.md\"> [q](q.md)\n[d]: d.md\n",
    "Tricky ](not-a-link and [broken](\n<a <a <a href=x.md>\n",
]


@pytest.mark.parametrize("text", STORIES_WITH_EVERY_KIND_OF_TARGET)
def test_link_targets_are_found_on_the_same_lines_without_the_alternatives_a_text_cannot_match(text):
    """_SourceLines leaves out the definition and raw-HTML patterns when the text has no "]:" or no "<"."""
    lines = markup._SourceLines(text, 7)
    whole = markup._SourceLines.__new__(markup._SourceLines)
    whole._text, whole._first_line, whole._found = text, 7, {}
    whole.__dict__["_targets"] = {}
    for match in markup._target_pattern(True, True).finditer(text):  # the whole pattern, as before
        group = next(i for i, value in enumerate(match.groups(), 1) if value is not None)
        whole._targets.setdefault(markup._target_key(match.group(group)), []).append(whole._line_at(match.start(group)))
    assert lines._targets == whole._targets


def test_heading_ids_are_the_same_when_no_id_was_in_the_html():
    html = _cmark("# One\n\n## Two `code` &amp; more\n\n# One\n\nText[^1]\n\n[^1]: Note\n", CMARK_EXTENSIONS)
    assert 'id="' in html  # the footnotes' ids: taken, so no heading may have them
    assert _add_heading_ids(html).count('id="one') == 2
    plain = _cmark("# One\n\n# One\n", CMARK_EXTENSIONS)
    assert 'id="' not in plain and re.findall(r'id="([^"]*)"', _add_heading_ids(plain)) == ["one", "one_1"]


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


@pytest.mark.parametrize("module", sorted(p.stem for p in (ROOT / "handbill").glob("*.py")))
def test_the_import_patterns_find_every_handbill_import_ast_finds(module):
    """The code salt follows imports found by patterns (ast took 25 ms a process): never fewer than ast finds."""
    source = (ROOT / "handbill" / f"{module}.py").read_text(encoding="utf-8")
    by_ast = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            by_ast |= {node.module.split(".")[0]} if node.module else {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("handbill."):
            by_ast.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and node.module == "handbill":
            by_ast |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            by_ast |= {a.name.split(".")[1] for a in node.names if a.name.startswith("handbill.")}
    assert by_ast <= set(imported_modules(source))


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


def test_the_record_of_a_build_names_every_module_of_handbill_loaded_or_not():
    """Pillow's and the cards' modules are loaded only by builds that draw a photo or a card (maybe only in
    a worker): a change to them must still make the next build a full one."""
    from handbill.unchanged import loaded_code

    names = {Path(path).name for path in loaded_code() if Path(path).parent == ROOT / "handbill"}
    assert {p.name for p in (ROOT / "handbill").glob("*.py")} <= names
    assert {"images.py", "cards.py", "fonts.py", "markdown_python.py"} <= names


def test_a_template_that_cannot_be_read_never_stops_the_head_start(tmp_path):
    """compile_templates runs while the workers render; a template no page may use, in bytes that are not
    UTF-8, or unreadable, is left alone: only a page that uses it reports it."""
    import jinja2

    from handbill.theme import compile_templates

    (tmp_path / "good.html").write_text("<p>{{ x }}</p>")
    (tmp_path / "latin1.html").write_bytes("<p>caf\xe9</p>".encode("latin-1"))
    (tmp_path / "locked.html").write_text("<p>locked</p>")
    (tmp_path / "locked.html").chmod(0)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), auto_reload=False)
    compile_templates(env)
    assert "good.html" in {key[1] for key in env.cache}


def test_start_up_loads_neither_segno_nor_urllib_request():
    """The QR codes' segno and the feeds' saxutils pull in urllib.request, http and email (17 ms): a build
    loads them when it draws the codes (while workers render Markdown), not before it starts."""
    script = ("import json, sys\nimport handbill.cli, handbill.pipeline\nprint(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    loaded = set(json.loads(out.splitlines()[-1]))
    assert "handbill.pipeline" in loaded
    assert not {"segno", "urllib.request", "xml.sax.saxutils"} & loaded


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
    assert not {"xml.sax.saxutils", "urllib.request"} & loaded  # (segno's are loaded by the QR helper only)


@pytest.mark.parametrize("broken", [False, True])
def test_the_entry_point_builds_without_the_collector_and_exits_with_the_code_of_main(tmp_path, monkeypatch, broken):
    """``run`` (build.py and the ``handbill`` script) turns the cyclic collector off for the command and
    freezes what the build left before Python's shutdown walks it; the exit code and the build are main's."""
    import gc
    from conftest import write_project
    from handbill import cli
    files = {**MINIMAL, "content/site.yaml": "title: [broken\n"} if broken else MINIMAL
    project = write_project(tmp_path / "project", files)
    monkeypatch.setattr(sys, "argv", ["build.py", "build", "--content", str(project / "content"),
                                      "--out", str(project / "site"), "--no-cards", "-q"])
    collector_during_build = []
    real_build = cli.run_build
    monkeypatch.setattr(cli, "run_build", lambda args: collector_during_build.append(gc.isenabled()) or real_build(args))
    try:
        with pytest.raises(SystemExit) as exit_:
            cli.run()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
    assert collector_during_build == [False]
    assert exit_.value.code == (1 if broken else 0)
    assert (project / "site" / "index.html").is_file() is not broken


def exit_code_of_run(cli) -> int:
    """``cli.run()``, which exits: its exit code, with the collector put back as it was."""
    import gc
    try:
        with pytest.raises(SystemExit) as exit_:
            cli.run()
    finally:
        gc.unfreeze()
        gc.enable()
    return exit_.value.code


def test_a_bug_in_handbill_is_reported_in_plain_words_with_its_details(tmp_path, monkeypatch, capsys):
    """An exception no check foresaw: the volunteer reads first that it is not their files' fault,
    then the traceback a bug report needs; the exit code is not the one for content problems."""
    from conftest import write_project
    from handbill import cli, pipeline
    project = write_project(tmp_path / "project", MINIMAL)
    monkeypatch.setattr(sys, "argv", ["build.py", "build", "--content", str(project / "content"),
                                      "--out", str(project / "site"), "--no-cards", "-q"])

    def broken_planner(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory", "/somewhere/inside")

    monkeypatch.setattr(pipeline.Planner, "plan", broken_planner)
    assert exit_code_of_run(cli) == cli.EXIT_BUG != 1
    stderr = capsys.readouterr().err
    first, _, rest = stderr.partition("\n")
    assert "bug in handbill itself" in first and "not because of a problem in your files" in first
    assert "Traceback (most recent call last)" in rest and rest.rstrip().endswith("'/somewhere/inside'")
    assert not (project / "site").exists() and not list(project.glob(".handbill-tmp-*"))


def test_a_reader_that_stops_reading_is_no_bug(monkeypatch, capsys):
    """`handbill check | head -1`: writing to a pipe its reader closed is the reader's choice, said with
    the shell's code for it (141), not reported as a bug in handbill."""
    from handbill import cli

    def closed_pipe():
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "main", closed_pipe)
    assert exit_code_of_run(cli) == cli.EXIT_PIPE_CLOSED == 141
    assert "bug" not in capsys.readouterr().err


def test_stripping_controls_from_ascii_text_removes_what_the_pattern_removes():
    """strip_controls' pass over the bytes of an ASCII text gives what CONTROL_CHARACTERS removes, for any text."""
    import random
    from handbill.text import CONTROL_CHARACTERS, strip_controls
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x80)] + ["é", "\x85", "\x9f", "\ud800", "\ufffe", "\uffff", "ع", "😀"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert strip_controls(text) == CONTROL_CHARACTERS.sub("", text), repr(text)
    assert strip_controls("line\x00 one\x7f\ttab\nnew\x1b[31m") == "line one\ttab\nnew[31m"


def test_feed_escaping_writes_what_saxutils_writes():
    """xml_text and xml_attr give the bytes of xml.sax.saxutils' escape and quoteattr (after the characters
    XML cannot hold are dropped), for any text: the feeds no longer load saxutils and its urllib.request."""
    import random
    from xml.sax.saxutils import escape, quoteattr
    from handbill.feeds import _NOT_XML, xml_attr, xml_text
    rng = random.Random(11)
    alphabet = ['"', "'", "&", "<", ">", "\n", "\r", "\t", ";", "#", "a", " ", "é", "\x00", "\x0b", "\ud800", "😀"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        kept = _NOT_XML.sub("", text)
        assert (xml_text(text), xml_attr(text)) == (escape(kept), quoteattr(kept)), repr(text)


def test_build_py_keeps_handbills_compiled_modules_even_where_the_environment_says_not_to(tmp_path):
    """build.py writes handbill's bytecode as pip writes an installed package's, PYTHONDONTWRITEBYTECODE or not."""
    from conftest import write_project
    project = write_project(tmp_path / "project", MINIMAL)
    prefix = tmp_path / "pycache"  # Python's bytecode goes here instead of beside the sources
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(prefix), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", "content", "--out", "site",
                           "--no-cards", "-q"], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    compiled = {path.name.split(".")[0] for path in prefix.rglob("handbill/*.pyc")}
    assert {"cli", "pipeline", "yamlfile", "markup"} <= compiled
