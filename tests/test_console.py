"""Console output: a line per phase with counts, a progress bar only on a terminal, a one-line summary, -q and -v."""
from __future__ import annotations

import io
import itertools
import re

from conftest import MINIMAL, run_build
from handbill.console import NORMAL, QUIET, VERBOSE, Console, build_summary, progress_bar


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def ticking_clock(step: float = 0.5):
    ticks = itertools.count()
    return lambda: next(ticks) * step


def test_a_terminal_gets_a_progress_bar_that_is_cleared_before_the_phase_line(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    screen = FakeTerminal()
    console = Console(screen, clock=ticking_clock())
    assert console.interactive
    assert list(console.progress("Rendering pages", range(40))) == list(range(40))
    console.phase("Rendered 40 pages")
    text = screen.getvalue()
    assert "\rRendering pages [" in text and "] 40/40" in text
    assert text.endswith("\r\x1b[2KRendered 40 pages\n")


def test_ci_and_pipes_get_plain_lines_only(monkeypatch):
    monkeypatch.setenv("CI", "true")
    screen = FakeTerminal()
    console = Console(screen)
    assert not console.interactive
    list(console.progress("Rendering pages", range(100)))
    console.phase("Rendered 100 pages")
    assert screen.getvalue() == "Rendered 100 pages\n"
    monkeypatch.delenv("CI")
    assert not Console(io.StringIO()).interactive  # a pipe or a file


def test_quiet_prints_no_phases_and_verbose_adds_times():
    for verbosity, expected in [(QUIET, ""), (NORMAL, "Read 3 content files\n"),
                                (VERBOSE, "Read 3 content files (0.50 s)\n  wrote a.html\n")]:
        out = io.StringIO()
        console = Console(out, verbosity=verbosity, interactive=False, clock=ticking_clock())
        console.phase("Read 3 content files")
        console.detail("wrote a.html")
        assert out.getvalue() == expected, verbosity


def test_progress_bar_and_summary_wording():
    assert progress_bar("Drawing cards", 5, 20, width=8) == "Drawing cards [##......] 5/20"
    assert build_summary(locales=3, pages=412, files=900, seconds=2.44, errors=0, warnings=0,
                         cards=120, cards_redrawn=3) == "Built 3 locales, 412 pages, 120 cards (3 redrawn), 900 files in 2.4 s."
    assert build_summary(locales=1, pages=1, files=1, seconds=0.04, errors=1, warnings=2) \
        == "Built 1 locale, 1 page, 1 file in 0.0 s (1 error, 2 warnings)."


def test_a_build_prints_a_line_per_phase_and_a_summary_and_no_control_characters(make_project):
    project = make_project(MINIMAL)
    code, out, err = run_build(project, cards=True, env={"CI": ""})  # stdout is a pipe here, as in CI
    assert code == 0, err
    lines = out.splitlines()
    phases = [re.sub(r"\d+", "N", line.split(" (")[0]) for line in lines[:-1]]
    expected = ["Read N content files", "Planned N pages in N locale", "Rendered N pages", "Wrote N files to site"]
    assert [phase for phase in phases if phase in expected] == expected  # in this order (more phases may come)
    assert re.fullmatch(r"Built 1 locale, \d+ pages, \d+ cards \(\d+ redrawn\), \d+ files in \d+\.\d s\.", lines[-1])
    assert "\r" not in out and "\x1b" not in out


def test_quiet_and_verbose_builds(make_project):
    project = make_project(MINIMAL)
    code, out, err = run_build(project, "-q")
    assert (code, out, err) == (0, "", "")
    code, out, _ = run_build(project, "-v")  # --no-cards: the summary does not mention cards
    assert code == 0 and re.search(r"^Read \d+ content files \(\d+\.\d\d s\)$", out, re.MULTILINE)
    assert "card" not in out.splitlines()[-1]
