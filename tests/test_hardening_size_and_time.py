"""Size and time: an oversized file is refused before it is read, and Markdown that would take
pathological time (or nest deeper than Python's stack) is stopped and named, never left to hang."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from conftest import MINIMAL, REPO, page, parse_html, run_build, story, text_of, write_project
from hardening_helpers import block_for, problems, run_patched
from handbill import timebox
from handbill.diagnostics import Diagnostics
from handbill.markup import MarkdownRenderer
from handbill.project import MAX_SOURCE_BYTES

OVER_CAP = MAX_SOURCE_BYTES + 1


def test_files_over_the_size_cap_are_refused_before_they_are_parsed(make_project):
    # each file is also broken in ways that parsing would report: only the size is
    latin1_and_broken = b"---\ntitle: [unclosed\n---\n" + b"caf\xe9 " * (OVER_CAP // 5)
    big_campaign = b"title: Big\nbody: |\n" + b"  \t[[[ \xe9\n" * (OVER_CAP // 8)
    project = make_project({
        **MINIMAL,
        "content/en/c/stories/huge.md": latin1_and_broken,
        "content/en/pages/huge.md": latin1_and_broken,
        "content/en/big/campaign.yaml": big_campaign,
    })
    code, _, stderr = run_build(project)
    assert code == 1
    blocks = problems(stderr)
    kb = OVER_CAP // 1024
    assert blocks == [
        f"content/en/big/campaign.yaml: this file is {len(big_campaign) // 1024} KB, "
        f"more than the 256 KB a settings file may have\n  hint: check that nothing was pasted twice; long texts belong in stories",
        f"content/en/c/stories/huge.md: this file is {kb} KB, more than the 256 KB a story may have\n"
        "  hint: split it into several stories, or check that nothing was pasted twice",
        f"content/en/pages/huge.md: this file is {kb} KB, more than the 256 KB a story may have\n"
        "  hint: split it into several stories, or check that nothing was pasted twice",
    ]


PATHOLOGICAL = {
    **MINIMAL,
    "content/site.yaml": MINIMAL["content/site.yaml"] + "markdown: python-markdown\n",  # the time-boxed engine
    # Each of these takes Python-Markdown minutes to hours (see handbill/timebox.py).
    "content/en/c/stories/brackets.md": story("Brackets", "[" * 100_000),
    "content/en/pages/links.md": page("Links", "Look: " + "![" * 40_000),
    "content/en/slow/campaign.yaml": "title: Slow\nsummary: A campaign.\nbody: |\n  Sign.\n\n  " + "[[" * 40_000 + "\n",
    # Lists inside lists, deeper than Python's stack: a RecursionError inside Python-Markdown.
    "content/en/c/stories/nested.md": story("Nested", "1. " * 3000, date="2026-05-03"),
    # An ordinary long story beside them is fine.
    "content/en/c/stories/long.md": story("Long", "\n\n".join(f"Paragraph {i} with a [link](https://example.org/{i})"
                                                           f" and *emphasis*." for i in range(400)), date="2026-05-04"),
}


@pytest.fixture(scope="module")
def pathological(tmp_path_factory):
    project = write_project(tmp_path_factory.mktemp("pathological"), PATHOLOGICAL)
    # A one-second budget keeps the test quick; a hang fails it through run_patched's timeout.
    code, _, stderr = run_patched(project, "handbill.timebox.TIME_BUDGET = 1", timeout=180)
    return project, code, problems(stderr)


@pytest.mark.parametrize("path, line", [
    ("content/en/c/stories/brackets.md", 5),
    ("content/en/pages/links.md", 4),
    ("content/en/slow/campaign.yaml", 4),
])
def test_markdown_that_takes_pathological_time_is_stopped_and_named(pathological, path, line):
    _, code, blocks = pathological
    assert code == 1
    assert block_for(blocks, path) == [
        f"{path}:{line}: this text takes too long to turn into a web page, so it was stopped after 1 seconds\n"
        "  hint: look for a long run of the same characters (many [ or * or ` or <), often pasted by accident, "
        "and remove it; a very long story can be split into several"]


def test_lists_nested_deeper_than_python_allows_are_an_error_not_a_crash(pathological):
    _, _, blocks = pathological
    assert block_for(blocks, "content/en/c/stories/nested.md") == [
        "content/en/c/stories/nested.md:5: the lists or quotes in this text are nested too deeply to publish\n"
        "  hint: use at most a few levels of lists inside lists and of > quotes inside quotes"]


def test_only_the_pathological_files_are_reported(pathological):
    project, _, blocks = pathological
    assert sorted(block.split(":", 1)[0] for block in blocks) == sorted(
        ["content/en/c/stories/brackets.md", "content/en/c/stories/nested.md",
         "content/en/pages/links.md", "content/en/slow/campaign.yaml"])
    assert not (project / "site").exists()


def test_the_pathological_texts_build_quickly_and_safely_with_commonmark(make_project):
    project = make_project({**PATHOLOGICAL, "content/site.yaml": MINIMAL["content/site.yaml"]})
    code, _, stderr = run_build(project)  # no time box: cmark is linear (lists stop nesting at 100 levels)
    assert code == 0, stderr
    nested = parse_html((project / "site/c/stories/nested/index.html").read_bytes())
    assert 50 <= len([el for el in nested.iter("ol")]) <= 200
    links = parse_html((project / "site/links/index.html").read_bytes())
    prose = next(div for div in links.iter("div") if div.get("class") == "prose")
    assert text_of(prose).startswith("Look: ![![") and [el.tag for el in prose.iter()] == ["div", "p"]


def test_the_same_site_without_the_pathological_files_builds_with_the_long_story(make_project):
    files = {k: v for k, v in PATHOLOGICAL.items() if "long" in k or k in MINIMAL}
    project = make_project(files)
    code, _, stderr = run_build(project)
    assert code == 0, stderr
    body = (project / "site/c/stories/long/index.html").read_bytes()
    prose = next(div for div in parse_html(body).iter("div") if div.get("class") == "prose")
    assert len(list(prose.iter("p"))) == 400 and text_of(prose).endswith("Paragraph 399 with a link and emphasis.")


# --- the time box itself -----------------------------------------------------------------------

class _Resolver:
    def page_link(self, ref):
        return "/page/"

    def page_if_any(self, ref):
        return "/page/"

    def image(self, ref):
        return {"src": "/img/x.jpg"}

    def file_link(self, ref):
        return "/files/x.pdf"


LONG_TEXT = "\n\n".join([
    "# Title", "## Same heading", "## Same heading", "Text with a footnote[^1] and *emphasis* and \"quotes\"...",
    "| a | b |\n|:--|--:|\n| 1 | 2 |", "```python\nprint('<hi>')\n```", "- one\n    - two\n        - three",
    "[a page](../x.md) ![photo](x.jpg) <b onclick=x>raw</b>", "[^1]: The note.",
] * 20)


def test_a_long_text_converted_in_the_helper_equals_the_same_text_converted_here(monkeypatch):
    assert len(LONG_TEXT) > timebox.INLINE_CHARS
    helped = MarkdownRenderer("python-markdown").render(LONG_TEXT, path="x.md", first_line=1, resolver=_Resolver(),
                                                        diags=Diagnostics())
    monkeypatch.setattr(timebox, "INLINE_CHARS", 10 ** 9)  # everything in this process
    here = MarkdownRenderer("python-markdown").render(LONG_TEXT, path="x.md", first_line=1, resolver=_Resolver(),
                                                      diags=Diagnostics())
    assert helped == here and 'id="same-heading_1"' in here


def _sleepy_converter():
    def convert(text: str) -> str:
        if text.startswith("slow"):
            time.sleep(60)
        if text.startswith("deep"):
            raise RecursionError("too deep")
        return text.upper()
    return convert


def test_a_stopped_helper_is_replaced_for_the_next_text(monkeypatch):
    monkeypatch.setattr(timebox, "TIME_BUDGET", 0.5)
    box = timebox.Timebox(_sleepy_converter(), _sleepy_converter)
    try:
        with pytest.raises(timebox.TextTooSlow):  # stopped: waiting would return "SLOW..." after a minute
            box.convert("slow" + "x" * timebox.INLINE_CHARS)
        with pytest.raises(timebox.TextTooDeep):
            box.convert("deep" + "x" * timebox.INLINE_CHARS)
        assert box.convert("fine" + "x" * timebox.INLINE_CHARS) == "FINE" + "X" * timebox.INLINE_CHARS
    finally:
        box.close()


def _collector_state_converter():
    import gc
    return lambda text: f"collector on: {gc.isenabled()}"


def test_the_helper_keeps_the_collector_on_when_the_build_turned_it_off():
    """The helper lives for a build and every rebuild of serve; Python-Markdown leaves reference cycles."""
    import gc
    box = timebox.Timebox(_collector_state_converter(), _collector_state_converter)
    gc.disable()  # as cli.run does for a build
    try:
        assert box.convert("x" * (timebox.INLINE_CHARS + 1)) == "collector on: True"
    finally:
        gc.enable()
        box.close()


def test_a_short_text_too_deep_for_the_stack_is_reported_the_same_way():
    box = timebox.Timebox(_sleepy_converter(), _sleepy_converter)
    with pytest.raises(timebox.TextTooDeep):
        box.convert("deep")
    assert box.convert("short") == "SHORT"


def test_finding_the_lines_of_links_stays_linear():
    # each took from seconds to minutes at the size cap (a backtracking regex, a line count per link)
    units = ["<a ", "<img x ", "<a@b", "](<\n", "[a](b) "]
    script = (f"from handbill.markup import _SourceLines\n"
              f"for unit in {units!r}:\n"
              f"    _SourceLines(unit * ({MAX_SOURCE_BYTES} // len(unit)), 1).of_target('b')\n")
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=60)  # about half a second when linear
    assert done.returncode == 0, done.stderr


def test_reading_front_matter_stays_linear_in_runs_of_spaces():
    # patterns once backtracked over every run of spaces: minutes for such a story (the simple reader's,
    # the comment trap's, the quote hint's)
    lines = ["title: x{} y", "title: x{}#", "title: 'x'{} y", "tags: [a,{} b]", "title: x{}", "title: x #a{}b",
             "- 'x'{} y", "title: 'x' #{} y", "a: b\n c: 'x'{}y"]
    script = (f"from handbill.diagnostics import Diagnostics\n"
              f"from handbill.yamlfile import split_front_matter\n"
              f"for line in {lines!r}:\n"
              f"    text = '---\\n' + line.format(' ' * ({MAX_SOURCE_BYTES} - 40)) + '\\n---\\nbody\\n'\n"
              f"    split_front_matter(text, 's.md', Diagnostics())\n")
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=60)  # well under a second when linear
    assert done.returncode == 0, done.stderr


def test_texts_at_the_size_cap_built_to_be_slow_stay_linear():
    """Each took from 15 s to minutes at the size cap: heading ids counted up from _1 for every repeat of the
    same heading, and every different problem (a `javascript:` target with a parenthesis, another `on...`
    attribute on each line) searched the whole text for its line."""
    units = ["## Same heading\n\n", "[x](javascript:alert(N))\n\n", '<p onNx="y">t</p>\n\n']
    script = (f"from handbill.diagnostics import Diagnostics\n"
              f"from handbill.markup import MarkdownRenderer\n"
              f"class R:\n"
              f"    def __getattr__(self, name): return lambda ref: None\n"
              f"for unit in {units!r}:\n"
              f"    text = ''.join(unit.replace('N', str(i)) for i in range({MAX_SOURCE_BYTES} // len(unit)))\n"
              f"    MarkdownRenderer().render(text, path='s.md', first_line=1, resolver=R(), diags=Diagnostics())\n")
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=60)  # a few seconds when linear
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("columns, refused", [(65, True), (300, True), (64, False)])
def test_a_table_wider_than_a_page_is_refused_before_it_is_made(columns, refused):
    """A 300-column header made every row 300 cells: 5 MB of page and 360 MB of memory for a 30 KB story."""
    from handbill.diagnostics import Diagnostics
    from handbill.markup import MarkdownRenderer

    class Resolver:
        def __getattr__(self, name):
            return lambda ref: None

    text = "Intro.\n\n|" + "|".join(f"c{i}" for i in range(columns)) + "|\n|" + "|".join("---" for _ in range(columns)) \
        + "|\n" + "|x\n" * 3000
    diags = Diagnostics()
    html = MarkdownRenderer().render(text, path="s.md", first_line=5, resolver=Resolver(), diags=diags)
    if refused:
        assert html == "" and [(d.line, d.message.split(",")[0]) for d in diags.items] == [
            (8, "a table in this text has more than 64 columns")]
    else:
        assert "<table>" in html and not diags.errors
